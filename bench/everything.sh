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
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sendinterop-everything.XXXXXX")
gw_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$gw_pid" ] && kill -0 "$gw_pid" 2>/dev/null; then
    kill -TERM -- "-$gw_pid" 2>/dev/null || kill -TERM "$gw_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$gw_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$gw_pid" 2>/dev/null || true
  fi
  cp "$tmp"/*.log "$out"/ 2>/dev/null || true
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "everything.sh: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

# shellcheck source=lib/ports.sh
source "$root/bench/lib/ports.sh"

echo "everything.sh: building Release" >&2
for p in src/SendInterop.Gateway tools/SendInterop.Cli; do
  dotnet build "$p" -c Release -v quiet -nologo >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
done
mkdir -p "$tmp/gateway-build"
cp -a src/SendInterop.Gateway/bin/Release/net10.0/. "$tmp/gateway-build/"
cli() { dotnet run --project tools/SendInterop.Cli -c Release --no-build -- "$@"; }

auth="$tmp/auth"
mkdir -p "$auth"
cli register --client-id bench-la-$la --org la-$la --agency education --scopes "system/*.cruds" \
  --purposes "direct-care ehc-assessment ehc-review" --registry "$auth/clients.json" --key-out "$auth/bench-la-$la.jwk" >/dev/null

port=$(free_port)
gw_root="http://127.0.0.1:$port"
(cd "$tmp/gateway-build" && exec env ASPNETCORE_ENVIRONMENT=Production Storage__Provider=Sqlite \
  ConnectionStrings__Fhir="Data Source=$tmp/fhir.db" DemoData__Enabled=false Validation__Enabled=false Logging__LogLevel__Default=Warning \
  Auth__SigningKeyFile="$auth/signing-keys.json" Auth__ClientRegistryFile="$auth/clients.json" Auth__AccessTokenLifetime=00:15:00 \
  Auth__Issuer="$gw_root" Access__Organisations__0__Id=la-$la Access__Organisations__0__Agency=education \
  setsid ./SendInterop.Gateway --urls "$gw_root") >"$tmp/gateway.log" 2>&1 &
gw_pid=$!
for _ in $(seq 1 480); do
  curl -fsS "$gw_root/health/ready" >/dev/null 2>&1 && break
  kill -0 "$gw_pid" 2>/dev/null || { tail -n 40 "$tmp/gateway.log" >&2; exit 1; }
  sleep 0.5
done
tok=$(cli token --client-id bench-la-$la --key "$auth/bench-la-$la.jwk" --url "$gw_root")

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
