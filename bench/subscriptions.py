"""Driver of bench/subscriptions.sh: write throughput with no subscription against one active subscription matching
every write, alternating rounds, plus each notification's lag (its arrival at a receiver on 127.0.0.1 after the
write's response). Standard library only."""
import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from fhir_client import call  # noqa: E402

arrivals = {}
lock = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            arrivals.setdefault(self.path.rsplit("/", 1)[-1], time.monotonic())
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def observation(child, code):
    return {
        "resourceType": "Observation", "status": "final",
        "code": {"coding": [{"system": "https://example.org/bench", "code": code}]},
        "subject": {"reference": f"Patient/{child}"}, "effectiveDateTime": "2025-01-15", "valueString": "progress noted",
    }


def write_round(args, child, code):
    done = {}

    def one(_):
        created = call(args.url, args.token, "POST", "Observation", observation(child, code))
        done[created["id"]] = time.monotonic()

    started = time.monotonic()
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(one, range(args.writes)))
    return args.writes / (time.monotonic() - started), done


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--writes", type=int, default=400)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=8)
    args = p.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_address[1]}/fhir"
    child = call(args.url, args.token, "POST", "Patient", {
        "resourceType": "Patient", "name": [{"family": "Bench", "given": ["Child"]}], "birthDate": "2014-05-01"})["id"]
    write_round(args, child, "warm-up")

    baseline, subscribed, lags = [], [], []
    for r in range(args.rounds):
        rate, _ = write_round(args, child, f"none-{r}")
        baseline.append(rate)

        code = f"sub-{r}-{uuid.uuid4().hex[:8]}"
        sub = call(args.url, args.token, "POST", "Subscription", {
            "resourceType": "Subscription", "status": "requested", "reason": "bench", "criteria": f"Observation?code={code}",
            "channel": {"type": "rest-hook", "endpoint": hook, "payload": "application/fhir+json"}})
        rate, done = write_round(args, child, code)
        subscribed.append(rate)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with lock:
                if all(i in arrivals for i in done):
                    break
            time.sleep(0.05)
        with lock:
            missing = [i for i in done if i not in arrivals]
            lags.extend((arrivals[i] - t) * 1000 for i, t in done.items() if i in arrivals)
        if missing:
            raise SystemExit(f"round {r}: {len(missing)} notifications never arrived")
        sub["status"] = "off"
        call(args.url, args.token, "PUT", f"Subscription/{sub['id']}", sub)

    b, s = statistics.median(baseline), statistics.median(subscribed)
    q = statistics.quantiles(lags, n=100)
    print("| | writes/s (median of rounds) | rounds |")
    print("|---|---:|---|")
    print(f"| no subscription (baseline) | {b:,.0f} | {', '.join(f'{x:,.0f}' for x in baseline)} |")
    print(f"| one subscription matching every write | {s:,.0f} | {', '.join(f'{x:,.0f}' for x in subscribed)} |")
    print()
    print(f"Ratio (subscribed / baseline): **{s / b:.2f}**. Notification lag after the write's response, {len(lags):,} notifications: "
          f"p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, max {max(lags):.0f} ms.")


if __name__ == "__main__":
    main()
