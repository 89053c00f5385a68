#!/usr/bin/env bash
# mkseeds.sh CORPUS_DIR WORK_DIR: seed inputs made by the standard tools
# (qemu-img descriptors, mkfs.fat + mtools volumes, an sgdisk GPT, mke2fs
# volumes), cut after their last non-zero sector: the fat, ext4 and part
# harnesses present the input at the size its boot sector / superblock /
# GPT header claims, zeros after it.
set -euo pipefail
corpus=$(realpath -m "$1")
work=$(realpath -m "$2")
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
rm -rf "$work"
mkdir -p "$work" "$corpus"/{descriptor,fat,part,vmdk,ext4,volume}
cd "$work"

# trim FILE: cut after the last sector holding a non-zero byte.
trim() {
    local size last
    size=$(stat -c %s "$1")
    last=$(od -A d -v -t x1 -w512 "$1" | awk '$0 !~ /^[0-9]+( 00)+$/ && NF > 1 { last = $1 } END { print last + 0 }')
    truncate -s $((last + 512 < size ? last + 512 : size)) "$1"
}

# ---- descriptors written by qemu-img ------------------------------------
for t in monolithicSparse monolithicFlat twoGbMaxExtentSparse twoGbMaxExtentFlat streamOptimized; do
    mkdir -p "q-$t"
    qemu-img create -q -f vmdk -o subformat="$t" "q-$t/d.vmdk" 3G
    if [ "$(head -c 4 "q-$t/d.vmdk")" = KDMV ]; then
        # The embedded descriptor: sectors 1..20, NUL-padded.
        dd if="q-$t/d.vmdk" bs=512 skip=1 count=20 status=none | tr -d '\0' > "q-$t/desc"
    else
        cp "q-$t/d.vmdk" "q-$t/desc"
    fi
    cp "q-$t/desc" "$corpus/descriptor/seed-qemu-$t"
done

# ---- FAT12 and FAT16 volumes made by mkfs.fat and mtools -----------------
printf 'hello\n' > hello.txt
head -c 1500 /dev/zero | tr '\0' 'k' > KERNEL
printf 'a long name\r\n' > "Long File Name.txt"
mkvol() { # IMAGE BITS KIB [mkfs options]
    local img=$1 bits=$2 kib=$3
    shift 3
    mkfs.fat -C -F "$bits" -n "SEED$bits" -i 1234ABCD "$@" "$img" "$kib" > /dev/null
    mmd -i "$img" ::/EFI ::/EFI/BOOT "::/A Folder"
    mcopy -i "$img" hello.txt ::/EFI/BOOT/BOOTX64.EFI
    mcopy -i "$img" KERNEL "Long File Name.txt" ::/
    mcopy -i "$img" hello.txt "::/A Folder/x.txt"
    mdel -i "$img" ::/KERNEL
    mcopy -i "$img" KERNEL ::/
    trim "$img"
}
mkvol fat12.img 12 200 -s 1 -r 32
mkvol fat16.img 16 2200 -s 1 -r 32 -f 1
cp fat12.img "$corpus/fat/seed-mkfs-fat12"
cp fat16.img "$corpus/fat/seed-mkfs-fat16"

# ---- a GPT written by sgdisk ----------------------------------------------
truncate -s 2M gpt.img
sgdisk -a 1 -U 11111111-2222-3333-4444-555555555555 \
    -n 1:34:+64K -t 1:EF00 -c 1:"EFI system" \
    -n 2:0:+64K -t 2:8300 -c 2:"root" gpt.img > /dev/null
truncate -s $((34 * 512)) gpt.img # MBR, header, entries: the backup is out of reach
cp gpt.img "$corpus/part/seed-sgdisk-gpt"
# ---- ext2 / ext4 volumes made by mke2fs -d (64 KiB, 1 KiB blocks) ---------
mkdir -p e/boot e/a/b/c
printf 'hello\n' > e/hello
head -c 600 /dev/zero | tr '\0' 'k' > e/boot/vmlinuz-6.1
ln -s vmlinuz-6.1 e/boot/vmlinuz
ln -s boot/vmlinuz e/link
ln -s ./a/b/c/../../../a/b/c/../../../a/b/c/../../../boot/vmlinuz-6.1 e/slow # > 60 bytes
ln -s loop e/loop
printf 'x\n' > e/a/b/c/f
head -c $((13 * 1024)) /dev/zero | tr '\0' 'i' > e/thirteen # needs an indirect block
printf 'start' > e/sparse
printf 'end' | dd of=e/sparse bs=1 seek=20000 conv=notrunc status=none
mkext() { # IMAGE [mke2fs options]
    local img=$1
    shift
    truncate -s 64K "$img"
    mke2fs -q -F -N 32 -b 1024 -I 128 -O ^resize_inode -E root_owner=0:0 -U 0a0b0c0d-1111-2222-3333-444455556666 "$@" \
        -d e "$img" 2>&1 | { grep -v -e "^Creating regular file" -e "128-byte inodes" || true; }
    trim "$img"
}
mkext ext2.img -t ext2
mkext ext4.img -t ext4 -O ^has_journal
mkext ext4-inline.img -t ext4 -I 256 -O ^has_journal,inline_data
cp ext2.img "$corpus/ext4/seed-mke2fs-ext2"
cp ext4.img "$corpus/ext4/seed-mke2fs-ext4"
cp ext4-inline.img "$corpus/ext4/seed-mke2fs-ext4-inline"

# ---- a GPT disk for the volume finder: an ESP without the kernel, then an
# ext2 partition holding /boot/vmlinuz (the loader's rule must pick 2) ------
mkfs.fat -C -F 12 -n ESP -i 1234ABCD -s 1 -r 16 esp.img 64 > /dev/null
mmd -i esp.img ::/EFI ::/EFI/BOOT
mcopy -i esp.img hello.txt ::/EFI/BOOT/BOOTX64.EFI
truncate -s 1M vol.img
sgdisk -a 1 -U 11111111-2222-3333-4444-555555555555 \
    -n 1:34:+64K -t 1:EF00 -c 1:"EFI system" \
    -n 2:0:+64K -t 2:8300 -c 2:"root" vol.img > /dev/null
dd if=esp.img of=vol.img bs=512 seek=34 conv=notrunc status=none
dd if=ext2.img of=vol.img bs=512 seek=$((34 + 128)) conv=notrunc status=none
truncate -s $((1024 * 1024 - 33 * 512)) vol.img # drop the backup GPT, then
trim vol.img                                    # the zeros before it
cp vol.img "$corpus/volume/seed-sgdisk-fat-ext2"
cp fat12.img "$corpus/volume/seed-whole-disk-fat12"

echo "mkseeds.sh: seeds written to $corpus"
