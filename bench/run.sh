#!/usr/bin/env bash
# npm run bench [-- --quick | --rows N | ...]: quiverdb against @lancedb/lancedb, same run.
# Installs the bench's own dependencies on first use, builds quiverdb, then runs
# bench/compare.mjs with every argument passed through.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root_dir="$(dirname "$bench_dir")"

if [ ! -d "$bench_dir/node_modules/@lancedb/lancedb" ]; then
  echo "bench: installing @lancedb/lancedb and apache-arrow into bench/node_modules" >&2
  (cd "$bench_dir" && npm install --no-audit --no-fund)
fi

echo "bench: building quiverdb (npm run build)" >&2
(cd "$root_dir" && npm run build --silent)

# LanceDB's native core logs warnings (for example "No existing dataset ... it will be created") to stderr.
export LANCEDB_LOG="${LANCEDB_LOG:-error}"

cd "$root_dir"
exec node --expose-gc "$bench_dir/compare.mjs" "$@"
