#!/bin/bash
# refusals.sh VMDK WORKDIR [MKCOWD]: every write `vmdk write` must refuse
# gives its exact one-line error and exit status 1, and leaves every file
# of the image byte-identical (cmp): past the capacity (from a file and
# from a pipe), RDONLY, NOACCESS and ZERO extents, streamOptimized and COWD,
# a read-only file (as an unprivileged user: root may write anything).
set -euo pipefail
vmdk=$(realpath "$1"); work=$2; mkcowd=${3:+$(realpath "$3")}
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fails=0; cases=0

head -c 1000 /dev/urandom > in.bin
qemu-img create -q -f vmdk s.vmdk 16M
qemu-io -f vmdk -c 'write -P 7 0 128k' s.vmdk > /dev/null
for access in RDONLY NOACCESS; do
    qemu-img create -q -f vmdk -o subformat=monolithicFlat $access.vmdk 1M
    sed -i "s/^RW /$access /" $access.vmdk
done
qemu-img create -q -f vmdk -o subformat=monolithicFlat z.vmdk 1M
sed -i 's/^RW 2048 FLAT .*/RW 2048 ZERO/' z.vmdk
qemu-img create -q -f vmdk -o subformat=streamOptimized st.vmdk 1M
if [ -n "$mkcowd" ]; then
    head -c 1M /dev/zero > cowd.raw
    "$mkcowd" cowd.raw 16 c.vmdk > /dev/null
fi
qemu-img create -q -f vmdk ro.vmdk 1M
qemu-img create -q -f vmdk -o subformat=monolithicFlat rox.vmdk 1M

# refuse WANT_MESSAGE COMMAND...: the command fails with exactly that
# stderr line, and no file changed.
refuse() {
    local want=$1; shift
    cases=$((cases + 1))
    rm -rf ../snap; cp -a . ../snap
    local got status=0
    got=$("$@" 2>&1 >/dev/null) || status=$?
    if [ "$status" != 1 ] || [ "$got" != "$want" ]; then
        echo "refusals: $*: status $status, message:" >&2
        echo "  got:  $got" >&2; echo "  want: $want" >&2
        fails=$((fails + 1))
    fi
    for f in ../snap/*; do
        cmp -s "$f" "$(basename "$f")" || { echo "refusals: $*: $(basename "$f") changed" >&2; fails=$((fails + 1)); }
    done
}

refuse "vmdk: s.vmdk: ERANGE: write of 1000 bytes at offset 16777116 is past the capacity (16777216 bytes)" \
    "$vmdk" write s.vmdk --offset 16777116 < in.bin
refuse "vmdk: s.vmdk: ERANGE: write of 1000 bytes at offset 16777116 is past the capacity (16777216 bytes)" \
    sh -c "cat in.bin | '$vmdk' write s.vmdk --offset 16777116"
refuse "vmdk: s.vmdk: ERANGE: write of 1000 bytes at offset 17825792 is past the capacity (16777216 bytes)" \
    "$vmdk" write s.vmdk --offset 17M < in.bin
refuse "vmdk: RDONLY.vmdk: EREADONLY: RDONLY.vmdk: write at byte 512 hits RDONLY extent 0 (\"RDONLY-flat.vmdk\")" \
    "$vmdk" write RDONLY.vmdk --offset 512 < in.bin
refuse "vmdk: NOACCESS.vmdk: ENOACCESS: NOACCESS.vmdk: write at byte 0 hits NOACCESS extent 0 (\"NOACCESS-flat.vmdk\")" \
    "$vmdk" write NOACCESS.vmdk --offset 0 < in.bin
refuse "vmdk: z.vmdk: EREADONLY: z.vmdk: write at byte 4096 puts non-zero data over ZERO extent 0" \
    "$vmdk" write z.vmdk --offset 4096 < in.bin
refuse "vmdk: st.vmdk: EUNSUPPORTED: st.vmdk: extent 0 (\"st.vmdk\") is streamOptimized, read-only: convert it to monolithicSparse to write" \
    "$vmdk" write st.vmdk --offset 0 < in.bin
if [ -n "$mkcowd" ]; then
    refuse "vmdk: c.vmdk: EUNSUPPORTED: c.vmdk: extent 0 (\"c.vmdk\") is COWD, read-only: convert it to monolithicSparse to write" \
        "$vmdk" write c.vmdk --offset 0 < in.bin
fi
# Zeros over a ZERO extent are accepted (and change nothing but the CID).
head -c 4096 /dev/zero | "$vmdk" write z.vmdk --offset 0 || { echo "refusals: zeros over ZERO refused" >&2; fails=$((fails + 1)); }

# Read-only files, for a user who may not write them.
chmod 444 ro.vmdk rox-flat.vmdk; chmod 755 .; cp "$vmdk" ./vmdk-tool
as_user() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi; }
refuse "vmdk: ro.vmdk: EREADONLY: cannot open: Permission denied" \
    as_user ./vmdk-tool write ro.vmdk --offset 0 < in.bin
chmod 666 rox.vmdk
refuse "vmdk: rox.vmdk: EREADONLY: rox.vmdk: cannot open extent \"rox-flat.vmdk\": read-only" \
    as_user ./vmdk-tool write rox.vmdk --offset 0 < in.bin

rm -rf ../snap
if [ $fails -ne 0 ]; then echo "refusals: $fails of $cases cases failed" >&2; exit 1; fi
echo "refusals: $cases refused writes: exact message, exit status 1, every file unchanged"
