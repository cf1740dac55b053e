#!/usr/bin/env bash
# The dashboard's front-end tooling (src/SendInterop.Dashboard; docs/dashboard.md):
#
#   scripts/dashboard.sh prepare   # installs Node.js, npm and Debian's Chromium when missing (apt-get, as root),
#                                  # then `npm ci` (Chart.js, esbuild, playwright-core, axe-core from package-lock.json)
#   scripts/dashboard.sh check     # fails when the committed bundle (src/SendInterop.Gateway/Dashboard/Assets)
#                                  # differs from a fresh build of the source
#   scripts/dashboard.sh build     # rebuilds the committed bundle after a change to the source
#
# The browser tests (tests/SendInterop.Gateway.Tests/Dashboard) need what `prepare` installs and fail, never skip,
# without it. Chromium is Debian's package: never a browser downloaded by a test tool (`npx playwright install`).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dashboard=$(cd "$here/../src/SendInterop.Dashboard" && pwd)
log() { echo "dashboard.sh: $*" >&2; }

apt_install() { # apt_install PACKAGE... (retries: the mirror is sometimes slow to answer)
  if [ "$(id -u)" -ne 0 ]; then
    log "missing: $* and not root. Run: sudo apt-get update && sudo apt-get install -y --no-install-recommends $*"
    return 1
  fi
  local i apt_log
  apt_log=$(mktemp)
  for i in 1 2 3; do
    if apt-get update -q >"$apt_log" 2>&1 &&
       DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$apt_log" 2>&1; then
      rm -f "$apt_log"
      return 0
    fi
    log "apt-get install $* attempt $i failed; retrying"
    sleep $((i * 5))
  done
  tail -n 30 "$apt_log" >&2 || true
  rm -f "$apt_log"
  return 1
}

prepare() {
  local wanted=()
  command -v node >/dev/null 2>&1 || wanted+=(nodejs)
  command -v npm >/dev/null 2>&1 || wanted+=(npm)
  [ -x /usr/bin/chromium ] || wanted+=(chromium)
  if [ ${#wanted[@]} -gt 0 ]; then
    log "installing ${wanted[*]} from Debian packages..."
    apt_install "${wanted[@]}" || { log "could not install ${wanted[*]}"; return 1; }
  fi
  log "node $(node --version), npm $(npm --version), $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
  (cd "$dashboard" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

case ${1:-} in
  prepare) prepare ;;
  check) (cd "$dashboard" && node build.mjs --check) ;;
  build) (cd "$dashboard" && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && node build.mjs) ;;
  *) echo "usage: $0 prepare|check|build" >&2; exit 2 ;;
esac
