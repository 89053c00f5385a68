#!/usr/bin/env bash
# streamout.sh: `vmdk convert -t streamOptimized` checked by others, and the
# threaded `vmdk cat` checked against the single-threaded one.
#
# Raw sources with data, holes and zero grains (sizes off the grain, one not
# even a whole sector, one past 2 GiB and sparse, one all holes) and VMDK
# sources (qemu-img's streamOptimized and monolithicSparse) are converted;
# each result must pass `qemu-img check`, be named streamOptimized with the
# right virtual size by `qemu-img info`, be identical to its source for
# `qemu-img compare`, `vmdk cat` (threaded and -j 1) and libvmdk, and pass
# `vmdk check`. -j 1 and -j 4 write the same bytes (the random CID aside).
# A corrupt compressed grain makes threaded and single-threaded cat fail
# with the same message; refusals and failure cleanup are asserted.
#
# Usage: VMDK=... LIBVMDK_CAT=... STREAMCMP=... OUT=... streamout.sh
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT/j1" "$OUT/j4"
MiB=$((1024 * 1024))
GiB=$((1024 * MiB))

# same_but_cid NAME A B: the files are equal once the descriptor's CID is masked.
same_but_cid() {
    if python3 - "$2" "$3" <<'PY'; then pass; else fail "$1: -j 1 and -j 4 outputs differ"; fi
import re, sys
a, b = (open(p, "rb").read() for p in sys.argv[1:3])
mask = lambda d: re.sub(rb"CID=[0-9a-f]{8}\n", b"CID=xxxxxxxx\n", d[:65536], count=1) + d[65536:]
sys.exit(0 if mask(a) == mask(b) else 1)
PY
}

# check_image NAME IMAGE REF SIZE: every reader agrees IMAGE holds REF
# (SIZE bytes of virtual disk).
check_image() {
    local name=$1 img=$2 ref=$3 size=$4
    expect_status "$name.qemu-check" 0 "" qemu-img check "$img"
    qemu-img info --output=json "$img" >"$OUT/$name.info.json"
    expect_eq "$name.qemu-subformat" "$(json_get "$OUT/$name.info.json" 'j["format-specific"]["data"]["create-type"]')" streamOptimized
    expect_eq "$name.qemu-size" "$(json_get "$OUT/$name.info.json" 'j["virtual-size"]')" "$size"
    expect_status "$name.qemu-compare" 0 "" qemu-img compare -f raw -F vmdk "$ref" "$img"
    expect_cat "$name.cat" "$img" "$ref"
    expect_cat "$name.cat-j1" "$img" "$ref" -j 1
    same_bytes "$name.libvmdk" "'$LIBVMDK_CAT' '$img'" "$ref"
    expect_status "$name.check" 0 "" "$VMDK" check "$img"
    info_has "$name.info" "$img" "stream: grain directory from the footer"
}

# convert_both NAME SRC [options]: converts with -j 1 and -j 4 (same file
# name, two folders) and checks that the outputs match.
convert_both() {
    local name=$1 src=$2
    shift 2
    expect_status "$name.convert-j1" 0 "" "$VMDK" convert -t streamOptimized -q -j 1 "$@" "$src" "$OUT/j1/$name.vmdk"
    expect_status "$name.convert-j4" 0 "" "$VMDK" convert -t streamOptimized -q -j 4 "$@" "$src" "$OUT/j4/$name.vmdk"
    same_but_cid "$name.j1-j4" "$OUT/j1/$name.vmdk" "$OUT/j4/$name.vmdk"
}

# ---- raw sources ---------------------------------------------------------
# name size seed segments (see mkraw in lib.sh)
RAW_SOURCES=(
    "small $((MiB + 3 * 512)) 31 0:$((MiB + 3 * 512))"
    "tables $((40 * MiB + 5 * 512)) 32 0:300000 $((MiB + 7 * 512)):$((5 * MiB)) $((31 * MiB)):$((3 * MiB)) $((40 * MiB - 100000)):100000"
    "odd 200000 33 0:200000"
    "holes $((10 * MiB)) 34"
    "big $((2 * GiB + 64 * 1024 + 512)) 35 0:65536 $((GiB - 1536)):8192 $((2 * GiB - 70000)):$((70000 + 64 * 1024 + 512))"
)
for s in "${RAW_SOURCES[@]}"; do
    read -r name size seed segs <<<"$s"
    src="$OUT/$name.raw"
    # shellcheck disable=SC2086
    mkraw "$src" "$size" "$seed" $segs
    convert_both "$name" "$src" -f raw
    vsize=$(((size + 511) / 512 * 512))
    ref=$src
    if [ "$vsize" -ne "$size" ]; then
        # The virtual disk ends on a whole sector: zeros after the file.
        ref="$OUT/$name.padded.raw"
        cp "$src" "$ref"
        truncate -s "$vsize" "$ref"
    fi
    check_image "$name" "$OUT/j4/$name.vmdk" "$ref" "$vsize"
