#!/bin/bash
# kill.sh VMDK KILLWRITER WORKDIR KILLS: SIGKILLs a writing process
# (killwriter write) at random moments, KILLS times, each round continuing
# on the image the previous kill left. After each kill the invariant of the
# writer is asserted: `vmdk check` and `qemu-img check` find no corruption,
# qemu-img and `vmdk cat` read the same bytes, and every write up to the
# last logged flush reads back exactly, later ones old or new per grain
# (killwriter verify). Seeded: round i uses seed 1000 + i and sleeps a
# pseudo-random 1..30 ms. The image lives in /dev/shm when there is one:
# what a SIGKILL leaves is the page cache either way, and fdatasync there
# costs nothing (WORKDIR otherwise; a failing round's files are kept).
set -euo pipefail
vmdk=$(realpath "$1"); killwriter=$(realpath "$2"); work=$3; kills=$4
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    work=$(mktemp -d /dev/shm/vmdkboot-write-kill.XXXXXX)
else
    rm -rf "$work"; mkdir -p "$work"
fi
cd "$work"
cp "$vmdk" ./vmdk; cp "$killwriter" ./killwriter # a rebuild during the run cannot disturb it
vmdk=$PWD/vmdk; killwriter=$PWD/killwriter
qemu-img create -q -f vmdk -o subformat=monolithicSparse k.vmdk 4M
qemu-img convert -O raw k.vmdk base.raw
RANDOM=${KILL_RANDOM:-4242}
start=$SECONDS
for ((i = 1; i <= kills; i++)); do
    seed=$((${KILL_SEED_BASE:-1000} + i))
    : > log # a writer killed before it opens its log has begun nothing
    "$killwriter" write k.vmdk $seed log 2> writer.err &
    pid=$!
    sleep "0.0$(printf %02d $((1 + RANDOM % 30)))"
    kill -KILL $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    if grep -qv Killed writer.err; then echo "kill $i:" >&2; cat writer.err >&2; exit 1; fi
    "$vmdk" check k.vmdk > check.out || { echo "kill $i: vmdk check failed" >&2; cat check.out >&2; exit 1; }
    qemu-img check -q k.vmdk || { echo "kill $i: qemu-img check failed" >&2; exit 1; }
    qemu-img convert -O raw k.vmdk after.raw
    "$vmdk" cat k.vmdk | cmp - after.raw || { echo "kill $i: vmdk cat differs from qemu-img" >&2; exit 1; }
    "$killwriter" verify after.raw base.raw $seed log > verify.out ||
        { echo "kill $i (seed $seed), files kept in $work:" >&2; cat verify.out >&2; exit 1; }
    mv after.raw base.raw
    w=$(grep -c '^W' log || true); f=$(grep -c '^F' log || true)
    total_w=$((${total_w:-0} + w)); total_f=$((${total_f:-0} + f))
done
cd / && rm -rf "$work"
echo "kill.sh: $kills SIGKILLs of a writer ($total_w writes begun, $total_f flushes logged): invariant held after each, $((SECONDS - start)) s"
