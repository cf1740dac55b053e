#!/usr/bin/env bash
# SEN2 import rate (docs/performance.md, "SEN2 import rate"; issue 5 point 8): builds Release, starts the gateway on a fresh
# database, generates a deterministic SEN2 return of N person records, posts it to POST /fhir/$sen2-import as an LA
# (a registered system client, token from the token endpoint as in bench/run.sh) and reports records/s for a first
# import (every record new: validation, conditional creates, master child index links, statutory Tasks, indicator
# projections, audit) and a re-import of the same file (every record unchanged: the look-ups and comparisons only).
#
#   bench/sen2-import.sh                      1,000 records, SQLite
#   bench/sen2-import.sh --records 10000      10,000 records
#   bench/sen2-import.sh --postgres           PostgreSQL (a throwaway cluster from scripts/postgres.sh, removed after)
#   bench/sen2-import.sh --trace [SECONDS]    also a CPU profile of the first SECONDS (default 15) of the first import
#                                             (dotnet-trace pinned in dotnet-tools.json, or $DOTNET_TRACE; sampled
#                                             thread time; speedscope JSON and its top frames
#                                             in the output directory)
#   bench/sen2-import.sh --out DIR            where summary.md, the JSON results, logs and traces go
#                                             (default bench/results/sen2-<utc time>)
#   bench/sen2-import.sh --seed S             another deterministic file (another set of children)
#   bench/sen2-import.sh --warm-up N          first import N records of other children (seed S+50), not measured, so the
#                                             measured imports run on a warmed process (JIT tiering done) beside stored data
#   bench/sen2-import.sh --keep-db            copy the SQLite database to the output directory (what the import wrote)
#   bench/sen2-import.sh --gateway-build DIR  run this gateway build output (a directory holding SendInterop.Gateway)
#                                             instead of building the checkout's: for before/after runs on one machine
#
# Any gateway setting can be passed through the environment (e.g. Sen2__ImportParallelism=8 bench/sen2-import.sh).
# Everything listens on 127.0.0.1. The driver is idle while the gateway works (one request), so the gateway has the cores.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

records=1000 postgres=0 trace=0 trace_seconds=15 out="" seed=1 la=926 gateway_build="" keep_db=0 warm_up=0
while [ $# -gt 0 ]; do
  case $1 in
    --records) records=$2; shift ;;
    --postgres) postgres=1 ;;
    --trace) trace=1; if [[ ${2:-} =~ ^[0-9]+$ ]]; then trace_seconds=$2; shift; fi ;;
    --out) out=$2; shift ;;
    --seed) seed=$2; shift ;;
    --warm-up) warm_up=$2; shift ;;
    --keep-db) keep_db=1 ;;
    --gateway-build) gateway_build=$(cd "$2" && pwd); shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "sen2-import.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

