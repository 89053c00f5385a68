#!/usr/bin/env bash
# qemu_matrix.sh: every qemu-img VMDK subformat x several raw layouts must
# read back through `vmdk cat` byte-identical to `qemu-img convert -O raw` of
# the same VMDK; libvmdk is a second oracle; `vmdk map` must agree with
# `qemu-img map` on which bytes are stored data.
# Usage: VMDK=build/vmdk LIBVMDK_CAT=... OUT=build/tests/diff/matrix qemu_matrix.sh
source "$(dirname "$0")/lib.sh"
mkdir -p "$OUT"

# Subformat (optionally +qemu option) list.
SUBFORMATS=(monolithicSparse monolithicSparse+zeroed_grain=on monolithicFlat
    twoGbMaxExtentSparse twoGbMaxExtentFlat streamOptimized)
[ -n "${EXTRA_SUBFORMATS:-}" ] && SUBFORMATS+=($EXTRA_SUBFORMATS)

MiB=$((1024 * 1024))
GiB=$((1024 * MiB))
# name size seed segments: "small" is not a multiple of the 64 KiB grain;
# "medium" crosses a grain-table boundary (32 MiB) with unaligned data;
# "big" is 5 GiB, mostly holes, with data across the 2 GiB and 4 GiB extent
# boundaries of the twoGbMaxExtent formats.
LAYOUTS=(
    "small $((MiB + 3 * 512)) 1 0:$((MiB + 3 * 512))"
    "medium $((40 * MiB + 5 * 512)) 2 0:300000 $((MiB + 7 * 512)):$((5 * MiB)) $((31 * MiB)):$((3 * MiB)) $((40 * MiB - 100000)):100000"
    "big $((5 * GiB)) 3 0:65536 $((2 * GiB - 700 * 1024)):$((3 * MiB / 2)) $((4 * GiB - 1536)):8192 $((5 * GiB - 65536)):65536"
)

for layout in "${LAYOUTS[@]}"; do
    [ -n "${ONLY_LAYOUT:-}" ] && [ "${layout%% *}" != "$ONLY_LAYOUT" ] && continue
    read -r lname size seed segs <<<"$layout"
    src="$OUT/$lname.src.raw"
    # shellcheck disable=SC2086
    [ -e "$src" ] || mkraw "$src" "$size" "$seed" $segs
    for sf in "${SUBFORMATS[@]}"; do
        subformat=${sf%%+*}
        opts="subformat=$subformat"
        [ "$sf" != "$subformat" ] && opts="$opts,${sf#*+}"
        tag="$lname-${sf//[+=]/_}"
        t0=$SECONDS
        dir="$OUT/$tag"
        rm -rf "$dir"
        mkdir -p "$dir"
        img="$dir/$tag.vmdk"
        qemu-img convert -f raw -O vmdk -o "$opts" "$src" "$img"
        ref="$dir/ref.raw"
        qemu-img convert -f vmdk -O raw "$img" "$ref"
        capacity=$(stat -c %s "$ref")

        # Piping 5 GiB costs seconds (minutes on a loaded machine): the big
        # layout is compared whole once, as twoGbMaxExtentSparse (three
        # sparse extents, data across a boundary); the other subformats
        # compare the windows below around every data segment, and map
        # checks that everything else is a hole in both readers.
        if [ "$lname" != big ] || [ "$sf" = twoGbMaxExtentSparse ]; then
            expect_cat "$tag.cat" "$img" "$ref"
        fi

        # Unaligned partial reads against the same bytes of the reference.
        windows=("0 1" "511 1025" "$((capacity - 777)) 777" "$((capacity / 3 + 13)) 200000")
        # shellcheck disable=SC2206
        [ "$lname" = big ] && for seg in $segs; do
            windows+=("${seg%%:*} ${seg#*:}")
        done
        for r in "${windows[@]}"; do
            read -r off len <<<"$r"
            [ $((off + len)) -le "$capacity" ] || continue
            set +e
            "$VMDK" cat "$img" --offset "$off" --length "$len" 2>"$OUT/$tag.part.err" |
                "$STREAMCMP" <(slice "$ref" "$off" "$len") 2>/dev/null
            st=("${PIPESTATUS[@]}")
            set -e
            if [ "${st[0]}" -ne 0 ] || [ "${st[1]}" -ne 0 ]; then
                fail "$tag: cat --offset $off --length $len differs (exit ${st[0]}): $(head -c 200 "$OUT/$tag.part.err")"
            else
                pass
            fi
        done

        # Second oracle. libvmdk needs ~25 s for 5 GiB of holes: on the big
        # layout it reads the 8 MiB around the first extent boundary only.
        lv=("$img") lvref=("$ref")
        if [ "$lname" = big ]; then
            lv=("$img" $((2 * GiB - 4 * MiB)) $((8 * MiB)))
            slice "$ref" $((2 * GiB - 4 * MiB)) $((8 * MiB)) >"$dir/window.raw"
            lvref=("$dir/window.raw")
        fi
        if "$LIBVMDK_CAT" "${lv[@]}" 2>"$dir/libvmdk.err" | "$STREAMCMP" "${lvref[0]}" 2>/dev/null; then
            pass
        elif [ -s "$dir/libvmdk.err" ]; then
            note "libvmdk cannot read $tag: $(head -c 150 "$dir/libvmdk.err")"
        else
            note "libvmdk reads $tag differently from qemu-img (vmdk agrees with qemu-img)"
        fi

        # Map: valid JSON covering the disk, same data ranges as qemu-img map.
        if ! "$VMDK" map --json "$img" >"$dir/map.json" 2>"$dir/map.err"; then
            fail "$tag: vmdk map failed: $(head -c 200 "$dir/map.err")"
        elif ! qemu-img map --output=json "$img" >"$dir/qmap.json"; then
            fail "$tag: qemu-img map failed"
        elif ! python3 "$(dirname "$0")/mapcmp.py" "$dir/map.json" "$capacity" "$dir/qmap.json" 2>"$dir/mapcmp.err"; then
            fail "$tag: map: $(head -c 400 "$dir/mapcmp.err")"
        else
            pass
        fi
        "$VMDK" map "$img" >"$dir/map.txt" 2>&1 || fail "$tag: vmdk map (text) failed"

        # info --json must be valid JSON; check must be clean.
        if "$VMDK" info --json "$img" >"$dir/info.json" 2>"$dir/info.err" &&
            python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/info.json"; then
            pass
        else
            fail "$tag: info --json failed or is not JSON: $(head -c 200 "$dir/info.err")"
        fi
        expect_status "$tag.check" 0 "" "$VMDK" check "$img"
        echo "  $tag: $((SECONDS - t0)) s"

        # Keep the disk space of the big layout in check.
        [ "$lname" = big ] && rm -f "$ref" "$dir/window.raw"
    done
done
finish qemu_matrix
