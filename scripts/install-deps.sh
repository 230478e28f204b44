#!/bin/sh
# Installs what kstatsql needs to build and test, from Debian 12 packages only.
# Runs apt-get as root directly, or through sudo when not root. Packages that
# are already installed are skipped, so a second run does not touch the network.
set -eu
PKGS="cmake g++ make pkg-config libsqlite3-dev tao-pegtl-dev libfmt-dev catch2 libedit-dev sqlite3 python3 dpkg-dev file help2man groff-base man-db python3-apsw python3-venv python3-setuptools python3-wheel python3-pip"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
