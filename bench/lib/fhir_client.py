"""The one HTTP helper of the Python benchmark drivers (bench/everything.py, bench/indicator-latency.py): a FHIR JSON
call with a bearer token. An error status ends the run with the answer's first bytes. Standard library only."""
import json
import urllib.error
import urllib.request


def call(base, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + "/" + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    req.add_header("Accept", "application/fhir+json")
    if data is not None:
        req.add_header("Content-Type", "application/fhir+json")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{method} {path} gave {e.code}: {e.read()[:600]!r}")
