#!/usr/bin/env bash
# Benchmark runner (docs/performance.md): builds Release, starts the gateway on a fresh SQLite file and the bare
# baseline app, runs the load driver's scenarios against them and stops both.
#
#   bench/run.sh                      smoke run: crud, import and the single verbs, short (about 2 minutes)
#   bench/run.sh --full               published sweep: CRUD 10/50/100/300 workers x 5 min, import of 1,000
#                                     generated patient bundles, single verbs 10/50/100 workers x 60 s
#   bench/run.sh --medium             the same sweep, shorter: CRUD 10/50/100/300 x 30 s, import of 200 bundles,
#                                     single verbs 16/64 workers x 15 s over 100,000 stored Patients (~12 minutes)
#   bench/run.sh --scenarios crud,import     only these (crud, import, read, search, create, create-send, gate)
#   bench/run.sh --scenarios gate     the consent gate's cost (docs/performance.md, "Consent gate cost"): also builds
#                                     the benchmark-only bypass build (-p:GateBypass=true) and alternates the two
#                                     builds on one seeded database; runs after the other scenarios. Sizes: smoke
#                                     200 children, 16 workers x 5 s, gate,bypass,gate; --medium 2,000 children,
#                                     16/64 workers x 15 s, five pairs gate,bypass,... (~15 minutes: one pair moved by
#                                     more than the target's margin from run to run, docs/performance.md, "Session 13");
#                                     --full 10,000 children, 16/64 x 60 s, two pairs
#   bench/run.sh --gate-order gate,bypass,gate    the order (and number) of the gate scenario's rounds
#   bench/run.sh --gate-build DIR     run the gate rounds' "gate" build from DIR (a `dotnet build -o DIR` of another
#                                     checkout of the gateway), so a change can be measured against the bypass build
#                                     of this checkout in the same run; seeding and the other scenarios use it too
#   bench/run.sh --trace-rounds 1,2 [--trace-delay 29]   a sampled thread-time profile (dotnet-trace pinned in
#                                     dotnet-tools.json, or $DOTNET_TRACE; 8 s, speedscope JSON in the results dir)
#                                     of these gate rounds' gateway, starting DELAY seconds
#                                     after the round's gateway is ready (--medium: about 14 lands in the 16-worker
#                                     read, 29 in the 64-worker read); read it with bench/speedscope-top.py --cpu
#   bench/run.sh --url http://127.0.0.1:8080/fhir   use a gateway that is already running (not started here); give
#                                     the driver a token in SENDINTEROP_BENCH_TOKEN (or a command printing one in
#                                     SENDINTEROP_BENCH_TOKEN_COMMAND); not for the gate scenario
#   bench/run.sh --bundles DIR        import these transaction Bundles (e.g. Synthea output) instead of generating
#   bench/run.sh --out DIR            where the JSON and summary.md go (default bench/results/<utc time>)
#   bench/run.sh ... -- ARGS          extra arguments for every driver call (e.g. -- --timeout 120)
#
# Authentication is the real one: run.sh builds the CLI (tools/SendInterop.Cli), registers two system clients in a
# registry file in its temp dir (bench-la-926: la-926, education; bench-ods-RY3: ods-RY3, health; both
# system/*.cruds), starts the gateway with Auth settings pointing at that file and a signing key file beside it, and
# gets a token with the CLI's `token` command (private_key_jwt assertion, POST /auth/token) before each driver call.
# Scenarios other than gate-seed run as bench-la-926, which owns what it creates.
# The gateway gets ConnectionStrings__Fhir="Data Source=<temp>/fhir.db", DemoData__Enabled=false, Auth__* as above
# and the Access settings of the gate scenario (organisations la-926/education and ods-RY3/health, a Tier 1 agreement
# between them and a Tier 2 agreement health → education, class health, both for direct-care); any other setting
# can be passed through the environment (e.g. Validation__Enabled=false bench/run.sh).
# Everything listens on 127.0.0.1 only. The driver shares the machine's cores with the gateway.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

full=0 medium=0 scenarios="crud,import,read,search,create,create-send" gateway_url="" bundles="" out="" extra=() gate_order="" gate_build="" trace_rounds="" trace_delay=29
while [ $# -gt 0 ]; do
  case $1 in
    --full) full=1 ;;
    --medium) medium=1 ;;
    --scenarios) scenarios=$2; shift ;;
    --gate-order) gate_order=$2; shift ;;
    --gate-build) gate_build=$(cd "$2" && pwd); shift ;;
    --trace-rounds) trace_rounds=$2; shift ;;
    --trace-delay) trace_delay=$2; shift ;;
    --url) gateway_url=${2%/}; shift ;;
    --bundles) bundles=$2; shift ;;
    --out) out=$2; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,43p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

