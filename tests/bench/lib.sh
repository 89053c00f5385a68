# lib.sh: the benchmark harness shared by every row group (sourced).
#
# A row group script (tests/bench/rows/NN-name.sh) prepares its input under
# $BENCH_OUT, then:
#   bench_group "title"
#   bench_add LABEL MIB "command" ["stats command"]   # one per contender
#   bench_run "LABEL of the baseline"
# Each command is a bash string that reads the whole input to a pipe. The
# stats command (optional) runs once as the warm-up and prints the number of
# platform read calls it made; otherwise the command itself warms up. Rounds
# run the contenders in turn (so cache and machine load affect all alike)
# and the best of $BENCH_ROUNDS is reported. Timings are never asserted.
set -euo pipefail
BENCH_ROUNDS=${BENCH_ROUNDS:-3}

# The ~512 MiB raw bench disk 10-sparse.sh makes; the later rows read it.
BENCH_RAW="$BENCH_OUT/usrlib.raw"

# bench_need_raw: ends the row group when BENCH_RAW is missing.
bench_need_raw() {
    [ -e "$BENCH_RAW" ] || {
        echo "bench: $BENCH_RAW is missing (10-sparse.sh makes it)" >&2
        exit 1
    }
}

_labels=()
_cmds=()
_stats=()
_mibs=()

bench_group() {
    _labels=() _cmds=() _stats=() _mibs=()
    printf '\n%s\n' "$1"
    printf '%-34s %9s %9s %10s %9s %12s\n' contender MiB "best s" "MiB/s" ratio "reads/MiB"
}

bench_add() {
    _labels+=("$1")
    _mibs+=("$2")
    _cmds+=("$3")
    _stats+=("${4:-}")
}

# bench_seconds CMD: wall-clock seconds of one run (6 decimals).
bench_seconds() {
    local t0 t1
    t0=$EPOCHREALTIME
    bash -c "set -o pipefail; $1" || {
        echo "bench: command failed: $1" >&2
        return 1
    }
    t1=$EPOCHREALTIME
    python3 -c "print(f'{$t1 - $t0:.6f}')"
}

bench_run() {
    local baseline=$1 i r n=${#_labels[@]} calls=() best=()
    for ((i = 0; i < n; i++)); do
        if [ -n "${_stats[$i]}" ]; then
            calls[i]=$(bash -c "set -o pipefail; ${_stats[$i]}")
        else
            bash -c "set -o pipefail; ${_cmds[$i]}"
            calls[i]=""
        fi
        best[i]=""
    done
    for ((r = 0; r < BENCH_ROUNDS; r++)); do
        for ((i = 0; i < n; i++)); do
            local s
            s=$(bench_seconds "${_cmds[$i]}")
            if [ -z "${best[$i]}" ] || python3 -c "import sys; sys.exit(not $s < ${best[$i]})"; then
                best[i]=$s
            fi
        done
    done
    local base=""
    for ((i = 0; i < n; i++)); do
        [ "${_labels[$i]}" = "$baseline" ] && base=${best[$i]}
    done
    for ((i = 0; i < n; i++)); do
        python3 - "${_labels[$i]}" "${_mibs[$i]}" "${best[$i]}" "${base:-0}" "${calls[$i]}" <<'PY'
import sys
label, mib, best, base, calls = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
ratio = f"{best / base:.3f}x" if base > 0 else "-"
per_mib = f"{float(calls) / mib:.2f}" if calls else "-"
print(f"{label:<34} {mib:9.1f} {best:9.3f} {mib / best:10.1f} {ratio:>9} {per_mib:>12}")
PY
    done
}
