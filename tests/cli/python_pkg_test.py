"""The kstatsql Python package (python/kstatsql/): kstatsql.path(), load() into
sqlite3 and apsw connections, connect(), the error of a Python without
extension loading, and `pip install` into a venv (the package finding the
library under its prefix, and a bundled copy).

usage: python_pkg_test.py path/to/kstatsql.so tests/data python/ PROJECT_VERSION
Run with Debian's /usr/bin/python3 (its sqlite3 loads extensions). The apsw
and venv parts print SKIP with the reason when python3-apsw or
python3-venv/python3-setuptools are missing."""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

ext, data, pkg_src = (os.path.abspath(a) for a in sys.argv[1:4])
project_version = sys.argv[4]
dump = os.path.join(data, "dumps", "illumos-kstat-p.txt")
NPROC = ("SELECT value FROM named WHERE module = 'unix' AND name = 'system_misc' "
         "AND statistic = 'nproc'")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


sys.path.insert(0, pkg_src)
os.environ.pop("KSTATSQL_SOURCE", None)
import kstatsql  # noqa: E402

check(kstatsql.__version__ == project_version,
      f"python/kstatsql __version__ {kstatsql.__version__} != project version {project_version}")

# path(): $KSTATSQL_EXTENSION first; a missing file there is an error naming it.
os.environ["KSTATSQL_EXTENSION"] = ext
check(kstatsql.path() == ext, f"path() with KSTATSQL_EXTENSION: {kstatsql.path()}")
os.environ["KSTATSQL_EXTENSION"] = "/nonexistent/kstatsql.so"
try:
    kstatsql.path()
    check(False, "path() accepted a missing KSTATSQL_EXTENSION")
except kstatsql.LoadError as e:
    check("KSTATSQL_EXTENSION" in str(e) and "/nonexistent/kstatsql.so" in str(e), f"message: {e}")
os.environ["KSTATSQL_EXTENSION"] = ext

# sqlite3: load() returns the connection, rows come from the chosen source.
conn = kstatsql.load(sqlite3.connect(":memory:"), source=dump)
check(conn.execute(NPROC).fetchall() == [(71,)], "sqlite3 load(source=dump): nproc")
conn = kstatsql.load(sqlite3.connect(":memory:"))
n = conn.execute("SELECT count(*) FROM kstat").fetchone()[0]
check(n > 0, f"sqlite3 load(): live kstat rows {n}")
conn = kstatsql.connect(source=dump)
check(isinstance(conn, sqlite3.Connection) and conn.execute(NPROC).fetchall() == [(71,)],
      "connect(source=dump) with sqlite3")


# A Python whose sqlite3 cannot load extensions: a connection without
# enable_load_extension gets an error naming the cause and both ways out.
class NoExtConnection:
    def execute(self, *a):
        raise AssertionError("not reached")


try:
    kstatsql.load(NoExtConnection())
    check(False, "load() on a connection without enable_load_extension succeeded")
except kstatsql.LoadError as e:
    msg = str(e)
    for word in ("enable_load_extension", "--enable-loadable-sqlite-extensions", "apsw",
                 "python3-apsw", "NoExtConnection"):
        check(word in msg, f"error message lacks {word!r}: {msg}")

# A real Python without extension loading (pyenv's default build), when one is
# on PATH: the same error from its own sqlite3.Connection.
REAL_NO_EXT = ("import sys, sqlite3; sys.path.insert(0, %r); import kstatsql\n"
               "try:\n    kstatsql.load(sqlite3.connect(':memory:'))\n    print('loaded')\n"
               "except kstatsql.LoadError as e:\n    print(e)") % pkg_src
others = [p for p in (shutil.which("python3"), shutil.which("python"))
          if p and os.path.realpath(p) != os.path.realpath(sys.executable)]
no_ext = [p for p in others if subprocess.run(
    [p, "-c", "import sqlite3, sys; sys.exit(hasattr(sqlite3.Connection, 'enable_load_extension'))"],
    capture_output=True).returncode == 0]
if no_ext:
    r = subprocess.run([no_ext[0], "-c", REAL_NO_EXT], capture_output=True, text=True)
    check(r.returncode == 0 and "sqlite3.Connection has no enable_load_extension" in r.stdout
          and "python3-apsw" in r.stdout, f"{no_ext[0]} without extension loading: {r.stdout!r} {r.stderr!r}")
else:
    print("python_pkg_test: SKIP the real no-extension-loading Python: none on PATH "
          "(the simulated connection above covers the message)")

try:
    import apsw
except ImportError:
    apsw = None
    print("python_pkg_test: SKIP apsw paths: apsw is not importable (Debian: python3-apsw)")

