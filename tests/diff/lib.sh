# lib.sh: shared helpers for the differential tests (sourced, not run).
# Expects: VMDK (build/vmdk), LIBVMDK_CAT, STREAMCMP (a fast `cmp - FILE`),
# OUT (a scratch folder under build/).
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
        fail "$name: exit status $STATUS, want $want: $(head -c 300 "$OUT/$name.err")$(head -c 300 "$OUT/$name.out" | tr -d '\0')"
    elif [ -n "$text" ] && ! grep -qF -- "$text" "$OUT/$name.err"; then
        fail "$name: stderr lacks '$text': $(head -c 300 "$OUT/$name.err")"
    elif [ -n "$text" ] && [ "$want" -ne 0 ] && [ "$(wc -l <"$OUT/$name.err")" -ne 1 ]; then
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
    "$VMDK" cat "$image" "$@" 2>"$OUT/$name.err" | "$STREAMCMP" "$raw" 2>/dev/null
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

# same_bytes NAME CMD FILE: CMD's stdout equals FILE.
same_bytes() {
    local name=$1 cmd=$2 file=$3
    if ! bash -c "set -o pipefail; $cmd" 2>"$OUT/$name.err" | "$STREAMCMP" "$file" 2>/dev/null; then
        fail "$name: $cmd differs from $(basename "$file"): $(head -c 300 "$OUT/$name.err")"
    else
        pass
    fi
}

# expect_range NAME IMAGE REF OFFSET LENGTH [vmdk cat options...]: `vmdk cat
# --offset OFFSET --length LENGTH` equals those bytes of REF.
expect_range() {
    local name=$1 img=$2 ref=$3 off=$4 len=$5
    shift 5
    same_bytes "$name" "'$VMDK' cat '$img' --offset $off --length $len${*:+ $*}" \
        <(tail -c +$((off + 1)) "$ref" | head -c "$len")
}

# info_has NAME IMAGE TEXT: `vmdk info` mentions TEXT.
info_has() {
    if "$VMDK" info "$2" 2>&1 | grep -qF -- "$3"; then pass; else fail "$1: vmdk info lacks '$3'"; fi
}

# expect_get NAME IMAGE[@PART] PATH FILE: `vmdk get` must succeed and equal FILE
# byte for byte.
expect_get() {
    local name=$1 where=$2 path=$3 file=$4
    set +e
    "$VMDK" get "$where" "$path" 2>"$OUT/$name.err" | "$STREAMCMP" "$file" 2>"$OUT/$name.cmp"
    local st=("${PIPESTATUS[@]}")
    set -e
    if [ "${st[0]}" -ne 0 ] || [ "${st[1]}" -ne 0 ]; then
        fail "$name: get $path (exit ${st[0]}): $(head -c 300 "$OUT/$name.err" "$OUT/$name.cmp")"
    else
        pass
    fi
}

# le64 FILE OFFSET: the little-endian u64 at byte OFFSET of FILE.
le64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }

# embedded_get IMAGE: prints the embedded descriptor of a KDMV sparse file
# (NUL padding removed).
embedded_get() {
    local off size
    off=$(le64 "$1" 28)
    size=$(le64 "$1" 36)
    dd if="$1" bs=512 skip="$off" count="$size" status=none | tr -d '\0'
}

# embedded_set IMAGE TEXTFILE: replaces the embedded descriptor in place,
# NUL-padded to the space the header reserves (fails if it does not fit).
embedded_set() {
    local off size bytes
    off=$(le64 "$1" 28)
    size=$(le64 "$1" 36)
    bytes=$(stat -c %s "$2")
    [ "$bytes" -le $((size * 512)) ] || {
        echo "embedded_set: $2 does not fit in $size sectors" >&2
        return 1
    }
    { cat "$2"; head -c $((size * 512 - bytes)) /dev/zero; } |
        dd of="$1" bs=512 seek="$off" conv=notrunc status=none
}

# json_get FILE EXPR: evaluates a Python expression over the JSON in FILE
# bound to `j`, prints the result.
json_get() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# expect_eq NAME GOT WANT
expect_eq() {
    if [ "$2" == "$3" ]; then pass; else fail "$1: got '$2', want '$3'"; fi
}

# put_le32 FILE OFFSET VALUE / put_le64: writes a little-endian integer in place.
put_le() {
    local file=$1 off=$2 val=$3 n=$4 i bytes=""
    for ((i = 0; i < n; i++)); do
        bytes+=$(printf '\\x%02x' $(((val >> (8 * i)) & 255)))
    done
    printf "$bytes" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}
put_le32() { put_le "$1" "$2" "$3" 4; }
put_le64() { put_le "$1" "$2" "$3" 8; }
le32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }

# expect_check NAME IMAGE COUNT TEXT: `vmdk check` lists COUNT problems
# (exit 1, or exit 0 when COUNT is 0), every problem line is
# "IMAGE: ECORRUPT: ..." and one of them contains TEXT.
expect_check() {
    local name=$1 image=$2 count=$3 text=$4 want=1
    [ "$count" -eq 0 ] && want=0
    run_capture "$name" "$VMDK" check "$image"
    local problems
    problems=$(grep -c "^$image: E[A-Z]*: " "$OUT/$name.out" || true)
    if [ "$STATUS" -ne "$want" ]; then
        fail "$name: exit status $STATUS, want $want: $(head -c 400 "$OUT/$name.out" "$OUT/$name.err")"
    elif [ "$problems" -ne "$count" ]; then
        fail "$name: $problems problems listed, want $count: $(head -c 400 "$OUT/$name.out")"
    elif ! grep -qF -- "$text" "$OUT/$name.out"; then
        fail "$name: output lacks '$text': $(head -c 400 "$OUT/$name.out")"
    else
        pass
    fi
}

# slice FILE OFFSET LENGTH: prints LENGTH bytes of FILE from byte OFFSET.
slice() { dd if="$1" bs=1M iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none; }
