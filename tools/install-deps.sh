#!/bin/sh
# install-deps.sh: installs the Debian packages the build and tests need,
# when they are missing, so a fresh Debian 12 machine needs only the repo.
# Usage: tools/install-deps.sh PACKAGE...   (runs apt-get update at most once)
set -eu
missing=""
for p in "$@"; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
