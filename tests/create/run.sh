#!/usr/bin/env bash
# run.sh: `make create-tests`. Every kind `vmdk create` and `vmdk convert`
# make is checked against others' tools: qemu-img check is clean, qemu-img
# info names the kind and the size, qemu-img compare finds it identical to
# its source, vmdk cat and libvmdk read the same bytes; an empty disk is
# byte for byte what `qemu-img create` makes (CID apart); a delta link made
# by `create --parent` takes qemu-io writes and leaves its parent alone;
# refusals give their one-line messages and leave nothing behind.
# Usage: VMDK=... LIBVMDK_CAT=... STREAMCMP=... OUT=build/tests/create run.sh
source "$(dirname "$0")/../diff/lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
cd "$OUT"
MiB=$((1024 * 1024))
KINDS=(monolithicSparse twoGbMaxExtentSparse monolithicFlat twoGbMaxExtentFlat)

# files_of IMAGE: the image and its extent files (as qemu-img names them).
files_of() {
    local stem=${1%.vmdk}
    ls "$1" "$stem"-flat.vmdk "$stem"-s[0-9][0-9][0-9].vmdk "$stem"-f[0-9][0-9][0-9].vmdk 2>/dev/null || true
}

# expect_qemu NAME IMAGE KIND BYTES: qemu-img check is clean and info names
# KIND and BYTES.
expect_qemu() {
    local name=$1 image=$2 kind=$3 bytes=$4
    if ! qemu-img check "$image" >"$name.check" 2>&1; then
        fail "$name: qemu-img check: $(head -c 300 "$name.check")"
        return
    fi
    grep -q "No errors were found" "$name.check" || fail "$name: qemu-img check: $(head -c 300 "$name.check")"
    qemu-img info "$image" >"$name.info"
    expect_eq "$name.type" "$(sed -n 's/^ *create type: //p' "$name.info")" "$kind"
    expect_eq "$name.size" "$(sed -n 's/^virtual size: .*(\([0-9]*\) bytes)$/\1/p' "$name.info")" "$bytes"
}

# expect_same NAME IMAGE SRC SRCFMT REF_RAW [OFFSET:LENGTH...]: qemu-img
# compare finds IMAGE identical to SRC; vmdk cat reads REF_RAW (or, for a
# large disk, the listed windows of it).
expect_same() {
    local name=$1 image=$2 src=$3 fmt=$4 ref=$5 w
    shift 5
    if qemu-img compare -q -f "$fmt" -F vmdk "$src" "$image" 2>"$name.cmp"; then pass; else
        fail "$name: qemu-img compare: $(head -c 300 "$name.cmp")"
    fi
    [ $# -gt 0 ] || set -- whole
    for w in "$@"; do
        if [ "$w" = whole ]; then
            expect_cat "$name.cat" "$image" "$ref"
        else
            slice "$ref" "${w%:*}" "${w#*:}" >"$name.window"
            expect_cat "$name.cat-$w" "$image" "$name.window" --offset "${w%:*}" --length "${w#*:}"
        fi
    done
}

# expect_libvmdk NAME IMAGE REF_RAW: libvmdk reads the same bytes.
expect_libvmdk() {
    if "$LIBVMDK_CAT" "$2" 2>"$1.libvmdk.err" | "$STREAMCMP" "$3" 2>/dev/null; then pass; else
        fail "$1: libvmdk reads other bytes: $(head -c 300 "$1.libvmdk.err")"
    fi
}

# ---- sources ----------------------------------------------------------------
# A raw image with data, holes, zero grains, a partial last sector and data
# across the 32 MiB grain-table boundary; ref.raw is it padded to a sector.
mkraw src.raw $((40 * MiB + 1000)) 7 0:$((3 * MiB)) $((31 * MiB)):$((2 * MiB + 4096)) $((40 * MiB - 70000)):70000
printf 'tail' | dd of=src.raw bs=1 seek=$((40 * MiB + 996)) conv=notrunc status=none
cp src.raw ref.raw
truncate -s $((40 * MiB + 1024)) ref.raw
# A qemu-made monolithicSparse disk past 2 GiB with data across the 2 GiB
# extent boundary of the twoGbMaxExtent kinds (holes are skipped, not read).
qemu-img create -q -f vmdk qsrc.vmdk $((2 * 1024 * MiB + 3 * MiB))
qemu-io -f vmdk -c "write -P 0x5a 0 100k" -c "write -P 0xa5 $((2048 * MiB - 96 * 1024)) 1M" \
    -c "write -z $((2048 * MiB + MiB)) 64k" -c "write -P 0x33 $((2048 * MiB + 3 * MiB - 512)) 512" qsrc.vmdk >/dev/null
qemu-img convert -f vmdk -O raw qsrc.vmdk qsrc.raw

# ---- create: the layout qemu-img create makes ------------------------------
# same_as_qemu NAME KIND SIZE: every file of `vmdk create` equals qemu-img's
# once the CID is the same (flat extents: same size, all holes).
same_as_qemu() {
    local name=$1 kind=$2 size=$3 f
    mkdir -p "q-$name" "v-$name"
    (cd "q-$name" && qemu-img create -q -f vmdk -o subformat="$kind" d.vmdk "$size")
    "$VMDK" create -t "$kind" "v-$name/d.vmdk" "$size" || {
        fail "$name: vmdk create failed"
        return
    }
    local qf vf
    qf=$(cd "q-$name" && files_of d.vmdk | tr '\n' ' ')
    vf=$(cd "v-$name" && files_of d.vmdk | tr '\n' ' ')
    expect_eq "$name.files" "$vf" "$qf"
    for f in $qf; do
        if [ "$(stat -c %s "q-$name/$f")" -gt $((64 * MiB)) ]; then
            expect_eq "$name.$f.size" "$(stat -c %s "v-$name/$f")" "$(stat -c %s "q-$name/$f")"
            # One block holds the zero sector that gives the file its size.
            [ "$(du -k "v-$name/$f" | cut -f1)" -le 4 ] && pass || fail "$name: $f is not sparse"
            continue
        fi
        # The CID is random in both: both get CID=0 (and an embedded
        # descriptor is compared as text, its NUL padding apart).
        for d in "q-$name" "v-$name"; do
            if [ "$(head -c 4 "$d/$f" | tr -d '\0')" = KDMV ]; then
                {
                    head -c 512 "$d/$f"
                    dd if="$d/$f" bs=512 skip=1 count=20 status=none | tr -d '\0' | sed 's/^CID=[0-9a-f]*$/CID=0/'
                    tail -c +$((21 * 512 + 1)) "$d/$f"
                } >"$d/$f.cid"
            else
                sed 's/^CID=[0-9a-f]*$/CID=0/' "$d/$f" >"$d/$f.cid"
            fi
        done
        if cmp -s "q-$name/$f.cid" "v-$name/$f.cid"; then pass; else
            fail "$name: $f differs from qemu-img's: $(cmp "q-$name/$f.cid" "v-$name/$f.cid" 2>&1 | head -1)"
        fi
    done
    expect_qemu "$name" "v-$name/d.vmdk" "$kind" "$(((size + 511) / 512 * 512))"
}
same_as_qemu sparse-1s monolithicSparse 512
same_as_qemu sparse-1000 monolithicSparse 1000
same_as_qemu sparse-grain1 monolithicSparse 65537
same_as_qemu sparse-gt monolithicSparse $((32 * MiB + 512))
same_as_qemu sparse-10g monolithicSparse $((10 * 1024 * MiB))
same_as_qemu sparse-5g monolithicSparse $((5 * 1024 * MiB))
same_as_qemu split-sparse-2g twoGbMaxExtentSparse $((2048 * MiB))
same_as_qemu split-sparse-5g twoGbMaxExtentSparse $((5 * 1024 * MiB + 512))
same_as_qemu flat-1s monolithicFlat 512
same_as_qemu flat-100m monolithicFlat $((100 * MiB))
same_as_qemu split-flat-1s twoGbMaxExtentFlat 512
same_as_qemu split-flat-5g twoGbMaxExtentFlat $((5 * 1024 * MiB))

# ---- convert: every kind from every source ---------------------------------
for kind in "${KINDS[@]}"; do
    "$VMDK" convert -t "$kind" -f raw src.raw "raw-$kind.vmdk" || fail "raw-$kind: convert failed"
    expect_qemu "raw-$kind" "raw-$kind.vmdk" "$kind" $((40 * MiB + 1024))
    expect_same "raw-$kind" "raw-$kind.vmdk" ref.raw raw ref.raw
    expect_libvmdk "raw-$kind" "raw-$kind.vmdk" ref.raw

    "$VMDK" convert -t "$kind" qsrc.vmdk "q-$kind.vmdk" || fail "q-$kind: convert failed"
    expect_qemu "q-$kind" "q-$kind.vmdk" "$kind" $((2048 * MiB + 3 * MiB))
    # The whole disk is 2 GiB: vmdk cat reads its first and its 2 GiB windows.
    expect_same "q-$kind" "q-$kind.vmdk" qsrc.vmdk vmdk qsrc.raw 0:$MiB $((2047 * MiB)):$((4 * MiB))
done
# Holes are skipped, not read: 2 GiB of disk, about 1.5 MiB read.
"$VMDK" convert --stats qsrc.vmdk stats.vmdk 2>stats.err
read_bytes=$(sed -n 's/.* calls, \([0-9]*\) bytes read.*/\1/p' stats.err)
[ -n "$read_bytes" ] && [ "$read_bytes" -lt $((4 * MiB)) ] && pass || fail "stats: convert read ${read_bytes:-?} bytes of a 2 GiB disk with 1.2 MiB of data"
# Zero grains and holes take no room: 3 MiB + 2 MiB + 68 KiB of data in
# 64 KiB grains, plus the metadata (about 10 % of the grains are zeros).
size=$(stat -c %s raw-monolithicSparse.vmdk)
[ "$size" -lt $((5 * MiB + 200 * 1024)) ] && pass || fail "raw-monolithicSparse: $size bytes: zero grains stored?"

# ---- create --parent: a delta link -------------------------------------------
mkdir -p chain/base chain/child
"$VMDK" convert -f raw src.raw chain/base/base.vmdk
sha_before=$(sha256sum <chain/base/base.vmdk)
"$VMDK" create --parent chain/base/base.vmdk chain/child/child.vmdk || fail "parent: create failed"
expect_eq "parent.hint" "$(embedded_get chain/child/child.vmdk | sed -n 's/^parentFileNameHint="\(.*\)"$/\1/p')" "../base/base.vmdk"
expect_eq "parent.cid" "$(embedded_get chain/child/child.vmdk | sed -n 's/^parentCID=//p')" \
    "$(embedded_get chain/base/base.vmdk | sed -n 's/^CID=//p')"
writes=(-c "write -P 0x77 1000k 200k" -c "write -z 64k 64k" -c "write -P 0x99 $((40 * MiB + 512)) 512")
qemu-io -f vmdk "${writes[@]}" chain/child/child.vmdk >/dev/null || fail "parent: qemu-io write failed"
cp ref.raw chain/expect.raw
qemu-io -f raw "${writes[@]}" chain/expect.raw >/dev/null
expect_eq "parent.untouched" "$(sha256sum <chain/base/base.vmdk)" "$sha_before"
expect_qemu "parent" chain/child/child.vmdk monolithicSparse $((40 * MiB + 1024))
expect_eq "parent.backing" "$(sed -n 's/^backing file: \([^ ]*\).*/\1/p' parent.info)" "../base/base.vmdk"
if qemu-img compare -q -f raw -F vmdk chain/expect.raw chain/child/child.vmdk; then pass; else fail "parent: qemu-img compare"; fi
expect_cat "parent.cat" chain/child/child.vmdk chain/expect.raw --allow-escape
# Flattened by convert, into every kind.
for kind in "${KINDS[@]}"; do
    "$VMDK" convert --allow-escape -t "$kind" chain/child/child.vmdk "flat-$kind.vmdk" || fail "chain-$kind: convert failed"
    expect_qemu "chain-$kind" "flat-$kind.vmdk" "$kind" $((40 * MiB + 1024))
    expect_same "chain-$kind" "flat-$kind.vmdk" chain/expect.raw raw chain/expect.raw
done
# A parent in the same folder is named by its file name alone.
"$VMDK" create --parent chain/base/base.vmdk chain/base/snap.vmdk
expect_eq "parent.same-folder" "$(embedded_get chain/base/snap.vmdk | sed -n 's/^parentFileNameHint=//p')" '"base.vmdk"'
expect_cat "parent.same-folder.cat" chain/base/snap.vmdk ref.raw
# qemu-img's own child over our disk reads the same.
(cd chain/base && qemu-img create -q -f vmdk -b base.vmdk -F vmdk qchild.vmdk)
expect_cat "parent.qemu-child" chain/base/qchild.vmdk ref.raw

# ---- refusals ---------------------------------------------------------------
touch exists.vmdk
expect_status "refuse.exists" 1 "vmdk: exists.vmdk: EINVAL: already exists (--force overwrites it)" \
    "$VMDK" convert -f raw src.raw exists.vmdk
expect_eq "refuse.exists.untouched" "$(stat -c %s exists.vmdk)" 0
expect_status "refuse.create-exists" 1 "vmdk: exists.vmdk: EINVAL: already exists (--force overwrites it)" \
    "$VMDK" create exists.vmdk 1M
"$VMDK" convert --force -f raw src.raw exists.vmdk && pass || fail "force: convert failed"
expect_same "force" exists.vmdk ref.raw raw ref.raw
expect_status "refuse.force-src" 1 "vmdk: exists.vmdk: EINVAL: is the source being converted: not overwritten" \
    "$VMDK" convert --force exists.vmdk exists.vmdk
expect_same "force-src.untouched" exists.vmdk ref.raw raw ref.raw
# SRC pf2.vmdk reads pf-flat.vmdk, which DST pf.vmdk would name its extent.
cp raw-monolithicFlat-flat.vmdk pf-flat.vmdk
sed 's/raw-monolithicFlat-flat.vmdk/pf-flat.vmdk/' raw-monolithicFlat.vmdk >pf2.vmdk
cp pf2.vmdk pf.vmdk
expect_status "refuse.force-extent" 1 "vmdk: pf-flat.vmdk: EINVAL: is the source being converted: not overwritten" \
    "$VMDK" convert --force -t monolithicFlat pf2.vmdk pf.vmdk
expect_same "force-extent.untouched" pf2.vmdk ref.raw raw ref.raw
# An extent file in the way: nothing the command made is left.
touch busy-s002.vmdk
expect_status "refuse.extent-exists" 1 "vmdk: busy-s002.vmdk: EINVAL: already exists (--force overwrites it)" \
    "$VMDK" create -t twoGbMaxExtentSparse busy.vmdk 3G
expect_eq "refuse.extent-exists.left" "$(ls busy*)" "busy-s002.vmdk"
expect_status "refuse.size" 2 "vmdk: create: SIZE: not a byte count: '12Q' (try 'vmdk --help')" \
    "$VMDK" create bad.vmdk 12Q
expect_status "refuse.size0" 2 "vmdk: create: SIZE must be at least one byte (try 'vmdk --help')" \
    "$VMDK" create bad.vmdk 0
expect_status "refuse.nosize" 2 "vmdk: create: no SIZE given (try 'vmdk --help')" "$VMDK" create bad.vmdk
expect_status "refuse.type" 2 "vmdk: -t: unknown disk type 'sparse' (monolithicSparse, twoGbMaxExtentSparse, monolithicFlat, twoGbMaxExtentFlat) (try 'vmdk --help')" \
    "$VMDK" create -t sparse bad.vmdk 1M
expect_status "refuse.convert-type" 2 "vmdk: -t: unknown disk type 'vmfs' (monolithicSparse, twoGbMaxExtentSparse, monolithicFlat, twoGbMaxExtentFlat, streamOptimized) (try 'vmdk --help')" \
    "$VMDK" convert -t vmfs -f raw src.raw bad.vmdk
expect_status "refuse.too-large" 1 "vmdk: bad.vmdk: ELIMIT: monolithicSparse holds at most 2198754295808 bytes (use twoGbMaxExtentSparse)" \
    "$VMDK" create bad.vmdk 2T
expect_status "refuse.too-many-extents" 1 "vmdk: bad.vmdk: ELIMIT: 3298534883328 bytes are too large for twoGbMaxExtentSparse (at most 1024 extents)" \
    "$VMDK" create -t twoGbMaxExtentSparse bad.vmdk 3T
expect_status "refuse.raw-without-f" 1 "vmdk: src.raw: EFORMAT: not a VMDK file (a raw image needs -f raw)" \
    "$VMDK" convert src.raw bad.vmdk
expect_status "refuse.format" 2 "vmdk: -f: unknown format 'qcow2' (raw or vmdk) (try 'vmdk --help')" \
    "$VMDK" convert -f qcow2 src.raw bad.vmdk
expect_status "refuse.parent-type" 2 "vmdk: create --parent: a delta link is monolithicSparse (try 'vmdk --help')" \
    "$VMDK" create -t monolithicFlat --parent ref.raw bad.vmdk
expect_status "refuse.parent-size" 2 "vmdk: create --parent: the size is BASE's; no SIZE (try 'vmdk --help')" \
    "$VMDK" create --parent chain/base/base.vmdk bad.vmdk 1M
expect_status "refuse.level" 2 "vmdk: convert: --level only applies to -t streamOptimized (try 'vmdk --help')" \
    "$VMDK" convert --level 9 -f raw src.raw bad.vmdk
expect_status "refuse.cat-t" 2 "vmdk: cat: -t, -f, -p, -q, --level, --force and --parent only apply to create and convert (try 'vmdk --help')" \
    "$VMDK" cat -t monolithicFlat src.raw
expect_status "refuse.nofolder" 1 "vmdk: nodir/bad.vmdk: ENOTFOUND: cannot create: No such file or directory" \
    "$VMDK" create nodir/bad.vmdk 1M
expect_eq "refuse.nothing-left" "$(ls bad* 2>/dev/null | wc -l)" 0

# ---- failure cleanup: a source that fails mid-read --------------------------
# The file is cut after its first grains: it opens, and reading fails at
# the first grain past the cut, after DST and its first grains exist.
cp raw-monolithicSparse.vmdk cut.vmdk
truncate -s $((1 * MiB)) cut.vmdk
"$VMDK" info cut.vmdk >/dev/null && pass || fail "cut: does not open"
for kind in "${KINDS[@]}"; do
    expect_status "cleanup.$kind" 1 "vmdk: cut.vmdk: ECORRUPT: cut.vmdk: grain table 0 entry" \
        "$VMDK" convert -t "$kind" cut.vmdk "fail-$kind.vmdk"
    expect_eq "cleanup.$kind.left" "$(ls fail-* 2>/dev/null | wc -l)" 0
done

# ---- progress ---------------------------------------------------------------
"$VMDK" convert -p -f raw src.raw prog.vmdk 2>prog.err
grep -q "vmdk: convert: 100%" prog.err && pass || fail "progress: -p printed $(head -c 200 prog.err)"
"$VMDK" convert -q -f raw src.raw quiet.vmdk 2>quiet.err
expect_eq "progress.quiet" "$(stat -c %s quiet.err)" 0

finish "create-tests"
