# Sourced by the bench scripts that start servers with setsid: stop_group PID stops the whole process group.
# shellcheck shell=bash

stop_group() { # stop_group PID: TERM the process group we started with setsid, KILL it after 10 s
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}
