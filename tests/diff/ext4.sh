#!/usr/bin/env bash
# ext4.sh: `vmdk ls` and `vmdk get` on ext2/3/4 filesystems inside VMDKs.
# The images come from tests/unit/mkimages-ext4.sh (mke2fs -d and debugfs;
# VB_EXT4_IMAGES names the folder, built by `make unit-tests`): a GPT disk
# with a FAT16 and an ext4 partition, and bare ext4 / ext3 volumes; qemu-img
# converts each to VMDK. Files come back byte for byte through symlinks,
# holes, fragmented extents and triple-indirect block maps; listings and
# errors are asserted exactly.
# Usage: VMDK=... STREAMCMP=... OUT=build/tests/diff/ext4 VB_EXT4_IMAGES=... ext4.sh
source "$(dirname "$0")/lib.sh"
imgs=$(realpath "${VB_EXT4_IMAGES:-build/tests/images/ext4}")
src="$imgs/src"
rm -rf "$OUT"
mkdir -p "$OUT"

# ---- a GPT disk: 1 FAT16 (ESP), 2 ext4 "root" holding /boot ---------------
for fmt in monolithicSparse streamOptimized; do
    img="$OUT/disk-$fmt.vmdk"
    qemu-img convert -f raw -O vmdk -o subformat="$fmt" "$imgs/disk.img" "$img"
    expect_get "disk-$fmt.fat" "$img@1" /hello.txt "$src/hello.txt"
    expect_get "disk-$fmt.kernel" "$img@2" /boot/vmlinuz "$src/boot/vmlinuz-6.1"
    expect_get "disk-$fmt.label" "$img@label=root" boot/initrd.img "$src/boot/initrd.img-6.1"
    expect_get "disk-$fmt.auto" "$img" /hello.txt "$src/hello.txt" # the first filesystem: FAT
    "$VMDK" ls "$img@2" /boot >"$OUT/disk-$fmt.ls" || fail "disk-$fmt: ls /boot failed"
    expect_eq "disk-$fmt.ls" "$(awk '{ print substr($1, 1, 1), $2, $3 }' "$OUT/disk-$fmt.ls" | LC_ALL=C sort | tr '\n' ';')" \
        "- 1048581 initrd.img-6.1;- 3145745 vmlinuz-6.1;l 11 vmlinuz;l 20 initrd.img;"
done
img="$OUT/disk-monolithicSparse.vmdk"
"$VMDK" ls --json "$img@2" / >"$OUT/disk.json" || fail "disk: ls --json failed"
expect_eq disk.json "$(json_get "$OUT/disk.json" 'sorted((e["name"], e["dir"], e["symlink"], e["mode"] >> 12) for e in j)')" \
    "[('boot', True, False, 4), ('lost+found', True, False, 4)]"
"$VMDK" ls "$img@2" /boot/vmlinuz >"$OUT/disk.file" || fail "disk: ls of a symlinked file failed"
expect_eq disk.file "$(awk '{ print $1, $2, $3 }' "$OUT/disk.file")" "-rw-r--r-- 3145745 vmlinuz-6.1"

# ---- bare volumes: ext4 (extents, htree, inline-free) and ext3 (block maps)
qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse "$imgs/ext4.img" "$OUT/ext4.vmdk"
qemu-img convert -f raw -O vmdk -o subformat=twoGbMaxExtentFlat "$imgs/ext3-1k.img" "$OUT/ext3.vmdk"
for v in ext4 ext3; do
    w="$OUT/$v.vmdk"
    expect_get "$v.big" "$w" /big.bin "$src/big.bin"
    expect_get "$v.frag" "$w" frag.bin "$src/frag.bin"
    expect_get "$v.sparse" "$w" /sparse.bin "$src/sparse.bin"
    expect_get "$v.far" "$w" /far.bin "$src/far.bin"
    expect_get "$v.vmlinuz" "$w" /vmlinuz "$src/boot/vmlinuz-6.1"
    expect_get "$v.deep" "$w" /dirlink/d/e/f/g/h/deep.txt "$src/a/b/c/d/e/f/g/h/deep.txt"
    expect_get "$v.slow" "$w" /slowlink "$src/a/b/c/d/e/f/g/h/deep.txt"
    expect_get "$v.many" "$w" /many/file2999 "$src/many/file2999"
    expect_get "$v.empty" "$w" /empty.dat "$src/empty.dat"
    "$VMDK" ls "$w" /many >"$OUT/$v.many" || fail "$v: ls /many failed"
    expect_eq "$v.many.count" "$(wc -l <"$OUT/$v.many")" 3000
    "$VMDK" ls "$w" / >"$OUT/$v.root" || fail "$v: ls / failed"
    expect_eq "$v.root.link" "$(awk '$3 == "vmlinuz" { print $1, $2 }' "$OUT/$v.root")" "lrwxrwxrwx 12"
    expect_eq "$v.root.dir" "$(awk '$3 == "boot/" { print substr($1, 1, 1) }' "$OUT/$v.root")" "d"
done

# ---- errors -----------------------------------------------------------------
w="$OUT/ext4.vmdk"
expect_status err.nofile 1 "ENOTFOUND" "$VMDK" get "$w" /no/such/file
expect_status err.case 1 "ENOTFOUND" "$VMDK" get "$w" /HELLO.TXT
expect_status err.dir 1 "EINVAL" "$VMDK" get "$w" /boot
expect_status err.loop 1 "ELOOP" "$VMDK" get "$w" /loop1
expect_status err.dangling 1 "ENOTFOUND" "$VMDK" get "$w" /dangling
expect_status err.notdir 1 "ENOTFOUND" "$VMDK" ls "$w" /hello.txt/
expect_status err.bare-part 1 "ENOTFOUND" "$VMDK" ls "$w@1" /

finish ext4