IFS=, read -r -a list <<<"$scenarios"
run_gate=0 others=() need_baseline=0
for s in "${list[@]}"; do
  case $s in
    gate) run_gate=1 ;;
    read|search|create|create-send) others+=("$s"); need_baseline=1 ;;
    *) others+=("$s") ;;
  esac
done
if [ "$run_gate" -eq 1 ] && [ -n "$gateway_url" ]; then
  echo "run.sh: the gate scenario starts and restarts the gateway builds itself; it cannot use --url" >&2; exit 2
fi
if [ -z "$gate_order" ]; then
  if [ "$medium" -eq 1 ]; then gate_order="gate,bypass,gate,bypass,gate,bypass,gate,bypass,gate,bypass"
  elif [ "$full" -eq 1 ]; then gate_order="gate,bypass,gate,bypass"
  else gate_order="gate,bypass,gate"; fi
fi
IFS=, read -r -a gate_rounds <<<"$gate_order"
for b in "${gate_rounds[@]}"; do
  case $b in gate|bypass) ;; *) echo "run.sh: --gate-order takes gate and bypass, not '$b'" >&2; exit 2 ;; esac
done

stamp=$(date -u +%Y%m%d-%H%M%S)
out=${out:-bench/results/$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sendinterop-bench.XXXXXX")
pids=()

# shellcheck source=lib/process-group.sh
source "$root/bench/lib/process-group.sh"
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

# shellcheck source=lib/ports.sh
source "$root/bench/lib/ports.sh"
if [ -n "$trace_rounds" ]; then
  # shellcheck source=lib/tracer.sh
  source "$root/bench/lib/tracer.sh"
  tracer_init || exit 1
fi

projects=(bench/SendInterop.Bench)
[ "$need_baseline" -eq 1 ] && projects+=(bench/baseline)
[ -z "$gateway_url" ] && projects+=(src/SendInterop.Gateway tools/SendInterop.Cli)
echo "run.sh: building Release (${projects[*]})" >&2
for p in "${projects[@]}"; do
  dotnet build "$p" -c Release -v quiet -nologo >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
done
# Each gateway build runs from its own copy, so a rebuild in the checkout during the run cannot change what is measured.
declare -A gateway_dir=()
if [ -z "$gateway_url" ]; then
  gateway_dir[gate]="$tmp/gateway-build"
  mkdir -p "${gateway_dir[gate]}"
  cp -a "${gate_build:-src/SendInterop.Gateway/bin/Release/net10.0}/." "${gateway_dir[gate]}/"
fi
if [ "$run_gate" -eq 1 ]; then
  # The benchmark-only build: authenticated, then served without scopes, gate or decision audit (SENDINTEROP_GATE_BYPASS).
  # Its own intermediate and output directories, so it never overwrites the normal build (or is overwritten by it).
  gateway_dir[bypass]="$tmp/gateway-bypass-build"
  echo "run.sh: building the gate-bypass gateway (-p:GateBypass=true)" >&2
  dotnet build src/SendInterop.Gateway -c Release -p:GateBypass=true -p:IntermediateOutputPath=obj/ReleaseGateBypass/ \
    -o "${gateway_dir[bypass]}" -v quiet -nologo >"$tmp/build-bypass.log" 2>&1 || { cat "$tmp/build-bypass.log" >&2; exit 1; }
  if cmp -s "${gateway_dir[gate]}/SendInterop.Gateway.dll" "${gateway_dir[bypass]}/SendInterop.Gateway.dll"; then
    echo "run.sh: the bypass build is identical to the normal build (GateBypass not applied?)" >&2; exit 1
  fi
fi

driver() { dotnet run --project bench/SendInterop.Bench -c Release --no-build -- "$@"; }
cli() { dotnet run --project tools/SendInterop.Cli -c Release --no-build -- "$@"; }

# ---- authentication: two registered system clients, tokens from the token endpoint ----
auth=""
if [ -z "$gateway_url" ]; then
  auth="$tmp/auth"
  mkdir -p "$auth"
  cli register --client-id bench-la-926 --org la-926 --agency education --scopes "system/*.cruds" \
    --purposes "direct-care ehc-assessment ehc-review" --registry "$auth/clients.json" --key-out "$auth/bench-la-926.jwk" >/dev/null
  cli register --client-id bench-ods-RY3 --org ods-RY3 --agency health --scopes "system/*.cruds" \
    --purposes "direct-care" --registry "$auth/clients.json" --key-out "$auth/bench-ods-RY3.jwk" >/dev/null
fi
token_command() { # token_command CLIENT: the CLI call that prints a fresh access token for CLIENT (shell-quoted)
  printf '%q ' dotnet run --project "$root/tools/SendInterop.Cli" -c Release --no-build -- \
    token --client-id "$1" --key "$auth/$1.jwk" --url "$gw_root"
}
driver_as() { # driver_as CLIENT ARGS...: the driver with a fresh token of CLIENT (and the command to renew it)
  local who=$1 tok
  shift
  if [ -z "$auth" ]; then driver "$@"; return; fi # --url: SENDINTEROP_BENCH_TOKEN(_COMMAND) from the caller
  tok=$(cli token --client-id "$who" --key "$auth/$who.jwk" --url "$gw_root") || { echo "run.sh: no token for $who" >&2; return 1; }
  SENDINTEROP_BENCH_TOKEN="$tok" SENDINTEROP_BENCH_TOKEN_COMMAND="$(token_command "$who")" \
    dotnet run --project bench/SendInterop.Bench -c Release --no-build -- "$@"
}

# ---- baseline app (bare-endpoint ceiling) ----
bl_port="" baseline_url="(not started)"
if [ "$need_baseline" -eq 1 ]; then
  bl_port=$(free_port)
  baseline_url="http://127.0.0.1:$bl_port/fhir"
  ASPNETCORE_ENVIRONMENT=Production setsid dotnet run --project bench/baseline -c Release --no-build --no-launch-profile \
    -- --urls "http://127.0.0.1:$bl_port" >"$tmp/baseline.log" 2>&1 &
  pids+=($!)
fi

# ---- gateway on a fresh SQLite file ----
gw_env=(
  ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
  Storage__Provider=Sqlite ConnectionStrings__Fhir="Data Source=$tmp/fhir.db"
  DemoData__Enabled=false Fhir__Validation__AllowTestNhsNumbers=true
  Logging__LogLevel__Default="${Logging__LogLevel__Default:-Warning}"
  Auth__SigningKeyFile="$auth/signing-keys.json" Auth__ClientRegistryFile="$auth/clients.json" Auth__AccessTokenLifetime=00:15:00
  Access__Organisations__0__Id=la-926 Access__Organisations__0__Agency=education
  Access__Organisations__1__Id=ods-RY3 Access__Organisations__1__Agency=health
  Access__Tier1__0__Id=bench-tier1 Access__Tier1__0__Organisations__0=la-926 Access__Tier1__0__Organisations__1=ods-RY3
  Access__Tier1__0__Purposes__0=direct-care
  Access__Tier2__0__Id=bench-tier2 Access__Tier2__0__From=health Access__Tier2__0__To=education
  Access__Tier2__0__Classes__0=health Access__Tier2__0__Purposes__0=direct-care
)
gw_pid=""
start_gateway() { # start_gateway BUILD LOGNAME: BUILD (gate or bypass) on the run's SQLite file and a new port
  local dir=${gateway_dir[$1]}
  gw_port=$(free_port)
  while [ "$gw_port" = "$bl_port" ]; do gw_port=$(free_port); done
  gw_root="http://127.0.0.1:$gw_port"
  gateway_url="$gw_root/fhir"
  (cd "$dir" && exec env "${gw_env[@]}" Auth__Issuer="$gw_root" setsid ./SendInterop.Gateway --urls "$gw_root") >"$tmp/$2.log" 2>&1 &
  gw_pid=$!
  pids+=("$gw_pid")
  if ! driver wait --url "$gw_root/health/ready" --timeout 180; then
    echo "run.sh: gateway ($1) not ready; last lines of its log:" >&2
    tail -n 40 "$tmp/$2.log" >&2 2>/dev/null || true
    exit 1
  fi
}
stop_gateway() {
  [ -n "$gw_pid" ] || return 0
  stop_group "$gw_pid"
  local kept=() p
  for p in "${pids[@]}"; do [ "$p" = "$gw_pid" ] || kept+=("$p"); done
  pids=("${kept[@]}")
  gw_pid=""
}

if [ -z "$gateway_url" ]; then
  start_gateway gate gateway
else
  gw_root=$(echo "$gateway_url" | sed -E 's#^(https?://[^/]+).*#\1#')
  driver wait --url "$gw_root/health/ready" --timeout 180 || exit 1
fi
if [ "$need_baseline" -eq 1 ]; then
  driver wait --url "http://127.0.0.1:$bl_port/health/ready" --timeout 60 || { tail -n 20 "$tmp/baseline.log" >&2; exit 1; }
fi

if [ "$full" -eq 1 ]; then
  crud_args=(--workers 10,50,100,300 --duration 300 --warmup 45 --warmup-workers 100)
  import_args=(--workers 20 --generate 1000 --entries 300)
  verb_args=(--workers 10,50,100 --duration 60 --warmup 10 --preload 10000)
  gate_seed_args=(--children 10000)
  gate_args=(--workers 16,64 --duration 60 --warmup 10)
elif [ "$medium" -eq 1 ]; then
  crud_args=(--workers 10,50,100,300 --duration 30 --warmup 20 --warmup-workers 100)
  import_args=(--workers 20 --generate 200 --entries 300)
  verb_args=(--workers 16,64 --duration 15 --warmup 5 --preload 100000 --preload-batch 1000)
  gate_seed_args=(--children 2000)
  gate_args=(--workers 16,64 --duration 15 --warmup 5)
else
  crud_args=(--workers 10 --duration 10 --warmup 5)
  import_args=(--workers 20 --generate 20 --entries 300)
  verb_args=(--workers 16 --duration 5 --warmup 2 --preload 500)
  gate_seed_args=(--children 200)
  gate_args=(--workers 16 --duration 5 --warmup 2)
fi
[ -n "$bundles" ] && import_args=(--workers 20 --bundles "$bundles")

summary="$out/summary.md"
{
  echo "# SendInterop benchmark $stamp ($([ "$full" -eq 1 ] && echo full || { [ "$medium" -eq 1 ] && echo medium; } || echo smoke))"
  echo
  echo "Gateway $gateway_url (SQLite, fresh file unless --url), baseline $baseline_url; $(nproc) cores shared by server and driver; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)${gate_build:+; gate build from $gate_build}."
  echo
} >"$summary"

status=0
for s in "${others[@]}"; do
  case $s in
    crud) args=("${crud_args[@]}") ;;
    import) args=("${import_args[@]}") ;;
    read|search|create|create-send) args=("${verb_args[@]}" --baseline-url "$baseline_url") ;;
    *) echo "run.sh: unknown scenario $s" >&2; status=2; continue ;;
  esac
  echo "run.sh: scenario $s" >&2
  if driver_as bench-la-926 "$s" --url "$gateway_url" "${args[@]}" --out "$out/$s.json" "${extra[@]}" | tee -a "$summary"; then :; else
    echo "run.sh: scenario $s failed" >&2; status=1
  fi
  echo >>"$summary"
