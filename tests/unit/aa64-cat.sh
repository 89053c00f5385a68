#!/usr/bin/env bash
# aa64-cat.sh: the AArch64 vmdk tool (under qemu-aarch64) must read every
# VMDK exactly as the x86_64 one does: `vmdk cat` byte-identical, and both
# equal to what qemu-img reads. The images: a disk with data, zeros and
# holes in every subformat qemu-img writes, and a delta chain made with
# qemu-img create -b and qemu-io; plus every VMDK the diff tests left under
# build/tests/diff of at most 64 MiB (when `make diff-tests` ran first), where a failing
# x86_64 `vmdk cat` must fail the same way (exit status and message).
# Usage: aa64-cat.sh X64_VMDK "AA64_VMDK (a command)" OUT_DIR
set -euo pipefail
x64=$1 aa64=$2 out=$3
rm -rf "$out" && mkdir -p "$out"
raw=$out/disk.raw
# 9 MiB: random data, a zero run, a hole, data across a grain edge.
truncate -s 9M "$raw"
head -c 1500000 /dev/urandom | dd of="$raw" conv=notrunc status=none
dd if=/dev/zero of="$raw" bs=64K seek=30 count=8 conv=notrunc status=none
head -c 300001 /dev/urandom | dd of="$raw" bs=1 seek=$((6 * 1024 * 1024 - 7)) conv=notrunc status=none
images=()
for f in monolithicSparse streamOptimized twoGbMaxExtentSparse monolithicFlat; do
    qemu-img convert -f raw -O vmdk -o subformat=$f "$raw" "$out/$f.vmdk"
    images+=("$out/$f.vmdk")
done
(cd "$out" && qemu-img create -q -f vmdk -b monolithicSparse.vmdk -F vmdk chain.vmdk)
qemu-io -f vmdk -c "write -P 0xa5 4190000 70000" "$out/chain.vmdk" >/dev/null
images+=("$out/chain.vmdk")
if [ -d build/tests/diff ]; then
    while IFS= read -r f; do images+=("$f"); done < <(
        find build/tests/diff -name '*.vmdk' -size -64M | sort |
            while IFS= read -r f; do
                # Top-level files only: a descriptor or a sparse header
                # (extents such as NAME-s001.vmdk are read through them).
                head -c 4 "$f" | grep -aq 'KDMV\|^#' || continue
                # Disks of at most 64 MiB (the big ones add time, not cases).
                # (the top-level "virtual-size" is the first; awk, not a
                # python3 per file: 0.4 s each under a pyenv shim)
                size=$(qemu-img info --output=json "$f" 2>/dev/null |
                    awk -F': ' '/"virtual-size"/ { gsub(/[^0-9]/, "", $2); print $2; exit }' || true)
                size=${size:-0} # qemu-img refuses it: ours must refuse it the same way
                [ "$size" -le $((64 << 20)) ] && echo "$f"
            done)
fi
passed=0 failed=0 same_failure=0
for img in "${images[@]}"; do
    rc_x=0 rc_a=0
    "$x64" cat "$img" > "$out/x64.bin" 2> "$out/x64.err" || rc_x=$?
    $aa64 cat "$img" > "$out/aa64.bin" 2> "$out/aa64.err" || rc_a=$?
    if [ "$rc_x" != "$rc_a" ] || ! cmp -s "$out/x64.err" "$out/aa64.err"; then
        echo "FAIL $img: x86_64 exit $rc_x '$(head -1 "$out/x64.err")', AArch64 exit $rc_a '$(head -1 "$out/aa64.err")'"
        failed=$((failed + 1)); continue
    fi
    if ! cmp -s "$out/x64.bin" "$out/aa64.bin"; then
        echo "FAIL $img: AArch64 and x86_64 vmdk cat differ: $(cmp "$out/x64.bin" "$out/aa64.bin" 2>&1 | head -1)"
        failed=$((failed + 1)); continue
    fi
    if [ "$rc_x" != 0 ]; then
        same_failure=$((same_failure + 1))
    elif [[ $img == "$out"/* ]]; then
        # Our own images: both must also equal qemu-img's reading.
        qemu-img convert -O raw "$img" "$out/qemu.bin"
        if ! cmp -s "$out/qemu.bin" "$out/aa64.bin"; then
            echo "FAIL $img: vmdk cat differs from qemu-img"
            failed=$((failed + 1)); continue
        fi
    fi
    passed=$((passed + 1))
done
rm -f "$out"/*.bin
echo "aa64-cat-tests: $passed of ${#images[@]} VMDKs read identically on AArch64 and x86_64 ($same_failure of them refused identically), $failed failed"
[ "$failed" = 0 ] && [ "${#images[@]}" -ge 5 ]
