#!/usr/bin/python3
"""Checks the floors of the product: who may include whom, and the size limits.

    check_layering.py [--root DIR] [--sizes off|warn|error] [--no-includes]

Floors, lowest first (a file may include from its own floor and the floors
below it, never from a higher floor or a sibling source family):

    include/kstatsql/   the public API: only include/kstatsql/*
    grammar/            parse only: grammar/ and include/kstatsql/error.hpp
    engine/             the core (files directly in engine/): grammar, include
    engine/sources/F/   one source family: the core, its own folder F, include
                        (a family never includes another family)
    engine/sources/     open_source.* and live_*.cpp: every family
    vtab/               engine, engine/sources, grammar, include
    shell/              include/kstatsql/* and the explicit SHELL_ALLOWED list

Size limits: no product file over MAX_FILE_LINES lines, and no folder holding
more than MAX_FOLDER_SHARE of the product's lines (a folder's lines are those
of the files directly in it).

Every violation is printed as "path:line: message"; the exit status is 1 when
there is one (size violations count only with --sizes error), 0 otherwise.
"""

import argparse
import os
import re
import sys

PRODUCT_DIRS = ("grammar", "engine", "vtab", "shell", "include")
SOURCE_EXTS = (".c", ".cc", ".cpp", ".h", ".hpp", ".ipp", ".inc")
MAX_FILE_LINES = 600
MAX_FOLDER_SHARE = 0.40

# What the shell may include beyond shell/ and include/kstatsql/: everything
# else it reaches through the C++ facade (include/kstatsql/kstatsql.hpp).
SHELL_ALLOWED = {
    # The writers of the formats the shell records and converts to.
    "engine/sources/dump/dump_writer.hpp",
    "engine/sources/kss/kss_writer.hpp",
    # Leaf helpers with no engine state: ASCII case, UTF-8, lines; errno text.
    "engine/text.hpp",
    "engine/posix_error.hpp",
}

GRAMMAR_ALLOWED_API = {"include/kstatsql/error.hpp"}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')
OUR_PREFIXES = ("grammar/", "engine/", "vtab/", "shell/", "include/")


def floor_of(path):
    """The floor of a repository-relative path, as a (kind, family) pair."""
    parts = path.split("/")
    top = parts[0]
    if top == "include":
        return ("api", None)
    if top in ("grammar", "vtab", "shell"):
        return (top, None)
    if top == "engine":
        if len(parts) == 2:
            return ("core", None)
        if parts[1] == "sources":
            if len(parts) == 3:
                name = parts[2]
                if name.startswith("open_source.") or re.match(r"live_.*\.cpp$", name):
                    return ("hub", None)
                return ("sources_common", None)
            return ("family", parts[2])
        # A folder under engine/ other than sources/ belongs to the core.
        return ("core", None)
    return (None, None)


def resolve(root, including, spelled, quoted):
    """The repository-relative path an include names, or None when not ours."""
    if spelled.startswith("kstatsql/"):
        return "include/" + spelled
    if spelled.startswith(OUR_PREFIXES):
        return os.path.normpath(spelled)
    if quoted:
        here = os.path.dirname(including)
        candidate = os.path.normpath(os.path.join(here, spelled))
        if candidate.startswith(OUR_PREFIXES):
            return candidate
    return None


