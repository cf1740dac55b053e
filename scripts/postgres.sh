#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and benchmarks: no systemd, loopback only, fsync off.
#
#   scripts/postgres.sh up   STATE_DIR   # installs PostgreSQL (Debian packages) if missing, starts a cluster
#                                        # under STATE_DIR on a free 127.0.0.1 port, prints the connection string
#   scripts/postgres.sh down STATE_DIR   # stops it (idempotent; leaves STATE_DIR for the caller to remove)
#   scripts/postgres.sh conn STATE_DIR   # prints the connection string of a running cluster
#
# Environment: PGPORT (fixed port instead of a free one), PG_MAX_CONNECTIONS (default 200).
# As root the server runs as the `postgres` user (runuser), so STATE_DIR and its parents must be
# traversable by that user (a fresh `mktemp -d` under /tmp, chmod 755, is).
# Only the connection string goes to stdout; everything else goes to stderr or to STATE_DIR/*.log.
set -euo pipefail

usage() { echo "usage: $0 up|down|conn STATE_DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
S=$2

log() { echo "postgres.sh: $*" >&2; }

find_pgbin() {
  local p
  p=$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$p" ] && dirname "$p"
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_postgres() {
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/postgres) and we are not root:"
    log "  sudo apt-get update && sudo apt-get install -y --no-install-recommends postgresql"
    exit 1
  fi
  log "installing PostgreSQL from Debian packages (apt-get)..."
  local i
  for i in 1 2 3; do
    if apt-get update -q >"$S/apt.log" 2>&1 &&
       DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >>"$S/apt.log" 2>&1; then
      return 0
    fi
    log "apt-get attempt $i failed (see $S/apt.log); retrying"
    sleep $((i * 5))
  done
  tail -n 30 "$S/apt.log" >&2 || true
  log "could not install PostgreSQL"
  exit 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  log "no free port found"; exit 1
}

conn_string() { echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=postgres"; }

case $cmd in
up)
  mkdir -p "$S"
  S=$(cd "$S" && pwd)
  PGBIN=$(find_pgbin || true)
  if [ -z "$PGBIN" ]; then
    install_postgres
    PGBIN=$(find_pgbin || true)
    [ -n "$PGBIN" ] || { log "postgres binary still missing after install"; exit 1; }
  fi
  if [ -f "$S/pg/data/postmaster.pid" ]; then
    log "a cluster is already running in $S (run: $0 down $S)"; exit 1
  fi
  rm -rf "$S/pg"
  mkdir -p "$S/pg"
  chmod 0755 "$S"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$S/pg"; fi
  as_pg "$PGBIN/initdb" -D "$S/pg/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$S/pg/initdb.log" 2>&1 || {
    cat "$S/pg/initdb.log" >&2; log "initdb failed"; exit 1; }
  started=
  for attempt in 1 2 3 4 5; do
    port=${PGPORT:-$(pick_port)}
    if as_pg "$PGBIN/pg_ctl" -D "$S/pg/data" -l "$S/pg/pg.log" -w -t 60 \
        -o "-p $port -k $S/pg -c listen_addresses=127.0.0.1 -c max_connections=${PG_MAX_CONNECTIONS:-200} -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >"$S/pg/pg_ctl.log" 2>&1; then
      started=1; break
    fi
    log "start on port $port failed (attempt $attempt)"
    tail -n 5 "$S/pg/pg.log" >&2 2>/dev/null || true
    [ -n "${PGPORT:-}" ] && break
  done
  [ -n "$started" ] || { log "could not start PostgreSQL"; exit 1; }
  echo "$port" >"$S/port"
  echo "$PGBIN" >"$S/pgbin"
  conn_string "$port" | tee "$S/connection-string"
  ;;
down)
  [ -d "$S" ] || exit 0
  S=$(cd "$S" && pwd)
  PGBIN=$(cat "$S/pgbin" 2>/dev/null || find_pgbin || true)
  pidfile="$S/pg/data/postmaster.pid"
  if [ -f "$pidfile" ]; then
    pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
    if [ -n "$PGBIN" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$S/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    # The daemonised postmaster may linger as a zombie until its new parent reaps it: only a live one counts.
    alive() { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && ! grep -qs '^[0-9]* ([^)]*) Z' "/proc/$pid/stat"; }
    for _ in $(seq 1 50); do alive || break; sleep 0.1; done
    if alive; then
      log "pg_ctl stop did not finish; killing postmaster $pid"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  ;;
conn)
  [ -f "$S/port" ] || { log "no cluster in $S"; exit 1; }
  conn_string "$(cat "$S/port")"
  ;;
*) usage ;;
esac
