# 20-stream.sh: whole-disk read of the same ~512 MiB of content (made by
# 10-sparse.sh: a tar of /usr/lib with a 64 MiB zero run) as a
# streamOptimized disk written by qemu-img: vmdk cat vs libvmdk vs
# qemu-img convert -O raw (qemu-img cannot write a raw image to a pipe, so
# it writes a file under BENCH_OUT). libvmdk and qemu-img inflate with zlib.
MiB=$((1024 * 1024))
raw=$BENCH_RAW
img="$BENCH_OUT/usrlib-stream.vmdk"
bench_need_raw
if [ ! -e "$img" ]; then
    # Same file name while it is written: the embedded descriptor names it,
    # and libvmdk opens the extent by that name.
    mkdir -p "$BENCH_OUT/tmp"
    qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$raw" "$BENCH_OUT/tmp/${img##*/}"
    mv "$BENCH_OUT/tmp/${img##*/}" "$img"
    # The comparison only means something if all three read the same bytes.
    "$VMDK" cat "$img" | cmp - "$raw"
    "$LIBVMDK_CAT" "$img" | cmp - "$raw"
    qemu-img convert -O raw "$img" "$BENCH_OUT/stream-qemu.raw"
    cmp "$BENCH_OUT/stream-qemu.raw" "$raw"
fi
mib=$(($(stat -c %s "$raw") / MiB))

bench_group "streamOptimized $mib MiB ($(($(stat -c %s "$img") / MiB)) MiB file), whole disk; ratio: time / vmdk cat's"
bench_add "vmdk cat" "$mib" "'$VMDK' cat '$img' | cat >/dev/null" \
    "'$VMDK' cat --stats '$img' 2>&1 >/dev/null | sed -n 's/.*: \([0-9]*\) platform read calls.*/\1/p'"
bench_add "libvmdk (libvmdk_cat)" "$mib" "'$LIBVMDK_CAT' '$img' | cat >/dev/null" \
    "LIBVMDK_CAT_STATS=1 '$LIBVMDK_CAT' '$img' 2>&1 >/dev/null | sed -n 's/.*: \([0-9]*\) read calls.*/\1/p'"
bench_add "qemu-img convert -O raw (file)" "$mib" \
    "qemu-img convert -O raw '$img' '$BENCH_OUT/stream-qemu.raw'"
bench_run "vmdk cat"

# Wall-clock time on a shared machine follows the load; CPU time (user +
# sys of every process of the command) shows the work each reader does.
cpu_seconds() {
    (
        bash -c "set -o pipefail; $1" >/dev/null 2>&1
        times
    ) | tail -1 | python3 -c '
import re, sys
t = [int(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", sys.stdin.read())]
print(f"{sum(t):.3f}")'
}
printf '\nstreamOptimized %s MiB: CPU seconds (user + sys), best of %s\n' "$mib" "$BENCH_ROUNDS"
printf '%-34s %9s %9s\n' contender "cpu s" ratio
base_cpu=""
for i in "${!_labels[@]}"; do
    best=""
    for ((r = 0; r < BENCH_ROUNDS; r++)); do
        s=$(cpu_seconds "${_cmds[$i]}")
        if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $s < $best)"; then best=$s; fi
    done
    [ -z "$base_cpu" ] && base_cpu=$best
    printf '%-34s %9.3f %8.2fx\n' "${_labels[$i]}" "$best" "$(python3 -c "print($best / $base_cpu)")"
done
rm -f "$BENCH_OUT/stream-qemu.raw"
