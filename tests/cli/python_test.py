"""The loadable extension from Python's sqlite3 module."""
import os
import sqlite3
import sys

ext, data = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(":memory:")
conn.enable_load_extension(True)
conn.load_extension(os.path.abspath(os.path.splitext(ext)[0]))
rows = conn.execute("SELECT module, count(*) FROM named GROUP BY module").fetchall()
modules = {m for m, _ in rows}
missing = {"cpu", "unix", "link", "linux"} - modules
assert not missing, f"modules missing: {missing} (got {sorted(modules)})"
ncpu = conn.execute("SELECT count(*) FROM kstat WHERE module='cpu' AND name='sys'").fetchone()[0]
online = os.sysconf('SC_NPROCESSORS_ONLN')  # /proc/stat lists online CPUs, like nproc --all minus offline ones
assert ncpu == online, f"cpu:N:sys kstats {ncpu} != online CPUs {online}"
lo = conn.execute("SELECT value FROM named WHERE module='link' AND name='lo' AND statistic='rbytes64'").fetchone()[0]
with open("/sys/class/net/lo/statistics/rx_bytes") as f:
    sys_lo = int(f.read())
assert abs(sys_lo - lo) < 10_000_000, f"lo rbytes64 {lo} far from rx_bytes {sys_lo}"
try:
    conn.execute("INSERT INTO named(module) VALUES ('x')")
    raise AssertionError("insert succeeded")
except sqlite3.OperationalError as e:
    assert "read-only" in str(e), e
print("python_test: ok", sorted(modules))
