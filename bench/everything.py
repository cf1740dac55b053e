#!/usr/bin/env python3
"""Patient/{id}/$everything against the requests a client makes without it.

Driven by bench/everything.sh, which starts the gateway and passes a token. Writes --children children, each with a
record in one transaction (Patient, EHC plan, 4 outcomes, 3 needs, an assessment request, an episode of care, 8
observations: 19 resources; the statutory Tasks the gateway adds are searched too). Then, for --rounds rounds, child by child and alternating which goes first:
  - everything: GET Patient/{id}/$everything?_count=100 (one page here);
  - baseline: GET Patient/{id} and one search per type of the record (subject= or patient=, _count=100), what a
    client without $everything sends for the same resources.
Both go through the consent gate and the audit. Checks that both return the same resources, then prints one Markdown
table row per measure and the ratio of medians. Standard library only.
"""
import argparse
import os
import sys
import statistics
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from fhir_client import call  # noqa: E402

# type -> search parameter that names the child
SEARCHES = [("CarePlan", "subject"), ("Goal", "subject"), ("Condition", "subject"), ("ServiceRequest", "subject"),
            ("EpisodeOfCare", "patient"), ("Observation", "subject"), ("Task", "subject")]


def record(n, la):
    """A transaction Bundle: one child and the resources about it."""
    child = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
    subject = {"reference": child}

    def entry(resource, url=None):
        return {"fullUrl": url or f"urn:uuid:{len(entries):08d}-0000-4000-8000-{n:012d}", "resource": resource,
                "request": {"method": "POST", "url": resource["resourceType"]}}

    entries = []
    entries.append(entry({"resourceType": "Patient", "gender": "male" if n % 2 else "female",
                          "birthDate": f"20{10 + n % 10}-0{1 + n % 9}-1{n % 10}"}, child))
    entries.append(entry({"resourceType": "CarePlan", "status": "active", "intent": "plan", "subject": subject,
                          "period": {"start": "2024-03-01"}, "author": {"reference": f"Organization/la-{la}"}}))
    for g in range(4):
        entries.append(entry({"resourceType": "Goal", "lifecycleStatus": "active", "subject": subject,
                              "description": {"text": f"Outcome {g}: communicates needs with support"}}))
    for c in range(3):
        entries.append(entry({"resourceType": "Condition", "subject": subject,
                              "code": {"text": ["Speech, language and communication", "Autism", "Moderate learning difficulty"][c]}}))
    entries.append(entry({"resourceType": "ServiceRequest", "status": "completed", "intent": "order", "subject": subject,
                          "authoredOn": "2023-11-06"}))
    entries.append(entry({"resourceType": "EpisodeOfCare", "status": "finished", "patient": subject,
                          "period": {"start": "2023-01-10", "end": "2023-04-02"}}))
    for o in range(8):
        entries.append(entry({"resourceType": "Observation", "status": "final", "subject": subject,
                              "code": {"text": "progress review"}, "effectiveDateTime": f"2024-0{1 + o}-15",
                              "valueString": "on track"}))
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def ids(bundle):
    return sorted(f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle.get("entry", [])
                  if e.get("search", {}).get("mode", "match") == "match")


def everything(base, token, child):
    page = call(base, token, "GET", f"Patient/{child}/$everything?_count=100")
    found = ids(page)
    while next((l for l in page.get("link", []) if l["relation"] == "next"), None) is not None:
        url = next(l for l in page["link"] if l["relation"] == "next")["url"]
        page = call(base, token, "GET", url[len(base) + 1:])
        found += ids(page)
    return sorted(found)


def baseline(base, token, child):
    found = [f"Patient/{call(base, token, 'GET', f'Patient/{child}')['id']}"]
    for resource_type, param in SEARCHES:
        found += ids(call(base, token, "GET", f"{resource_type}?{param}=Patient/{child}&_count=100"))
    return sorted(found)


def arguments(children):
    """The arguments bench/lib/la-driver.sh passes (shared with bench/export.py)."""
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True, help="the FHIR base, e.g. http://127.0.0.1:5080/fhir")
    p.add_argument("--token", required=True)
    p.add_argument("--la", default="926")
    p.add_argument("--children", type=int, default=children)
    p.add_argument("--rounds", type=int, default=5)
    return p.parse_args()


def put_la(a):
    """The LA's own Organization, which the records' plans name as author."""
    call(a.url, a.token, "PUT", f"Organization/la-{a.la}", {"resourceType": "Organization", "id": f"la-{a.la}", "name": f"LA {a.la}"})


def main():
    a = arguments(40)
    put_la(a)
    children = []
    for n in range(a.children):
        answer = call(a.url, a.token, "POST", "", record(n, a.la))
        location = answer["entry"][0]["response"]["location"]  # [base/]Patient/{id}/_history/1
        children.append(location[location.index("Patient/") + len("Patient/"):].split("/")[0])

    timings = {"everything": [], "baseline": []}
    for i, child in enumerate(children):
        e, b = everything(a.url, a.token, child), baseline(a.url, a.token, child)
        if e != b:
            raise SystemExit(f"everything.py: child {child}: $everything gave {len(e)} resources, the searches {len(b)}")
    for r in range(a.rounds):
        for i, child in enumerate(children):
            order = ["everything", "baseline"] if (i + r) % 2 == 0 else ["baseline", "everything"]
            for name in order:
                t = time.monotonic()
                (everything if name == "everything" else baseline)(a.url, a.token, child)
                timings[name].append(time.monotonic() - t)

    def row(name, values):
        q = statistics.quantiles(values, n=10)
        print(f"| {name} | {len(values)} | {statistics.median(values) * 1000:.1f} | {q[8] * 1000:.1f} | {max(values) * 1000:.1f} |")

    print(f"Each child: 19 resources; baseline = 1 read + {len(SEARCHES)} searches; both checked to return the same resources.")
    print()
    print("| measure | samples | median ms | p90 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    row("baseline: read + per-type searches", timings["baseline"])
    row("Patient/{id}/$everything", timings["everything"])
    print()
    print(f"Ratio of medians ($everything / baseline): {statistics.median(timings['everything']) / statistics.median(timings['baseline']):.2f}")


if __name__ == "__main__":
    main()
