#!/usr/bin/env bash
# Storage micro-benchmarks (docs/performance.md, "Binding by position"): BenchmarkDotNet in Release, each new path
# against the path it replaced (the baseline) in the same run. Extra arguments go to BenchmarkDotNet, e.g.
#   bench/storage.sh --filter '*MultiRowInsertBinding*' --job short
# Results (markdown, CSV) land in bench/results/storage-<utc time>/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="bench/results/storage-$(date -u +%Y%m%d-%H%M%S)"
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*')
echo "storage.sh: commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release --project bench/SendInterop.Storage.Bench -- --artifacts "$out" "${args[@]}"
echo "storage.sh: load average after: $(cut -d' ' -f1-3 /proc/loadavg); results in $out/results"
