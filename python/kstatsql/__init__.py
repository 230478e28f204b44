"""Load the kstatsql SQLite extension into a sqlite3 or apsw connection.

    import kstatsql, sqlite3
    conn = sqlite3.connect(":memory:")
    kstatsql.load(conn)
    conn.execute("SELECT module, count(*) FROM kstat GROUP BY module").fetchall()

kstatsql.path() is the extension file found (see its docstring for the
order); kstatsql.connect() opens a connection with the extension loaded.
"""

import glob
import os
import site
import sys

__all__ = ["LoadError", "connect", "load", "path", "search_path"]
__version__ = "0.1.0"

# The extension's entry point, sqlite3_<basename>_init, as SQLite derives it.
ENTRY_POINT = "sqlite3_kstatsql_init"
_FILE = "kstatsql.so"
_HERE = os.path.dirname(os.path.abspath(__file__))


class LoadError(RuntimeError):
    """kstatsql could not be found or loaded into a connection."""


def search_path():
    """The candidate extension files, in the order path() tries them."""
    env = os.environ.get("KSTATSQL_EXTENSION")
    candidates = [env] if env else []
    candidates.append(os.path.join(_HERE, _FILE))
    # The venv or Python prefix, its parent (a venv inside an install prefix), the
    # base Python's prefix, and the user's (~/.local: cmake --install --prefix ~/.local).
    prefixes = [sys.prefix, os.path.join(sys.prefix, os.pardir), sys.base_prefix, site.getuserbase()]
    for prefix in prefixes:
        candidates.append(os.path.join(prefix, "lib", "kstatsql", _FILE))
    for prefix in ("/usr", "/usr/local"):
        candidates.append(os.path.join(prefix, "lib", "kstatsql", _FILE))
        candidates.extend(sorted(glob.glob(os.path.join(prefix, "lib", "*", "kstatsql", _FILE))))
    # Imported from the source tree (python/kstatsql/): the build folders of that tree.
    tree = os.path.dirname(os.path.dirname(_HERE))
    if os.path.isfile(os.path.join(tree, "vtab", "kstatsql.map")):
        builds = glob.glob(os.path.join(tree, "build*", _FILE))
        candidates.extend(sorted(builds, key=os.path.getmtime, reverse=True))
    seen, ordered = set(), []
    for c in candidates:
        c = os.path.normpath(os.path.abspath(c))
        if c not in seen:
            seen.add(c)
            ordered.append(c)
    return ordered


def path():
    """The kstatsql.so to load: $KSTATSQL_EXTENSION, else the first that exists of
    the package's own copy, <prefix>/lib/kstatsql/kstatsql.so for sys.prefix, its
    parent, sys.base_prefix and the user base (~/.local), /usr/lib/kstatsql, /usr/local/lib/kstatsql (and
    multiarch /usr/lib/<triplet>/kstatsql), then the source tree's build folders."""
    env = os.environ.get("KSTATSQL_EXTENSION")
    if env:
        if not os.path.isfile(env):
            raise LoadError(f"KSTATSQL_EXTENSION={env!r}: no such file")
        return os.path.abspath(env)
    candidates = search_path()
    for c in candidates:
        if os.path.isfile(c):
            return c
    raise LoadError("kstatsql.so not found; looked in:\n  " + "\n  ".join(candidates) +
                    "\nInstall kstatsql (cmake --install, or the .deb) or set KSTATSQL_EXTENSION")


def _no_extension_loading(conn):
    return LoadError(
        f"cannot load kstatsql: this Python's sqlite3 module has no extension loading "
        f"({type(conn).__module__}.{type(conn).__name__} has no enable_load_extension; "
        f"the Python at {sys.executable} was built without --enable-loadable-sqlite-extensions). "
        f"Either use a Python whose sqlite3 has enable_load_extension (Debian's /usr/bin/python3 has), "
        f"or use apsw (Debian: python3-apsw; pip: apsw): "
        f"kstatsql.load(apsw.Connection(':memory:')), which kstatsql.connect() does when apsw is installed")


def _is_apsw(conn):
    apsw = sys.modules.get("apsw")
    return apsw is not None and isinstance(conn, apsw.Connection)


def load(conn, source=None):
    """Loads kstatsql into conn (a sqlite3.Connection or an apsw.Connection) and
    returns conn. source, when given, is the source spec to read ('live', a
    kstat -p/-j dump, a .kss recording, 'procfs:DIR'); else $KSTATSQL_SOURCE or live."""
    ext = os.path.splitext(path())[0]
    if _is_apsw(conn):
        conn.enableloadextension(True)
        try:
            conn.loadextension(ext, ENTRY_POINT)
        finally:
            conn.enableloadextension(False)
    else:
        if not hasattr(conn, "enable_load_extension"):
            raise _no_extension_loading(conn)
        conn.enable_load_extension(True)
        try:
            conn.load_extension(ext)
        finally:
            conn.enable_load_extension(False)
    if source is not None:
        cur = conn.cursor()
        cur.execute("SELECT kstat_source(?)", (source,))
        cur.fetchall()
    return conn


def _sqlite3_can_load():
    import sqlite3
    return hasattr(sqlite3.Connection, "enable_load_extension")


def connect(database=":memory:", source=None, **kwargs):
    """A connection to database with kstatsql loaded: sqlite3 when its module can
    load extensions, else apsw when installed (kwargs go to the connect call)."""
    if _sqlite3_can_load():
        import sqlite3
        return load(sqlite3.connect(database, **kwargs), source)
    try:
        import apsw
    except ImportError:
        import sqlite3
        raise _no_extension_loading(sqlite3.connect(database)) from None
    return load(apsw.Connection(database, **kwargs), source)
