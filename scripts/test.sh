#!/usr/bin/env bash
# The project's test command: ./scripts/test.sh [extra dotnet test arguments]
#
# - installs PostgreSQL from Debian packages if it is missing, starts a throwaway cluster on a free
#   127.0.0.1 port (scripts/postgres.sh) and exports SENDINTEROP_TEST_POSTGRES for the tests;
# - runs every test project of SendInterop.sln in Release and writes .trx results;
# - installs Node.js, npm and Chromium if missing and the dashboard's npm packages (scripts/dashboard.sh prepare),
#   for the browser tests of /dashboard, and checks the committed dashboard bundle is up to date (dashboard.sh check);
# - runs the OpenAPI drift check (scripts/check-openapi.sh) when that script exists;
# - always stops PostgreSQL (normal exit, failure, Ctrl-C);
# - ends with one line "N passed, N failed[, N skipped]" and exits non-zero if the build failed,
#   a test or the drift check failed, or no test ran.
#
# Environment: TEST_RESULTS_DIR keeps the .trx files there (default: a temp dir removed on exit);
# SENDINTEROP_TEST_POSTGRES already set => that server is used and none is started.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_UI_LANGUAGE=en

state=$(mktemp -d /tmp/sendinterop-test.XXXXXX) # under /tmp: the postgres user must be able to reach it
chmod 0755 "$state"
pg_started=

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$pg_started" ]; then
    bash "$here/postgres.sh" down "$state/pg" || true
  fi
  rm -rf "$state" || true
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "test.sh: interrupted" >&2; exit 130' INT
trap 'echo "test.sh: terminated" >&2; exit 143' TERM

# ---- PostgreSQL ---------------------------------------------------------------------------------
if [ -z "${SENDINTEROP_TEST_POSTGRES:-}" ]; then
  mkdir -p "$state/pg"
  pg_started=1
  SENDINTEROP_TEST_POSTGRES=$(bash "$here/postgres.sh" up "$state/pg")
  echo "test.sh: PostgreSQL up: $SENDINTEROP_TEST_POSTGRES"
else
  echo "test.sh: using SENDINTEROP_TEST_POSTGRES from the environment"
fi
export SENDINTEROP_TEST_POSTGRES
# Tests that need PostgreSQL must fail, not skip, when it is unreachable: this script guarantees it.
export SENDINTEROP_REQUIRE_POSTGRES=1

# ---- dashboard: Node.js, npm, Debian's Chromium and the npm packages of the browser tests --------
# (scripts/dashboard.sh). Without them the browser tests fail, they never skip; a failed install also counts as a failure.
dashboard_prepare_rc=0
bash "$here/dashboard.sh" prepare || dashboard_prepare_rc=$?
if [ "$dashboard_prepare_rc" -ne 0 ]; then
  echo "test.sh: dashboard prerequisites could not be installed (exit $dashboard_prepare_rc): the browser tests will fail" >&2
fi