done

# ---- consent gate cost: seed once through the normal build, then alternate the builds on the same file ----
if [ "$run_gate" -eq 1 ]; then
  echo "run.sh: scenario gate (rounds: $gate_order)" >&2
  ids="$tmp/gate-ids.txt"
  gate_files=()
  if driver_as bench-ods-RY3 gate-seed --url "$gateway_url" "${gate_seed_args[@]}" --ids "$ids" --out "$out/gate-seed.json" "${extra[@]}" | tee -a "$summary"; then
    echo >>"$summary"
    round=0
    for b in "${gate_rounds[@]}"; do
      round=$((round + 1))
      for attempt in 1 2; do
        # Every round starts a fresh process of its build on the same database file (stopped cleanly in between).
        stop_gateway
        echo "run.sh: gate round $round: $b build" >&2
        start_gateway "$b" "gateway-$round-$b"
        if [[ ",$trace_rounds," == *",$round,"* ]]; then
          # In the background, so the driver starts at once; the trace covers seconds DELAY to DELAY+8 of the round.
          (sleep "$trace_delay"; "${tracer[@]}" collect -p "$gw_pid" --profile dotnet-sampled-thread-time \
            --duration 00:00:00:08 --format speedscope -o "$out/trace-$round-$b.nettrace" >"$out/trace-$round-$b.log" 2>&1) &
        fi
        ok=1
        driver_as bench-la-926 gate --url "$gateway_url" --build "$b" --round "$round" --ids "$ids" \
          --audit-db "$tmp/fhir-audit.db" --gateway-pid "$gw_pid" "${gate_args[@]}" --out "$out/gate-$round-$b.json" "${extra[@]}" | tee -a "$summary" || ok=0
        echo >>"$summary"
        if kill -0 "$gw_pid" 2>/dev/null; then break; fi
        # The gateway went away during the round (on a shared machine, e.g. someone's pkill): its numbers are void.
        ok=0
        echo "run.sh: the $b gateway exited during gate round $round (see gateway-$round-$b.log); $([ "$attempt" -eq 1 ] && echo "running the round again" || echo "giving up on this round")" | tee -a "$summary" >&2
        echo >>"$summary"
        [ "$attempt" -eq 1 ] && mv "$tmp/gateway-$round-$b.log" "$tmp/gateway-$round-$b-exited.log" 2>/dev/null || true
      done
      if [ "$ok" -eq 1 ]; then gate_files+=("$out/gate-$round-$b.json"); else echo "run.sh: gate round $round ($b) failed" >&2; status=1; fi
    done
    stop_gateway
    if [ "${#gate_files[@]}" -gt 0 ]; then
      driver gate-report "${gate_files[@]}" --out "$out/gate-report.md" | tee -a "$summary" || status=1
    fi
  else
    echo "run.sh: gate-seed failed" >&2; status=1
  fi
fi

echo "run.sh: results in $out (summary.md, <scenario>.json, logs)" >&2
exit "$status"
