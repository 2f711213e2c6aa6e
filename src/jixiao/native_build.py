"""Build the compiled hot modules: ``python -m jixiao.native_build [-v]`` (``make`` runs it);
``--status`` says whether jixiao uses them.

Compiles :data:`jixiao.native.MODULES` with mypyc into :func:`jixiao.native.native_dir`
and writes the manifest that :func:`jixiao.native.status` checks. Without a C
compiler (or mypy) the build fails with the compiler's output, and jixiao keeps
running as plain Python.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from jixiao.native import (
    GROUP,
    MANIFEST,
    MODULES,
    PACKAGE,
    interpreter,
    native_dir,
    source_hashes,
    status,
)

# The build type-checks the compiled modules and what they import, with pydantic's
# plugin (as the project's own mypy run does); errors elsewhere are not its business.
_MYPY_CONFIG = """\
[mypy]
plugins = pydantic.mypy
follow_imports = silent
"""


def build(directory: Path | None = None, verbose: bool = False) -> Path:
    """Compile ``MODULES`` with mypyc into ``directory`` (``native_dir()``) and write its
    manifest. Raises ``RuntimeError`` (after printing the compiler's output) when it cannot."""
    d = directory or native_dir()
    compiler = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        raise RuntimeError(f"no C compiler ({compiler}) on this machine")
    with tempfile.TemporaryDirectory(prefix="jixiao-native-") as tmp:
        work = Path(tmp)
        src = work / "src"
        shutil.copytree(
            PACKAGE, src / "jixiao", ignore=shutil.ignore_patterns("__pycache__", "*.so")
        )
        sources = source_hashes(src / "jixiao")  # of what is compiled, whatever changes meanwhile
        (src / "mypy.ini").write_text(_MYPY_CONFIG, "utf-8")
        out = work / "out"
        paths = ["--config-file", "mypy.ini", *(_path(m) for m in MODULES)]
        script = (
            "from setuptools import setup\n"
            "from mypyc.build import mypycify\n"
            f"ext = mypycify({paths!r}, group_name={GROUP!r})\n"
            "setup(name='jixiao-native', ext_modules=ext, script_args=['build_ext', "
            f"'--build-lib', {str(out)!r}, '--build-temp', {str(work / 'temp')!r}])\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=src, capture_output=True, text=True, check=False
        )
        if verbose or done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
        if done.returncode != 0:
            raise RuntimeError(f"mypyc build failed (exit {done.returncode})")
        suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
        extensions = {
            module_name(p.relative_to(out)): p.relative_to(out).as_posix()
            for p in sorted(out.rglob("*"))
            if p.is_file() and p.name.endswith(suffixes)
        }
        if not set(MODULES) <= set(extensions):
            raise RuntimeError(f"mypyc built {sorted(extensions)}, not all of {MODULES}")
        if d.exists():
            shutil.rmtree(d)
        shutil.copytree(out, d)
    manifest = {"interpreter": interpreter(), "sources": sources, "extensions": extensions}
    (d / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    return d


def _path(module: str) -> str:
    return module.replace(".", "/") + ".py"


def module_name(rel: Path) -> str:
    """``jixiao/scoring/engine.cpython-311-x86_64-linux-gnu.so`` → ``jixiao.scoring.engine``."""
    return ".".join((*rel.parts[:-1], rel.name.split(".", 1)[0]))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--status" in args:
        print(status()[1])
        return 0
    try:
        d = build(verbose="-v" in args)
    except (RuntimeError, OSError) as e:
        print(f"jixiao.native_build: {e}; jixiao runs as plain Python", file=sys.stderr)
        return 1
    print(f"jixiao.native_build: compiled {', '.join(MODULES)} into {d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
