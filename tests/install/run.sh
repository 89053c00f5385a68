#!/usr/bin/env bash
# run.sh: checks `make install DESTDIR=... PREFIX=...` and the installed
# vmdkboot-install (see install.mk). Usage: run.sh WORK_DIR
set -euo pipefail
work=$1
rm -rf "$work" && mkdir -p "$work"
fail() { echo "install-tests: FAIL: $*" >&2; exit 1; }
make -s install DESTDIR="$work/dest" PREFIX=/opt/vb >/dev/null
root=$work/dest/opt/vb
for f in bin/vmdk bin/vmdkboot-install lib/vmdkboot/vmdkbootx64.efi share/man/man1/vmdk.1; do
    [ -s "$root/$f" ] || fail "$f not installed"
done
[ -x "$root/bin/vmdk" ] && [ -x "$root/bin/vmdkboot-install" ] || fail "binaries not executable"
cmp -s "$root/lib/vmdkboot/vmdkbootx64.efi" build/vmdkboot.efi || fail "the loader differs from build/vmdkboot.efi"
"$root/bin/vmdk" --help | grep -q '^  entries IMAGE' || fail "installed vmdk has no entries command"
grep -q '^\.B vmdk entries' "$root/share/man/man1/vmdk.1" || fail "man page lacks entries"
# Nothing outside DESTDIR/PREFIX.
[ "$(cd "$work/dest" && find . -type f | sort | tr '\n' ' ')" = \
  "./opt/vb/bin/vmdk ./opt/vb/bin/vmdkboot-install ./opt/vb/lib/vmdkboot/vmdkbootx64.efi ./opt/vb/share/man/man1/vmdk.1 " ] ||
    fail "unexpected files: $(cd "$work/dest" && find . -type f | sort | tr '\n' ' ')"

# vmdkboot-install into an empty folder, twice (the installed one finds the
# installed loader by itself).
esp=$work/esp && mkdir -p "$esp"
"$root/bin/vmdkboot-install" "$esp" > "$work/first.out"
conf=$esp/EFI/vmdkboot/vmdkboot.conf
[ -d "$esp/images" ] || fail "no images folder"
cmp -s "$esp/EFI/vmdkboot/vmdkbootx64.efi" build/vmdkboot.efi || fail "loader not copied"
grep -q "^  efibootmgr --create --disk .* --part .* --label vmdkboot --loader '\\\\EFI\\\\vmdkboot\\\\vmdkbootx64.efi'$" "$work/first.out" ||
    fail "no efibootmgr command: $(cat "$work/first.out")"
# The default configuration parses cleanly: no message, the defaults.
build/vmdk entries --esp "$esp" --json > "$work/entries.json" 2> "$work/entries.err"
[ ! -s "$work/entries.err" ] || fail "default configuration: $(cat "$work/entries.err")"
grep -q '"problems": \[$' "$work/entries.json" && grep -q '^\]}$' "$work/entries.json" || fail "entries --json"
echo "# edited by the user" >> "$conf"
cp "$conf" "$work/conf.before"
"$root/bin/vmdkboot-install" "$esp" > "$work/second.out"
cmp -s "$conf" "$work/conf.before" || fail "the second run changed the configuration"
grep -q "vmdkboot.conf exists; left as it is" "$work/second.out" || fail "second run: $(cat "$work/second.out")"
[ "$(cd "$esp" && find . | sort | tr '\n' ' ')" = ". ./EFI ./EFI/vmdkboot ./EFI/vmdkboot/vmdkboot.conf ./EFI/vmdkboot/vmdkbootx64.efi ./images " ] ||
    fail "unexpected ESP tree: $(cd "$esp" && find . | sort | tr '\n' ' ')"
# Bad usage.
if "$root/bin/vmdkboot-install" 2>/dev/null; then fail "no ESP_DIR accepted"; fi
if "$root/bin/vmdkboot-install" "$work/no-such-dir" 2>/dev/null; then fail "missing ESP_DIR accepted"; fi
echo "install-tests: make install (4 files under DESTDIR/PREFIX) and vmdkboot-install (twice, configuration kept): ok"
