#!/usr/bin/env bash
# run.sh MODE NAME SECONDS FUZZ_DIR [LIBFUZZER_OPTIONS]: runs one harness.
#   test    fuzz for SECONDS from the committed corpus; new entries go to a
#           scratch folder (the committed corpus is left alone); fails on
#           any crash, leak, sanitizer report or timeout (> 10 s per input)
#   fuzz    the same, then merges new entries that add coverage into
#           tests/fuzz/corpus/NAME (libFuzzer -merge=1 keeps the smallest
#           input per feature), and appends the time to FUZZ_DIR/time.log
#   replay  runs every committed corpus and regression input once, with the
#           libFuzzer build and with the gcc ASan + UBSan build
# Crash inputs are left in FUZZ_DIR/artifacts/NAME/; commit them to
# tests/fuzz/regressions/NAME/ once fixed.
set -euo pipefail
mode=$1 name=$2 secs=$3 dir=$4 opts=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
bin=$dir/fuzz_$name
corpus=$here/corpus/$name
regress=$here/regressions/$name
new=$dir/new/$name
art=$dir/artifacts/$name/
mkdir -p "$corpus" "$art"

run_fuzzer() {
    rm -rf "$new"
    mkdir -p "$new"
    local log=$dir/$name.log start end
    start=$(date +%s)
    # shellcheck disable=SC2086
    if ! "$bin" $opts -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$art" -print_final_stats=1 "$new" "$corpus" > "$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "fuzz $name: FAILED (input in $art, log $log)" >&2
        exit 1
    fi
    end=$(date +%s)
    local execs
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz $name: ${secs}s, ${execs:-?} executions, $(find "$new" -type f | wc -l) new inputs, no findings"
    echo "$name $((end - start)) ${execs:-0} $(date -u +%FT%TZ) $mode" >> "$dir/time.log"
}

case $mode in
test)
    run_fuzzer
    ;;
fuzz)
    run_fuzzer
    # Re-minimise: the smallest set of inputs (old corpus plus new ones) that
    # keeps every coverage feature, plus the seed-* inputs, which are kept
    # as they are (mkseeds writes them).
    before=$(find "$corpus" -type f | wc -l)
    merged=$dir/merged/$name
    rm -rf "$merged"
    mkdir -p "$merged"
    # shellcheck disable=SC2086
    "$bin" $opts -merge=1 "$merged" "$corpus" "$new" > "$dir/$name.merge.log" 2>&1
    find "$corpus" -type f ! -name 'seed-*' -delete
    find "$merged" -type f -exec sh -c 'for f; do [ -e "$0/$(basename "$f")" ] || cp "$f" "$0/"; done' "$corpus" {} +
    # A seed that was merged under its hash name is there twice: drop the copy.
    for s in "$corpus"/seed-*; do
        [ -e "$s" ] || continue
        h=$(sha1sum "$s" | cut -d' ' -f1)
        rm -f "$corpus/$h"
    done
    echo "fuzz $name: corpus $before -> $(find "$corpus" -type f | wc -l) inputs ($(cat "$corpus"/* | wc -c) bytes)"
    ;;
replay)
    files=()
    for d in "$corpus" "$regress"; do
        [ -d "$d" ] || continue
        while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$d" -type f -print0 | sort -z)
    done
    if [ ${#files[@]} -eq 0 ]; then
        echo "replay $name: no inputs"
        exit 0
    fi
    log=$dir/$name.replay.log
    if ! "$bin" -timeout=10 -rss_limit_mb=2048 "${files[@]}" > "$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "replay $name: FAILED under the libFuzzer build (log $log)" >&2
        exit 1
    fi
    glog=$dir/$name.replay-gcc.log
    if ! "$(dirname "$dir")/asan/replay_$name" "${files[@]}" > "$glog" 2>&1; then
        tail -n 60 "$glog" >&2
        echo "replay $name: FAILED under the gcc ASan + UBSan build (log $glog)" >&2
        exit 1
    fi
    echo "replay $name: ${#files[@]} inputs ($(find "$regress" -type f 2>/dev/null | wc -l) regressions) clean under libFuzzer and gcc ASan + UBSan"
    ;;
*)
    echo "run.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac
