#!/usr/bin/env bash
# chain.sh: delta links through the tool: qemu-img snapshots written with
# qemu-io read back equal to `qemu-img convert -O raw`; `vmdk map` names the
# link each run comes from, as `qemu-img map` does (depth); `info` shows the
# chain; CID mismatch, loops, missing and escaping parents give their
# errors, and --ignore-cid / --allow-escape lift the first and last.
# Usage: VMDK=... STREAMCMP=... OUT=build/tests/diff/chain chain.sh
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$OUT"
mkdir -p "$OUT"
MiB=$((1024 * 1024))
cd "$OUT"

# mkchain DIR [delta options]: base (random data with holes) <- mid <- top.
mkchain() {
    local d=$1
    shift
    mkdir -p "$d"
    mkraw "$d/base.raw" $((6 * MiB + 3 * 512)) 31 0:$((2 * MiB)) $((3 * MiB)):$((3 * MiB + 3 * 512))
    qemu-img convert -f raw -O vmdk "$d/base.raw" "$d/base.vmdk"
    qemu-img create -q -f vmdk "$@" -b base.vmdk -F vmdk "$d/mid.vmdk"
    qemu-io -f vmdk -c "write -P 0xaa 1M 64k" -c "write -P 0x55 2500k 300k" "$d/mid.vmdk" >/dev/null
    qemu-img create -q -f vmdk "$@" -b mid.vmdk -F vmdk "$d/top.vmdk"
    qemu-io -f vmdk -c "write -P 0x11 1056k 8k" -c "write -z 4M 128k" -c "write -P 0x22 $((6 * MiB)) 1536" "$d/top.vmdk" >/dev/null
    qemu-img convert -f vmdk -O raw "$d/top.vmdk" "$d/ref.raw"
}

# map_links IMAGE QEMU|VMDK: "start length link" of every data run, merged.
map_links() {
    python3 - "$1" "$2" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
out = []
for r in runs:
    if sys.argv[2] == "qemu":
        if not r["data"]:
            continue
        start, length, link = r["start"], r["length"], r["depth"]
    else:
        if r["kind"] != "data":
            continue
        start, length, link = r["offset"], r["length"], r["link"]
    if out and out[-1][2] == link and out[-1][0] + out[-1][1] == start:
        out[-1][1] += length
    else:
        out.append([start, length, link])
print("\n".join("%d %d %d" % tuple(x) for x in out))
PY
}

for variant in plain zeroed; do
    opts=()
    [ $variant = zeroed ] && opts=(-o zeroed_grain=on)
    mkchain "$variant" "${opts[@]}"
    expect_cat "$variant.cat" "$variant/top.vmdk" "$variant/ref.raw"
    expect_cat "$variant.cat-mid" "$variant/top.vmdk" <(slice "$variant/ref.raw" $((2500 * 1024 - 100)) 5000) \
        --offset $((2500 * 1024 - 100)) --length 5000
    "$VMDK" map --json "$variant/top.vmdk" >"$variant/map.json" || fail "$variant: map failed"
    qemu-img map --output=json "$variant/top.vmdk" >"$variant/qmap.json"
    python3 "$here/mapcmp.py" "$variant/map.json" "$(stat -c %s "$variant/ref.raw")" \
        "$variant/qmap.json" || fail "$variant: map data ranges differ from qemu-img"
    expect_eq "$variant.map-links" "$(map_links "$variant/map.json" vmdk)" "$(map_links "$variant/qmap.json" qemu)"
    "$VMDK" info --json "$variant/top.vmdk" >"$variant/info.json" || fail "$variant: info failed"
    expect_eq "$variant.info" "$(json_get "$variant/info.json" '[(l["path"], l["parent_hint"]) for l in j["links"]]')" \
        "[('top.vmdk', 'mid.vmdk'), ('mid.vmdk', 'base.vmdk'), ('base.vmdk', None)]"
    expect_check "$variant.check" "$variant/top.vmdk" 0 "no problems found"
done
# The zeroed-grain delta hides its parent's data: map says zero, link 0.
expect_eq zeroed.map-zero "$(json_get zeroed/map.json '[(r["offset"], r["length"], r["link"]) for r in j if r["kind"] == "zero"]')" \
    "[($((4 * MiB)), $((128 * 1024)), 0)]"

# edit_descriptor IMAGE SED: rewrites a link's embedded descriptor.
edit_descriptor() {
    embedded_get "$1" | sed "$2" >"$1.txt"
    embedded_set "$1" "$1.txt"
}

# The parent changed after the snapshot: ECID unless --ignore-cid.
cp -r plain cid
edit_descriptor cid/base.vmdk 's/^CID=.*/CID=0badc0de/'
expect_status cid 1 "ECID" "$VMDK" cat cid/top.vmdk
expect_cat cid.ignored cid/top.vmdk plain/ref.raw --ignore-cid

# A chain that loops back on itself.
cp -r plain loop
edit_descriptor loop/base.vmdk 's/^parentCID=.*/parentCID=12345678/; s/^createType=.*/&\nparentFileNameHint="top.vmdk"/'
expect_status loop 1 "ELOOP" "$VMDK" cat loop/top.vmdk --ignore-cid

# A missing parent.
cp -r plain missing
rm missing/base.vmdk
expect_status missing 1 "ENOTFOUND" "$VMDK" info missing/top.vmdk

# A parent outside the folder: EPATH unless --allow-escape.
mkdir -p escape/sub
cp plain/base.vmdk plain/mid.vmdk escape/
cp plain/top.vmdk escape/sub/
edit_descriptor escape/sub/top.vmdk 's/^parentFileNameHint=.*/parentFileNameHint="..\/mid.vmdk"/'
expect_status escape 1 "EPATH" "$VMDK" cat escape/sub/top.vmdk
expect_cat escape.allowed escape/sub/top.vmdk plain/ref.raw --allow-escape

finish chain
