#!/usr/bin/env bash
# Benchmark runner (docs/performance.md): builds Release, starts the gateway on a fresh SQLite file and the bare
# baseline app, runs the load driver's scenarios against them and stops both.
#
#   bench/run.sh                      smoke run: every scenario, short (about 2 minutes)
#   bench/run.sh --full               published sweep: CRUD 10/50/100/300 workers x 5 min, import of 1,000
#                                     generated patient bundles, single verbs 10/50/100 workers x 60 s
#   bench/run.sh --medium             the same sweep, shorter: CRUD 10/50/100/300 x 30 s, import of 200 bundles,
#                                     single verbs 16/64 workers x 15 s over 100,000 stored Patients (~12 minutes)
#   bench/run.sh --scenarios crud,import     only these (crud, import, read, search, create, create-send)
#   bench/run.sh --url http://127.0.0.1:8080/fhir   use a gateway that is already running (not started here)
#   bench/run.sh --bundles DIR        import these transaction Bundles (e.g. Synthea output) instead of generating
#   bench/run.sh --out DIR            where the JSON and summary.md go (default bench/results/<utc time>)
#   bench/run.sh ... -- ARGS          extra arguments for every driver call (e.g. -- --timeout 120)
#
# The gateway gets ConnectionStrings__Fhir="Data Source=<temp>/fhir.db" and DemoData__Enabled=false; any other
# setting can be passed through the environment (e.g. Validation__Enabled=false bench/run.sh).
# Everything listens on 127.0.0.1 only. The driver shares the machine's cores with the gateway.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

full=0 medium=0 scenarios="crud,import,read,search,create,create-send" gateway_url="" bundles="" out="" extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --full) full=1 ;;
    --medium) medium=1 ;;
    --scenarios) scenarios=$2; shift ;;
    --url) gateway_url=${2%/}; shift ;;
    --bundles) bundles=$2; shift ;;
    --out) out=$2; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

stamp=$(date -u +%Y%m%d-%H%M%S)
out=${out:-bench/results/$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sendinterop-bench.XXXXXX")
pids=()

stop_group() { # stop_group PID: TERM the process group we started with setsid, KILL it after 10 s
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do stop_group "$pid"; done
  cp "$tmp"/*.log "$out"/ 2>/dev/null || true
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  echo "run.sh: no free port" >&2; return 1
}

projects=(bench/baseline bench/SendInterop.Bench)
[ -z "$gateway_url" ] && projects+=(src/SendInterop.Gateway)
echo "run.sh: building Release (${projects[*]})" >&2
for p in "${projects[@]}"; do
  dotnet build "$p" -c Release -v quiet -nologo >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
done

driver() { dotnet run --project bench/SendInterop.Bench -c Release --no-build -- "$@"; }

# ---- baseline app (bare-endpoint ceiling) ----
bl_port=$(free_port)
baseline_url="http://127.0.0.1:$bl_port/fhir"
ASPNETCORE_ENVIRONMENT=Production setsid dotnet run --project bench/baseline -c Release --no-build --no-launch-profile \
  -- --urls "http://127.0.0.1:$bl_port" >"$tmp/baseline.log" 2>&1 &
pids+=($!)

# ---- gateway on a fresh SQLite file ----
if [ -z "$gateway_url" ]; then
  gw_port=$(free_port)
  while [ "$gw_port" = "$bl_port" ]; do gw_port=$(free_port); done
  gateway_url="http://127.0.0.1:$gw_port/fhir"
  ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Production} \
  Storage__Provider=Sqlite ConnectionStrings__Fhir="Data Source=$tmp/fhir.db" \
  DemoData__Enabled=false Fhir__Validation__AllowTestNhsNumbers=true \
  Logging__LogLevel__Default=${Logging__LogLevel__Default:-Warning} \
    setsid dotnet run --project src/SendInterop.Gateway -c Release --no-build --no-launch-profile \
      -- --urls "http://127.0.0.1:$gw_port" >"$tmp/gateway.log" 2>&1 &
  pids+=($!)
  gw_root="http://127.0.0.1:$gw_port"
else
  gw_root=$(echo "$gateway_url" | sed -E 's#^(https?://[^/]+).*#\1#')
fi

if ! driver wait --url "$gw_root/health/ready" --timeout 180; then
  echo "run.sh: gateway not ready; last lines of its log:" >&2
  tail -n 40 "$tmp/gateway.log" >&2 2>/dev/null || true
  exit 1
fi
driver wait --url "http://127.0.0.1:$bl_port/health/ready" --timeout 60 || { tail -n 20 "$tmp/baseline.log" >&2; exit 1; }

if [ "$full" -eq 1 ]; then
  crud_args=(--workers 10,50,100,300 --duration 300 --warmup 45 --warmup-workers 100)
  import_args=(--workers 20 --generate 1000 --entries 300)
  verb_args=(--workers 10,50,100 --duration 60 --warmup 10 --preload 10000)
elif [ "$medium" -eq 1 ]; then
  crud_args=(--workers 10,50,100,300 --duration 30 --warmup 20 --warmup-workers 100)
  import_args=(--workers 20 --generate 200 --entries 300)
  verb_args=(--workers 16,64 --duration 15 --warmup 5 --preload 100000 --preload-batch 1000)
else
  crud_args=(--workers 10 --duration 10 --warmup 5)
  import_args=(--workers 20 --generate 20 --entries 300)
  verb_args=(--workers 16 --duration 5 --warmup 2 --preload 500)
fi
[ -n "$bundles" ] && import_args=(--workers 20 --bundles "$bundles")

summary="$out/summary.md"
{
  echo "# SendInterop benchmark $stamp ($([ "$full" -eq 1 ] && echo full || { [ "$medium" -eq 1 ] && echo medium; } || echo smoke))"
  echo
  echo "Gateway $gateway_url (SQLite, fresh file unless --url), baseline $baseline_url; $(nproc) cores shared by server and driver; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
  echo
} >"$summary"

status=0
IFS=, read -r -a list <<<"$scenarios"
for s in "${list[@]}"; do
  case $s in
    crud) args=("${crud_args[@]}") ;;
    import) args=("${import_args[@]}") ;;
    read|search|create|create-send) args=("${verb_args[@]}" --baseline-url "$baseline_url") ;;
    *) echo "run.sh: unknown scenario $s" >&2; status=2; continue ;;
  esac
  echo "run.sh: scenario $s" >&2
  if driver "$s" --url "$gateway_url" "${args[@]}" --out "$out/$s.json" "${extra[@]}" | tee -a "$summary"; then :; else
    echo "run.sh: scenario $s failed" >&2; status=1
  fi
  echo >>"$summary"
done

echo "run.sh: results in $out (summary.md, <scenario>.json, logs)" >&2
exit "$status"
