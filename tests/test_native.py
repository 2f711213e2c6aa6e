"""The compiled build of the hot modules (jixiao.native): used only when current, same results."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao import native
from jixiao.native_build import module_name

# Scores every bundled sample table under both built-in rule sets and audits it; prints
# the modules imported from the compiled build, then the results.
_RUN = """
import json, sys
from pathlib import Path
import jixiao
from jixiao import audit, native, read
from jixiao.scoring import score, score_rows
tables = [t for p in sorted(Path(jixiao.__file__).parent.glob("samples/*.txt")) for t in read(p)]
out = []
for t in tables:
    for rules in ("mof-2020", "shanghai-department"):
        out.append(score(t, rules).model_dump(mode="json"))
        out.append([r.model_dump(mode="json") for r in score_rows(t, rules)[1]])
    out.append(audit(t).model_dump(mode="json"))
print(json.dumps(native.compiled_modules()))
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
"""


def _run(**env: str) -> tuple[list[str], str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("JIXIAO_PURE", "JIXIAO_NATIVE_DIR")}
    done = subprocess.run(
        [sys.executable, "-c", _RUN],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    modules, results = done.stdout.split("\n", 1)
    return json.loads(modules), results


def _current_build() -> Path:
    usable, why = native.status(native.native_dir())
    if not usable:
        pytest.skip(f"no current compiled build: {why} (make builds it)")
    return native.native_dir()


def test_the_compiled_modules_give_the_plain_modules_results() -> None:
    _current_build()
    compiled, fast = _run()
    plain, slow = _run(JIXIAO_PURE="1")
    assert compiled == list(native.MODULES)
    assert plain == []
    assert len(fast) > 100_000
    assert fast == slow


def _copy_build(tmp_path: Path) -> Path:
    d = tmp_path / "native"
    shutil.copytree(_current_build(), d)
    return d


def _edit_manifest(d: Path, key: str, value: object) -> None:
    path = d / native.MANIFEST
    manifest = json.loads(path.read_text("utf-8"))
    manifest[key] = value
    path.write_text(json.dumps(manifest), "utf-8")


def test_a_copy_of_a_current_build_is_used(tmp_path: Path) -> None:
    d = _copy_build(tmp_path)
    compiled, _ = _run(JIXIAO_NATIVE_DIR=str(d))
    assert compiled == list(native.MODULES)


def test_a_build_of_other_sources_is_not_used(tmp_path: Path) -> None:
    d = _copy_build(tmp_path)
    sources = native.source_hashes()
    sources["scoring/engine.py"] = "0" * 64  # as if engine.py had been edited since
    _edit_manifest(d, "sources", sources)
    usable, why = native.status(d)
    assert not usable and "sources changed" in why
    compiled, _ = _run(JIXIAO_NATIVE_DIR=str(d))
    assert compiled == []


def test_a_build_for_another_interpreter_is_not_used(tmp_path: Path) -> None:
    d = _copy_build(tmp_path)
    _edit_manifest(d, "interpreter", "cpython-399 3.99.0")
    usable, why = native.status(d)
    assert not usable and "another interpreter" in why
    compiled, _ = _run(JIXIAO_NATIVE_DIR=str(d))
    assert compiled == []


def test_without_a_build_jixiao_is_plain_python(tmp_path: Path) -> None:
    usable, why = native.status(tmp_path)
    assert not usable and "no compiled build" in why
    (tmp_path / native.MANIFEST).write_text("{not json", "utf-8")
    usable, why = native.status(tmp_path)
    assert not usable and "unreadable build manifest" in why
    compiled, results = _run(JIXIAO_NATIVE_DIR=str(tmp_path))
    assert compiled == [] and results.startswith("[")


def test_the_sources_named_by_the_manifest_are_the_compiled_modules_and_their_inputs() -> None:
    sources = native.source_hashes()
    for module in native.MODULES:
        assert module.removeprefix("jixiao.").replace(".", "/") + ".py" in sources
    assert "models.py" in sources and "scoring/rules.py" in sources
    assert all(len(h) == 64 for h in sources.values())


def test_module_names_of_built_extensions() -> None:
    so = "cpython-311-x86_64-linux-gnu.so"
    assert module_name(Path(f"jixiao/scoring/engine.{so}")) == "jixiao.scoring.engine"
    assert module_name(Path(f"jixiao_native__mypyc.{so}")) == "jixiao_native__mypyc"


def test_a_build_missing_a_compiled_file_is_not_used(tmp_path: Path) -> None:
    d = _copy_build(tmp_path)
    manifest = json.loads((d / native.MANIFEST).read_text("utf-8"))
    (d / manifest["extensions"]["jixiao.values.parse"]).unlink()
    usable, why = native.status(d)
    assert not usable and "lacks" in why and "parse" in why
    compiled, _ = _run(JIXIAO_NATIVE_DIR=str(d))
    assert compiled == []
    _edit_manifest(d, "extensions", {})
    usable, why = native.status(d)
    assert not usable and "not of these modules" in why


def test_without_a_c_compiler_the_build_says_so_and_leaves_no_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from jixiao import native_build

    monkeypatch.setenv("CC", str(tmp_path / "no-such-cc"))
    monkeypatch.setenv("JIXIAO_NATIVE_DIR", str(tmp_path / "native"))
    with pytest.raises(RuntimeError, match="no C compiler"):
        native_build.build()
    assert native_build.main([]) == 1
    assert "runs as plain Python" in capsys.readouterr().err
    assert not (tmp_path / "native").exists()
