#!/usr/bin/env python3
"""Processes sharing one .kss file: readers while `kstatsql record` appends, and
a reader whose recording is truncated underneath it.

  kss_concurrent_test.py KSTATSQL DATA_DIR

1. `record --interval 0.05 --count 40` appends generations of the dump
   DATA_DIR/dumps/illumos-kstat-p.txt while reader processes open the file
   again and again: each sees a whole number of generations that never goes
   down, and a reader never dies of a signal (a reader opening the file before
   its first generation is complete may get a clear error).
2. A reader that re-runs its query every 0.05 s over a 30-generation
   recording, while another process truncates the file to 100 bytes: it must
   stop with an error message on stderr naming the truncation, never die of
   SIGBUS (or any signal), and never print a wrong count.
"""
import os
import subprocess
import sys
import tempfile
import time

KSTATSQL, DATA = sys.argv[1], sys.argv[2]
DUMP = os.path.join(DATA, "dumps", "illumos-kstat-p.txt")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(args, **kw):
    return subprocess.run([KSTATSQL] + args, capture_output=True, text=True, timeout=60, **kw)


def readers_while_recording(tmp):
    kss = os.path.join(tmp, "growing.kss")
    rec = subprocess.Popen([KSTATSQL, "record", "-o", kss, "--source", DUMP, "--interval", "0.05",
                            "--count", "40", "--no-sync", "-q"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen, reads, last = [], 0, -1
    while rec.poll() is None or reads == 0:
        if not os.path.exists(kss):
            time.sleep(0.01)
            continue
        r = run(["--source", kss, "-c", "SELECT count(*) FROM kstat_generations"])
        reads += 1
        check(r.returncode >= 0, "reader died of signal %d while recording" % -r.returncode)
        if r.returncode == 0:
            n = int(r.stdout.strip())
            check(n >= last, "generations went down: %d after %d" % (n, last))
            last = max(last, n)
            seen.append(n)
        else:
            check(r.stderr.strip() != "", "reader failed without a message")
    out, err = rec.communicate(timeout=60)
    check(rec.returncode == 0, "record failed: %s" % err.strip())
    final = run(["--source", kss, "-c", "SELECT count(*) FROM kstat_generations"])
    check(final.stdout.strip() == "40", "recording holds %s generations, not 40" % final.stdout.strip())
    check(len(set(seen)) > 1, "readers saw the recording grow (%d reads, counts %s)" % (reads, sorted(set(seen))))
    print("readers while recording: %d reads, %d distinct counts" % (reads, len(set(seen))))


def reader_of_truncated_file(tmp):
    kss = os.path.join(tmp, "cut.kss")
    r = run(["record", "-o", kss, "--source", DUMP, "--interval", "0.001", "--count", "30",
             "--no-sync", "-q"])
    check(r.returncode == 0, "record failed: %s" % r.stderr.strip())
    want = run(["--source", kss, "-c", "SELECT count(*) FROM named"]).stdout.strip()
    # Each run of the query selects the next generation, so every run touches
    # pages of the mapping it has not read yet.
    sql = ("SELECT 'gen ' || kstat_generation(CASE WHEN kstat_generation() < 29 THEN 'next' ELSE 'first' END);"
           " SELECT count(*) FROM named")
    reader = subprocess.Popen([KSTATSQL, "--source", kss, "--interval", "0.05", "--count", "200", "-c", sql],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    os.truncate(kss, 100)
    out, err = reader.communicate(timeout=60)
    check(reader.returncode >= 0, "reader died of signal %d after the truncation" % -reader.returncode)
    check(reader.returncode != 0, "reader went on as if the file were whole")
    check("truncated" in err, "the error names the truncation: %r" % err.strip()[-300:])
    counts = [l for l in out.splitlines() if l.isdigit()]
    check(counts and all(c == want for c in counts), "every count printed is %s" % want)
    print("reader of a truncated file: exit %d, %d counts, stderr %r" % (reader.returncode, len(counts), err.strip()[-120:]))


with tempfile.TemporaryDirectory() as tmp:
    readers_while_recording(tmp)
    reader_of_truncated_file(tmp)
if failures:
    sys.exit(1)
print("ok")
