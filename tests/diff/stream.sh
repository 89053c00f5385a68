#!/usr/bin/env bash
# stream.sh: differential tests of streamOptimized reading.
#
# 1. qemu-img 7.2 layout (directory up front, no footer): images from
#    `qemu-img convert -O vmdk -o subformat=streamOptimized` (small with a
#    partial last grain, medium across grain tables, sparse just over 4 GiB
#    with data across the 4 GiB boundary) must
#    read back through `vmdk cat` equal to `qemu-img convert -O raw`; libvmdk
#    must agree where it reads the image.
# 2. VMware layout (grains, tables behind markers, directory, footer,
#    end-of-stream marker) from our generator (mkstream, written from the
#    format notes): zlib-wrapped grains, raw-deflate grains, and copies with
#    the footer and end-of-stream marker cut off (read through the marker
#    walk). Compared with the raw input, and with qemu-img and libvmdk where
#    they read the file (both read zlib grains; neither reads raw deflate;
#    qemu-img refuses a footer-less file).
#
# Usage: VMDK=... MKSTREAM=... LIBVMDK_CAT=... STREAMCMP=... OUT=... stream.sh
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
MiB=$((1024 * 1024))
GiB=$((1024 * MiB))

# ---- 1. qemu-img layout --------------------------------------------------
# name size seed segments (see mkraw in lib.sh)
QEMU_LAYOUTS=(
    "small $((MiB + 3 * 512)) 11 0:$((MiB + 3 * 512))"
    "medium $((40 * MiB + 5 * 512)) 12 0:300000 $((MiB + 7 * 512)):$((5 * MiB)) $((31 * MiB)):$((3 * MiB)) $((40 * MiB - 100000)):100000"
    "big $((4 * GiB + 2 * MiB + 3 * 512)) 13 0:65536 $((4 * GiB - 1536)):8192 $((4 * GiB + 65536 * 3 + 100)):200000 $((4 * GiB + 2 * MiB - 65536)):$((65536 + 3 * 512))"
)
for layout in "${QEMU_LAYOUTS[@]}"; do
    read -r lname size seed segs <<<"$layout"
    src="$OUT/$lname.src.raw"
    # shellcheck disable=SC2086
    mkraw "$src" "$size" "$seed" $segs
    img="$OUT/q-$lname.vmdk"
    qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$src" "$img"
    ref="$OUT/q-$lname.ref.raw"
    qemu-img convert -f vmdk -O raw "$img" "$ref"
    expect_cat "q-$lname.cat" "$img" "$ref"
    info_has "q-$lname.info" "$img" "stream: grain directory at the header's gdOffset"
    expect_status "q-$lname.check" 0 "" "$VMDK" check "$img"
    # unaligned partial reads (grain cache and window paths)
    capacity=$(stat -c %s "$ref")
    for r in "0 1" "511 1025" "65000 70000" "$((capacity - 777)) 777" "$((capacity / 3 + 13)) 200000"; do
        read -r off len <<<"$r"
        expect_range "q-$lname.part-$off" "$img" "$ref" "$off" "$len"
    done
    if [ "$lname" != big ]; then
        same_bytes "q-$lname.libvmdk" "'$LIBVMDK_CAT' '$img'" "$ref"
    fi
    rm -f "$ref"
done
note "libvmdk is not run on the 4 GiB image (slow); qemu-img is its oracle"
rm -f "$OUT/big.src.raw"

# ---- 2. VMware layout ----------------------------------------------------
# 24 MiB of mixed content (random, text, zero grains and runs) plus a
# partial last grain of 3 sectors.
src="$OUT/vmw.src.raw"
mkraw "$src" $((24 * MiB + 3 * 512)) 21 0:$((6 * MiB)) $((8 * MiB)):$((2 * MiB)) \
    $((12 * MiB + 4096)):$((4 * MiB)) $((24 * MiB - 70000)):$((70000 + 3 * 512))
# Some text so that grains compress well.
python3 - "$src" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(17 * 1024 * 1024)
    f.write((b"streamOptimized grain marker footer end-of-stream\n" * 40000)[:1500000])
PY

for variant in zlib raw; do
    opts=()
    [ "$variant" = raw ] && opts=(--raw-deflate)
    img="$OUT/vmw-$variant.vmdk"
    "$MKSTREAM" "${opts[@]}" "$src" "$img"
    expect_cat "vmw-$variant.cat" "$img" "$src"
    info_has "vmw-$variant.info" "$img" "stream: grain directory from the footer"
    expect_status "vmw-$variant.check" 0 "" "$VMDK" check "$img"
    expect_range "vmw-$variant.part" "$img" "$src" 12345 3000000

    # Footer and end-of-stream marker cut off: the marker walk.
    cut="$OUT/vmw-$variant-cut.vmdk"
    head -c $(($(stat -c %s "$img") - 1536)) "$img" >"$cut"
    expect_cat "vmw-$variant-cut.cat" "$cut" "$src"
    info_has "vmw-$variant-cut.info" "$cut" "recovered by marker walk"
    # check reports the recovery as a problem (exit 1)
    run_capture "vmw-$variant-cut.check" "$VMDK" check "$cut"
    if [ "$STATUS" -eq 1 ] && grep -q "found by marker walk" "$OUT/vmw-$variant-cut.check.out"; then
        pass
    else
        fail "vmw-$variant-cut.check: exit $STATUS: $(head -c 300 "$OUT/vmw-$variant-cut.check.out")"
    fi

    if [ "$variant" = zlib ]; then
        # Both peers read VMware's zlib layout.
        ref="$OUT/vmw-zlib.qemu.raw"
        qemu-img convert -f vmdk -O raw "$img" "$ref"
        if cmp -s "$ref" "$src"; then pass; else fail "vmw-zlib: qemu-img reads it differently from the raw input"; fi
        rm -f "$ref"
        same_bytes "vmw-zlib.libvmdk" "'$LIBVMDK_CAT' '$img'" "$src"
        # libvmdk walks a footer-less file too; qemu-img refuses it.
        same_bytes "vmw-zlib-cut.libvmdk" "'$LIBVMDK_CAT' '$cut'" "$src"
        if qemu-img convert -f vmdk -O raw "$cut" "$OUT/cut.qemu.raw" 2>"$OUT/cut.qemu.err"; then
            note "qemu-img read the footer-less file (newer qemu?)"
        else
            note "qemu-img refuses the footer-less file: $(head -c 100 "$OUT/cut.qemu.err")"
        fi
        rm -f "$OUT/cut.qemu.raw"
    else
        note "raw-deflate grains: compared with the raw input only (qemu-img and libvmdk need zlib)"
    fi
done

# A padded partial last grain and a version 1 header (zlib), with 128 KiB grains.
img="$OUT/vmw-pad.vmdk"
"$MKSTREAM" --pad-last --version 1 --grain 256 "$src" "$img"
expect_cat "vmw-pad.cat" "$img" "$src"
same_bytes "vmw-pad.libvmdk" "'$LIBVMDK_CAT' '$img'" "$src"

finish "stream tests" && rm -rf "$OUT"
