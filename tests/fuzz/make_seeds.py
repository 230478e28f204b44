#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets into tests/fuzz/corpus/<target>/.

  python3 tests/fuzz/make_seeds.py [--kss FILE.kss ...]

Seeds are small real inputs: the dump fixtures of tests/data, the Linux
fixture trees of tests/data/linux as procfs_fuzz records, a few hand-made
inputs per target, and the .kss recordings given with --kss (recorded with
`kstatsql record`; kss_fuzz and source_file_fuzz get them). Re-running it
rewrites the generated files and keeps any other file in the folders.
"""
import argparse
import os
import shutil

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
PROCFS_CHUNK = 60000  # below procfs_fuzz's -max_len


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def copy(target, path, name=None):
    with open(path, "rb") as f:
        put(target, name or os.path.basename(path), f.read())


def dumps():
    d = os.path.join(DATA, "dumps")
    for f in sorted(os.listdir(d)):
        p = os.path.join(d, f)
        if f.endswith(".json"):
            copy("kstat_j_fuzz", p)
        elif f.startswith("openbsd"):
            copy("openbsd_text_fuzz", p)
        else:
            copy("kstat_p_fuzz", p)
        copy("source_file_fuzz", p)
    for f in ("kstat-p.txt", "kstat-C.txt", "kstat-human.txt"):
        copy("source_file_fuzz", os.path.join(DATA, "shell", f), "shell-" + f)
    copy("kstat_p_fuzz", os.path.join(DATA, "shell", "kstat-p.txt"), "shell-kstat-p.txt")
    copy("kstat_j_fuzz", os.path.join(DATA, "shell", "kstat-j.json"), "shell-kstat-j.json")
    copy("kstat_p_fuzz", os.path.join(DATA, "shared", "machine-kstat-p.txt"))


def tree_records(top):
    """(record bytes) for every file and link under top, paths relative to it."""
    out = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        for f in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            p = os.path.join(dirpath, f)
            rel = os.path.relpath(p, top)
            if os.path.islink(p):
                out.append(("=> %s %s\n" % (rel, os.readlink(p))).encode())
            elif os.path.isfile(p):
                with open(p, "rb") as fh:
                    body = fh.read()
                if body and not body.endswith(b"\n"):
                    body += b"\n"
                out.append(("== %s\n" % rel).encode() + body)
    return out


def procfs():
    base = os.path.join(DATA, "linux")
    trees = [(n, os.path.join(base, n)) for n in sorted(os.listdir(base))
             if os.path.isdir(os.path.join(base, n, "proc")) or os.path.isdir(os.path.join(base, n, "sys"))]
    shared = os.path.join(DATA, "shared", "linux")
    if os.path.isdir(shared):
        trees.append(("shared", shared))
    for name, top in trees:
        chunk, n = b"", 0
        for rec in tree_records(top):
            if chunk and len(chunk) + len(rec) > PROCFS_CHUNK:
                put("procfs_fuzz", "%s-%02d" % (name, n), chunk)
                chunk, n = b"", n + 1
            chunk += rec[:PROCFS_CHUNK]
        if chunk:
            put("procfs_fuzz", "%s-%02d" % (name, n), chunk)


def small_targets():
    # raw_decode_fuzz: layout pick, digits byte, then zeroed structs of every known size.
    for pick in range(12):
        for size in (24, 32, 48, 60, 380, 492):
            put("raw_decode_fuzz", "layout%d-%d" % (pick, size), bytes([pick, 7]) + bytes(size))
    put("raw_decode_fuzz", "named", b"\xff\x00unix:vminfo\n" + bytes(48))
    # match_fuzz: flags byte, pattern NUL text.
    pats = [(b"*a*b", b"xxaxxb"), (b"cpu[0-9]*", b"cpu12"), (b"[^a-c]?%_", b"dz%_"),
            (b"[[:digit:]]*\\*", b"1*"), (b"%CPU%", b"mycpu0"), (b"a_c", b"abc"),
            (b"[]-]x", b"]x"), (b"*/*", b"a/b/c"), (b"\xc3\xa9*", b"\xc3\xa9t\xc3\xa9")]
    for i, (p, t) in enumerate(pats):
        put("match_fuzz", "pair%d" % i, bytes([0x1f]) + p + b"\0" + t)
    # kstat_time_fuzz
    for i, t in enumerate(["2026-01-01T00:00:00Z", "2026-01-01 00:00:01", "2026-01-02T00:00:00.5Z",
                           "2025-12-31T23:59:59Z", "first", "last", "next", "prev", "2026-12-45T99:99:99Z"]):
        put("kstat_time_fuzz", "t%d" % i, t)
    # shell_args_fuzz: NUL-separated arguments.
    argvs = [["--source", "x.kss", "-json", "SELECT 1"], ["-k", "io | rate"],
             ["--interval", "1.5", "--count", "3", "-c", "SELECT 1"], ["--report", "iostat", "1", "5"],
             ["kstat", "-p", "-T", "u", "cpu:0:sys", "1", "2"], ["kstat", "-c", "disk", "-m", "sd", "-s", "/^n/"],
             ["-mode", "csv", "-separator", ";", "-nullvalue", "-", "-header"], ["record", "-o", "x.kss"]]
    for i, a in enumerate(argvs):
        put("shell_args_fuzz", "argv%d" % i, "\0".join(a))
    # selector_fuzz and kql_fuzz
    for i, s in enumerate(["cpu:0:sys:cpu_nsec_*", "sd:::/^n(read|written)$/", "::/a|b/:", "unix:0:system_misc",
                           "cpu_stat:*:cpu_stat[0-3]:", "*:*:*:*"]):
        put("selector_fuzz", "sel%d" % i, s)
    for i, s in enumerate(["io class=disk | rate | top 5 by nread", "named module=cpu | where value > 0",
                           "unix | where (value + 1) * 2 > 3 | top 3 by value", "cpu | rate | summarize sum(rate) by name",
                           "named | where statistic =~ 'n*' | project module, value"]):
        put("kql_fuzz", "kql%d" % i, s)
    # sql_fuzz: two generations of a machine, then patterns.
    with open(os.path.join(DATA, "shared", "machine-kstat-p.txt")) as f:
        gen1 = f.read()
    gen2 = "".join(
        (l.rsplit("\t", 1)[0] + "\t" + str(int(l.rsplit("\t", 1)[1]) + 100) + "\n")
        if "\t" in l and l.rsplit("\t", 1)[1].strip().isdigit() else l + "\n"
        for l in gen1.splitlines())
    put("sql_fuzz", "machine", gen1 + "\n----\n" + gen2 + "\n----\n*\n%\ncpu\ncpu:0:sys\nnamed | rate | top 3 by rate\n")
    put("sql_fuzz", "patterns", gen1 + "\n----\n" + gen2 + "\n----\nc?u\n%sys%\nsys\n::/^cpu/:\nio | top 2 by nread\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kss", action="append", default=[], help="a .kss recording to seed with")
    args = ap.parse_args()
    dumps()
    procfs()
    small_targets()
    for k in args.kss:
        copy("kss_fuzz", k)
        copy("source_file_fuzz", k)


if __name__ == "__main__":
    main()
