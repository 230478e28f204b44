#!/usr/bin/env python3
"""Writes the hand-made edge-case trees tests/data/linux/edge/ and garbled/.

Run from anywhere: python3 tests/data/linux/make_edge.py
The SPL files follow spl-kstat.c's printf formats exactly (name "%-31s",
type "%-4d", CHAR "%-16s"), so the padding rules are exercised byte for byte.
tests/engine/source_linux_test.cpp asserts values written here.
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def put(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def link(root, rel, target):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(target, path)


def named(kid, rows, crtime=5214900000, snaptime=8123456789012, flags=0x01):
    out = "%d 1 0x%02x %d %d %d %d\n" % (kid, flags, len(rows), len(rows) * 48, crtime, snaptime)
    out += "%-31s %-4s %s\n" % ("name", "type", "data")
    for name, code, value in rows:
        out += "%-31s %-4d " % (name, code)
        out += ("%-16s" % value) if code == 0 else str(value)
        out += "\n"
    return out


def edge(root):
    put(root, "proc/stat",
        "cpu  4294967906 15 330 4294970196 35 4 3 7 4 1\n"
        "cpu0 100 5 50 1000 20 3 2 7 4 1\n"
        "cpu1 200 0 60 900 10 1 1 0 0 0\n"
        "cpu3 300 10 70 800 5 0 0 0 0 0\n"
        "cpu4 4294967296 0 100 4294967296 0 0 0 0 0 0\n"
        "cpu5 10 0 50 200 0 0 0 0 0 0\n"
        "intr 123456 0 12 0 7\n"
        "ctxt 987654\n"
        "btime 1700000000\n"
        "processes 4242\n"
        "procs_running 3\n"
        "procs_blocked 1\n"
        "softirq 5555 1 2 3 4 5 6 7 8 9 10\n")
    put(root, "proc/loadavg", "2.50 1.00 0.07 3/412 9999\n")
    put(root, "proc/uptime", "123456.78 400000.00\n")
    put(root, "proc/meminfo",
        "MemTotal:       16384000 kB\n"
        "MemFree:         8192000 kB\n"
        "MemAvailable:   12288000 kB\n"
        "Active(anon):     102400 kB\n"
        "HugePages_Total:       7\n"
        "Hugepagesize:       2048 kB\n")
    put(root, "proc/vmstat", "nr_free_pages 2048000\npgfault 18446744073709551615\nnr_drift -3\n")
    for pid in (1, 42, 4242):
        put(root, "proc/%d/comm" % pid, "init\n")
    put(root, "proc/self/comm", "not a pid\n")  # not numeric: not a process
    put(root, "proc/diskstats",
        "   8       0 sda 1000 10 20000 500 2000 20 40000 800 2 1500 1300 0 0 0 0 0 0\n"
        "   8       1 sda1 900 9 18000 450 1900 19 38000 700 1 1400 1200 0 0 0 0 0 0\n"
        "   8       2 sda2 100 1 2000 50 100 1 2000 100 0 100 100 0 0 0 0 0 0\n"
        "   8      16 sdb 5 0 40 1 6 0 48 2 0 3 3\n"
        "   8      32 sdc 1 2 x 4 5 6 7 8 9 10 11\n"
        " 259       0 nvme0n1 4294967301 0 8589934592 7 3 0 24 9 4 11 13 5 6 4096 8 2 30\n"
        " 259       1 nvme0n1p1 10 0 80 1 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
        "   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
        " 253       0 dm-0 7 0 56 2 0 0 0 0 0 2 2 0 0 0 0 0 0\n")
    put(root, "sys/bus/scsi/drivers/sd/.keep", "")
    for dev in ("sda", "sdb", "sdc"):
        link(root, "sys/class/block/%s/device/driver" % dev, "../../../../bus/scsi/drivers/sd")
    put(root, "sys/class/block/sda1/partition", "1\n")
    put(root, "sys/class/block/sda2/partition", "2\n")
    put(root, "sys/class/block/nvme0n1/dev", "259:0\n")
    put(root, "sys/class/block/nvme0n1p1/partition", "1\n")
    put(root, "sys/class/block/loop0/dev", "7:0\n")
    put(root, "sys/class/block/dm-0/dev", "253:0\n")

    def iface(name, stats, **files):
        for k, v in stats.items():
            put(root, "sys/class/net/%s/statistics/%s" % (name, k), "%s\n" % v)
        for k, v in files.items():
            put(root, "sys/class/net/%s/%s" % (name, k), "%s\n" % v)

    base = dict(rx_bytes=0, tx_bytes=0, rx_packets=0, tx_packets=0, rx_errors=0, tx_errors=0,
                collisions=0, multicast=0, rx_dropped=0, tx_dropped=0)
    iface("eth0", dict(base, rx_bytes=5000000000, tx_bytes=123456, rx_packets=4294967297,
                       tx_packets=99, rx_errors=3, tx_errors=4, collisions=5, multicast=6,
                       rx_dropped=7, tx_dropped=8),
          speed=10000, duplex="full", operstate="up", carrier=1)
    iface("eth1", base, speed=-1, duplex="unknown", operstate="down")
    iface("wlan0", base, operstate="dormant", duplex="half")  # no speed: EINVAL when recorded
    iface("lo", dict(base, rx_bytes=3267, tx_bytes=3267), operstate="unknown", carrier=1)
    iface("tun0", base, operstate="unknown")
    iface("bad0", dict(base, rx_bytes="garbage"), operstate="up")
    put(root, "sys/class/net/bonding_masters", "bond0\n")

    spl = "proc/spl/kstat/"
    put(root, spl + "zfs/arcstats", named(1, [
        ("hits", 4, 1234567890),
        ("misses", 4, 18446744073709551615),
        ("c_min", 3, -42),
        ("int32_neg", 1, -2147483648),
        ("uint32_max", 2, 4294967295),
        ("arc_long", 5, -9000000000),
        ("arc_ulong", 6, 9000000000),
        ("char_stat", 0, "abc"),
        ("string_stat", 7, "  two  spaces, then text "),
    ]))
    put(root, spl + "zfs/tank/io",
        "7 3 0x00 1 80 6000000000 9000000000\n"
        "nread    nwritten reads    writes   wtime    wlentime wupdate  rtime    rlentime rupdate  wcnt     rcnt    \n"
        "1048576  2097152  10       20       300      400      500      600      700      800      1        2       \n")
    put(root, spl + "zfs/tank/state", "ONLINE\n")
    put(root, spl + "zfs/tank/objset-0x36", named(9, [("dataset_name", 7, "tank/home"),
                                                        ("writes", 4, 12)]))
    put(root, spl + "zfs/tank/txgs",
        "10 0 0x01 2 224 6000000000 9000000000\n"
        "txg      birth            state ndirty\n"
        "100      5000000000       C     4096\n"
        "101      6000000000       O     0\n")
    put(root, spl + "zfs/tank/rawhex",
        "11 0 0x00 1 20 6000000000 9000000000\n"
        "raw data\n"
        "000: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n"
        "001: de ad be ef\n")
    put(root, spl + "zfs/tank/broken", named(12, [("reads", 4, 1), ("writes", 9, 2), ("x", 4, 3)]))
    put(root, spl + "zfs/tank/short", named(13, [("a", 4, 1), ("b", 4, 2), ("c", 4, 3)])
        .rsplit("c ", 1)[0])
    put(root, spl + "zfs/tank/truncated", "14 1 0x01 3\n")
    put(root, spl + "zfs/big", named(15, [("stat_%04d" % i, 4, i * 1000) for i in range(400)]))
    put(root, spl + "kcf/NONAME provider stats", named(20, [("kcf_ops_total", 4, 77),
                                                            ("kcf_ops_passed", 4, 70)]))
    put(root, spl + "spltest/intr",
        "30 2 0x00 1 20 100 200\n"
        "hard     soft     watchdog spurious multsvc \n"
        "1        2        3        4        5       \n")
    put(root, spl + "spltest/timer",
        "31 4 0x00 2 160 100 200\n"
        "%-31s %-8s %-8s %-8s %-8s %-8s %-8s\n" % ("name", "events", "elapsed", "min", "max", "start", "stop") +
        "%-31s %-8d %-8d %-8d %-8d %-8d %-8d\n" % ("txg sync", 3, 300, 50, 150, 1000, 2000) +
        "%-31s %-8d %-8d %-8d %-8d %-8d %-8d\n" % ("flush", 1, 10, 10, 10, 3000, 3010))


def garbled(root):
    put(root, "proc/stat", "cpu  1 2 3 4\ncpu0 12 x 3 4 5 6 7\ncpu1 1 2\nctxt 5\n")
    put(root, "proc/loadavg", "abc def\n")
    put(root, "proc/uptime", "12.5 3\n")
    put(root, "proc/meminfo", "MemTotal:       16384000 kB\nMemFree: lots kB\n")
    put(root, "proc/vmstat", "nr_free_pages 1\npgfault\n")


for name, fn in (("edge", edge), ("garbled", garbled)):
    root = os.path.join(HERE, name)
    shutil.rmtree(root, ignore_errors=True)
    fn(root)
    print("wrote", root)
