#!/bin/sh
# Derives the malformed tree tests/data/linux/net-bad/ from net/:
#   sh tests/data/linux/net-bad/make.sh
# proc/net/snmp        cut after the first 8 lines, and the Tcp value line
#                      (line 8) cut short: 10 values for 15 names
# proc/net/netstat     intact (tcp:0:tcpext, ip:0:ipext still answer)
# proc/net/snmp6       line 9 (Ip6InDelivers) has the value 'x1'
# proc/net/sockstat    line 2 (TCP:) ends after a key, with no value
# proc/net/sockstat6   intact
# proc/net/softnet_stat  line 2 (CPU 1) has 'zzzzzzzz' in column 2
# proc/net/stat/nf_conntrack  line 3 (the second CPU) cut after 5 values
# proc/net/dev         the eth0 line has '12x' as its rx bytes
set -eu
out=$(dirname "$0")
in=$out/../net
rm -rf "$out/proc"
mkdir -p "$out/proc/net/stat"
cp "$in/proc/stat" "$out/proc/stat"
head -n 7 "$in/proc/net/snmp" > "$out/proc/net/snmp"
sed -n 8p "$in/proc/net/snmp" | cut -d' ' -f1-11 >> "$out/proc/net/snmp"
cp "$in/proc/net/netstat" "$in/proc/net/sockstat6" "$out/proc/net/"
sed '9s/[0-9][0-9]*$/x1/' "$in/proc/net/snmp6" > "$out/proc/net/snmp6"
sed '2s/ mem [0-9]*$/ mem/' "$in/proc/net/sockstat" > "$out/proc/net/sockstat"
sed '2s/^\([0-9a-f]*\) [0-9a-f]*/\1 zzzzzzzz/' "$in/proc/net/softnet_stat" > "$out/proc/net/softnet_stat"
sed '3s/^\(\([0-9a-f]* *\)\{5\}\).*/\1/' "$in/proc/net/stat/nf_conntrack" > "$out/proc/net/stat/nf_conntrack"
sed 's/^\( *eth0: *\)[0-9]*/\112x/' "$in/proc/net/dev" > "$out/proc/net/dev"
