# Shared by the benchmark scripts that need one LA client on a throwaway gateway (bench/indicator-latency.sh,
# bench/everything.sh): sourced after the caller has set `script` (its name, for messages and the temp dir), `la`
# (the LA code), `out` (the results dir, which receives the logs) and optionally `gateway_env` (extra VAR=value
# settings for the gateway). It builds Release, copies the gateway to a temp dir, registers bench-la-$la
# (system/*.cruds) with the CLI, starts the gateway on a fresh SQLite file at a free port, waits for /health/ready
# and takes a token from the token endpoint, leaving `gw_root`, `tok` and `tmp` set. Its EXIT trap stops the gateway
# (its process group), copies the logs to `out` and removes the temp dir.
# shellcheck shell=bash
gateway_env=("${gateway_env[@]+"${gateway_env[@]}"}")
# shellcheck source=process-group.sh
source "$root/bench/lib/process-group.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sendinterop-$script.XXXXXX")
gw_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_group "$gw_pid"
  cp "$tmp"/*.log "$out"/ 2>/dev/null || true
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "$script.sh: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

# shellcheck source=lib/ports.sh
source "$root/bench/lib/ports.sh"

echo "$script.sh: building Release" >&2
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
  ConnectionStrings__Fhir="Data Source=$tmp/fhir.db" DemoData__Enabled=false Logging__LogLevel__Default=Warning "${gateway_env[@]}" \
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
