#!/usr/bin/env bash
# corrupt.sh: broken and hostile inputs through the tool. Each case asserts
# the exact exit status and the error name on the single stderr line.
# Usage: VMDK=... STREAMCMP=... OUT=build/tests/bad-input/corrupt corrupt.sh
# shellcheck source=../diff/lib.sh
source "$(dirname "$0")/../diff/lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
MiB=$((1024 * 1024))
V=$VMDK

src="$OUT/src.raw"
mkraw "$src" $((2 * MiB)) 21 0:$((MiB + 4096)) $((2 * MiB - 65536)):65536
ref="$OUT/ref.raw"
cp "$src" "$ref"
sparse() { # sparse NAME: a fresh monolithicSparse copy
    qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse "$src" "$OUT/$1.vmdk"
    echo "$OUT/$1.vmdk"
}
flat() { # flat NAME: a fresh monolithicFlat in its own folder
    mkdir -p "$OUT/$1"
    qemu-img convert -f raw -O vmdk -o subformat=monolithicFlat "$src" "$OUT/$1/$1.vmdk"
    echo "$OUT/$1/$1.vmdk"
}

# --- usage (exit 2) ---------------------------------------------------------
img=$(sparse good)
expect_status usage.none 2 "no command" "$V"
expect_status usage.unknown 2 "unknown command" "$V" frob "$img"
expect_status usage.noimage 2 "no IMAGE" "$V" cat
expect_status usage.extra 2 "wrong number" "$V" cat "$img" "$img"
expect_status usage.option 2 "unknown option" "$V" cat --frob "$img"
expect_status usage.offset 2 "--offset" "$V" cat "$img" --offset -1
expect_status usage.json 2 "--json" "$V" cat --json "$img"
expect_status usage.past 2 "past the end" "$V" cat "$img" --offset $((2 * MiB + 1))
expect_status usage.length 2 "past the end" "$V" cat "$img" --offset 1 --length $((2 * MiB))
expect_status usage.help 0 "" "$V" --help
expect_cat good "$img" "$ref"
expect_check good.check "$img" 0 "no problems found"
expect_cat good.end "$img" /dev/null --offset $((2 * MiB))

# --- not a VMDK ---------------------------------------------------------------
expect_status missing 1 "ENOTFOUND" "$V" cat "$OUT/no-such.vmdk"
expect_status directory 1 "EINVAL" "$V" info "$OUT"
: >"$OUT/empty.vmdk"
expect_status empty 1 "EFORMAT" "$V" cat "$OUT/empty.vmdk"
head -c 4096 /dev/urandom >"$OUT/garbage.vmdk"
printf '\x01' | dd of="$OUT/garbage.vmdk" bs=1 conv=notrunc status=none # never "KDMV"/"COWD"/"#"
expect_status garbage 1 "EFORMAT" "$V" cat "$OUT/garbage.vmdk"
printf 'hello world\nthis is not a descriptor\n' >"$OUT/text.vmdk"
expect_status text 1 "EFORMAT" "$V" cat "$OUT/text.vmdk"
img=$(sparse badmagic)
printf 'X' | dd of="$img" bs=1 conv=notrunc status=none
expect_status badmagic 1 "EFORMAT" "$V" info "$img"

# --- sparse header fields -----------------------------------------------------
img=$(sparse trunc-header)
truncate -s 300 "$img"
expect_status trunc-header 1 "ETRUNCATED" "$V" info "$img"
img=$(sparse trunc-meta)
truncate -s 4096 "$img" # header + descriptor, no grain directory
expect_status trunc-meta 1 "ECORRUPT" "$V" cat "$img"
img=$(sparse trunc-data)
truncate -s -32768 "$img" # the last grain loses its second half
expect_status trunc-data 1 "ECORRUPT" "$V" cat "$img"
expect_check trunc-data.check "$img" 2 "grain table 0 entry 31 points past end of file"

img=$(sparse newline)
printf 'X' | dd of="$img" bs=1 seek=74 conv=notrunc status=none
expect_status newline 1 "ECORRUPT" "$V" cat "$img"
img=$(sparse incompat)
put_le32 "$img" 8 $(($(le32 "$img" 8) | 0x01000000))
expect_status incompat 1 "EUNSUPPORTED" "$V" cat "$img"
img=$(sparse grain100)
put_le64 "$img" 20 100
expect_status grain100 1 "ECORRUPT" "$V" cat "$img"
img=$(sparse grain0)
put_le64 "$img" 20 0
expect_status grain0 1 "ECORRUPT" "$V" cat "$img"
img=$(sparse gtes0)
put_le32 "$img" 44 0
expect_status gtes0 1 "ECORRUPT" "$V" cat "$img"
img=$(sparse gtes-huge)
put_le32 "$img" 44 0x40000000
expect_status gtes-huge 1 "ECORRUPT" "$V" cat "$img"
img=$(sparse capacity-huge)
put_le64 "$img" 12 0xffffffffffffff00
expect_status capacity-huge 1 "ECORRUPT" "$V" cat "$img"

