# shellcheck shell=bash
# The dotnet-trace the profiling options of the bench scripts use: $DOTNET_TRACE if set, else the version pinned in the
# repository's tool manifest (dotnet-tools.json), restored on first use. Fails loudly when neither can be had: a
# profiling run that quietly records nothing (as --trace-rounds did without a global dotnet-trace) wastes the run.
#   tracer_init  (from the repository root; sets the array tracer, e.g. "${tracer[@]}" collect -p PID ...)
tracer_init() {
  if [ -n "${DOTNET_TRACE:-}" ]; then
    [ -x "$DOTNET_TRACE" ] || { echo "DOTNET_TRACE=$DOTNET_TRACE is not an executable" >&2; return 1; }
    tracer=("$DOTNET_TRACE")
    return 0
  fi
  if ! dotnet tool restore >/dev/null 2>&1 || ! dotnet tool run dotnet-trace -- --version >/dev/null 2>&1; then
    echo "dotnet-trace could not be restored from the tool manifest (dotnet-tools.json); set DOTNET_TRACE to a dotnet-trace executable" >&2
    return 1
  fi
  tracer=(dotnet tool run dotnet-trace --)
}
