#!/bin/sh
# install-aarch64.sh: gets what the AArch64 build and tests need, when
# missing: the cross compiler and user-mode QEMU (apt, through
# install-deps.sh), and the arm64 builds of gnu-efi, zlib and libdeflate,
# downloaded with
# `apt-get download PKG:arm64` and unpacked under SYSROOT with dpkg-deb -x
# (never installed: gnu-efi:arm64 would replace the amd64 one). Registers
# the arm64 architecture with dpkg first when it is not (needs root or sudo).
# Usage: tools/install-aarch64.sh SYSROOT
set -eu
sysroot=$1
here=$(dirname "$0")
"$here/install-deps.sh" gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
[ -s "$sysroot/usr/lib/libgnuefi.a" ] && [ -s "$sysroot/usr/lib/aarch64-linux-gnu/libz.a" ] &&
    [ -s "$sysroot/usr/lib/aarch64-linux-gnu/libdeflate.a" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "install-aarch64: dpkg --add-architecture arm64" >&2
    $SUDO dpkg --add-architecture arm64
    $SUDO apt-get update -qq >&2
fi
debs=$sysroot/debs
mkdir -p "$debs"
for p in gnu-efi zlib1g-dev libdeflate-dev; do
    if ! ls "$debs/${p}"_*_arm64.deb >/dev/null 2>&1; then
        echo "install-aarch64: downloading $p:arm64" >&2
        (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$p:arm64" >&2) || {
            $SUDO apt-get update -qq >&2
            (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$p:arm64" >&2)
        }
    fi
    dpkg-deb -x "$(ls "$debs/${p}"_*_arm64.deb | head -1)" "$sysroot"
done