stamp=$(date -u +%Y%m%d-%H%M%S)
out=${out:-bench/results/sen2-$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sendinterop-sen2.XXXXXX")
chmod 755 "$tmp"
gw_pid="" pg_state=""
# shellcheck source=lib/process-group.sh
source "$root/bench/lib/process-group.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_group "$gw_pid"
  [ -n "$pg_state" ] && bash scripts/postgres.sh down "$pg_state" >/dev/null 2>&1 || true
  cp "$tmp"/*.log "$out"/ 2>/dev/null || true
  [ "$keep_db" = 1 ] && cp "$tmp"/fhir.db* "$out"/ 2>/dev/null || true
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "sen2-import.sh: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

# shellcheck source=lib/ports.sh
source "$root/bench/lib/ports.sh"
if [ "$trace" -eq 1 ]; then
  # shellcheck source=lib/tracer.sh
  source "$root/bench/lib/tracer.sh"
  tracer_init || exit 1
fi

echo "sen2-import.sh: building Release" >&2
projects=(bench/SendInterop.Sen2.Bench tools/SendInterop.Cli)
[ -z "$gateway_build" ] && projects+=(src/SendInterop.Gateway)
for p in "${projects[@]}"; do
  dotnet build "$p" -c Release -v quiet -nologo >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
done
# The gateway runs from its own copy, so a rebuild in the checkout during the run cannot change what is measured.
mkdir -p "$tmp/gateway-build"
cp -a "${gateway_build:-src/SendInterop.Gateway/bin/Release/net10.0}/." "$tmp/gateway-build/"

driver() { dotnet bench/SendInterop.Sen2.Bench/bin/Release/net10.0/SendInterop.Sen2.Bench.dll "$@"; }
cli() { dotnet run --project tools/SendInterop.Cli -c Release --no-build -- "$@"; }

file="$tmp/sen2-$records.xml"
driver generate --records "$records" --la "$la" --seed "$seed" --out "$file"
[ "$warm_up" -gt 0 ] && driver generate --records "$warm_up" --la "$la" --seed $((seed + 50)) --out "$tmp/sen2-warm-up.xml"

auth="$tmp/auth"
mkdir -p "$auth"
cli register --client-id bench-la-$la --org la-$la --agency education --scopes "system/*.cruds" \
  --purposes "direct-care ehc-assessment ehc-review" --registry "$auth/clients.json" --key-out "$auth/bench-la-$la.jwk" >/dev/null

if [ "$postgres" -eq 1 ]; then
  pg_state="$tmp/pg"
  conn=$(bash scripts/postgres.sh up "$pg_state")
  storage=(Storage__Provider=Postgres ConnectionStrings__Fhir="$conn") # the audit log lives in the same database
  provider=PostgreSQL
else
  storage=(Storage__Provider=Sqlite ConnectionStrings__Fhir="Data Source=$tmp/fhir.db")
  provider=SQLite
fi

port=$(free_port)
gw_root="http://127.0.0.1:$port"
(cd "$tmp/gateway-build" && exec env ASPNETCORE_ENVIRONMENT=Production "${storage[@]}" DemoData__Enabled=false \
  Logging__LogLevel__Default="${Logging__LogLevel__Default:-Warning}" \
  Auth__SigningKeyFile="$auth/signing-keys.json" Auth__ClientRegistryFile="$auth/clients.json" Auth__AccessTokenLifetime=00:15:00 \
  Auth__Issuer="$gw_root" Access__Organisations__0__Id=la-$la Access__Organisations__0__Agency=education \
  setsid ./SendInterop.Gateway --urls "$gw_root") >"$tmp/gateway.log" 2>&1 &
gw_pid=$!
driver wait --url "$gw_root/health/ready" --timeout 240 || { tail -n 40 "$tmp/gateway.log" >&2; exit 1; }
# setsid execs the gateway in place, so the job's PID is the gateway's (for its CPU time and for dotnet-trace).
server_pid=$gw_pid

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
token() { cli token --client-id bench-la-$la --key "$auth/bench-la-$la.jwk" --url "$gw_root"; } # a fresh access token
import() { # import LABEL: one POST of the file with a fresh token; adds the gateway's CPU time during it to the row
  local tok before row
  tok=$(token)
  before=$(cpu_ticks)
  row=$(SENDINTEROP_BENCH_TOKEN="$tok" driver import --url "$gw_root/fhir" --file "$file" --label "$1" --out "$out/$2.json")
  # CPU seconds over wall seconds: near 2 (both cores) means the import is compute-bound, far below means it waits.
  awk -v row="$row" -v ticks="$(( $(cpu_ticks) - before ))" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(row, f, "|"); wall = f[4] + 0; cpu = ticks / hz
    printf "%s %.1f | %.2f |\n", row, cpu, (wall > 0 ? cpu / wall : 0) }'
}

summary="$out/summary.md"
{
  echo "# SEN2 import $stamp: $records records, $provider"
  echo
  echo "$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; load average before: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) (working tree may differ)."
  echo "File: $(du -k "$file" | cut -f1) KiB, seed $seed, LA $la."
  [ "$warm_up" -gt 0 ] && echo "Warm-up: $warm_up records of other children (seed $((seed + 50))) imported first, not measured."
  echo
  echo "| run | records | seconds | records/s | imported | unchanged | rejected | resources written | gateway CPU s | CPU s / s |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$summary"

if [ "$warm_up" -gt 0 ]; then
  echo "sen2-import.sh: warm-up import of $warm_up records of other children" >&2
  SENDINTEROP_BENCH_TOKEN="$(token)" driver import --url "$gw_root/fhir" --file "$tmp/sen2-warm-up.xml" --label warm-up --out "$out/warm-up.json" >/dev/null
fi

trace_pid=""
if [ "$trace" -eq 1 ]; then
  # A fixed window: a background job ignores SIGINT in a non-interactive shell, so the trace cannot be stopped on cue.
  "${tracer[@]}" collect -p "$server_pid" --profile dotnet-sampled-thread-time --duration "$(printf '%02d:%02d:%02d' $((trace_seconds / 3600)) $((trace_seconds % 3600 / 60)) $((trace_seconds % 60)))" \
    -o "$out/first-import.nettrace" </dev/null >"$tmp/trace.log" 2>&1 &
  trace_pid=$!
  sleep 2
fi
echo "sen2-import.sh: first import of $records records ($provider)" >&2
import first-import first-import | tee -a "$summary"
if [ -n "$trace_pid" ]; then
  wait "$trace_pid" 2>/dev/null || true
  "${tracer[@]}" convert "$out/first-import.nettrace" --format Speedscope -o "$out/first-import" >>"$tmp/trace.log" 2>&1 || true
fi
echo "sen2-import.sh: re-import of the same file" >&2
import re-import re-import | tee -a "$summary"
echo >>"$summary"
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >>"$summary"
if [ "$trace" -eq 1 ] && ls "$out"/first-import*.speedscope.json >/dev/null 2>&1; then
  python3 bench/speedscope-top.py "$out"/first-import*.speedscope.json --cpu >"$out/first-import-top.txt" 2>/dev/null || true
  echo "Profile: $(ls "$out"/first-import*.speedscope.json), top frames in first-import-top.txt" >>"$summary"
fi
cat "$summary" >&2
echo "sen2-import.sh: results in $out" >&2
