#!/usr/bin/env sh
# Install the Debian/Ubuntu packages named in system-packages.txt that are missing.
# As root with apt: installs them. Otherwise: prints the one command that would.
set -eu
list="$(dirname "$0")/../system-packages.txt"
wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | tr -s ' \n' ' ')

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system packages: not a Debian-like system; install the equivalents of:"
    echo "  $wanted"
    exit 0
fi

missing=""
for pkg in $wanted; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "system packages: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends $missing
else
    echo "system packages missing; run this once, then make again:"
    echo "  sudo apt-get install -y$missing"
fi
