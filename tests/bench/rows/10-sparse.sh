# 10-sparse.sh: whole-disk read of a ~512 MiB monolithicSparse disk of real
# content (a tar of /usr/lib with a 64 MiB zero run in the middle): vmdk cat
# vs libvmdk vs plain cat of the raw image.
MiB=$((1024 * 1024))
raw=$BENCH_RAW
img="$BENCH_OUT/usrlib.vmdk"
if [ ! -e "$img" ]; then
    {
        tar cf - -C / usr/lib 2>/dev/null | head -c $((224 * MiB)) || true
        head -c $((64 * MiB)) /dev/zero
        tar cf - -C / usr/lib 2>/dev/null | tail -c +$((300 * MiB)) | head -c $((224 * MiB)) || true
    } >"$raw.tmp"
    [ "$(stat -c %s "$raw.tmp")" -eq $((512 * MiB)) ] || {
        echo "bench: could not make 512 MiB of content from /usr/lib" >&2
        exit 1
    }
    mv "$raw.tmp" "$raw"
    qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse "$raw" "$img"
    # The comparison only means something if all three read the same bytes.
    "$VMDK" cat "$img" | cmp - "$raw"
    "$LIBVMDK_CAT" "$img" | cmp - "$raw"
fi
mib=$(($(stat -c %s "$raw") / MiB))

bench_group "monolithicSparse $mib MiB ($(($(stat -c %s "$img") / MiB)) MiB file), whole disk to a pipe"
# cat's read calls come from strace when it is installed.
cat_stats=""
command -v strace >/dev/null &&
    cat_stats="strace -qq -c -e trace=read -o '$BENCH_OUT/cat.strace' cat '$raw' >/dev/null && awk '\$NF == \"read\" { print \$4 }' '$BENCH_OUT/cat.strace'"
bench_add "cat raw image" "$mib" "cat '$raw' | cat >/dev/null" "$cat_stats"
bench_add "vmdk cat" "$mib" "'$VMDK' cat '$img' | cat >/dev/null" \
    "'$VMDK' cat --stats '$img' 2>&1 >/dev/null | sed -n 's/.*: \([0-9]*\) platform read calls.*/\1/p'"
bench_add "libvmdk (libvmdk_cat)" "$mib" "'$LIBVMDK_CAT' '$img' | cat >/dev/null" \
    "LIBVMDK_CAT_STATS=1 '$LIBVMDK_CAT' '$img' 2>&1 >/dev/null | sed -n 's/.*: \([0-9]*\) read calls.*/\1/p'"
bench_run "cat raw image"
