"""The kstatsql Python package: finds and loads the kstatsql SQLite extension.

A setup.py (not a pyproject.toml) so that a plain `pip install ./python` builds
with the setuptools and wheel already installed (Debian: python3-setuptools,
python3-wheel) instead of downloading them into an isolated build environment;
`pip install --no-build-isolation --no-index ./python` is the same, explicitly
offline."""
import os
import re

from setuptools import setup

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "README.md"), encoding="utf-8") as f:
    long_description = f.read()
# The version is kstatsql.__version__ (kept equal to CMake's project(VERSION) by
# the python_pkg test).
with open(os.path.join(here, "kstatsql", "__init__.py"), encoding="utf-8") as f:
    version = re.search(r'^__version__ = "([^"]+)"$', f.read(), re.M).group(1)

setup(
    name="kstatsql",
    version=version,
    description="Load the kstatsql SQLite extension (kernel statistics as SQL tables) "
                "into sqlite3 or apsw",
    long_description=long_description,
    long_description_content_type="text/markdown",
    packages=["kstatsql"],
    # A kstatsql.so copied into python/kstatsql/ before building is bundled.
    package_data={"kstatsql": ["*.so"]},
    python_requires=">=3.8",
    extras_require={"apsw": ["apsw"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: SQL",
        "Topic :: System :: Monitoring",
    ],
)
