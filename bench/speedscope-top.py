#!/usr/bin/env python3
"""Top frames of a dotnet-trace speedscope file (bench/sen2-import.sh --trace).

Sums, over every thread, the time each frame is on the stack (inclusive, counted once per stack even when recursive) and
at its top (exclusive). Thread-time profiles include blocked threads, so waits show up as their blocking frames; read the
inclusive column of the gateway's own frames (SendInterop.*) for where an import's time goes.

  speedscope-top.py FILE.speedscope.json [--top 60] [--match SendInterop] [--cpu]

--cpu counts only samples whose top frame is CPU_TIME (the thread was running managed code), leaving out blocked and
idle threads.
"""
import json
import sys
from collections import defaultdict


def main():
    args = sys.argv[1:]
    top, match, cpu = 60, None, False
    if "--cpu" in args:
        args.remove("--cpu"); cpu = True
    if "--top" in args:
        i = args.index("--top"); top = int(args[i + 1]); del args[i:i + 2]
    if "--match" in args:
        i = args.index("--match"); match = args[i + 1]; del args[i:i + 2]
    data = json.load(open(args[0]))
    frames = [f["name"] for f in data["shared"]["frames"]]
    cpu_frame = frames.index("CPU_TIME") if "CPU_TIME" in frames else -1
    inclusive, exclusive = defaultdict(float), defaultdict(float)
    total = 0.0
    for profile in data["profiles"]:
        stack, last = [], None
        for event in profile.get("events", []):
            at = event["at"]
            if last is not None and stack and (not cpu or stack[-1] == cpu_frame):
                span = at - last
                total += span
                # With --cpu the top frame is CPU_TIME itself: the method running is the one below it.
                exclusive[stack[-2] if cpu and len(stack) > 1 else stack[-1]] += span
                for frame in set(stack):
                    inclusive[frame] += span
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
    print(f"total thread time {total / 1000:.1f} s (unit: {data['profiles'][0].get('unit')})")
    for title, table in (("inclusive", inclusive), ("exclusive", exclusive)):
        print(f"\n## {title}")
        rows = sorted(table.items(), key=lambda kv: -kv[1])
        shown = 0
        for frame, t in rows:
            name = frames[frame]
            if match and match not in name:
                continue
            print(f"{100 * t / total:6.2f}%  {name[:200]}")
            shown += 1
            if shown >= top:
                break


if __name__ == "__main__":
    main()
