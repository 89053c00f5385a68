#!/bin/bash
# vmdkdiff.sh BINDIR: differential checks of delta chains and COWD extents.
#
# Delta chains of three links are written with qemu-img create -b and
# qemu-io (partial-grain writes, zero writes, zeroed-grain GTEs, a split
# sparse link); COWD extents (grain sizes 1 and 8, standalone, through a
# vmfsSparse descriptor, and as a redo log over a flat base) come from
# mkcowd. Each disk must read back byte-identical to `qemu-img convert -O
# raw`, and the chain's map must agree with `qemu-img map` on which link
# holds each byte. Work files go to BINDIR/work and are removed on success.
set -euo pipefail
BIN=$(cd "$1" && pwd)
OUT=$BIN/work
READ=$BIN/readdisk
MKCOWD=$BIN/mkcowd
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
cd "$OUT"

qio() { qemu-io -f vmdk "$@" >/dev/null; }

# same NAME IMAGE [readdisk options]: our bytes == qemu-img convert -O raw.
same() {
    local name=$1 image=$2
    shift 2
    same_as "$name" "$image" "$image" "$@"
}

# same_as NAME IMAGE ORACLE [readdisk options]: our bytes of IMAGE == qemu's of ORACLE.
same_as() {
    local name=$1 image=$2 oracle=$3
    shift 3
    qemu-img convert -O raw "$oracle" "$name.qemu.raw"
    if ! "$READ" "$@" "$image" >"$name.ours.raw" 2>"$name.err"; then
        fail "$name: readdisk failed: $(cat "$name.err")"
    elif ! cmp -s "$name.qemu.raw" "$name.ours.raw"; then
        fail "$name: differs from qemu-img: $(cmp "$name.qemu.raw" "$name.ours.raw" | head -1)"
    else
        pass
    fi
    rm -f "$name.qemu.raw" "$name.ours.raw"
}

# same_raw NAME IMAGE RAW: our bytes == the raw input.
same_raw() {
    if ! "$READ" "$2" >"$1.ours.raw" 2>"$1.err"; then
        fail "$1: readdisk failed: $(cat "$1.err")"
    elif ! cmp -s "$3" "$1.ours.raw"; then
        fail "$1: differs from its raw input: $(cmp "$3" "$1.ours.raw" | head -1)"
    else
        pass
    fi
    rm -f "$1.ours.raw"
}

# samemap NAME IMAGE: every byte has the same class in our map and in
# qemu-img map: data from link N, zero at link N, or unallocated.
samemap() {
    qemu-img map --output=json "$2" >"$1.qmap.json"
    "$READ" --map "$2" >"$1.map.txt"
    if python3 - "$1.map.txt" "$1.qmap.json" <<'PY'; then pass; else fail "$1: map differs from qemu-img map"; fi
import json, sys
def merged(runs):
    out = []
    for start, length, cls in runs:
        if out and out[-1][2] == cls and out[-1][0] + out[-1][1] == start:
            out[-1][1] += length
        else:
            out.append([start, length, cls])
    return out
ours = []
for line in open(sys.argv[1]):
    off, length, kind, link = line.split()
    cls = ("hole",) if kind == "hole" else (kind, int(link))
    ours.append((int(off), int(length), cls))
theirs = []
for r in json.load(open(sys.argv[2])):
    if not r["present"]:
        cls = ("hole",)
    elif r["data"]:
        cls = ("data", r["depth"])
    else:
        cls = ("zero", r["depth"])
    theirs.append((r["start"], r["length"], cls))
a, b = merged(ours), merged(theirs)
if a != b:
    for x, y in zip(a, b):
        if x != y:
            print("first difference: ours", x, "qemu", y, file=sys.stderr)
            break
    print(f"ours {len(a)} runs, qemu {len(b)} runs", file=sys.stderr)
    sys.exit(1)
PY
}

