#!/usr/bin/env bash
# Indicators at national scale (docs/performance.md "Indicators at national scale", issue #5 point 8): loads a
# synthetic England-size indicator projection into PostgreSQL with binary COPY and times every catalogue indicator
# through the storage layer's SqlIndicatorEvaluator for England, a large LA and a small LA: counting every row (cold,
# warm: the baseline), from the stored per-LA tallies (cold, warm), after a write to one LA, and reused in memory (a
# neighbouring LA after the subject counted its region).
#
#   bench/indicators.sh                        full scale (~640,000 plans in place), own throwaway PostgreSQL
#   bench/indicators.sh --scale 0.01           a smoke run (about 1 % of the rows; seconds)
#   bench/indicators.sh --connection "Host=...;Database=..."   an existing server (its ind_* tables are emptied!)
#   bench/indicators.sh --runs 5 --seed 20250116 --dfe DIR --keep
#
# Cold: with its own server the script restarts PostgreSQL (empty shared buffers) and, where it may (root), drops the
# OS page cache before each subject's cold pass. With --connection it can do neither: "cold" is then only a fresh
# process and connection, and the report says so.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scale=1 seed=20250116 runs=5 conn="" keep=0 dfe="$root/../shared/data/dfe-ehcp-2025"
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift ;;
    --seed) seed=$2; shift ;;
    --runs) runs=$2; shift ;;
    --connection) conn=$2; shift ;;
    --dfe) dfe=$2; shift ;;
    --keep) keep=1 ;;
    *) echo "indicators.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

dotnet build bench/SendInterop.Indicators.Bench -c Release -nologo -v q >/dev/null
bench() { dotnet bench/SendInterop.Indicators.Bench/bin/Release/net10.0/SendInterop.Indicators.Bench.dll "$@"; }

state=$(mktemp -d /tmp/sendinterop-indicators.XXXXXX)
chmod 755 "$state"
own=0
if [ -z "$conn" ]; then
  conn=$(scripts/postgres.sh up "$state/pg")
  own=1
fi
cleanup() {
  if [ "$own" = 1 ] && [ "$keep" = 0 ]; then scripts/postgres.sh down "$state/pg"; rm -rf "$state"; fi
  if [ "$keep" = 1 ]; then echo "kept: $state (connection $conn)" >&2; fi
}
trap cleanup EXIT

# Empties shared buffers (restart) and the OS page cache (root only) so the next pass reads the tables from disk.
cold_start() {
  [ "$own" = 1 ] || return 0
  runuser -u postgres -- "$(cat "$state/pg/pgbin")/pg_ctl" -D "$state/pg/pg/data" -m fast -w restart >/dev/null
  sync
  if [ -w /proc/sys/vm/drop_caches ] && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then echo dropped; else echo kept; fi
}

args=(--connection "$conn" --seed "$seed" --scale "$scale")
[ -d "$dfe" ] && args+=(--dfe "$dfe")
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(dotnet --version) SDK," \
  "$(psql --version 2>/dev/null || echo PostgreSQL); load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
bench --mode migrate "${args[@]}"
start=$(date +%s.%N)
bench --mode load "${args[@]}"
echo "load (COPY + VACUUM ANALYZE, process start included): $(echo "$(date +%s.%N) - $start" | bc) s"
read -r large small < <(bench --mode subjects "${args[@]}")
results="$state/timings.tsv"
# The first report after the load: every LA is stale, England's pass counts every row and stores each LA's tallies.
bench --mode build "${args[@]}" --results "$results"
# Counting the whole scope from the projection rows (stored tallies off): the same-run baseline.
for subject in England "$large" "$small"; do
  page_cache=$(cold_start)
  echo "count-cold $subject: PostgreSQL restarted: $([ "$own" = 1 ] && echo yes || echo no), OS page cache: ${page_cache:-kept}"
  bench --mode count-cold "${args[@]}" --subject "$subject" --results "$results"
done
for subject in England "$large" "$small"; do
  bench --mode count-warm "${args[@]}" --subject "$subject" --runs "$runs" --results "$results"
done
# From the stored tallies (the gateway's default).
for subject in England "$large" "$small"; do
  page_cache=$(cold_start)
  echo "cold $subject: PostgreSQL restarted: $([ "$own" = 1 ] && echo yes || echo no), OS page cache: ${page_cache:-kept}"
  bench --mode cold "${args[@]}" --subject "$subject" --results "$results"
done
for subject in England "$large" "$small"; do
  bench --mode warm "${args[@]}" --subject "$subject" --runs "$runs" --results "$results"
done
# After a write to one LA (England: the large LA; an LA: itself): that LA is counted again, the rest read as stored.
for subject in England "$large" "$small"; do
  leaf=$subject; [ "$subject" = England ] && leaf=$large
  bench --mode write "${args[@]}" --subject "$subject" --leaf "$leaf" --runs "$runs" --results "$results"
done
# The dashboard's side-by-side LAs: a neighbour of the subject's region after the subject counted it (counts reused in memory).
for subject in England "$large" "$small"; do
  bench --mode reuse "${args[@]}" --subject "$subject" --runs "$runs" --results "$results"
done
echo
bench --mode report --results "$results" --year 2025
