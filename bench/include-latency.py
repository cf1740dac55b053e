#!/usr/bin/env python3
"""Latency of _include/_revinclude searches against a running Development gateway (dev tokens), 30 rounds each.

Used to compare two builds on copies of one database (docs/performance.md, "_include driven by the reference index"):
  ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__Fhir="Data Source=COPY.db" DemoData__Enabled=false \
      ./SendInterop.Gateway --urls http://127.0.0.1:5777      (from each build's output directory)
  bench/include-latency.py http://127.0.0.1:5777
Standard library only.
"""
import json
import statistics
import sys
import time
import urllib.request

QUERIES = ["CarePlan?_include=CarePlan:subject&_count=50", "Patient?_revinclude=CarePlan:subject&_count=20", "CarePlan?_count=50"]


def main():
    base = sys.argv[1]
    token = json.load(urllib.request.urlopen(urllib.request.Request(base + "/auth/dev-token?organisation=la-926", method="POST")))["access_token"]

    def get(path):
        request = urllib.request.Request(base + "/fhir/" + path, headers={"Authorization": "Bearer " + token, "Accept": "application/fhir+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    for query in QUERIES:
        get(query)
        times = []
        for _ in range(30):
            started = time.monotonic()
            bundle = get(query)
            times.append(time.monotonic() - started)
        print(f"| `{query}` | {statistics.median(times) * 1000:.1f} | {len(bundle.get('entry', []))} |")


if __name__ == "__main__":
    print("| query | median ms | entries |")
    print("|---|---:|---:|")
    main()
