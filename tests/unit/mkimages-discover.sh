#!/usr/bin/env bash
# mkimages-discover.sh OUT_DIR: the raw disks test_discover reads, made by
# sgdisk/sfdisk, mkfs.fat + mtools and mke2fs -d (no mounting). The names,
# GUIDs, titles and file order below are asserted by the test.
#   gpt.img    1: ESP (FAT16): BLS entries (sort-key, versions, no title, no
#              linux, a missing kernel, an aa64 entry), a UKI (a hand-made
#              PE32+ with .osrel), a UKI cut inside its headers, and
#              \EFI\BOOT\BOOTX64.EFI; 2: ext4 root, PARTUUID fixed, with
#              /boot/vmlinuz and /etc/os-release (no initrd, no cmdline)
#   mbr.img    1: type 0xEF FAT16 with one entry; 2: type 0x83 ext4 with
#              /boot/loader/entries/root-entry.conf naming /vmlinuz-x
#   empty.img  zeros: no table, no filesystem
set -euo pipefail
out=$(realpath -m "$1")
export MTOOLS_SKIP_CHECK=1 LC_ALL=C
rm -rf "$out.tmp" && mkdir -p "$out.tmp" && cd "$out.tmp"

fat_tree() { # IMG MIB TREE
    truncate -s $(($2 * 1024 * 1024)) "$1"
    mkfs.fat -F 16 -n DISCOVER "$1" >/dev/null
    (cd "$3" && find . -mindepth 1 -type d | sort) | while read -r d; do mmd -i "$1" "::/${d#./}"; done
    (cd "$3" && find . -type f | sort) | while read -r f; do mcopy -i "$1" "$3/${f#./}" "::/${f#./}"; done
}
ext4_tree() { # IMG MIB TREE
    truncate -s $(($2 * 1024 * 1024)) "$1"
    mke2fs -q -F -t ext4 -E root_owner=0:0 -d "$3" "$1" >/dev/null 2>&1
}
pe() { # OUT OSREL_TEXT: a PE32+ with .text and .osrel (layout as in test_discover.c)
    python3 - "$1" "$2" <<'PY'
import struct, sys
osrel = sys.argv[2].encode()
pe = bytearray(0x210 + len(osrel) + 16)
pe[0:2] = b"MZ"; struct.pack_into("<I", pe, 0x3c, 0x80)
pe[0x80:0x84] = b"PE\0\0"
struct.pack_into("<HH", pe, 0x84, 0x8664, 2)
struct.pack_into("<H", pe, 0x94, 0xF0)
struct.pack_into("<H", pe, 0x98, 0x20b)
sec = 0x98 + 0xF0
pe[sec:sec + 5] = b".text"; struct.pack_into("<IIII", pe, sec + 8, 16, 0, 16, 0x200)
sec += 40
pe[sec:sec + 6] = b".osrel"; struct.pack_into("<IIII", pe, sec + 8, len(osrel), 0, len(osrel), 0x210)
pe[0x210:0x210 + len(osrel)] = osrel
open(sys.argv[1], "wb").write(pe)
PY
}

# ---- gpt.img -------------------------------------------------------------
e=esp && mkdir -p $e/loader/entries $e/EFI/Linux $e/EFI/BOOT
printf 'kernel\n' > $e/vmlinuz && printf 'initrd\n' > $e/initrd.img
printf 'title Sorted first\nsort-key a\nlinux /vmlinuz\ninitrd /initrd.img\noptions console=ttyS0\noptions quiet\n' > $e/loader/entries/b-sorted.conf
printf 'title Six nine\nversion 6.9\nlinux /vmlinuz\n' > $e/loader/entries/ver-6.9.conf
printf 'title Six ten\nversion 6.10\nlinux /vmlinuz\n' > $e/loader/entries/ver-6.10.conf
printf 'linux /vmlinuz\n' > $e/loader/entries/plain.conf
printf 'title no kernel\n' > $e/loader/entries/broken.conf
printf 'linux /no-such-kernel\n' > $e/loader/entries/missing.conf
printf 'linux /vmlinuz\narchitecture aa64\n' > $e/loader/entries/arm.conf
printf 'not an entry\n' > $e/loader/entries/readme.txt
pe $e/EFI/Linux/linux.efi $'PRETTY_NAME="Test UKI"\nVERSION_ID=42\nID=test\n'
head -c 100 $e/EFI/Linux/linux.efi > $e/EFI/Linux/short.efi
printf 'loader\n' > $e/EFI/BOOT/BOOTX64.EFI
fat_tree esp.part 16 $e
r=root && mkdir -p $r/boot $r/etc
printf 'kernel\n' > $r/boot/vmlinuz
printf 'NAME=x\nPRETTY_NAME="Test OS 1.0"\n' > $r/etc/os-release
ext4_tree root.part 8 $r
truncate -s 26M gpt.img
sgdisk -n 1:2048:+16M -t 1:EF00 -n 2:0:+8M -t 2:8300 -u 2:3f8c2e56-2b1a-4c7d-9e0f-a1b2c3d4e5f6 gpt.img >/dev/null
dd if=esp.part of=gpt.img bs=1M seek=1 conv=notrunc status=none
dd if=root.part of=gpt.img bs=1M seek=17 conv=notrunc status=none

# ---- mbr.img -------------------------------------------------------------
m=mesp && mkdir -p $m/loader/entries && printf 'k\n' > $m/k
printf 'linux /k\n' > $m/loader/entries/esp-entry.conf
fat_tree mesp.part 16 $m
x=mroot && mkdir -p $x/boot/loader/entries
printf 'k\n' > $x/boot/vmlinuz-x && printf 'i\n' > $x/boot/initrd-x
printf 'linux /vmlinuz-x\ninitrd /initrd-x\noptions root=/dev/sda2\n' > $x/boot/loader/entries/root-entry.conf
ext4_tree mroot.part 8 $x
truncate -s 26M mbr.img
printf 'label: dos\nstart=2048, size=32768, type=ef\nstart=34816, size=16384, type=83\n' | sfdisk -q mbr.img
dd if=mesp.part of=mbr.img bs=1M seek=1 conv=notrunc status=none
dd if=mroot.part of=mbr.img bs=1M seek=17 conv=notrunc status=none

truncate -s 4M empty.img
rm -rf "$out" && mkdir -p "$out" && mv gpt.img mbr.img empty.img "$out/"
cd / && rm -rf "$out.tmp"
