# Shared by bench/everything.sh and bench/export.sh: a Python driver run against a throwaway gateway with one LA
# client (lib/la-gateway.sh), its Markdown summary written to the results dir. Sourced after the caller has set
# `script` (its name), `driver` (the Python file under bench/), `title` (the summary's heading, to which the run's
# settings are added) and the defaults `children` and `rounds`; takes the caller's arguments [--children N]
# [--rounds N] [--out DIR]. Profile validation is off (Validation__Enabled=false): the records are minimal, and
# reads are what these drivers measure.
# shellcheck shell=bash
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

out="" la=926
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --children) children=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "$script.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

stamp=$(date -u +%Y%m%d-%H%M%S)
out=${out:-bench/results/$script-$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
gateway_env=(Validation__Enabled=false)
# shellcheck source=la-gateway.sh
source "$root/bench/lib/la-gateway.sh"

summary="$out/summary.md"
{
  echo "# $title $stamp: $children children, $rounds rounds, SQLite"
  echo
  echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) (working tree may differ)."
  echo
  python3 "bench/$driver" --url "$gw_root/fhir" --token "$tok" --la "$la" --children "$children" --rounds "$rounds"
  echo
  echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
} >"$summary"
cat "$summary" >&2
echo "$script.sh: results in $out" >&2
