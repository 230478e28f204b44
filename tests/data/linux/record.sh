#!/bin/sh
# Records this machine's /proc and /sys files that the Linux source reads into
# tests/data/linux/<name>/ as plain files (no symlink leaves the tree).
#   sh tests/data/linux/record.sh vm-2cpu
# Only five process directories are kept (each with its comm), so the
# recorded unix:0:system_misc nproc is 5. A sysfs file that fails to read
# (speed/duplex EINVAL on virtual links) is left out, as on a real system the
# source treats that the same way.
set -eu
name=${1:?usage: record.sh NAME}
out=$(dirname "$0")/$name
rm -rf "$out"
mkdir -p "$out/proc" "$out/sys/class/net" "$out/sys/class/block"
for f in stat loadavg meminfo vmstat uptime diskstats; do cat /proc/$f > "$out/proc/$f"; done
for pid in $(ls /proc | grep -E '^[0-9]+$' | sort -n | head -5); do
  mkdir -p "$out/proc/$pid"; cat /proc/$pid/comm > "$out/proc/$pid/comm" 2>/dev/null || true
done
for dev in /sys/class/net/*; do
  n=$(basename "$dev"); [ -d "$dev" ] || continue
  mkdir -p "$out/sys/class/net/$n/statistics"
  for f in "$dev"/statistics/*; do cat "$f" > "$out/sys/class/net/$n/statistics/$(basename "$f")"; done
  for f in speed duplex operstate carrier mtu; do
    v=$(cat "$dev/$f" 2>/dev/null) && printf '%s\n' "$v" > "$out/sys/class/net/$n/$f" || true
  done
done
for dev in /sys/class/block/*; do
  n=$(basename "$dev"); mkdir -p "$out/sys/class/block/$n"
  cat "$dev/dev" > "$out/sys/class/block/$n/dev"
  [ -e "$dev/partition" ] && cat "$dev/partition" > "$out/sys/class/block/$n/partition"
  if [ -L "$dev/device/driver" ]; then
    drv=$(basename "$(readlink "$dev/device/driver")")
    bus=$(basename "$(dirname "$(dirname "$(readlink -f "$dev/device/driver")")")")
    mkdir -p "$out/sys/bus/$bus/drivers/$drv" "$out/sys/class/block/$n/device"
    : > "$out/sys/bus/$bus/drivers/$drv/.keep"
    ln -s "../../../../bus/$bus/drivers/$drv" "$out/sys/class/block/$n/device/driver"
  fi
done
echo "recorded $(uname -sr) into $out"
