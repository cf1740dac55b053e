#!/usr/bin/env python3
"""Bulk $export against paging through the same resources with searches.

Driven by bench/export.sh, which starts the gateway and passes a token. Writes --children children with the record of
bench/everything.py (19 resources each, in one transaction; plus the statutory Tasks the gateway adds, not exported).
Then, for --rounds rounds, alternating which goes first:
  - system: GET $export?_type=<the record's types> with Prefer: respond-async, the status polled every 50 ms (a real
    client waits Retry-After; polling fast measures the export, not the wait), every file downloaded;
  - patient: the same with Patient/$export (every child's compartment, walked 200 children at a time);
  - baseline: for each type, a search with _count=1000 followed through its next links: what a client without bulk
    export sends for the same resources.
Both go through the consent gate and the audit (the LA owns everything here, so every resource is permitted). Checks
that both return the same resources, then prints one Markdown row per measure and the ratio of throughputs.
Standard library only.
"""
import json
import os
import statistics
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from everything import arguments, put_la, record  # noqa: E402
from fhir_client import call  # noqa: E402

TYPES = ["Patient", "CarePlan", "Goal", "Condition", "ServiceRequest", "EpisodeOfCare", "Observation"]


def get(url, token, prefer=None):
    req = urllib.request.Request(url)
    req.add_header("Authorization", "Bearer " + token)
    if prefer:
        req.add_header("Prefer", prefer)
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.status, dict(r.headers), r.read()


def export(base, token, level=""):
    status, headers, _ = get(f"{base}/{level}$export?_type={','.join(TYPES)}", token, prefer="respond-async")
    assert status == 202, status
    location = headers["Content-Location"]
    while True:
        status, _, body = get(location, token)
        if status == 200:
            break
        time.sleep(0.05)
    found = []
    for output in json.loads(body)["output"]:
        _, _, ndjson = get(output["url"], token)
        found += [f"{r['resourceType']}/{r['id']}" for r in map(json.loads, ndjson.splitlines())]
    return sorted(found)


def baseline(base, token):
    found = []
    for resource_type in TYPES:
        page = call(base, token, "GET", f"{resource_type}?_count=1000")
        while True:
            found += [f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in page.get("entry", [])]
            link = next((l["url"] for l in page.get("link", []) if l["relation"] == "next"), None)
            if link is None:
                break
            page = call(base, token, "GET", link[len(base) + 1:])
    return sorted(found)


def main():
    a = arguments(500)
    put_la(a)
    for n in range(a.children):
        call(a.url, a.token, "POST", "", record(n, a.la))

    runs = {
        "baseline": lambda: baseline(a.url, a.token),
        "system": lambda: export(a.url, a.token),
        "patient": lambda: export(a.url, a.token, "Patient/"),
    }
    e, b, pl = runs["system"](), runs["baseline"](), runs["patient"]()
    if e != b or pl != b:
        raise SystemExit(f"export.py: the exports gave {len(e)} and {len(pl)} resources, the searches {len(b)}")
    timings = {name: [] for name in runs}
    for r in range(a.rounds):
        names = list(runs)
        for name in names[r % 3:] + names[:r % 3]:  # each goes first in turn
            t = time.monotonic()
            runs[name]()
            timings[name].append(time.monotonic() - t)

    n = len(e)
    print(f"{a.children} children, {n} resources of {len(TYPES)} types; both checked to return the same resources.")
    print()
    print("| measure | rounds | median s | min s | max s | resources/s (median) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, label in (("baseline", "baseline: searches, _count=1000, every page"), ("system", "$export: kick-off to last file downloaded"),
                        ("patient", "Patient/$export: the same")):
        v = timings[name]
        print(f"| {label} | {len(v)} | {statistics.median(v):.2f} | {min(v):.2f} | {max(v):.2f} | {n / statistics.median(v):,.0f} |")
    print()
    for name, label in (("system", "$export"), ("patient", "Patient/$export")):
        print(f"Ratio of throughputs ({label} / searches): {statistics.median(timings['baseline']) / statistics.median(timings[name]):.2f}")


if __name__ == "__main__":
    main()
