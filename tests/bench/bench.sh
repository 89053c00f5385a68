#!/usr/bin/env bash
# bench.sh: `make bench`. Runs every row group in tests/bench/rows/ in name
# order and prints one table per group. Not a test: nothing fails on timing.
# Usage: VMDK=/abs/build/vmdk LIBVMDK_CAT=/abs/... BENCH_OUT=/abs/build/bench bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$BENCH_OUT"
echo "vmdkboot benchmark: best of ${BENCH_ROUNDS:-3} warm-cache runs, each contender reading to a pipe"
echo "($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
for row in "$here"/rows/*.sh; do
    # shellcheck disable=SC1090
    (source "$here/lib.sh" && source "$row")
done
