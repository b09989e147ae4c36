"""The PyInstaller bundle (packaging/): the spec lists exactly the resources that exist, every tab can be built
without the modules the spec leaves out (always runs), and a built bundle builds every tab and passes the smoke test
of packaging/smoke.py (marked `bundle`; skipped unless $DIGITPAD_BUNDLE or dist/digitpad holds a bundle: build one
with `python packaging/build.py`).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "digitpad.spec"
RESOURCES = ROOT / "resources"
NOT_RESOURCES = {"__init__.py", "__pycache__"}  # resources/ is also the `digitpad.resources` package of the wheel


def spec_constant(name: str):
    """A top-level `NAME = <literal>` of the spec file, read without running PyInstaller."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{SPEC.name} has no top-level {name} = [...]")


def test_spec_lists_exactly_the_resources():
    listed = spec_constant("RESOURCES")
    present = sorted(p.name for p in RESOURCES.iterdir() if not p.name.startswith(".") and p.name not in NOT_RESOURCES)
    assert len(listed) == len(set(listed)), f"the spec lists a resource twice: {listed}"
    missing = sorted(set(present) - set(listed))
    stale = sorted(set(listed) - set(present))
    assert not missing, f"resources/ has files the spec does not bundle (add them to RESOURCES): {missing}"
    assert not stale, f"the spec bundles files that resources/ does not have: {stale}"
    assert all((RESOURCES / name).is_file() for name in listed)


def spec_calls(name: str) -> list[ast.Call]:
    """The spec's top-level calls of `name` (Analysis, EXE, COLLECT), as `x = name(...)`."""
    return [node.value for node in ast.parse(SPEC.read_text(encoding="utf-8")).body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", None) == name]


def keyword(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


def test_spec_settings():
    """No UPX anywhere; the shipped executable runs no smoke-test hook (only `digitpad-smoke` does)."""
    exes, collects, analyses = spec_calls("EXE"), spec_calls("COLLECT"), spec_calls("Analysis")
    assert len(exes) == 2 and len(collects) == 1 and len(analyses) == 1
    for call in exes + collects:
        assert isinstance(keyword(call, "upx"), ast.Constant) and keyword(call, "upx").value is False
    assert ast.literal_eval(keyword(analyses[0], "runtime_hooks")) == [], "a run-time hook would ship in every bundle"
    names = {ast.unparse(keyword(call, "name")): ast.unparse(call.args[1]) for call in exes}
    assert names == {"NAME": "a.scripts", "SMOKE_NAME": "smoke_scripts"}, names
    assert (ROOT / "packaging" / "hooks" / "rthook_digitpad_smoke.py").is_file()


def run_ui_check(tmp_path: Path, *args: str) -> tuple[int, dict]:
    report = tmp_path / f"ui-check-{len(list(tmp_path.iterdir()))}.json"
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "ui_check.py"), str(report), *args],
                            capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert report.is_file(), result.stderr[-3000:]
    return result.returncode, json.loads(report.read_text(encoding="utf-8"))


def test_every_tab_builds_without_the_modules_the_spec_leaves_out(tmp_path):
    """What the bundle would lack is made unimportable: every module imports (core.page_on_desk once imported
    scipy.spatial, which the bundle leaves out: no photo could be read), every tab builds, torch loads."""
    code, report = run_ui_check(tmp_path, "--spec-excludes")
    assert code == 0 and report["ok"], report.get("error") or report["steps"]
    assert report["train_form_ready"] and report["my_digits_built"]
    assert {f"digitpad.{p.parent.name}.{p.stem}" for part in ("core", "cli", "ui")
            for p in (ROOT / "digitpad" / part).glob("*.py") if p.stem != "__init__"} == set(report["modules"])


def test_the_check_fails_when_the_spec_leaves_out_what_pyqtgraph_needs(tmp_path):
    """The check above can fail: without QtOpenGL (which pyqtgraph 0.14 imports) the Train tab cannot be built."""
    code, report = run_ui_check(tmp_path, "--spec-excludes", "--also-exclude", "PySide6.QtOpenGL")
    assert code != 0 and not report["ok"]
    assert "PySide6.QtOpenGL" in report["error"]


