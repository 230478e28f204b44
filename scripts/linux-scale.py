#!/usr/bin/env python3
"""Measures how the Linux reader scales with the size of its input.

Generates recorded /proc + /sys trees with N disks (/proc/diskstats and
/sys/class/block, a quarter of them with one partition) and N NFS mounts
(/proc/self/mountstats and mountinfo), reads every io kstat of each through
`kstatsql --source procfs:DIR`, and prints the time per size and the ratio
of each size to the smallest. A linear reader gives a time ratio close to
the size ratio (10 for 10,000 vs 1,000); a quadratic one gives ~100.

Usage: python3 scripts/linux-scale.py [--kstatsql build/kstatsql]
                                      [--disks 1000,10000] [--mounts 200,2000]
No timing is asserted anywhere; the numbers go to docs/benchmarks.md by hand.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def put(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def disk_tree(root, n):
    lines = []
    for i in range(n):
        name = "sd%d" % i
        lines.append("%4d %7d %s 100 2 800 30 50 4 400 60 0 90 120 0 0 0 0 5 7" % (8, i * 16, name))
        put(root, "sys/class/block/%s/size" % name, "1000\n")
        if i % 4 == 0:
            part = name + "p1"
            lines.append("%4d %7d %s 10 0 80 3 5 0 40 6 0 9 12" % (8, i * 16 + 1, part))
            put(root, "sys/class/block/%s/partition" % part, "1\n")
    put(root, "proc/diskstats", "\n".join(lines) + "\n")
    put(root, "proc/uptime", "1000.00 900.00\n")


def nfs_tree(root, n):
    ms, mi = [], []
    for i in range(n):
        mp = "/mnt/m%d" % i
        ms.append("device srv:/export/%d mounted on %s with fstype nfs4 statvers=1.1" % (i, mp))
        ms.append("\topts:\trw,vers=4.2,rsize=1048576,wsize=1048576,timeo=600,retrans=2")
        ms.append("\tage:\t500")
        ms.append("\tbytes:\t1 2 3 4 5 6 7 8")
        ms.append("\tevents:\t" + " ".join(["1"] * 27))
        ms.append("\txprt:\ttcp 0 1 2 0 0 3 3 0 3 0 0 0 0")
        ms.append("\tper-op statistics")
        ms.append("\t        READ: 10 10 0 100 200 1 2 3 0")
        ms.append("\t       WRITE: 20 20 0 300 400 4 5 6 0")
        ms.append("")
        mi.append("%d 1 0:%d / %s rw,relatime shared:1 - nfs4 srv:/export/%d rw" % (100 + i, 50 + i, mp, i))
    put(root, "proc/self/mountstats", "\n".join(ms) + "\n")
    put(root, "proc/self/mountinfo", "\n".join(mi) + "\n")
    put(root, "proc/uptime", "1000.00 900.00\n")


def run(kstatsql, root, query):
    t0 = time.monotonic()
    r = subprocess.run([kstatsql, "--source", "procfs:" + root, query],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.monotonic() - t0
    if r.returncode != 0:
        sys.exit("kstatsql failed on %s: %s" % (root, r.stderr.strip()))
    return dt, r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""


def measure(kstatsql, label, make, sizes, query):
    results = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="kstatsql-scale-") as root:
            make(root, n)
            dt, out = run(kstatsql, root, query)
            results.append((n, dt, out))
    base_n, base_t, _ = results[0]
    for n, dt, out in results:
        print("%-6s n=%-6d %8.3f s  size x%-5.1f time x%-6.1f  (%s)" %
              (label, n, dt, n / base_n, dt / base_t if base_t > 0 else 0.0, out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kstatsql", default="build/kstatsql")
    ap.add_argument("--disks", default="1000,10000")
    ap.add_argument("--mounts", default="200,2000")
    a = ap.parse_args()
    disks = [int(x) for x in a.disks.split(",")]
    mounts = [int(x) for x in a.mounts.split(",")]
    measure(a.kstatsql, "disks", disk_tree, disks,
            "SELECT count(*), sum(nread) FROM io WHERE class IN ('disk','partition')")
    measure(a.kstatsql, "nfs", nfs_tree, mounts,
            "SELECT count(*), sum(nread) FROM io WHERE module = 'nfs'")


if __name__ == "__main__":
    main()
