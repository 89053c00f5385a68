# 25-streamout.sh: writing and reading streamOptimized. The ~512 MiB bench
# disk (10-sparse.sh's raw image) is converted by `vmdk convert -t
# streamOptimized` (every core, and -j 1) and by `qemu-img convert -O vmdk
# -o subformat=streamOptimized`, both at deflate level 6 and to a file
# under BENCH_OUT; then the disk vmdk wrote is read whole by `vmdk cat`
# (every core, and -j 1) and by libvmdk. Ratios: time / the peer's.
MiB=$((1024 * 1024))
raw=$BENCH_RAW
bench_need_raw
mib=$(($(stat -c %s "$raw") / MiB))
ours="$BENCH_OUT/so-vmdk/usrlib-so.vmdk"
theirs="$BENCH_OUT/so-qemu/usrlib-so.vmdk"
mkdir -p "${ours%/*}" "${theirs%/*}" "$BENCH_OUT/so-j1"
cpus=$(nproc)

bench_group "convert raw $mib MiB -> streamOptimized file ($cpus CPUs); ratio: time / qemu-img's"
bench_add "qemu-img convert" "$mib" \
    "qemu-img convert -f raw -O vmdk -o subformat=streamOptimized '$raw' '$theirs'"
bench_add "vmdk convert (-j $cpus)" "$mib" \
    "'$VMDK' convert -q --force -t streamOptimized -f raw '$raw' '$ours'"
bench_add "vmdk convert -j 1" "$mib" \
    "'$VMDK' convert -q --force -t streamOptimized -f raw -j 1 '$raw' '$BENCH_OUT/so-j1/usrlib-so.vmdk'"
bench_run "qemu-img convert"
# The figures only mean something if both files hold the same disk.
qemu-img compare -q -f raw -F vmdk "$raw" "$ours"
qemu-img compare -q -f raw -F vmdk "$raw" "$theirs"
so=$(stat -c %s "$ours") sq=$(stat -c %s "$theirs")
printf '%-34s %9s MiB, qemu-img %s MiB: size ratio %s\n' "file size: vmdk" \
    "$(python3 -c "print(f'{$so / $MiB:.1f}')")" "$(python3 -c "print(f'{$sq / $MiB:.1f}')")" \
    "$(python3 -c "print(f'{$so / $sq:.3f}')")"

bench_group "read the streamOptimized disk vmdk wrote ($cpus CPUs), whole disk to a pipe; ratio: time / libvmdk's"
"$VMDK" cat "$ours" | cmp - "$raw"
"$LIBVMDK_CAT" "$ours" | cmp - "$raw"
bench_add "libvmdk (libvmdk_cat)" "$mib" "'$LIBVMDK_CAT' '$ours' | cat >/dev/null"
bench_add "vmdk cat (-j $cpus)" "$mib" "'$VMDK' cat '$ours' | cat >/dev/null"
bench_add "vmdk cat -j 1" "$mib" "'$VMDK' cat -j 1 '$ours' | cat >/dev/null"
bench_run "libvmdk (libvmdk_cat)"
rm -rf "$BENCH_OUT/so-j1" "${theirs%/*}"
