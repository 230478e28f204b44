#!/usr/bin/python3
"""Proves check_layering.py fails where it must: builds tiny trees in a
temporary folder, each breaking one floor, runs the check over each and
expects exit status 1 with the offending file:line named; a clean tree must
pass, and the size limits must be reported."""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check_layering.py")

CLEAN = {
    "include/kstatsql/error.hpp": "#pragma once\n",
    "include/kstatsql/kstatsql.h": '#pragma once\n#include "kstatsql/error.hpp"\n',
    "grammar/selector.hpp": '#pragma once\n#include "kstatsql/error.hpp"\n',
    "engine/source.hpp": '#pragma once\n#include "grammar/selector.hpp"\n',
    "engine/sources/linux/linux_source.hpp": '#pragma once\n#include "engine/source.hpp"\n',
    "engine/sources/linux/procfs.cpp": '#include "engine/sources/linux/linux_source.hpp"\n',
    "engine/sources/dump/dump_writer.hpp": '#pragma once\n#include "engine/source.hpp"\n',
    "engine/sources/open_source.cpp": ('#include "engine/sources/linux/linux_source.hpp"\n'
                                       '#include "engine/sources/dump/dump_writer.hpp"\n'),
    "vtab/module.hpp": ('#pragma once\n#include <sqlite3.h>\n#include "engine/source.hpp"\n'
                        '#include "engine/sources/open_source.hpp"\n'),
    "shell/repl.cpp": ('#include "kstatsql/kstatsql.h"\n'
                       '#include "engine/sources/dump/dump_writer.hpp"\n'),
}

# name: (file, text, what the output must name)
BAD = {
    "engine includes vtab": (
        "engine/session.cpp", '#include <vector>\n\n#include "vtab/module.hpp"\n',
        'engine/session.cpp:3: includes "vtab/module.hpp"'),
    "family includes a sibling family": (
        "engine/sources/dump/dump_source.cpp", '#include "engine/sources/linux/linux_source.hpp"\n',
        "engine/sources/dump/dump_source.cpp:1: includes"),
    "grammar includes engine": (
        "grammar/kql.cpp", '#include "grammar/selector.hpp"\n#include "engine/source.hpp"\n',
        "grammar/kql.cpp:2: includes"),
    "api includes engine": (
        "include/kstatsql/kstatsql.hpp", '#pragma once\n#  include "engine/source.hpp"\n',
        "include/kstatsql/kstatsql.hpp:2: includes"),
    "shell includes an engine internal": (
        "shell/render.cpp", '#include "engine/sources/linux/linux_source.hpp"\n',
        "shell/render.cpp:1: includes"),
    "engine includes shell through a relative path": (
        "engine/rates.cpp", '#include "../shell/repl.hpp"\n',
        "engine/rates.cpp:1: includes"),
    "vtab includes shell": (
        "vtab/tables.cpp", '#include "shell/repl.hpp"\n', "vtab/tables.cpp:1: includes"),
}


def make_tree(root, extra=None):
    files = dict(CLEAN)
    files["shell/repl.hpp"] = "#pragma once\n"
    if extra:
        files.update(extra)
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def run(root, *args):
    p = subprocess.run([sys.executable, CHECK, "--root", root, *args],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def main():
    failures = 0
    with tempfile.TemporaryDirectory(prefix="layering-") as tmp:
        clean = os.path.join(tmp, "clean")
        make_tree(clean)
        rc, out = run(clean)
        if rc != 0:
            print(f"FAIL clean tree: exit {rc}\n{out}")
            failures += 1
        else:
            print("ok   clean tree passes")

        for i, (name, (rel, text, expect)) in enumerate(BAD.items()):
            root = os.path.join(tmp, f"bad{i}")
            make_tree(root, {rel: text})
            rc, out = run(root, "--sizes", "off")
            if rc != 1 or expect not in out:
                print(f"FAIL {name}: exit {rc}, expected 1 and {expect!r} in:\n{out}")
                failures += 1
            else:
                print(f"ok   {name}: {out.splitlines()[0]}")

        big = os.path.join(tmp, "big")
        make_tree(big, {"engine/huge.cpp": "int x;\n" * 601})
        rc, out = run(big, "--sizes", "error", "--no-includes")
        if rc != 1 or "engine/huge.cpp: 601 lines" not in out or "engine/:" not in out:
            print(f"FAIL size limits: exit {rc}\n{out}")
            failures += 1
        else:
            print("ok   size limits: a 601-line file and a 40%+ folder are reported")
        rc, out = run(big, "--sizes", "warn", "--no-includes")
        if rc != 0:
            print(f"FAIL --sizes warn must only report: exit {rc}\n{out}")
            failures += 1

    if failures:
        print(f"{failures} self-test(s) failed")
        return 1
    print("check_layering.py self-test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