# --- grain directory / tables ---------------------------------------------------
# qemu-img writes a redundant GD (flags bit 1): a primary GDE pointing past
# the end of the file falls back to it, so the disk still reads right, but
# check reports the bad entry.
img=$(sparse gd-primary)
gd=$(le64 "$img" 56)
put_le32 "$img" $((gd * 512)) 0x7fffffff
expect_cat gd-primary "$img" "$ref"
expect_check gd-primary.check "$img" 1 "primary grain directory entry 0 points outside the file"
img=$(sparse gd-both)
put_le32 "$img" $(($(le64 "$img" 56) * 512)) 0x7fffffff
put_le32 "$img" $(($(le64 "$img" 48) * 512)) 0x7fffffff
expect_status gd-both 1 "ECORRUPT" "$V" cat "$img"
# Unusable both ways: open fails, so check reports that one error on stderr.
expect_status gd-both.check 1 "grain directory entry 0 points past end of file" "$V" check "$img"
# A GTE that points past the end of the file, in both copies.
img=$(sparse gte-past)
for hdr in 56 48; do
    gt=$(le32 "$img" $(($(le64 "$img" $hdr) * 512)))
    put_le32 "$img" $((gt * 512 + 4)) 0x7ffffff0
done
expect_status gte-past 1 "ECORRUPT" "$V" cat "$img"
expect_check gte-past.check "$img" 2 "grain table 0 entry 1 points past end of file"
# Two GTEs pointing at the same grain: reads fine, check complains.
img=$(sparse gte-dup)
for hdr in 56 48; do
    gt=$(le32 "$img" $(($(le64 "$img" $hdr) * 512)))
    put_le32 "$img" $((gt * 512 + 4)) "$(le32 "$img" $((gt * 512)))"
done
expect_check gte-dup.check "$img" 1 "points at a grain already used by another entry"

# --- descriptors and extents ----------------------------------------------------
img=$(flat missing-extent)
rm "$OUT/missing-extent/missing-extent-flat.vmdk"
expect_status missing-extent 1 "ENOTFOUND" "$V" cat "$img"
img=$(flat short-extent) # extent line says more sectors than the file holds
truncate -s -512 "$OUT/short-extent/short-extent-flat.vmdk"
expect_status short-extent 1 "ETRUNCATED" "$V" cat "$img"
# name, then the sed script that breaks the descriptor: EDESCRIPTOR each.
while read -r name script <&3; do
    img=$(flat "$name")
    sed -i "$script" "$img"
    expect_status "$name" 1 "EDESCRIPTOR" "$V" cat "$img"
done 3<<'EDITS'
noquote s/^RW \([0-9]*\) FLAT "\(.*\)" 0$/RW \1 FLAT "\2 0/
badtype s/ FLAT / FROB /
badsize s/^RW [0-9]* /RW 12x4 /
noextents /^RW /d
EDITS
# A sparse extent whose line disagrees with its header's capacity.
d="$OUT/sparse-size"
mkdir -p "$d"
qemu-img convert -f raw -O vmdk -o subformat=twoGbMaxExtentSparse "$src" "$d/s.vmdk"
sed -i 's/^RW \([0-9]*\) SPARSE/RW 8192 SPARSE/' "$d/s.vmdk"
expect_status sparse-size 1 "ECORRUPT" "$V" cat "$d/s.vmdk"
# An oversized descriptor file.
{
    printf '# Disk DescriptorFile\nversion=1\ncreateType="monolithicFlat"\n'
    head -c 70000 /dev/zero | tr '\0' '#'
    printf '\n'
} >"$OUT/huge.vmdk"
expect_status huge 1 "ELIMIT" "$V" cat "$OUT/huge.vmdk"

# Escaping paths: refused unless --allow-escape.
img=$(flat dotdot)
mkdir -p "$OUT/dotdot/sub"
mv "$img" "$OUT/dotdot/sub/"
sed -i 's/"dotdot-flat.vmdk"/"..\/dotdot-flat.vmdk"/' "$OUT/dotdot/sub/dotdot.vmdk"
expect_status dotdot 1 "EPATH" "$V" cat "$OUT/dotdot/sub/dotdot.vmdk"
expect_cat dotdot.allowed "$OUT/dotdot/sub/dotdot.vmdk" "$ref" --allow-escape
img=$(flat absolute)
sed -i "s|\"absolute-flat.vmdk\"|\"$OUT/absolute/absolute-flat.vmdk\"|" "$img"
expect_status absolute 1 "EPATH" "$V" cat "$img"
expect_cat absolute.allowed "$img" "$ref" --allow-escape

finish corrupt
