#!/usr/bin/env python3
"""Drives the interactive `kstatsql` in a pseudo-terminal: the prompt, .tables,
a multi-line statement, TAB completion (tables, module names, file names),
error line numbers, history, .quit and .exit's status.

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

def spawn():
    child, master = pty.fork()
    if child == 0:
        os.execve(binary, [binary, "--source", dump], env)
    return child, master


pid, fd = spawn()

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

# Errors name the line within the statement just typed, not of the session.
send("SELECT\r")
expect(b"...> ")
send("nosuch;\r")
seen = expect(b"kstatsql> ")
assert b"Parse error near line 2: no such column: nosuch" in seen, seen

# Module names complete after `module =`, with or without the opening quote.
send("SELECT DISTINCT module FROM kstat WHERE module = cmdk\t")
expect(b"error'")
send(";\r")
seen = expect(b"kstatsql> ")
assert b"\r\ncmdkerror\r\n" in seen, seen

# A lone opening quote lists the module names (TAB twice), not SQL words.
send("SELECT 1 FROM kstat WHERE module = '\t\t")
seen = expect(b"zone_misc'")
# The terminal may echo the typed line before the redraw: look after the last one.
assert b"SELECT" not in seen.rsplit(b"module = '", 1)[-1], seen
expect(b"kstatsql> SELECT 1 FROM kstat WHERE module = '")  # the line, redrawn
send("unix' LIMIT 1;\r")
seen = expect(b"kstatsql> ")
assert b"\r\n1\r\n" in seen, seen

# File names complete after .read, through directories.
scripts = os.path.join(home, "scripts")
os.mkdir(scripts)
with open(os.path.join(scripts, "iostat-check.sql"), "w", encoding="utf-8") as f:
    f.write("SELECT 'from the file';\n")
send(".read " + home + "/scr\t")
expect(b"ipts/")
send("iost\t")
expect(b"at-check.sql")
send("\r")
seen = expect(b"kstatsql> ")
assert b"from the file" in seen, seen

send(".quit\r")
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
history = open(os.path.join(home, "hist"), encoding="utf-8", errors="replace").read()
assert ".tables" in history, history
# .exit without a code after an error exits 1, as .help says; .exit 0 exits 0.
for command, want in ((".exit", 1), (".exit 0", 0)):
    pid, fd = spawn()
    buffer = b""
    expect(b"kstatsql> ")
    send("SELEC 1;\r")
    expect(b"kstatsql> ")
    send(command + "\r")
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == want, (command, status)
print("shell_tty_test: ok")
