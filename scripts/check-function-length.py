#!/usr/bin/python3
"""Lists functions longer than the limit (80 lines) in the product's C++ files.

    scripts/check-function-length.py [--root DIR] [--max N] [FILE...]

A function's length is the lines from its opening brace to its closing brace,
both included. Functions are found by counting braces after comments, string
and character literals and preprocessor lines are blanked: a brace block at
namespace, class or extern "C" level whose header looks like a signature
(`name(...) [qualifiers] [: initializers] {`) is a function; lambdas and
local classes inside it count towards it. Brace initializers (`x = {...};`)
are not functions. A heuristic, good for C++ as this project writes it.

Prints "path:line: name: N lines" per offender; exits 1 when there is one.
"""

import argparse
import os
import re
import sys

PRODUCT_DIRS = ("grammar", "engine", "vtab", "shell", "include")
EXTS = (".cpp", ".cc", ".hpp", ".h")
SCOPE_RE = re.compile(r"^(?:template\s*<.*>\s*)?(?:(?:inline\s+)?namespace\b|extern\s*\"C\"|extern\b)")
CLASS_RE = re.compile(r"^(?:template\s*<.*>\s*)?(?:class|struct|union)\b")
ENUM_RE = re.compile(r"^(?:typedef\s+)?enum\b")
NAME_RE = re.compile(r"((?:[A-Za-z_~][\w]*\s*::\s*)*(?:operator\s*[^\s(]+|operator\s*\(\)|~?[A-Za-z_]\w*))\s*$")


def blank(text):
    """Text with comments, literals and preprocessor lines replaced by spaces
    (newlines kept, so offsets keep their line numbers)."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            j = i
            while j < n and text[j] != "\n":
                if text[j] == "\\" and j + 1 < n and text[j + 1] == "\n":
                    out.append("  \n")
                    j += 2
                    continue
                out.append(" ")
                j += 1
            i = j
            continue
        if c == "\n":
            at_line_start = True
            out.append(c)
            i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        m = re.match(r'(?:u8|u|U|L)?R"([^()\\\s]{0,16})\(', text[i:i + 24])
        if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = text.find(")" + m.group(1) + '"', i + m.end())
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
            continue
        if c in "\"'":
            # A digit separator (1'000) is not a character literal.
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c)
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out)


def collapse(header):
    """The header with nested (), <> left as is and {} blocks removed."""
    return re.sub(r"\s+", " ", header).strip()


def function_name(header):
    """The name before the first top-level '(' of a signature."""
    depth = 0
    for k, ch in enumerate(header):
        if ch == "<":
            depth += 1
        elif ch == ">" and depth:
            depth -= 1
        elif ch == "(" and depth == 0:
            m = NAME_RE.search(header[:k])
            if m:
                return re.sub(r"\s+", "", m.group(1))
            return None
    return None


def is_function(header):
    if "(" not in header:
        return False
    if SCOPE_RE.match(header) or CLASS_RE.match(header) or ENUM_RE.match(header):
        return False
    before_paren = header[:header.index("(")]
    if "=" in before_paren.replace("operator", "") and "operator" not in before_paren:
        return False
    if header.rstrip().endswith(("=", ",", "return")):
        return False
    return function_name(header) is not None


def scan(text):
    """Yields (line, name, lines) for every function in the text."""
    s = blank(text)
    line_of = [0] * (len(s) + 1)
    line = 1
    for k, ch in enumerate(s):
        line_of[k] = line
        if ch == "\n":
            line += 1
    line_of[len(s)] = line

    def skip_block(k):
        """Index just past the brace block opening at k."""
        depth = 0
        while k < len(s):
            if s[k] == "{":
                depth += 1
            elif s[k] == "}":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return k

    def walk(start, end):
        header = []
        k = start
        while k < end:
            ch = s[k]
            if ch == ";":
                header = []
                k += 1
            elif ch == "}":
                header = []
                k += 1
            elif ch == "{":
                h = collapse("".join(header))
                close = skip_block(k)
                if is_function(h):
                    lines = line_of[close - 1] - line_of[k] + 1
                    yield (line_of[k], function_name(h), lines)
                    header = []
                elif SCOPE_RE.match(h) or CLASS_RE.match(h):
                    yield from walk(k + 1, close - 1)
                    header = []
                else:
                    # A brace initializer, an enum or a member initializer:
                    # part of whatever the header is, not a scope of its own.
                    header.append(" ")
                k = close
            elif ch == ":" and re.search(r"\b(?:public|private|protected)\s*$", "".join(header)):
                header = []
                k += 1
            else:
                header.append(ch)
                k += 1

    yield from walk(0, len(s))


def product_files(root):
    for top in PRODUCT_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(EXTS):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def main():
    default_root = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=default_root)
    parser.add_argument("--max", type=int, default=80)
    parser.add_argument("--list", action="store_true", help="print every function with its length")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    files = args.files or list(product_files(root))
    offenders = 0
    count = 0
    for rel in files:
        path = rel if os.path.isabs(rel) else os.path.join(root, rel)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for line, name, lines in scan(text):
            count += 1
            if args.list:
                print(f"{rel}:{line}: {name}: {lines} lines")
            elif lines > args.max:
                print(f"{rel}:{line}: {name}: {lines} lines")
                offenders += 1
    if offenders:
        print(f"function length: {offenders} of {count} functions over {args.max} lines",
              file=sys.stderr)
        return 1
    print(f"function length: {count} functions, none over {args.max} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