def test_the_bundles_gui_scenario_runs_on_the_source_tree(tmp_path):
    """packaging/smoke_gui.py drives the app as the bundle's smoke test does (draw and keep two 7s, open a photo of
    a 3, My digits, the Train tab built; the training steps need DIGITPAD_SMOKE_DATA, left out here), run as the
    bundle's run-time hook runs it: a change to the app that breaks the scenario shows here, not at the next build
    (a renamed attribute of the Draw tab once failed the build's smoke test)."""
    report = tmp_path / "smoke.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "DIGITPAD_SMOKE_SCRIPT": str(ROOT / "packaging" / "smoke_gui.py"), "DIGITPAD_SMOKE_REPORT": str(report),
           **{f"XDG_{kind}_HOME": str(tmp_path / kind.lower()) for kind in ("CONFIG", "DATA", "CACHE")}}
    env.pop("DIGITPAD_SMOKE_DATA", None)
    hook, entry = ROOT / "packaging" / "hooks" / "rthook_digitpad_smoke.py", ROOT / "packaging" / "launch.py"
    as_the_bundle = f"import runpy; runpy.run_path({str(hook)!r}); runpy.run_path({str(entry)!r}, run_name='__main__')"
    result = subprocess.run([sys.executable, "-c", as_the_bundle], capture_output=True, text=True, timeout=300,
                            env=env)
    assert report.is_file(), result.stderr[-3000:]
    outcome = json.loads(report.read_text(encoding="utf-8"))
    assert result.returncode == 0 and outcome["ok"], outcome.get("error") or outcome["steps"]
    assert outcome["prediction"]["digit"] == 7 and outcome["photo"]["read_as"]["digit"] == 3


def _smoke_module():
    spec = importlib.util.spec_from_file_location("digitpad_packaging_smoke", ROOT / "packaging" / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.bundle
@pytest.mark.timeout(1800)
def test_bundle_smoke():
    smoke = _smoke_module()
    bundle = smoke.find_bundle()
    if bundle is None:
        pytest.skip("no bundle: build it with `python packaging/build.py` or set DIGITPAD_BUNDLE=path/to/dist/digitpad")
    data = os.environ.get("DIGITPAD_DATA_DIR")
    data_dir = Path(data) if data and (Path(data) / "MNIST" / "raw").is_dir() else None
    facts = smoke.run_smoke(bundle, data_dir, cold_start_runs=1, log=print)
    assert facts["ui_check"]["ok"] and facts["ui_check"]["frozen"]
    assert facts["gui"]["prediction"]["digit"] == 7
    assert facts["predict_png"]["digit"] == 7
    assert facts["bundle_unchanged"]


@pytest.mark.bundle
@pytest.mark.timeout(600)
def test_every_ui_module_imports_and_every_tab_builds_in_the_bundle(tmp_path):
    smoke = _smoke_module()
    bundle = smoke.find_bundle()
    if bundle is None:
        pytest.skip("no bundle: build it with `python packaging/build.py` or set DIGITPAD_BUNDLE=path/to/dist/digitpad")
    report = smoke.Smoke(bundle, tmp_path, log=print).ui_check()
    assert report["ok"] and report["frozen"], report


@pytest.mark.skipif(sys.platform == "win32" or not shutil.which("xdotool"), reason="needs xdotool and a POSIX shell")
def test_first_window_poll_reports_an_app_that_exits_and_what_it_wrote(tmp_path):
    """The smoke test's window poll fails at once, with the app's exit code and stderr, when the app dies before
    showing a window, instead of waiting out its timeout and saying only that no window came."""
    smoke = _smoke_module()
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    exe = smoke.executable(bundle)
    exe.write_text("#!/bin/sh\necho 'cannot connect to display' >&2\nexit 3\n")
    exe.chmod(0o755)
    (tmp_path / "work").mkdir()
    with pytest.raises(smoke.SmokeError, match=r"exited \(code 3\)[\s\S]*cannot connect to display"):
        smoke.Smoke(bundle, tmp_path / "work", log=print, display=":9999").first_window(timeout=60)