done
# Zero grains and holes are not stored: 10 MiB of holes is metadata only.
expect_eq "holes.size" "$(stat -c %s "$OUT/j4/holes.vmdk")" $(((128 + 1 + 1 + 3) * 512))
expect_eq "big.size-small" "$([ "$(stat -c %s "$OUT/j4/big.vmdk")" -lt $((2 * MiB)) ] && echo yes)" yes

# Levels: both read back; the higher level is not larger.
src="$OUT/tables.raw"
for level in 1 12; do
    expect_status "level$level.convert" 0 "" "$VMDK" convert -t streamOptimized -f raw --level "$level" "$src" "$OUT/level$level.vmdk"
    expect_cat "level$level.cat" "$OUT/level$level.vmdk" "$src"
done
expect_eq "level.sizes" "$([ "$(stat -c %s "$OUT/level12.vmdk")" -le "$(stat -c %s "$OUT/level1.vmdk")" ] && echo yes)" yes

# ---- VMDK sources ------------------------------------------------------------
for sub in streamOptimized monolithicSparse; do
    qimg="$OUT/q-$sub.vmdk"
    qemu-img convert -f raw -O vmdk -o subformat=$sub "$src" "$qimg"
    convert_both "from-$sub" "$qimg"
    check_image "from-$sub" "$OUT/j4/from-$sub.vmdk" "$src" "$(stat -c %s "$src")"
    # threaded cat of qemu-img's own layout matches -j 1
    same_bytes "q-$sub.cat-j1-j4" "'$VMDK' cat -j 4 '$qimg'" <("$VMDK" cat -j 1 "$qimg")
done
# Partial ranges through the threaded cat.
img="$OUT/j4/tables.vmdk"
for r in "0 1" "511 1025" "65000 70000" "$((40 * MiB - 777)) 777" "$((13 * MiB + 13)) 3000000"; do
    read -r off len <<<"$r"
    expect_range "tables.part-$off" "$img" "$src" "$off" "$len" -j 3
done

# ---- corrupt grains: the same message with and without threads ----------
img="$OUT/j4/small.vmdk"
# The first grain's marker is at sector 128; its zlib data starts 12 bytes in.
for c in "data $((128 * 512 + 12 + 40)) 4 3735928559" "lba $((128 * 512)) 8 128" "size $((128 * 512 + 8)) 4 7"; do
    read -r what off n val <<<"$c"
    bad="$OUT/bad-$what.vmdk"
    cp "$img" "$bad"
    put_le "$bad" "$off" "$val" "$n"
    run_capture "bad-$what.j1" "$VMDK" cat -j 1 "$bad"
    st1=$STATUS
    run_capture "bad-$what.j4" "$VMDK" cat -j 4 "$bad"
    if [ "$st1" -eq 1 ] && [ "$STATUS" -eq 1 ] && [ -s "$OUT/bad-$what.j1.err" ] &&
        cmp -s "$OUT/bad-$what.j1.err" "$OUT/bad-$what.j4.err"; then
        pass
    else
        fail "bad-$what: exit $st1/$STATUS, messages: $(cat "$OUT/bad-$what.j1.err") | $(cat "$OUT/bad-$what.j4.err")"
    fi
done

# ---- refusals and cleanup -----------------------------------------------------
dst="$OUT/exists.vmdk"
echo keep >"$dst"
expect_status "exists" 1 "EINVAL: already exists (--force overwrites it)" "$VMDK" convert -t streamOptimized -f raw "$src" "$dst"
expect_eq "exists.kept" "$(cat "$dst")" keep
expect_status "force" 0 "" "$VMDK" convert -t streamOptimized -f raw --force "$OUT/small.raw" "$dst"
expect_cat "force.cat" "$dst" "$OUT/small.raw"
# A new DST gets the permissions vmdk create and the other converts give
# (0666 less the umask, as touch; umask 002 tells 0664 from a fixed 0644).
rm -f "$OUT/mode.vmdk" "$OUT/mode.touch"
(umask 002 && "$VMDK" convert -t streamOptimized -f raw "$OUT/small.raw" "$OUT/mode.vmdk" &&
    touch "$OUT/mode.touch")
expect_eq "mode" "$(stat -c %a "$OUT/mode.vmdk")" "$(stat -c %a "$OUT/mode.touch")"
# A source that fails mid-way (a corrupt grain) leaves no DST behind.
expect_status "bad-source" 1 "grain 0" "$VMDK" convert -t streamOptimized "$OUT/bad-data.vmdk" "$OUT/none.vmdk"
expect_eq "bad-source.removed" "$([ -e "$OUT/none.vmdk" ] && echo left || echo removed)" removed
expect_status "same-file" 1 "is SRC itself" "$VMDK" convert -t streamOptimized --force "$dst" "$dst"
expect_cat "same-file.kept" "$dst" "$OUT/small.raw"
expect_status "level-range" 2 "--level" "$VMDK" convert -t streamOptimized -f raw --level 13 "$src" "$OUT/none.vmdk"
expect_status "jobs-range" 2 "-j" "$VMDK" convert -t streamOptimized -f raw -j 0 "$src" "$OUT/none.vmdk"

finish "streamout tests" && rm -rf "$OUT"
