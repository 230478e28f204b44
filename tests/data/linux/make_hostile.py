#!/usr/bin/env python3
"""Writes the hand-made trees of tests/engine/sources/linux/hardening_test.cpp
and replay_test.cpp:

  hostile/   duplicate and out-of-range identities, a file linked to
             /dev/zero, an SPL directory with two symlink loops
  extremes/  counters at and just past what their 64-bit conversions hold
  replay/    a node_exporter-style recording: no proc/uptime, no proc/self
             (mountstats under proc/1234), /proc/net/dev without /sys,
             softirqs, swaps, net/rpc/nfs

Run from anywhere: python3 tests/data/linux/make_hostile.py
The expected values in the tests are computed from the numbers written here.
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
U64 = 2**64 - 1
I64 = 2**63 - 1


def put(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def link(root, rel, target):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(target, path)


def named(kid, rows):
    out = "%d 1 0x01 %d %d 5214900000 8123456789012\n" % (kid, len(rows), len(rows) * 48)
    out += "%-31s %-4s %s\n" % ("name", "type", "data")
    for name, value in rows:
        out += "%-31s %-4d %s\n" % (name, 4, value)
    return out


def hostile(root):
    put(root, "proc/stat",
        "cpu  300 0 110 1900 30 4 3 0 0 0\n"
        "cpu0 100 0 50 1000 20 3 2 0 0 0\n"
        "cpu1 200 0 60 900 10 1 1 0 0 0\n"
        "cpu0 999 0 99 9999 99 9 9 0 0 0\n"
        "cpu18446744073709551615 1 0 1 1 0 0 0 0 0 0\n"
        "ctxt 4242\n"
        "btime 1700000000\n")
    put(root, "proc/loadavg", "0.50 0.25 0.125 1/100 77\n")
    put(root, "proc/uptime", "500.00 900.00\n")
    put(root, "proc/meminfo", "MemTotal:  1024 kB\nMemFree:  512 kB\n")
    link(root, "proc/vmstat", "/dev/zero")
    put(root, "proc/softirqs",
        "                    CPU0       CPU18446744073709551615\n"
        "          HI:          1          2\n")
    put(root, "proc/diskstats",
        "   8       0 sda 1 0 8 1 1 0 8 1 0 1 1\n"
        "   8      16 sdb 2 0 16 1 1 0 8 1 0 1 1\n"
        "   8       0 sda 9 0 72 1 1 0 8 1 0 1 1\n")
    put(root, "proc/spl/kstat/m/arcstats", named(7, [("hits", 42)]))
    link(root, "proc/spl/kstat/m/a", ".")
    link(root, "proc/spl/kstat/m/b", ".")
    link(root, "proc/spl/kstat/up", "..")


def extremes(root):
    put(root, "proc/stat",
        "cpu  0 0 0 0 0 0 0 0 0 0\n"
        "cpu0 %d 1 0 0 0 0 0 0 0 0\n" % U64 +
        "cpu1 0 0 0 %d 0 0 0 0 0 0\n" % U64 +
        "cpu2 %d 1 0 %d 0 0 0 0 0 0\n" % (18446744073 * 100 - 1, 18446744073 * 100) +
        "btime 1700000000\n")
    put(root, "proc/uptime", "500.00 900.00\n")
    s_ok, ms_ok, io_ok = U64 // 512, U64 // 10**6, I64 // 10**6
    put(root, "proc/diskstats",
        "   8       0 sda %d 0 %d %d %d 0 %d %d 0 %d %d\n"
        % (2**32 + 5, s_ok, ms_ok, 2**32 + 6, s_ok, ms_ok, io_ok, io_ok) +
        "   8      16 sdb 1 0 %d 0 1 0 0 0 0 0 0\n" % (s_ok + 1) +
        "   8      32 sdc 1 0 0 0 1 0 0 0 0 %d 0\n" % (io_ok + 1) +
        "   8      48 sdd 1 0 0 %d 1 0 0 0 0 0 0\n" % (ms_ok + 1))
    for name, speed in (("eth0", U64 // 10**6), ("eth1", U64 // 10**6 + 1)):
        for c in ("rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "rx_errors", "tx_errors",
                  "collisions", "multicast"):
            put(root, "sys/class/net/%s/statistics/%s" % (name, c), "%d\n" % U64)
        put(root, "sys/class/net/%s/speed" % name, "%d\n" % speed)
        put(root, "sys/class/net/%s/operstate" % name, "up\n")


def replay(root):
    put(root, "proc/stat",
        "cpu  300 0 110 1900 30 4 3 0 0 0\n"
        "cpu0 100 0 50 1000 20 3 2 0 0 0\n"
        "cpu1 200 0 60 900 10 1 1 0 0 0\n"
        "ctxt 4242\n"
        "btime 1700000000\n")
    put(root, "proc/loadavg", "0.50 0.25 0.125 1/100 77\n")
    put(root, "proc/diskstats", "   8       0 sda 1000 0 8000 100 10 0 80 5 0 200 300\n")
    put(root, "proc/net/dev",
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        "  eth0:  123456     100    1    0    0     0          0         3   654321      200    2    0    0     0       0          0\n")
    put(root, "proc/softirqs",
        "                    CPU0       CPU1\n"
        "          HI:          1          2\n"
        "       TIMER:         10         20\n")
    put(root, "proc/swaps",
        "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
        "/dev/vda2                               partition\t1048572\t\t2048\t\t-2\n")
    put(root, "proc/net/rpc/nfs",
        "net 0 0 0 0\n"
        "rpc 500 3 0\n"
        "proc3 22 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22\n"
        "proc4 0\n")
    put(root, "proc/1234/mountinfo",
        "101 28 0:53 / /home/shared rw,relatime shared:60 - nfs nfs1:/export/home rw,vers=3\n")
    put(root, "proc/1234/mountstats",
        "device nfs1:/export/home mounted on /home/shared with fstype nfs statvers=1.1\n"
        "\topts:\trw,vers=3,rsize=1048576,wsize=1048576,timeo=600,retrans=2\n"
        "\tage:\t400\n"
        "\tbytes:\t1 2 3 4 5 6 7 8\n"
        "\tper-op statistics\n"
        "\t        READ: 10 10 0 100 200 1 2 3 0\n"
        "\t       WRITE: 20 20 0 300 400 4 5 6 0\n")


def main():
    for name, make in (("hostile", hostile), ("extremes", extremes), ("replay", replay)):
        root = os.path.join(HERE, name)
        shutil.rmtree(root, ignore_errors=True)
        make(root)


if __name__ == "__main__":
    main()
