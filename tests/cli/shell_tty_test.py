#!/usr/bin/env python3
"""Drives the interactive `kstatsql` in a pseudo-terminal: the prompt, .tables,
a multi-line statement, TAB completion, history, and .quit.

usage: shell_tty_test.py path/to/kstatsql tests/data
"""
import os
import pty
import select
import sys
import tempfile
import time

binary, data = sys.argv[1], sys.argv[2]
dump = os.path.join(data, "dumps", "illumos-kstat-p.txt")
home = tempfile.mkdtemp(prefix="kstatsql-tty-")
env = dict(os.environ, HOME=home, TERM="xterm", KSTATSQL_HISTORY=os.path.join(home, "hist"))

pid, fd = pty.fork()
if pid == 0:
    os.execve(binary, [binary, "--source", dump], env)

buffer = b""


def expect(needle, timeout=10.0):
    """Reads until `needle` (bytes) appears after what earlier calls consumed."""
    global buffer
    deadline = time.time() + timeout
    while needle not in buffer:
        left = deadline - time.time()
        if left <= 0:
            sys.exit("timed out waiting for %r; got %r" % (needle, buffer[-400:]))
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                sys.exit("kstatsql exited while waiting for %r; got %r" % (needle, buffer[-400:]))
            buffer += chunk
    consumed = buffer[: buffer.index(needle) + len(needle)]
    buffer = buffer[buffer.index(needle) + len(needle):]
    return consumed


def send(text):
    os.write(fd, text.encode())


expect(b'Enter ".help" for usage hints.')
expect(b"kstatsql> ")
send(".tables\r")
seen = expect(b"kstatsql> ")
for table in (b"kstat", b"named", b"io", b"kstat_columns"):
    assert table in seen, seen

# A statement over two lines: the continuation prompt, then the result.
send("SELECT value FROM named\r")
expect(b"...> ")
send("WHERE module = 'unix' AND name = 'system_misc' AND statistic = 'nproc';\r")
seen = expect(b"kstatsql> ")
assert b"\r\n71\r\n" in seen, seen

# TAB completes a table name (kstat_col -> kstat_columns) and a module name.
send("SELECT count(*) FROM kstat_col\t")
expect(b"umns")  # the line editor redraws only the completed tail
send(";\r")
seen = expect(b"kstatsql> ")
assert any(line.strip().isdigit() for line in seen.split(b"\r\n")), seen
send("SELECT DISTINCT module FROM kstat WHERE module = 'cmdk\t")
expect(b"error'")
send(";\r")
seen = expect(b"kstatsql> ")
assert b"\r\ncmdkerror\r\n" in seen, seen

# Errors are shown and the session goes on.
send("SELEC 1;\r")
seen = expect(b"kstatsql> ")
assert b"syntax error" in seen and b"^--- error here" in seen, seen

send(".quit\r")
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
history = open(os.path.join(home, "hist"), encoding="utf-8", errors="replace").read()
assert ".tables" in history, history
print("shell_tty_test: ok")
