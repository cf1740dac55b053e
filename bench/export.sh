#!/usr/bin/env bash
# Bulk $export against paging through the same resources with searches (docs/performance.md, "Bulk export"):
# builds Release, starts the gateway on a fresh SQLite database, registers an LA client, takes a token from the token
# endpoint and runs bench/export.py: it writes children with bench/everything.py's record each, then times, in
# alternating rounds, a system $export of the record's types (kick-off to the last file downloaded) and the baseline:
# a search per type with _count=1000 through every page. Both run through the consent gate and the audit.
# Profile validation is off (Validation__Enabled=false): the records are minimal, and reads are what is measured.
#
#   bench/export.sh [--children 500] [--rounds 5] [--out DIR]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rounds=5 children=500 out="" la=926
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --children) children=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "export.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

stamp=$(date -u +%Y%m%d-%H%M%S)
out=${out:-bench/results/export-$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
script=export
gateway_env=(Validation__Enabled=false)
# shellcheck source=lib/la-gateway.sh
source "$root/bench/lib/la-gateway.sh"

summary="$out/summary.md"
{
  echo "# Bulk \$export against per-type searches $stamp: $children children, $rounds rounds, SQLite"
  echo
  echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) (working tree may differ)."
  echo
  python3 bench/export.py --url "$gw_root/fhir" --token "$tok" --la "$la" --children "$children" --rounds "$rounds"
  echo
  echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
} >"$summary"
cat "$summary" >&2
echo "export.sh: results in $out" >&2
