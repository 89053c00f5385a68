#!/usr/bin/env bash
# mkbases.sh OUT_DIR MKCOWD MKSTREAM: the good images the bad-input catalogue starts
# from, one folder per base, the top-level file always disk.vmdk. Written by
# qemu-img (and mkcowd, the test image builder's COWD writer, since qemu-img
# cannot write COWD, and mkstream, the VMware-layout streamOptimized writer,
# since qemu-img writes only its own layout), from deterministic content.
#   sparse  monolithicSparse (redundant GD), data in grains 0, 1, 3, 20-22
#   split   twoGbMaxExtentSparse: descriptor + disk-s001.vmdk
#   flat    monolithicFlat: descriptor + disk-flat.vmdk
#   chain   disk.vmdk (monolithicSparse delta) over base.vmdk
#   deep    a chain of 17 links (one more than VB_CHAIN_MAX)
#   stream  streamOptimized (qemu-img layout: GD up front, no footer)
#   vstream streamOptimized, VMware layout (GT/GD markers, footer, end-of-
#           stream marker), from mkstream
#   cowd    a bare COWD extent, grain 8
#   gptfat  disk.raw (GPT, one FAT16 partition with KERNEL, INITRD, a
#           folder DIR) and disk.vmdk converted from it; cases that damage
#           the partition table or the filesystem patch disk.raw and convert
#           again
set -euo pipefail
out=$(realpath -m "$1")
mkcowd=$(realpath "$2")
mkstream=$(realpath "$3")
export MTOOLS_SKIP_CHECK=1 LC_ALL=C
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
cd "$out.tmp"
# pattern TEXT BYTES: TEXT repeated, cut at BYTES.
pattern() { (set +o pipefail; yes "$1" | head -c "$2"); }

# content.raw: 2 MiB, text pattern in grains 0, 1, 3 and 20..22 (64 KiB each).
truncate -s 2M content.raw
for g in 0 1 3 20 21 22; do
    pattern "vmdkboot catalogue grain $g" 65536 |
        dd of=content.raw bs=65536 seek="$g" conv=notrunc status=none
done

mkdir sparse split flat chain deep stream vstream cowd gptfat
qemu-img convert -q -f raw -O vmdk -o subformat=monolithicSparse content.raw sparse/disk.vmdk
qemu-img convert -q -f raw -O vmdk -o subformat=twoGbMaxExtentSparse content.raw split/disk.vmdk
qemu-img convert -q -f raw -O vmdk -o subformat=monolithicFlat content.raw flat/disk.vmdk
qemu-img convert -q -f raw -O vmdk -o subformat=streamOptimized content.raw stream/disk.vmdk
"$mkcowd" content.raw 8 cowd/disk.vmdk
"$mkstream" content.raw vstream/disk.vmdk

qemu-img convert -q -f raw -O vmdk -o subformat=monolithicSparse content.raw chain/base.vmdk
(cd chain && qemu-img create -q -f vmdk -b base.vmdk -F vmdk disk.vmdk &&
    qemu-io -c 'write -P 0x55 64k 64k' -c 'write -P 0xaa 1280k 4k' disk.vmdk > /dev/null)

(cd deep && qemu-img create -q -f vmdk l0.vmdk 1M &&
    for i in $(seq 1 16); do qemu-img create -q -f vmdk -b "l$((i - 1)).vmdk" -F vmdk "l$i.vmdk"; done &&
    mv l16.vmdk disk.vmdk)

# gptfat: 4 MiB disk, GPT, partition 1 at 64 KiB (sector 128) of 3 MiB, FAT16.
truncate -s 4M gptfat/disk.raw
sgdisk -a 1 -U 11111111-2222-3333-4444-555555555555 -n 1:128:+3M -t 1:0700 -c 1:"data" \
    -u 1:AAAAAAAA-BBBB-CCCC-DDDD-000000000001 gptfat/disk.raw > /dev/null
truncate -s 3M fat.img
mkfs.fat -F 16 -s 1 -n CATALOGUE -i 1234ABCD fat.img > /dev/null
pattern "kernel bytes" 9000 > KERNEL
pattern "initrd bytes" 3000 > INITRD
mcopy -i fat.img KERNEL INITRD ::/
mmd -i fat.img ::/DIR
mcopy -i fat.img INITRD ::/DIR/FILE
dd if=fat.img of=gptfat/disk.raw bs=512 seek=128 conv=notrunc status=none
qemu-img convert -q -f raw -O vmdk -o subformat=monolithicSparse gptfat/disk.raw gptfat/disk.vmdk
rm -f content.raw fat.img KERNEL INITRD

cd ..
rm -rf "$out"
mv "$out.tmp" "$out"