# ---- dotnet test --------------------------------------------------------------------------------
results=${TEST_RESULTS_DIR:-$state/results}
mkdir -p "$results"
rm -f "$results"/*.trx

test_rc=0
dotnet test SendInterop.sln -c Release \
  --logger "trx;LogFilePrefix=r" --logger "console;verbosity=normal" \
  --results-directory "$results" \
  --blame-hang-timeout "${TEST_HANG_TIMEOUT:-10m}" --blame-hang-dump-type none \
  "$@" || test_rc=$?

# ---- OpenAPI drift check (written separately; optional until it exists) ---------------------------
openapi_rc=
if [ -f "$here/check-openapi.sh" ]; then
  echo "test.sh: running scripts/check-openapi.sh"
  openapi_rc=0
  bash "$here/check-openapi.sh" || openapi_rc=$?
  if [ "$openapi_rc" -ne 0 ]; then
    echo "test.sh: OpenAPI drift check FAILED (exit $openapi_rc)" >&2
  else
    echo "test.sh: OpenAPI drift check passed"
  fi
fi

# ---- dashboard bundle drift check: the committed bundle must equal a fresh build of its source ---------
dashboard_bundle_rc=0
bash "$here/dashboard.sh" check || dashboard_bundle_rc=$?
if [ "$dashboard_bundle_rc" -ne 0 ]; then
  echo "test.sh: dashboard bundle check FAILED (exit $dashboard_bundle_rc)" >&2
else
  echo "test.sh: dashboard bundle check passed"
fi

# ---- stop PostgreSQL before the summary so nothing prints after it ----------------------------
if [ -n "$pg_started" ]; then
  bash "$here/postgres.sh" down "$state/pg" || true
  pg_started=
fi

# ---- summary from the .trx files ----------------------------------------------------------------
# Each trx has one <Counters total=".." executed=".." passed=".." failed=".." error=".." timeout=".."
# aborted=".." .../>; skipped tests are counted in total but not in executed.
attr() { # attr NAME TEXT -> integer value of NAME="..." in TEXT, 0 if absent
  local v
  v=$(printf '%s' "$2" | grep -o "[[:space:]]$1=\"[0-9]*\"" | head -n 1 | grep -o '[0-9][0-9]*' || true)
  echo "${v:-0}"
}
passed=0 failed=0 skipped=0 files=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  files=$((files + 1))
  counters=$(tr '\n' ' ' <"$trx" | grep -o '<Counters [^>]*>' | head -n 1 || true)
  if [ -z "$counters" ]; then
    echo "test.sh: no <Counters> in $trx" >&2
    failed=$((failed + 1))
    continue
  fi
  passed=$((passed + $(attr passed "$counters")))
  failed=$((failed + $(attr failed "$counters") + $(attr error "$counters") + $(attr timeout "$counters") + $(attr aborted "$counters")))
  # skipped tests are in total but not in executed (notExecuted stays 0 for xunit skips)
  notrun=$(( $(attr total "$counters") - $(attr executed "$counters") ))
  if [ "$notrun" -gt 0 ]; then skipped=$((skipped + notrun)); fi
done
shopt -u nullglob
trx_ran=$((passed + failed))

if [ -n "$openapi_rc" ]; then
  # The drift check counts as one test.
  if [ "$openapi_rc" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

# The bundle check counts as one test; a failed install of the browser tests' prerequisites as one failure.
if [ "$dashboard_bundle_rc" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ "$dashboard_prepare_rc" -ne 0 ]; then failed=$((failed + 1)); fi

status=0
if [ "$test_rc" -ne 0 ]; then
  echo "test.sh: dotnet test exited with $test_rc (build failure, failed test or crashed test host)" >&2
  status=1
fi
if [ "$failed" -gt 0 ]; then status=1; fi
if [ "$files" -eq 0 ] || [ "$trx_ran" -eq 0 ]; then
  echo "test.sh: no test ran ($files result files in $results)" >&2
  status=1
fi
if [ -n "${TEST_RESULTS_DIR:-}" ]; then echo "test.sh: results kept in $results"; fi

# ---- the failed tests by name, just above the summary line, so a log's tail says which ones ----------
# (a trx UnitTestResult with outcome Failed, Error, Timeout or Aborted, then the first lines of its ErrorInfo message)
shopt -s nullglob
for trx in "$results"/*.trx; do
  awk '
    function text(s) {
      gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&amp;/, "\\&", s)
      return s
    }
    /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
      name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
      print "test.sh: FAILED " text(name); want = 1; next
    }
    want && /<Message>/ { inmsg = 1; shown = 0; sub(/.*<Message>/, "") }
    inmsg {
      done = sub(/<\/Message>.*/, "")
      if (shown < 6) { print "test.sh:     " text($0); shown++ }
      if (done) { inmsg = 0; want = 0 }
    }
  ' "$trx" || true
done
shopt -u nullglob

line="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then line="$line, $skipped skipped"; fi
echo "$line"
exit "$status"
