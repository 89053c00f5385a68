#!/usr/bin/env bash
# fat.sh: `vmdk ls` and `vmdk get` on FAT filesystems inside VMDKs. The
# disks come from tests/unit/mkimages-partfs.sh (mkfs.fat + mtools files in
# a GPT disk made by sgdisk and an MBR disk made by sfdisk) and a bare FAT32
# volume; qemu-img converts each to VMDK. Every file comes back byte for
# byte; listings and errors are asserted exactly.
# Usage: VMDK=... STREAMCMP=... OUT=build/tests/diff/fat fat.sh
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$OUT"
mkdir -p "$OUT"
"$here/../unit/mkimages-partfs.sh" "$OUT/img" >/dev/null
src="$OUT/img/src"
FORMATS=(monolithicSparse twoGbMaxExtentFlat streamOptimized)
[ -n "${EXTRA_SUBFORMATS:-}" ] && FORMATS+=($EXTRA_SUBFORMATS)

# The listing every FAT volume of mkimages-partfs.sh shows at its root:
# "d|- size name" lines, sorted.
root_listing() {
    local f
    for f in "$src"/*; do
        if [ -d "$f" ]; then echo "d 0 $(basename "$f")/"; else echo "- $(stat -c %s "$f") $(basename "$f")"; fi
    done
}
root_listing | LC_ALL=C sort >"$OUT/root.want"

for fmt in "${FORMATS[@]}"; do
    for table in gpt mbr; do
        tag="$table-$fmt"
        mkdir -p "$OUT/$tag"
        img="$OUT/$tag/$tag.vmdk"
        qemu-img convert -f raw -O vmdk -o subformat="$fmt" "$OUT/img/$table.img" "$img"
        # GPT: 1 FAT12, 2 FAT16, 3 FAT32; MBR: 1 FAT12, 6 FAT16 (logical).
        parts="1 2 3"
        [ $table = mbr ] && parts="1 6"
        for p in $parts; do
            w="$img@$p"
            if "$VMDK" ls --json "$w" / >"$OUT/$tag.$p.ls" 2>"$OUT/$tag.$p.ls.err"; then
                json_get "$OUT/$tag.$p.ls" '"\n".join(("d" if e["dir"] else "-") + " %d %s%s" % (e["size"], e["name"], "/" if e["dir"] else "") for e in j)' |
                    LC_ALL=C sort >"$OUT/$tag.$p.ls.got"
                if cmp -s "$OUT/$tag.$p.ls.got" "$OUT/root.want"; then pass; else
                    fail "$tag@$p: ls / differs: $(diff "$OUT/root.want" "$OUT/$tag.$p.ls.got" | head -5)"
                fi
                "$VMDK" ls "$w" / >"$OUT/$tag.$p.ls.txt" || fail "$tag@$p: ls (text) failed"
            else
                fail "$tag@$p: ls failed: $(cat "$OUT/$tag.$p.ls.err")"
            fi
            expect_get "$tag.$p.hello" "$w" /hello.txt "$src/hello.txt"
            expect_get "$tag.$p.big" "$w" /BIG.BIN "$src/big.bin"
            expect_get "$tag.$p.kernel" "$w" '\KERNEL' "$src/KERNEL"
            expect_get "$tag.$p.empty" "$w" empty.dat "$src/empty.dat"
            expect_get "$tag.$p.deep" "$w" "/long folder name/SUB DIR/deep file name with spaces.txt" \
                "$src/Long Folder Name/sub dir/deep file name with spaces.txt"
            expect_get "$tag.$p.lfn" "$w" "/MixedCase File Name With A Very Long Name.txt" \
                "$src/MixedCase File Name With A Very Long Name.txt"
            expect_get "$tag.$p.utf8" "$w" "/caf$(printf '\xc3\xa9').txt" "$src/caf$(printf '\xc3\xa9').txt"
            expect_get "$tag.$p.many" "$w" /many/file077.txt "$src/many/file077.txt"
        done
        # Without @PARTITION: the first partition holding the path.
        expect_get "$tag.auto" "$img" /hello.txt "$src/hello.txt"
        # By label and PARTUUID.
        if [ $table = gpt ]; then
            expect_get "$tag.label" "$img@label=fat32 part" /hello.txt "$src/hello.txt"
            expect_get "$tag.uuid" "$img@uuid=aaaaaaaa-bbbb-cccc-dddd-000000000002" /hello.txt "$src/hello.txt"
        else
            expect_get "$tag.uuid" "$img@uuid=12345678-06" /hello.txt "$src/hello.txt"
        fi
    done
done

# A bare FAT32 volume (no partition table) in a VMDK.
qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse "$OUT/img/fat32.img" "$OUT/bare.vmdk"
expect_get bare.big "$OUT/bare.vmdk" /big.bin "$src/big.bin"
"$VMDK" ls "$OUT/bare.vmdk" /many >"$OUT/bare.many" || fail "bare: ls /many failed"
expect_eq bare.many.count "$(wc -l <"$OUT/bare.many")" 100
"$VMDK" ls --json "$OUT/bare.vmdk" "/Long Folder Name/sub dir" >"$OUT/bare.json" || fail "bare: ls --json failed"
expect_eq bare.json "$(json_get "$OUT/bare.json" 'sorted((e["name"], e["dir"], e["size"]) for e in j)')" \
    "[('data.bin', False, 65536), ('deep file name with spaces.txt', False, 5)]"
"$VMDK" ls "$OUT/bare.vmdk" /big.bin >"$OUT/bare.file" || fail "bare: ls of a file failed"
expect_eq bare.file "$(awk '{ print $2, $4 }' "$OUT/bare.file")" "$(stat -c %s "$src/big.bin") big.bin"

# Without @PARTITION, the loader's rule (core/volume): partition 1 of vol.img
# is an empty FAT, only partition 2 holds /boot/KERNEL, so get and ls read
# partition 2 (they used to stop at the first partition that mounts). In
# vol-bad.img partition 1's FAT is corrupt: skipped, named if PATH is nowhere.
for v in vol vol-bad; do
    qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse "$OUT/img/$v.img" "$OUT/$v.vmdk"
    expect_get "$v.auto" "$OUT/$v.vmdk" /boot/KERNEL "$src/KERNEL"
    "$VMDK" ls "$OUT/$v.vmdk" /boot >"$OUT/$v.ls" || fail "$v: ls /boot failed"
    expect_eq "$v.ls" "$(awk '{ print $NF }' "$OUT/$v.ls")" "KERNEL"
done
expect_status vol.nowhere 1 \
    "vmdk: $OUT/vol.vmdk: ENOTFOUND: /boot/none: not found on any partition (gpt table, 2 partitions)" \
    "$VMDK" get "$OUT/vol.vmdk" /boot/none
expect_status vol-bad.nowhere 1 \
    "ENOTFOUND: /boot/none: not found on any partition (gpt table, 2 partitions); partition 1: ECORRUPT: FAT12/16 with no root directory entries" \
    "$VMDK" ls "$OUT/vol-bad.vmdk" /boot/none
expect_status vol.stop 1 "vmdk: $OUT/vol.vmdk@1: EPATH: /../y: " "$VMDK" get "$OUT/vol.vmdk" /../y
expect_status vol.named 1 "vmdk: $OUT/vol.vmdk@1: ENOTFOUND: /boot/KERNEL: " \
    "$VMDK" get "$OUT/vol.vmdk@1" /boot/KERNEL

# Errors.
img="$OUT/gpt-monolithicSparse/gpt-monolithicSparse.vmdk"
expect_status err.nofile 1 "ENOTFOUND" "$VMDK" get "$img@1" /no/such/file
expect_status err.dir 1 "EINVAL" "$VMDK" get "$img@1" "/Long Folder Name"
expect_status err.nopart 1 "ENOTFOUND" "$VMDK" ls "$img@9" /
expect_status err.badpart 1 "ENOTFOUND" "$VMDK" ls "$img@x" /
expect_status err.notfat 1 "EFORMAT" "$VMDK" ls "$img@5" /
expect_status err.dotdot 1 "EPATH" "$VMDK" get "$img@1" /many/../hello.txt
expect_status err.bare-part 1 "ENOTFOUND" "$VMDK" ls "$OUT/bare.vmdk@1" /
expect_status err.usage 2 "wrong number" "$VMDK" get "$img"

finish fat
