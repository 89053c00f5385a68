#!/usr/bin/env bash
# catalogue.sh CASES_DIR VMDK FSPROBE LABEL: runs every case of CASES_DIR/cases.list
# (written by catgen) through `VMDK check`, `VMDK cat` and, where the table
# says so, FSPROBE, and compares the error names with the table. Fails on
# any mismatch, on a missing or malformed error line, on an exit status
# other than 0/1, and on any sanitizer report.
set -uo pipefail
dir=$1 vmdk=$2 fsprobe=$3 label=$4
# Sanitizer reports get their own exit codes, so they never pass for the
# tool's "bad image" status 1.
export ASAN_OPTIONS=exitcode=97 UBSAN_OPTIONS=exitcode=98:print_stacktrace=1:halt_on_error=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0

# first_error PREFIX FILE: sets $got to the error name in the first line of
# FILE that starts with PREFIX (the tool's "vmdk: IMAGE: ENAME: detail"
# format). Bash only: this runs hundreds of times.
first_error() {
    local prefix=$1 line rest
    got=
    while IFS= read -r line; do
        if [[ $line == "$prefix"* ]]; then
            rest=${line#"$prefix"}
            got=${rest%%:*}
            return
        fi
    done < "$2"
}

# judge CASE WHAT EXPECTED STATUS FILES...: $got holds what was reported.
# A sanitizer report exits 97 (ASan) or 98 (UBSan), never 0 or 1.
judge() {
    local name=$1 what=$2 want=$3 status=$4
    shift 4
    if [ "$want" = OK ] && [ "$status" -eq 0 ] && [ -z "$got" ]; then
        return
    fi
    if [ "$want" != OK ] && [ "$status" -eq 1 ] && [ "$got" = "$want" ]; then
        return
    fi
    echo "catalogue ($label): $name: $what: want $want, got ${got:-nothing} (exit $status)" >&2
    sed 's/^/    /' "$@" | head -n 12 >&2
    fails=$((fails + 1))
}

while read -r name check cat fs; do
    n=$((n + 1))
    img=$dir/$name/disk.vmdk
    "$vmdk" check "$img" > "$tmp/out" 2> "$tmp/err"
    status=$?
    first_error "vmdk: $img: " "$tmp/err"
    [ -n "$got" ] || [ "$status" -eq 0 ] || first_error "$img: " "$tmp/out"
    judge "$name" check "$check" "$status" "$tmp/out" "$tmp/err"

    "$vmdk" cat "$img" > /dev/null 2> "$tmp/err"
    status=$?
    first_error "vmdk: $img: " "$tmp/err"
    [ -z "$got" ] && [ -s "$tmp/err" ] && got="stderr output"
    judge "$name" cat "$cat" "$status" "$tmp/err"

    if [ "$fs" != - ]; then
        "$fsprobe" "$img" > "$tmp/out" 2> "$tmp/err"
        status=$?
        first_error "fsprobe: $img: " "$tmp/err"
        judge "$name" fs "$fs" "$status" "$tmp/out" "$tmp/err"
    fi
done < "$dir/cases.list"

if [ $fails -ne 0 ]; then
    echo "catalogue ($label): $fails of $n cases FAILED" >&2
    exit 1
fi
echo "catalogue ($label): $n cases, every error code as expected"
