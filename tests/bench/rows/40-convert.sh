# 40-convert.sh: `vmdk convert` of the 512 MiB raw bench disk (the tar of
# /usr/lib with a 64 MiB zero run, made by 10-sparse.sh) to monolithicSparse
# against `qemu-img convert -O vmdk`, each into a fresh file. Both read the
# whole raw file; our convert flushes (fdatasync) before and after its
# header, qemu-img's default cache mode does not sync.
MiB=$((1024 * 1024))
raw=$BENCH_RAW
bench_need_raw
mib=$(($(stat -c %s "$raw") / MiB))
out="$BENCH_OUT/convert"
mkdir -p "$out"
# The outputs must read back as the input, or the timing means nothing.
rm -f "$out/check-v.vmdk" "$out/check-q.vmdk"
"$VMDK" convert -q -f raw "$raw" "$out/check-v.vmdk"
qemu-img convert -f raw -O vmdk "$raw" "$out/check-q.vmdk"
qemu-img compare -q -f raw -F vmdk "$raw" "$out/check-v.vmdk"
"$VMDK" cat "$out/check-v.vmdk" | cmp - "$raw"

bench_group "convert raw $mib MiB -> monolithicSparse (vmdk $(($(stat -c %s "$out/check-v.vmdk") / MiB)) MiB, qemu-img $(($(stat -c %s "$out/check-q.vmdk") / MiB)) MiB)"
bench_add "qemu-img convert -O vmdk" "$mib" "rm -f '$out/q.vmdk' && qemu-img convert -f raw -O vmdk '$raw' '$out/q.vmdk'"
bench_add "vmdk convert" "$mib" "rm -f '$out/v.vmdk' && '$VMDK' convert -q -f raw '$raw' '$out/v.vmdk'"
bench_run "qemu-img convert -O vmdk"
