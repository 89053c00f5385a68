# lib.sh: shared helpers for the differential tests (sourced, not run).
# Expects: VMDK (build/vmdk), LIBVMDK_CAT, OUT (a scratch folder under build/).
set -euo pipefail

PASSES=0
FAILS=0
NOTES=()

pass() { PASSES=$((PASSES + 1)); }
fail() {
    FAILS=$((FAILS + 1))
    echo "FAIL: $*" >&2
}
note() { NOTES+=("$*"); }

# Prints the summary and returns 1 when anything failed.
finish() {
    local n
    for n in "${NOTES[@]+"${NOTES[@]}"}"; do echo "note: $n"; done
    echo "$1: $PASSES checks passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}

# mkraw OUT SIZE SEED [OFFSET:LENGTH]...
# A sparse raw file of SIZE bytes: holes everywhere except the listed data
# segments, which hold seeded random bytes with zero runs of 4 KiB blocks,
# whole 64 KiB grains and a few odd-sized stretches inside them.
mkraw() {
    python3 - "$@" <<'PY'
import random, sys
out, size, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
with open(out, "wb") as f:
    f.truncate(size)
    for seg in sys.argv[4:]:
        off, length = (int(x, 0) for x in seg.split(":"))
        assert 0 <= off and off + length <= size, seg
        data = bytearray(rng.randbytes(length))
        pos = 0
        while pos < length:
            r = rng.random()
            blk = 65536 if r < 0.08 else 4096 if r < 0.25 else rng.randrange(1, 3000) if r < 0.3 else 0
            if blk:
                data[pos:pos + blk] = bytes(min(blk, length - pos))
            pos += blk or rng.randrange(512, 40000)
        f.seek(off)
        f.write(data)
PY
}

# run_capture NAME CMD...: runs CMD with stdout to $OUT/NAME.out and stderr to
# $OUT/NAME.err; sets STATUS.
run_capture() {
    local name=$1
    shift
    set +e
    "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
    STATUS=$?
    set -e
}

# expect_status NAME WANT_STATUS WANT_STDERR_SUBSTRING CMD...
expect_status() {
    local name=$1 want=$2 text=$3
    shift 3
    run_capture "$name" "$@"
    if [ "$STATUS" -ne "$want" ]; then
        fail "$name: exit status $STATUS, want $want: $(head -c 300 "$OUT/$name.err")"
    elif [ -n "$text" ] && ! grep -qF -- "$text" "$OUT/$name.err"; then
        fail "$name: stderr lacks '$text': $(head -c 300 "$OUT/$name.err")"
    elif [ "$want" -ne 0 ] && [ "$(wc -l <"$OUT/$name.err")" -ne 1 ]; then
        fail "$name: want exactly one line on stderr, got: $(head -c 300 "$OUT/$name.err")"
    else
        pass
    fi
}

# expect_cat NAME IMAGE EXPECTED_RAW [vmdk options...]: `vmdk cat` must
# succeed and equal EXPECTED_RAW byte for byte.
expect_cat() {
    local name=$1 image=$2 raw=$3
    shift 3
    set +e
    "$VMDK" cat "$image" "$@" 2>"$OUT/$name.err" | cmp -s - "$raw"
    local st=("${PIPESTATUS[@]}")
    set -e
    # cmp quits at the first difference, and vmdk then sees EPIPE (exit 1,
    # no message): an empty stderr means "differs", not "failed".
    if [ "${st[0]}" -ne 0 ] && [ -s "$OUT/$name.err" ]; then
        fail "$name: vmdk cat exit ${st[0]}: $(head -c 300 "$OUT/$name.err")"
    elif [ "${st[1]}" -ne 0 ] || [ "${st[0]}" -ne 0 ]; then
        fail "$name: vmdk cat output differs from $(basename "$raw")"
    else
        pass
    fi
}
