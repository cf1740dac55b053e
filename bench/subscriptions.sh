#!/usr/bin/env bash
# What an active rest-hook subscription costs writes, and how long its notifications take (docs/performance.md,
# "Subscriptions"): builds Release, starts the gateway on a fresh SQLite database with rest-hooks allowed to this
# machine, registers an LA client, takes a token from the token endpoint and runs bench/subscriptions.py: rounds
# alternate between writing Observations with no subscription (the baseline) and with one whose criteria match every
# write (each version read, matched, decided by the consent gate, audited and PUT to a receiver on 127.0.0.1).
# Profile validation is off (Validation__Enabled=false): the dispatcher's cost is what is measured.
#
#   bench/subscriptions.sh [--writes 400] [--rounds 3] [--threads 8] [--out DIR]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rounds=3 writes=400 threads=8 out="" la=926
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --writes) writes=$2; shift ;;
    --threads) threads=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "subscriptions.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

stamp=$(date -u +%Y%m%d-%H%M%S)
out=${out:-bench/results/subscriptions-$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
script=subscriptions
gateway_env=(Validation__Enabled=false Subscriptions__AllowHttpLoopback=true "Subscriptions__AllowedEndpoints__la-${la}__0=http://127.0.0.1:")
# shellcheck source=lib/la-gateway.sh
source "$root/bench/lib/la-gateway.sh"

summary="$out/summary.md"
{
  echo "# Writes with and without an active rest-hook subscription $stamp: $writes writes a round, $threads threads, $rounds rounds each, SQLite"
  echo
  echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) (working tree may differ)."
  echo
  python3 bench/subscriptions.py --url "$gw_root/fhir" --token "$tok" --writes "$writes" --rounds "$rounds" --threads "$threads"
  echo
  echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
} >"$summary"
cat "$summary" >&2
echo "subscriptions.sh: results in $out" >&2