def allowed(src, dst):
    """None when src may include dst, else the rule it breaks."""
    skind, sfam = floor_of(src)
    dkind, dfam = floor_of(dst)
    if skind == "api":
        if dkind == "api":
            return None
        return "include/kstatsql/ may include only include/kstatsql/"
    if skind == "grammar":
        if dkind == "grammar" or dst in GRAMMAR_ALLOWED_API:
            return None
        return "grammar/ may include only grammar/ and include/kstatsql/error.hpp"
    if skind == "core":
        if dkind in ("core", "grammar", "api"):
            return None
        return "engine/ (core) may include only engine/*, grammar/ and include/"
    if skind == "family":
        if dkind in ("core", "grammar", "api"):
            return None
        if dkind == "family" and dfam == sfam:
            return None
        if dkind == "family":
            return f"source family '{sfam}' may not include family '{dfam}'"
        return f"source family '{sfam}' may include only engine/, engine/sources/{sfam}/ and include/"
    if skind == "sources_common":
        if dkind in ("core", "grammar", "api", "sources_common"):
            return None
        return "engine/sources/* (not open_source/live_*) may include only engine/ and include/"
    if skind == "hub":
        if dkind in ("core", "grammar", "api", "family", "hub", "sources_common"):
            return None
        return "engine/sources/open_source and live_* may include only engine/ and include/"
    if skind == "vtab":
        if dkind in ("vtab", "core", "family", "hub", "sources_common", "grammar", "api"):
            return None
        return "vtab/ may include only vtab/, engine/, grammar/ and include/"
    if skind == "shell":
        if dkind == "shell" or dst.startswith("include/kstatsql/"):
            return None
        if dst in SHELL_ALLOWED:
            return None
        return "shell/ may include only shell/, include/kstatsql/ and the SHELL_ALLOWED list"
    return None


def product_files(root):
    for top in PRODUCT_DIRS:
        base = os.path.join(root, top)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(SOURCE_EXTS):
                    full = os.path.join(dirpath, name)
                    yield os.path.relpath(full, root).replace(os.sep, "/")


def read_lines(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def check_includes(root, files):
    problems = []
    for rel in files:
        for number, line in enumerate(read_lines(root, rel), 1):
            m = INCLUDE_RE.match(line)
            if not m:
                continue
            quoted = m.group(1) == '"'
            dst = resolve(root, rel, m.group(2), quoted)
            if dst is None:
                continue
            why = allowed(rel, dst)
            if why:
                problems.append(f'{rel}:{number}: includes "{m.group(2)}": {why}')
    return problems


def check_sizes(root, files):
    problems = []
    per_folder = {}
    total = 0
    for rel in files:
        n = len(read_lines(root, rel))
        total += n
        folder = os.path.dirname(rel)
        per_folder[folder] = per_folder.get(folder, 0) + n
        if n > MAX_FILE_LINES:
            problems.append(f"{rel}: {n} lines, over the limit of {MAX_FILE_LINES}")
    for folder, n in sorted(per_folder.items()):
        if total and n > MAX_FOLDER_SHARE * total:
            share = 100.0 * n / total
            problems.append(
                f"{folder}/: {n} of {total} product lines ({share:.1f}%), "
                f"over the limit of {MAX_FOLDER_SHARE * 100:.0f}%")
    return problems


def main():
    default_root = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=default_root, help="the source tree (default: this one)")
    parser.add_argument("--sizes", choices=("off", "warn", "error"), default="warn",
                        help="check the size limits: off, report (warn) or fail (error)")
    parser.add_argument("--no-includes", action="store_true", help="skip the include check")
    args = parser.parse_args()

    root = os.path.abspath(args.root)
    files = list(product_files(root))
    if not files:
        print(f"check_layering: no product files under {root}", file=sys.stderr)
        return 2
    failed = False
    if not args.no_includes:
        problems = check_includes(root, files)
        for p in problems:
            print(p)
        if problems:
            print(f"layering: {len(problems)} include(s) break the floors", file=sys.stderr)
            failed = True
        else:
            print(f"layering: {len(files)} product files, every include respects the floors")
    if args.sizes != "off":
        problems = check_sizes(root, files)
        label = "error" if args.sizes == "error" else "warning"
        for p in problems:
            print(f"{p} [{label}]")
        if problems and args.sizes == "error":
            failed = True
        if not problems:
            print(f"sizes: no file over {MAX_FILE_LINES} lines, "
                  f"no folder over {MAX_FOLDER_SHARE * 100:.0f}% of the product")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
