#!/usr/bin/env bash
# Patient/{id}/$everything against the searches a client would make without it (docs/performance.md, "$everything"):
# builds Release, starts the gateway on a fresh SQLite database, registers an LA client, takes a token from the token
# endpoint and runs bench/everything.py: it writes children with a realistic record each (plan, outcomes, needs,
# request, episodes, observations), then times, child by child and alternating, $everything (all pages) and the
# baseline: a read of the Patient and one search per type for the same resources. Both run through the consent gate.
# Profile validation is off (Validation__Enabled=false): the records are minimal, and reads are what is measured.
#
#   bench/everything.sh [--children 40] [--rounds 5] [--out DIR]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rounds=5 children=40 out="" la=926
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --children) children=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "everything.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

stamp=$(date -u +%Y%m%d-%H%M%S)
out=${out:-bench/results/everything-$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
script=everything
gateway_env=(Validation__Enabled=false)
# shellcheck source=lib/la-gateway.sh
source "$root/bench/lib/la-gateway.sh"

summary="$out/summary.md"
{
  echo "# Patient/{id}/\$everything against per-type searches $stamp: $children children, $rounds rounds, SQLite"
  echo
  echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) (working tree may differ)."
  echo
  python3 bench/everything.py --url "$gw_root/fhir" --token "$tok" --la "$la" --children "$children" --rounds "$rounds"
  echo
  echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
} >"$summary"
cat "$summary" >&2
echo "everything.sh: results in $out" >&2
