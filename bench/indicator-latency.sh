#!/usr/bin/env bash
# Write-to-figure latency of the indicators (issue #5 point 5; docs/performance.md "Indicator freshness after a write"):
# builds Release, starts the gateway on a fresh SQLite database with its default indicator settings (change events
# gathered for Indicators:ChangeBatchWindow, 100 ms), registers an LA client, takes a token from the token endpoint and
# runs bench/indicator-latency.py: each round writes a child and an issued plan, then polls the LA's summary until it
# counts the plan. The same run measures the baseline, one report's round trip on an unchanged record.
#
#   bench/indicator-latency.sh [--rounds 30] [--out DIR]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rounds=30 out="" la=926
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "indicator-latency.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

stamp=$(date -u +%Y%m%d-%H%M%S)
out=${out:-bench/results/indicator-latency-$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
script=indicator-latency
# shellcheck source=lib/la-gateway.sh
source "$root/bench/lib/la-gateway.sh"

summary="$out/summary.md"
{
  echo "# Indicator write-to-figure latency $stamp: $rounds rounds, SQLite"
  echo
  echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) (working tree may differ)."
  echo
  python3 bench/indicator-latency.py --url "$gw_root/fhir" --token "$tok" --la "$la" --rounds "$rounds"
  echo
  echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
} >"$summary"
cat "$summary" >&2
echo "indicator-latency.sh: results in $out" >&2