real_can_load = kstatsql._sqlite3_can_load
kstatsql._sqlite3_can_load = lambda: False
if apsw is not None:
    # apsw: load() and connect()'s fallback when sqlite3 cannot load extensions.
    a = kstatsql.load(apsw.Connection(":memory:"), source=dump)
    check(list(a.cursor().execute(NPROC)) == [(71,)], "apsw load(source=dump): nproc")
    a = kstatsql.connect(source=dump)
    check(isinstance(a, apsw.Connection), f"connect() fallback gave {type(a)}")
    check(list(a.cursor().execute(NPROC)) == [(71,)], "apsw connect() fallback: nproc")
# Neither: connect() raises the same clear error.
saved = sys.modules.get("apsw")
sys.modules["apsw"] = None  # makes `import apsw` raise ImportError
try:
    kstatsql.connect()
    check(False, "connect() without extension loading or apsw succeeded")
except kstatsql.LoadError as e:
    check("python3-apsw" in str(e) and "enable_load_extension" in str(e), f"connect() message: {e}")
finally:
    if saved is not None:
        sys.modules["apsw"] = saved
    else:
        del sys.modules["apsw"]
kstatsql._sqlite3_can_load = real_can_load


def pip_install(tmp, src, venv, own_pip=True):
    """A venv over the system site-packages (setuptools, wheel) and an offline pip
    install, with the venv's own pip, or (own_pip False, faster) the system pip
    the venv sees through the system site-packages."""
    r = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv] +
                       ([] if own_pip else ["--without-pip"]), capture_output=True, text=True)
    if r.returncode != 0:
        return f"python3 -m venv failed: {r.stderr.strip()}"
    # The venv's pip with the explicit offline flags; the system pip with a plain
    # `pip install SRC` and no index, which must not need a download either.
    if own_pip:
        cmd = [os.path.join(venv, "bin", "pip"), "install", "--no-build-isolation", "--no-index"]
    else:
        cmd = [os.path.join(venv, "bin", "python"), "-m", "pip", "install"]
    env = dict(os.environ, PIP_NO_INDEX="1")
    r = subprocess.run(cmd + ["--quiet", src], capture_output=True, text=True, cwd=tmp, env=env)
    if r.returncode != 0:
        return f"pip install failed: {r.stdout.strip()} {r.stderr.strip()}"
    return None


def venv_run(venv, code, tmp):
    env = {k: v for k, v in os.environ.items()
           if k not in ("KSTATSQL_EXTENSION", "KSTATSQL_SOURCE", "PYTHONPATH")}
    return subprocess.run([os.path.join(venv, "bin", "python"), "-c", code], capture_output=True,
                          text=True, cwd=tmp, env=env)


PROBE = ("import kstatsql; c = kstatsql.connect(source=%r); "
         "print(kstatsql.path()); print(c.execute(%r).fetchall())") % (dump, NPROC)
try:
    import ensurepip  # noqa: F401  (python3-venv)
    import setuptools  # noqa: F401  (python3-setuptools)
    import wheel  # noqa: F401  (python3-wheel)
    have_venv = True
except ImportError as e:
    have_venv = False
    print(f"python_pkg_test: SKIP pip install: {e} (Debian: python3-venv python3-setuptools python3-wheel)")

if have_venv:
    with tempfile.TemporaryDirectory(prefix="kstatsql-pypkg-") as tmp:
        # (1) A venv inside an install prefix finds PREFIX/lib/kstatsql/kstatsql.so.
        prefix = os.path.join(tmp, "prefix")
        os.makedirs(os.path.join(prefix, "lib", "kstatsql"))
        shutil.copy(ext, os.path.join(prefix, "lib", "kstatsql", "kstatsql.so"))
        src = os.path.join(tmp, "src")
        shutil.copytree(pkg_src, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "*.so"))
        err = pip_install(tmp, src, os.path.join(prefix, "venv"))
        check(err is None, f"pip install (prefix venv): {err}")
        if err is None:
            r = venv_run(os.path.join(prefix, "venv"), PROBE, tmp)
            want = os.path.join(prefix, "lib", "kstatsql", "kstatsql.so")
            check(r.returncode == 0 and r.stdout.splitlines() == [want, "[(71,)]"],
                  f"installed package in a prefix venv: rc {r.returncode} {r.stdout!r} {r.stderr!r}")
        # (2) A kstatsql.so copied into the package before building is bundled and used.
        shutil.copy(ext, os.path.join(src, "kstatsql", "kstatsql.so"))
        venv = os.path.join(tmp, "venv2")
        err = pip_install(tmp, src, venv, own_pip=False)
        check(err is None, f"pip install (bundled): {err}")
        if err is None:
            r = venv_run(venv, PROBE, tmp)
            lines = r.stdout.splitlines()
            check(r.returncode == 0 and len(lines) == 2 and lines[0].startswith(venv) and
                  lines[0].endswith("site-packages/kstatsql/kstatsql.so") and lines[1] == "[(71,)]",
                  f"bundled package: rc {r.returncode} {r.stdout!r} {r.stderr!r}")

if failures:
    print(f"python_pkg_test: {len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1)
print("python_pkg_test: ok")
