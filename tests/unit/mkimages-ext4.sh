#!/usr/bin/env bash
# mkimages-ext4.sh OUT_DIR: builds the ext2/3/4 images that test_ext4 reads,
# with mke2fs -d (no mounting) and debugfs, from one source tree kept under
# OUT_DIR/src so the tests compare bytes against it:
#   files with holes (sparse.bin; far.bin reaches the triple-indirect range
#   on 1 KiB blocks), a 6 MiB file, a fragmented file (frag.bin, written by
#   debugfs into one-block holes left between deleted pad files, so its
#   extent tree has depth 1, or 2 on 1 KiB blocks), deep directories, a
#   3000-entry directory (htree after e2fsck -D), fast, slow, relative,
#   absolute and looping symlinks (/boot/vmlinuz -> vmlinuz-6.1 and friends);
#   and disk.img, a GPT disk with a FAT16 and an ext4 partition.
# Every image must pass `e2fsck -fn`. The image names and options below are
# what the tests expect.
set -euo pipefail
out=$(realpath -m "$1")
export LC_ALL=C
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
cd "$out.tmp"

# ---- the files -----------------------------------------------------------
mkdir -p src/boot src/a/b/c/d/e/f/g/h src/up src/many src/smalldir src/ci
printf 'Hello, ext4!\n' > src/hello.txt
: > src/empty.dat
head -c $((6 * 1024 * 1024 + 123)) /dev/urandom > src/big.bin
head -c $((3 * 1024 * 1024 + 17)) /dev/urandom > src/boot/vmlinuz-6.1
head -c $((1024 * 1024 + 5)) /dev/urandom > src/boot/initrd.img-6.1
ln -s vmlinuz-6.1 src/boot/vmlinuz
ln -s /boot/initrd.img-6.1 src/boot/initrd.img
ln -s boot/vmlinuz src/vmlinuz
ln -s /boot/initrd.img src/initrd.img
printf 'deep\n' > src/a/b/c/d/e/f/g/h/deep.txt
ln -s a/b/c src/dirlink
ln -s ../hello.txt src/up/uplink
# 67 bytes: a slow symlink (more than the 60 bytes an inode holds)
ln -s ./a/b/c/d/e/f/g/h/../../../../../../../../a/b/c/d/e/f/g/h/deep.txt src/slowlink
ln -s loop2 src/loop1
ln -s loop1 src/loop2
ln -s nowhere src/dangling
for i in $(seq 1 3000); do printf 'entry %d\n' "$i" > "src/many/file$i"; done
head -c 60 /dev/urandom > src/small60.bin
head -c 100 /dev/urandom > src/small100.bin
printf 'in a small directory\n' > src/smalldir/one.txt
printf 'two\n' > src/smalldir/two.txt
printf 'case\n' > src/ci/MixedCase.txt
printf 'caf\xc3\xa9\n' > "src/caf$(printf '\xc3\xa9').txt"
# Holes: data at 0, 1 MiB and 5 MiB + 123, 8 MiB in all.
head -c 4096 /dev/urandom > src/sparse.bin
head -c 10000 /dev/urandom | dd of=src/sparse.bin bs=1 seek=$((1024 * 1024)) conv=notrunc status=none
head -c 3000 /dev/urandom | dd of=src/sparse.bin bs=1 seek=$((5 * 1024 * 1024 + 123)) conv=notrunc status=none
truncate -s $((8 * 1024 * 1024)) src/sparse.bin
# 72 MiB with data at 70 MiB: triple indirect on 1 KiB blocks.
head -c 5000 /dev/urandom | dd of=src/far.bin bs=1 seek=$((70 * 1024 * 1024)) conv=notrunc status=none
truncate -s $((72 * 1024 * 1024)) src/far.bin
head -c $((450 * 1024 + 77)) /dev/urandom > frag.bin
cp frag.bin src.frag.bin

