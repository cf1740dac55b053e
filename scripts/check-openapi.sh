#!/usr/bin/env bash
# OpenAPI drift check and lint: ./scripts/check-openapi.sh [--update]
#
# 1. builds the gateway (Release) and regenerates its OpenAPI document with the Swashbuckle CLI (local tool in
#    dotnet-tools.json) into a temp file. The generator runs Program with a no-op server; it runs in an empty temp
#    directory, and the check fails if anything was written there (start-up must not create a database);
# 2. fails (exit 1, with a unified diff) if the document differs from the committed openapi/sendinterop-fhir.json;
#    --update rewrites the committed file instead;
# 3. lints the document with Spectral (pinned in tools/spectral/package-lock.json, installed with npm ci on first
#    use) and the repo-root .spectral.yaml; errors fail the check, warnings are printed.
#
# Needs only the .NET SDK, node and npm. scripts/test.sh runs it and counts it as one test.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

update=
case "${1:-}" in
  "") ;;
  --update) update=1 ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_UI_LANGUAGE=en
# The document must not depend on the caller's environment.
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export SCARF_ANALYTICS=false

committed="$root/openapi/sendinterop-fhir.json"
project="$root/src/SendInterop.Gateway"
dll="$project/bin/Release/net10.0/SendInterop.Gateway.dll"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-openapi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
generated="$tmp/sendinterop-fhir.json"

fail() { echo "check-openapi: $*" >&2; exit 1; }

# ---- generate -------------------------------------------------------------------------------------
echo "check-openapi: building the gateway"
dotnet tool restore >"$tmp/tool-restore.log" 2>&1 || { cat "$tmp/tool-restore.log" >&2; fail "dotnet tool restore failed"; }
dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; fail "build failed"; }

echo "check-openapi: generating the document (dotnet swagger tofile)"
mkdir "$tmp/cwd"
cp "$root/dotnet-tools.json" "$tmp/cwd/" # `dotnet tool run` finds the local tool through the manifest in its directory
if ! (cd "$tmp/cwd" && dotnet tool run swagger tofile --output "$generated" "$dll" v1) >"$tmp/generate.log" 2>&1 \
  || [ ! -s "$generated" ]; then
  cat "$tmp/generate.log" >&2
  fail "the Swashbuckle CLI did not write the document"
fi
rm "$tmp/cwd/dotnet-tools.json"
if [ -n "$(ls -A "$tmp/cwd")" ]; then
  ls -la "$tmp/cwd" >&2
  fail "generating the document wrote files in its working directory (above): start-up must not touch the database when OpenApiDocumentGeneration.IsRunning"
fi

# ---- drift ----------------------------------------------------------------------------------------
drift=0
if [ -n "$update" ]; then
  mkdir -p "$(dirname "$committed")"
  cp "$generated" "$committed"
  echo "check-openapi: wrote openapi/sendinterop-fhir.json"
elif [ ! -f "$committed" ]; then
  echo "check-openapi: openapi/sendinterop-fhir.json is missing; run scripts/check-openapi.sh --update and commit it" >&2
  drift=1
elif ! cmp -s "$committed" "$generated"; then
  echo "check-openapi: openapi/sendinterop-fhir.json is out of date (- committed, + generated from the code):" >&2
  diff -u --label committed --label generated "$committed" "$generated" | head -n 400 >&2 || true
  echo "check-openapi: run scripts/check-openapi.sh --update and commit the result" >&2
  drift=1
else
  echo "check-openapi: openapi/sendinterop-fhir.json is up to date"
fi

# ---- lint -----------------------------------------------------------------------------------------
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are needed for Spectral"
spectral_dir="$root/tools/spectral"
# npm ci (exactly the locked versions) when node_modules is missing or was installed from another lock file.
installed_lock="$spectral_dir/node_modules/.installed-package-lock.json"
if [ ! -x "$spectral_dir/node_modules/.bin/spectral" ] || ! cmp -s "$spectral_dir/package-lock.json" "$installed_lock"; then
  echo "check-openapi: installing Spectral (npm ci --prefix tools/spectral)"
  npm ci --prefix "$spectral_dir" --ignore-scripts --no-audit --no-fund >"$tmp/npm.log" 2>&1 || { cat "$tmp/npm.log" >&2; fail "npm ci failed"; }
  cp "$spectral_dir/package-lock.json" "$installed_lock"
fi

echo "check-openapi: linting with Spectral $("$spectral_dir/node_modules/.bin/spectral" --version) (.spectral.yaml)"
# The committed file when it is current (same bytes, readable path in the report), else what the code generates.
target="$generated"
if cmp -s "$committed" "$generated" 2>/dev/null; then target="openapi/sendinterop-fhir.json"; fi
lint=0
"$spectral_dir/node_modules/.bin/spectral" lint "$target" --ruleset "$root/.spectral.yaml" --fail-severity error || lint=$?

if [ "$drift" -ne 0 ] || [ "$lint" -ne 0 ]; then
  [ "$lint" -ne 0 ] && echo "check-openapi: Spectral reported errors" >&2
  exit 1
fi
echo "check-openapi: OK"
