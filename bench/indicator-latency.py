#!/usr/bin/env python3
"""Write-to-figure latency of the indicators (issue #5 point 5: "update within seconds of the write").

Driven by bench/indicator-latency.sh, which starts the gateway and passes a token. For each round it writes a new child
and an issued EHC plan (two POSTs), then asks Measure/ehc-plans-in-place/$evaluate-measure for the LA until the count
includes the plan. Latency = from the plan write's answer to the first report that counts it. The same run measures a
baseline: the round trip of one report on an unchanged record (what a poll costs, so the floor of what can be observed).

Prints one Markdown table row per statistic; standard library only.
"""
import argparse
import os
import sys
import statistics
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from fhir_client import call  # noqa: E402

LA_CODE_SYSTEM = "https://fhir.sendinterop.org.uk/Id/la-code"
PLAN_CATEGORY = "https://fhir.sendinterop.org.uk/CodeSystem/ehc-plan-category"


def count(base, token, la):
    report = call(base, token, "GET", f"Measure/ehc-plans-in-place/$evaluate-measure?sen2Year=2025&subject={la}")
    return report["group"][0]["population"][0].get("count")


def add_child_with_plan(base, token, la, n):
    patient = call(base, token, "POST", "Patient", {
        "resourceType": "Patient", "gender": "female", "birthDate": f"20{10 + n % 10}-0{1 + n % 9}-1{n % 10}"})
    plan = {
        "resourceType": "CarePlan", "status": "active", "intent": "plan",
        "category": [{"coding": [{"system": PLAN_CATEGORY, "code": "ehc-plan"}]}],
        "subject": {"reference": "Patient/" + patient["id"]},
        "period": {"start": f"2024-0{1 + n % 9}-1{n % 10}"},
        "author": {"reference": "Organization/la-" + la},
    }
    call(base, token, "POST", "CarePlan", plan)


def wait_for(base, token, la, expected, limit=120.0):
    start = time.monotonic()
    while time.monotonic() - start < limit:
        counted = count(base, token, la)
        if counted is not None and counted >= expected:
            return time.monotonic()
        time.sleep(0.005)
    raise SystemExit(f"indicator-latency: the count did not reach {expected} within {limit} s")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True, help="the FHIR base, e.g. http://127.0.0.1:5080/fhir")
    p.add_argument("--token", required=True)
    p.add_argument("--la", default="926")
    p.add_argument("--rounds", type=int, default=30)
    a = p.parse_args()
    if a.rounds < 2:
        p.error("--rounds must be at least 2 (percentiles need two samples)")

    call(a.url, a.token, "PUT", f"Organization/la-{a.la}", {
        "resourceType": "Organization", "id": f"la-{a.la}", "name": f"LA {a.la}",
        "identifier": [{"system": LA_CODE_SYSTEM, "value": a.la}]})
    # Six plans first: smaller counts are suppressed in a summary and could not be seen to change.
    for n in range(6):
        add_child_with_plan(a.url, a.token, a.la, n)
    wait_for(a.url, a.token, a.la, 6)

    baseline, latency = [], []
    for i in range(a.rounds):
        for _ in range(5):
            t = time.monotonic()
            count(a.url, a.token, a.la)
            baseline.append(time.monotonic() - t)
        add_child_with_plan(a.url, a.token, a.la, 6 + i)
        written = time.monotonic()
        latency.append(wait_for(a.url, a.token, a.la, 7 + i) - written)

    def row(name, values):
        q = statistics.quantiles(values, n=10)
        print(f"| {name} | {len(values)} | {statistics.median(values) * 1000:.0f} | {q[8] * 1000:.0f} | {max(values) * 1000:.0f} |")

    print("| measure | samples | median ms | p90 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    row("baseline: one report, record unchanged", baseline)
    row("plan written → first report that counts it", latency)
    print()
    print(f"Ratio of medians (latency / baseline): {statistics.median(latency) / statistics.median(baseline):.1f}")


if __name__ == "__main__":
    main()