# mkext4 IMAGE SIZE [mke2fs options]: the source tree ($SRC), then frag.bin
# written into one-block holes, then e2fsck -fyD (htree, counts) and -fn.
mkext4() {
    local img=$1 size=$2
    shift 2
    rm -f "$img"
    mke2fs -q -F -E root_owner=0:0 -L "${img%.img}" -U 0a0b0c0d-1111-2222-3333-444455556666 \
        "$@" -d "${SRC:-src}" "$img" "$size" 2>&1 | { grep -v -e '^Warning' -e 'forced to continue' \
        -e 'too small for a journal' -e '^Creating regular file' -e '^$' || true; }
    local bs npads
    bs=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Block size/ {print $2 + 0}')
    npads=$(((450 * 1024 / bs + 1) * 2 + 64))
    head -c "$bs" /dev/urandom > pad.bin
    { echo "mkdir pads"; echo "cd pads"; for i in $(seq 1 "$npads"); do echo "write pad.bin p$i"; done; } > pads.cmd
    debugfs -w -f pads.cmd "$img" > /dev/null 2>&1
    # Mark every free block used, free every other pad, write frag.bin into
    # the holes, then give the marked blocks back and drop the pads.
    dumpe2fs "$img" 2>/dev/null | awk '/^  Free blocks: [0-9]/ {
        sub(/^  Free blocks: /, ""); n = split($0, r, ", ");
        for (i = 1; i <= n; i++) { split(r[i], a, "-"); if (a[2] == "") a[2] = a[1];
            print a[1], a[2] - a[1] + 1 } }' > free.txt
    {
        awk '{print "setb", $1, $2}' free.txt
        for i in $(seq 1 2 "$npads"); do echo "rm pads/p$i"; done
        echo "write frag.bin frag.bin"
        awk '{print "freeb", $1, $2}' free.txt
        for i in $(seq 2 2 "$npads"); do echo "rm pads/p$i"; done
        echo "rmdir pads"
        # mke2fs -d with inline_data drops the trailing holes of sparse files.
        echo "sif sparse.bin size $((8 * 1024 * 1024))"
        echo "sif far.bin size $((72 * 1024 * 1024))"
    } > frag.cmd
    debugfs -w -f frag.cmd "$img" > /dev/null 2>&1
    e2fsck -fyD "$img" > /dev/null 2>&1 || [ $? -le 1 ]
    if ! e2fsck -fn "$img" > e2fsck.log 2>&1; then
        echo "mkimages-ext4.sh: $img is not clean:" >&2
        cat e2fsck.log >&2
        exit 1
    fi
}

mkext4 ext4.img 64M -t ext4 -b 4096
mkext4 ext4-1k.img 48M -t ext4 -b 1024 -O 64bit
mkext4 ext3-1k.img 48M -t ext3 -b 1024
mkext4 ext2.img 48M -t ext2 -b 4096
mkext4 ext2-notype.img 48M -t ext2 -b 2048 -O ^filetype
mkext4 ext4-inline.img 48M -t ext4 -b 4096 -O inline_data,^has_journal,casefold
# meta_bg over 128 groups of 128 inodes: many/ and later files sit in groups
# 16 and up, whose descriptors are in the second meta group.
mkext4 ext4-metabg.img 1G -t ext4 -b 1024 -N 16384 -O meta_bg,^resize_inode
mkext4 ext4-noext.img 48M -t ext4 -b 4096 -O ^extents,^64bit
# 64 KiB blocks: without many/ (3000 blocks of 64 KiB).
cp -al src src64k
rm -rf src64k/many
SRC=src64k mkext4 ext4-64k.img 96M -t ext4 -b 65536
rm -rf src64k
# A case-insensitive directory (chattr +F): the flag set by debugfs.
flags=$(debugfs -R "stat ci" ext4-inline.img 2>/dev/null | sed -n 's/.*Flags: \(0x[0-9a-f]*\).*/\1/p')
debugfs -w -R "set_inode_field ci flags $(printf '0x%x' $((flags | 0x40000000)))" ext4-inline.img > /dev/null 2>&1

# A GPT disk: partition 1 FAT16 (an ESP-like volume), partition 2 ext4
# holding only /boot (the kernel behind the usual symlink).
mkdir -p bootsrc/boot
cp -a src/boot/. bootsrc/boot/
mke2fs -q -F -t ext4 -b 4096 -L root -d bootsrc part2.img 16M 2>&1 | { grep -v '^Creating regular file' || true; }
mkfs.fat -C -F 16 -s 1 -n ESP part1.img 8192 > /dev/null
MTOOLS_SKIP_CHECK=1 mcopy -i part1.img src/hello.txt ::/
truncate -s 32M disk.img
sgdisk -n 1:2048:+8M -t 1:EF00 -c 1:esp -n 2:0:+16M -t 2:8300 -c 2:root disk.img > /dev/null
dd if=part1.img of=disk.img bs=1M seek=1 conv=notrunc,sparse status=none
dd if=part2.img of=disk.img bs=1M seek=9 conv=notrunc,sparse status=none
rm -rf bootsrc part1.img part2.img

mv src.frag.bin src/frag.bin
rm -f pad.bin pads.cmd frag.cmd free.txt frag.bin e2fsck.log
cd ..
rm -rf "$out"
mv "$out.tmp" "$out"
