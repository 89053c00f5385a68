#!/usr/bin/env bash
# run.sh: runs the differential test scripts of `make diff-tests` (the
# other steps of tests/diff run vmdkdiff.sh and stream.sh); exit 1 if any failed.
# Usage: VMDK=/abs/build/vmdk LIBVMDK_CAT=/abs/... OUT=/abs/build/tests/diff run.sh
set -uo pipefail
here=$(dirname "$0")
root=$OUT
status=0
for script in qemu_matrix descriptors fat chain ext4; do
    echo "== diff: $script"
    OUT="$root/$script" "$here/$script.sh" || status=1
done
exit $status
