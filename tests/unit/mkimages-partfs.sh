#!/usr/bin/env bash
# mkimages-partfs.sh OUT_DIR: builds the real disk images that test_part and
# test_fat read: FAT12/16/32 filesystems made by mkfs.fat and filled by
# mtools (long names, nested folders, a many-cluster file, a fragmented file,
# a directory spanning several clusters), a GPT disk made by sgdisk and an
# MBR disk with extended/logical partitions made by sfdisk. The files copied
# in are kept under OUT_DIR/src so the tests compare bytes against them.
# The GUIDs, labels and offsets below are asserted by the tests.
set -euo pipefail
out=$(realpath -m "$1")
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
cd "$out.tmp"

# ---- the files -----------------------------------------------------------
mkdir -p src "src/Long Folder Name/sub dir" src/many
printf 'Hello, vmdkboot!\n' > src/hello.txt
printf 'lower case short name\n' > src/lower.txt
head -c 5000 /dev/urandom > src/KERNEL
printf 'a long name\r\n' > "src/MixedCase File Name With A Very Long Name.txt"
printf 'caf\xc3\xa9\n' > "src/caf$(printf '\xc3\xa9').txt"
: > src/empty.dat
head -c $((1024 * 1024 + 1234)) /dev/urandom > src/big.bin
printf 'deep\n' > "src/Long Folder Name/sub dir/deep file name with spaces.txt"
head -c 65536 /dev/urandom > "src/Long Folder Name/sub dir/data.bin"
for i in $(seq -w 1 100); do printf 'file %s\n' "$i" > "src/many/file$i.txt"; done
head -c 200000 /dev/urandom > src/frag.bin
for i in 1 2 3 4 5 6; do head -c 3000 /dev/urandom > "pad$i.bin"; done

# mkfs_fat IMAGE BITS SIZE_KIB [mkfs options]: a filesystem holding src/,
# where frag.bin lands in the holes left by deleted files.
mkfs_fat() {
    local img=$1 bits=$2 kib=$3
    shift 3
    mkfs.fat -C -F "$bits" -n "FAT$bits" -i 1234ABCD "$@" "$img" "$kib" > /dev/null
    mcopy -i "$img" pad1.bin pad2.bin pad3.bin pad4.bin pad5.bin pad6.bin ::/
    mdel -i "$img" ::/pad2.bin ::/pad4.bin
    if [ "$bits" = 32 ]; then
        # Forget FSInfo's next-free hint so allocation starts at the holes.
        printf '\xff\xff\xff\xff' | dd of="$img" bs=1 seek=$((512 + 492)) conv=notrunc,sparse status=none
    fi
    mcopy -i "$img" src/frag.bin ::/
    mdel -i "$img" ::/pad1.bin ::/pad3.bin ::/pad5.bin ::/pad6.bin
    mcopy -i "$img" -s src/hello.txt src/lower.txt src/KERNEL \
        "src/MixedCase File Name With A Very Long Name.txt" "src/caf$(printf '\xc3\xa9').txt" \
        src/empty.dat src/big.bin "src/Long Folder Name" src/many ::/
}
mkfs_fat fat12.img 12 4096
mkfs_fat fat16.img 16 24576
mkfs_fat fat32.img 32 40960 -s 1

# ---- GPT disk: three FAT partitions and an empty one ------------------------
mib=$((1024 * 1024))
truncate -s $((72 * mib)) gpt.img
sgdisk -U 11111111-2222-3333-4444-555555555555 \
    -n 1:2048:+4M -t 1:0700 -c 1:"fat12 part" -u 1:AAAAAAAA-BBBB-CCCC-DDDD-000000000001 \
    -n 2:0:+24M -t 2:0700 -c 2:"Dätä €16" -u 2:AAAAAAAA-BBBB-CCCC-DDDD-000000000002 \
    -n 3:0:+40M -t 3:EF00 -c 3:"fat32 part" -u 3:AAAAAAAA-BBBB-CCCC-DDDD-000000000003 \
    -n 5:0:+1M -t 5:8300 -c 5:"linux" -u 5:AAAAAAAA-BBBB-CCCC-DDDD-000000000005 \
    gpt.img > sgdisk.log
dd if=fat12.img of=gpt.img bs=1M seek=1 conv=notrunc,sparse status=none
dd if=fat16.img of=gpt.img bs=1M seek=5 conv=notrunc,sparse status=none
dd if=fat32.img of=gpt.img bs=1M seek=29 conv=notrunc,sparse status=none

# ---- MBR disk: a primary FAT12, an extended partition with three logicals --
truncate -s $((40 * mib)) mbr.img
sfdisk mbr.img > sfdisk.log <<'SFDISK'
label: dos
label-id: 0x12345678
start=2048, size=8192, type=1, bootable
start=10240, type=5
size=2048, type=83
size=49152, type=6
size=2048, type=82
SFDISK
dd if=fat12.img of=mbr.img bs=512 seek=2048 conv=notrunc,sparse status=none
dd if=fat16.img of=mbr.img bs=512 seek=16384 conv=notrunc,sparse status=none

# ---- volume finder disks (test_volume, tests/diff/fat.sh) -------------------
# vol.img: GPT, 1 an empty FAT12 "ESP", 2 a FAT16 holding only /boot/KERNEL
# (the loader's rule must pick 2 for it); vol-bad.img: the same, but the
# root entry count of partition 1 is zeroed, so its FAT fails to mount
# with ECORRUPT.
mkfs.fat -C -F 12 -n ESP -i 0000E5E5 vol-esp.img 4096 > /dev/null
mkfs.fat -C -F 16 -n DATA -i 0000DA7A vol-data.img 16384 > /dev/null
mmd -i vol-data.img ::/boot
mcopy -i vol-data.img src/KERNEL ::/boot/KERNEL
truncate -s $((24 * mib)) vol.img
sgdisk -n 1:2048:+4M -t 1:EF00 -c 1:esp -u 1:AAAAAAAA-BBBB-CCCC-DDDD-0000000000E1 \
    -n 2:0:+16M -t 2:0700 -c 2:data -u 2:AAAAAAAA-BBBB-CCCC-DDDD-0000000000E2 \
    vol.img >> sgdisk.log
dd if=vol-esp.img of=vol.img bs=1M seek=1 conv=notrunc,sparse status=none
dd if=vol-data.img of=vol.img bs=1M seek=5 conv=notrunc,sparse status=none
cp vol.img vol-bad.img
printf '\0\0' | dd of=vol-bad.img bs=1 seek=$((mib + 17)) conv=notrunc status=none
rm -f vol-esp.img vol-data.img

rm -f pad*.bin
cd ..
rm -rf "$out"
mv "$out.tmp" "$out"
