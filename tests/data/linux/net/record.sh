#!/bin/sh
# Records this machine's /proc/net protocol files into tests/data/linux/net/
# (plain copies; no sys/, so link:0:<if> comes from proc/net/dev):
#   sh tests/data/linux/net/record.sh
# The system files (stat, loadavg, meminfo, vmstat, uptime, five process
# directories) are copied from vm-2cpu, so the system family answers as there.
set -eu
out=$(dirname "$0")
rm -rf "$out/proc"
mkdir -p "$out/proc/net/stat" "$out/proc/sys/net/ipv4"
for f in stat loadavg meminfo vmstat uptime; do cp "$out/../vm-2cpu/proc/$f" "$out/proc/$f"; done
for pid in 1 2 3 4 5; do mkdir -p "$out/proc/$pid"; cp "$out/../vm-2cpu/proc/$pid/comm" "$out/proc/$pid/comm"; done
for f in snmp netstat snmp6 sockstat sockstat6 softnet_stat dev; do cat /proc/net/$f > "$out/proc/net/$f"; done
[ -e /proc/net/stat/nf_conntrack ] && cat /proc/net/stat/nf_conntrack > "$out/proc/net/stat/nf_conntrack"
cat /proc/sys/net/ipv4/ipfrag_time > "$out/proc/sys/net/ipv4/ipfrag_time"
echo "recorded $(uname -sr) into $out"
