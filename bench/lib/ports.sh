# Sourced by the bench scripts: a free 127.0.0.1 port for a gateway or baseline server.
# (Checked, then bound by the server a moment later: a port taken in between makes the server's start fail loudly.)

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  echo "$(basename "$0"): no free port" >&2; return 1
}
