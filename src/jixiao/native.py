"""Compiled (mypyc) builds of the hot modules, used only while they match their source.

Scoring a corpus spends its time in :mod:`jixiao.scoring.engine` and
:mod:`jixiao.values.parse` (and ``model``), an audit also in the checks (``jixiao.audit.checks``).
``python -m jixiao.native_build`` compiles these modules (``MODULES``) with mypyc
(part of mypy) into C extensions, outside the source tree, in ``native_dir()``;
``make`` does it after installing. The same code then runs with about a fifth
fewer machine instructions (``benchmarks/instructions.py``).

The package imports them through :class:`NativeFinder` only when the build is
current: the manifest written with the build names the sha256 of every source
file the compiled modules are made from (the models, ``scoring/``, ``values/``,
``audit/``) and the interpreter; if any differs (an edited source, another
Python), or the environment sets ``JIXIAO_PURE=1``, the plain Python modules are
imported, as they are where no C compiler was available. Either way the results are the same: the
tests compare the two on the seed tables.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# The modules compiled, and the sources they are made from (a change to any one
# of these makes the build stale). The audit's checks are compiled, not its
# context and engine: compiled, those took more than twice the instructions.
MODULES = (
    "jixiao.scoring.engine",
    "jixiao.values.parse",
    "jixiao.values.model",
    "jixiao.audit.checks.arithmetic",
    "jixiao.audit.checks.data",
    "jixiao.audit.checks.design",
    "jixiao.audit.checks.execution",
    "jixiao.audit.checks.scores",
)
SOURCES = ("models.py", "scoring", "values", "audit")
GROUP = "jixiao_native"
MANIFEST = "manifest.json"
PACKAGE = Path(__file__).resolve().parent


def native_dir() -> Path:
    """Where the build lives: ``$JIXIAO_NATIVE_DIR``, else inside this interpreter's prefix
    (a virtual environment's own directory), since a build fits one interpreter only."""
    env = os.environ.get("JIXIAO_NATIVE_DIR")
    return Path(env) if env else Path(sys.prefix) / "jixiao-native"


def interpreter() -> str:
    return f"{sys.implementation.cache_tag} {sys.version}"


def source_hashes(package: Path = PACKAGE) -> dict[str, str]:
    """sha256 of every source file the compiled modules are made from, by relative path."""
    out: dict[str, str] = {}
    for name in SOURCES:
        p = package / name
        files = sorted(p.rglob("*.py")) if p.is_dir() else [p]
        for f in files:
            out[f.relative_to(package).as_posix()] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def _check(directory: Path | None) -> tuple[dict[str, str] | None, str]:
    """The compiled extensions (module → path relative to the build) if they can be used,
    else None; and why, in words."""
    if os.environ.get("JIXIAO_PURE"):
        return None, "JIXIAO_PURE is set: plain Python"
    d = directory or native_dir()
    try:
        manifest = json.loads((d / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        return None, f"no compiled build in {d} (python -m jixiao.native_build): plain Python"
    except (OSError, ValueError) as e:
        return None, f"unreadable build manifest {d / MANIFEST} ({e}): plain Python"
    extensions = manifest.get("extensions") if isinstance(manifest, dict) else None
    if not isinstance(extensions, dict) or not set(MODULES) <= set(extensions):
        return None, f"the compiled build in {d} is not of these modules (rebuild it): plain Python"
    if manifest.get("interpreter") != interpreter():
        return None, "the compiled build is for another interpreter: plain Python"
    if manifest.get("sources") != source_hashes():
        return None, "the sources changed since the compiled build (rebuild it): plain Python"
    missing = sorted(str(rel) for rel in extensions.values() if not (d / str(rel)).is_file())
    if missing:
        return None, f"the compiled build in {d} lacks {', '.join(missing)}: plain Python"
    return extensions, f"compiled with mypyc ({', '.join(MODULES)}), from {d}"


def status(directory: Path | None = None) -> tuple[bool, str]:
    """Whether the compiled modules can be used, and why (in words, for benchmarks and logs)."""
    extensions, why = _check(directory)
    return extensions is not None, why


class NativeFinder(importlib.abc.MetaPathFinder):
    """Finds the compiled modules of a current build; every other import goes on as usual."""

    def __init__(self, directory: Path, extensions: dict[str, str]) -> None:
        self.directory = directory
        self.extensions = extensions  # module name → path of its extension, relative

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        rel = self.extensions.get(fullname)
        if rel is None:
            return None
        return importlib.util.spec_from_file_location(fullname, self.directory / rel)


def install() -> bool:
    """Put a finder for the compiled modules first on ``sys.meta_path`` when the build is
    current (see :func:`status`); True if it did. Called when ``jixiao`` is imported."""
    if any(isinstance(f, NativeFinder) for f in sys.meta_path):
        return True
    extensions, _ = _check(None)
    if extensions is None:
        return False
    sys.meta_path.insert(0, NativeFinder(native_dir(), extensions))
    return True


def compiled_modules() -> list[str]:
    """The hot modules that were imported from a compiled build (for benchmarks)."""
    out = []
    for name in MODULES:
        m = sys.modules.get(name)
        if m is not None and not str(getattr(m, "__file__", "")).endswith(".py"):
            out.append(name)
    return out
