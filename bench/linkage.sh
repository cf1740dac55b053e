#!/usr/bin/env bash
# Linkage benchmark (docs/identity.md): builds the bench in Release and runs it once per data set (a fresh process
# each, so peak memory is per set), printing one markdown table.
#
#   bench/linkage.sh                         fake_1000, fake_20000 and the synthetic UK set (5,000 children)
#   bench/linkage.sh --data DIR              splink-fake directory (default ../shared/data/splink-fake)
#   bench/linkage.sh --sets fake_20000,uk    only these
#   bench/linkage.sh --uk-children 20000     size of the synthetic UK set
#   bench/linkage.sh --long                  the long report per set (blocking rules, model, stages) after the table
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

data="$root/../shared/data/splink-fake" sets="fake_1000,fake_20000,uk" children=5000 long=0
while [ $# -gt 0 ]; do
  case $1 in
    --data) data=$2; shift ;;
    --sets) sets=$2; shift ;;
    --uk-children) children=$2; shift ;;
    --long) long=1 ;;
    *) echo "linkage.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

dotnet build bench/SendInterop.Linkage.Bench -c Release -nologo -v q >/dev/null
bench="dotnet bench/SendInterop.Linkage.Bench/bin/Release/net10.0/SendInterop.Linkage.Bench.dll"

echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(dotnet --version) SDK; $(date -u +%Y-%m-%dT%H:%MZ)"
echo
$bench --header
IFS=',' read -r -a list <<<"$sets"
for set in "${list[@]}"; do
  $bench --set "$set" --data "$data" --uk-children "$children" --row
done
if [ "$long" = 1 ]; then
  for set in "${list[@]}"; do
    echo
    $bench --set "$set" --data "$data" --uk-children "$children"
  done
fi