# ---- delta chain: base (monolithicSparse) <- mid (twoGbMaxExtentSparse) <- top (zeroed_grain) ----
mkraw base.raw $((20 << 20)) 7 0:$((6 << 20)) $((9 << 20)):$((3 << 20)) $((17 << 20)):300000
qemu-img convert -f raw -O vmdk base.raw base.vmdk
qemu-img create -q -f vmdk -o subformat=twoGbMaxExtentSparse -b base.vmdk -F vmdk mid.vmdk
qio -c 'write -P 0x44 512k 4k' -c 'write -z 3M 64k' -c 'write -P 0x55 15M 1k' \
    -c 'write -P 0x56 8M 200k' -c 'write -P 0x57 1000 3000' mid.vmdk
qemu-img create -q -f vmdk -o zeroed_grain=on -b mid.vmdk -F vmdk top.vmdk
qio -c 'write -z 0 128k' -c 'write -P 0x66 200k 10k' -c 'write -z 10M 64k' \
    -c 'write -z 11M 100' -c 'write -P 0x77 19M 4k' -c 'write -z 8M 64k' \
    -c 'write -P 0x78 20971000 520' top.vmdk
same chain-base base.vmdk
same chain-mid mid.vmdk
same chain-top top.vmdk
samemap chain-top top.vmdk
samemap chain-mid mid.vmdk

# The base changes under its children: the CID check refuses, the flag
# overrides (qemu refuses too, so the oracle is the changed base itself:
# the child holds no data of its own).
cp base.vmdk base2.vmdk
qemu-img create -q -f vmdk -b base2.vmdk -F vmdk child2.vmdk
qio -c 'write -P 0x12 0 4k' base2.vmdk
if "$READ" child2.vmdk >/dev/null 2>child2.err; then
    fail "child2: opened despite a parent CID mismatch"
elif ! grep -q "ECID: child2.vmdk: parentCID [0-9a-f]* does not match CID [0-9a-f]* of parent base2.vmdk" child2.err; then
    fail "child2: unexpected error: $(cat child2.err)"
else
    pass
fi
same_as chain-ignore-cid child2.vmdk base2.vmdk --ignore-cid

# ---- COWD: grain 1 and 8, standalone and through a vmfsSparse descriptor ----
for grain in 1 8; do
    mkraw cowd$grain.raw $(((9 << 20) + 1536)) $((20 + grain)) 0:70000 $((1 << 20)):$((2 << 20)) \
        $((5 << 20)):123457 $(((9 << 20) - 5000)):6536
    "$MKCOWD" cowd$grain.raw $grain cowd$grain-delta.vmdk
    sectors=$(( ((9 << 20) + 1536) / 512 ))
    # (No blank line before the extent line: qemu 7.2 then parses it twice.)
    printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="vmfsSparse"\nRW %d VMFSSPARSE "cowd%d-delta.vmdk"\n' \
        "$sectors" "$grain" >cowd$grain.vmdk
    same cowd$grain-descriptor cowd$grain.vmdk
    same_raw cowd$grain-input cowd$grain.vmdk cowd$grain.raw
    # qemu does not open a bare COWD file; the raw input is the oracle.
    same_raw cowd$grain-standalone cowd$grain-delta.vmdk cowd$grain.raw
done

# ---- COWD redo log over a monolithicFlat base ----
mkraw rbase.raw $((4 << 20)) 31 0:$((4 << 20))
qemu-img convert -f raw -O vmdk -o subformat=monolithicFlat rbase.raw rbase.vmdk
mkraw rdelta.raw $((4 << 20)) 32 $((1 << 20)):5000 $((3 << 20)):70000
"$MKCOWD" rdelta.raw 8 redo-delta.vmdk
cid=$(sed -n 's/^CID=//p' rbase.vmdk)
printf 'version=1\nCID=0badcafe\nparentCID=%s\nparentFileNameHint="rbase.vmdk"\ncreateType="vmfsSparse"\nRW 8192 VMFSSPARSE "redo-delta.vmdk"\n' \
    "$cid" >redo.vmdk
same cowd-redo redo.vmdk
samemap cowd-redo redo.vmdk

if finish "vmdkdiff"; then
    cd /
    rm -rf "$OUT"
else
    echo "work files kept in $OUT" >&2
    exit 1
fi
