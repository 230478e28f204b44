#!/usr/bin/python3
"""One live generation plus a full scan of `named`, against psutil's sample of
the same data (cpu_times percpu, disk_io_counters perdisk, net_io_counters
pernic, virtual/swap memory, load average), as medians of interleaved runs.

  /usr/bin/python3 scripts/live-vs-psutil.py [build/kstatsql.so] [runs]

Prints one Markdown table row per measurement (docs/benchmarks.md)."""
import os
import sqlite3
import statistics
import sys
import time

try:
    import psutil
except ImportError:
    print("SKIP: python3-psutil is not installed (apt-get install python3-psutil)")
    sys.exit(0)

lib = sys.argv[1] if len(sys.argv) > 1 else "build/kstatsql.so"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 200
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension(os.path.abspath(lib))


def kstatsql_sample():
    # Each statement starts a new generation of the live source.
    return db.execute("SELECT count(*), sum(CASE WHEN typeof(value) = 'integer' THEN 1 END)"
                      " FROM named").fetchone()


SAME = ("SELECT (SELECT count(*) FROM named WHERE module IN ('cpu', 'link')"
        " OR (module = 'unix' AND name IN ('system_misc', 'system_pages', 'vminfo'))),"
        " (SELECT count(*) FROM io)")


def kstatsql_same():
    # The same data as psutil's sample: per-CPU times, links, memory, load
    # (named) and disks (io), in one statement (one generation).
    return db.execute(SAME).fetchone()


def psutil_sample():
    return (psutil.cpu_times(percpu=True), psutil.disk_io_counters(perdisk=True),
            psutil.net_io_counters(pernic=True), psutil.virtual_memory(),
            psutil.swap_memory(), os.getloadavg())


def median_pair(ours, theirs):
    a, b = [], []
    ours(), theirs()  # warm-up
    for _ in range(runs):
        for f, out in ((ours, a), (theirs, b)):
            t0 = time.perf_counter()
            f()
            out.append(time.perf_counter() - t0)
    return statistics.median(a), statistics.median(b)


ka, pb = median_pair(kstatsql_sample, psutil_sample)
rows = kstatsql_sample()[0]
print(f"| live generation + full scan of named ({rows} rows, every family) | {ka * 1e3:.2f} ms | "
      f"psutil sample {pb * 1e3:.2f} ms | {ka / pb:.2f}x |")
ka, pb = median_pair(kstatsql_same, psutil_sample)
print(f"| live generation + the same data as psutil (cpu, link, memory, load; io) | "
      f"{ka * 1e3:.2f} ms | psutil sample {pb * 1e3:.2f} ms | {ka / pb:.2f}x |")
