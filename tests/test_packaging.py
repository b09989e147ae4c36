"""The PyInstaller bundle (packaging/): the spec lists exactly the resources that exist (fast, always runs), and a
built bundle passes the smoke test of packaging/smoke.py (marked `bundle`; skipped unless $DIGITPAD_BUNDLE or
dist/digitpad holds a bundle: build one with `python packaging/build.py`).
"""

from __future__ import annotations

import ast
import importlib.util
import os
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


def test_spec_settings():
    text = SPEC.read_text(encoding="utf-8")
    assert "upx=True" not in text and text.count("upx=False") >= 2
    assert '"digitpad" / "__init__.py"' in text, "the version must come from digitpad.__version__"
    assert (ROOT / "packaging" / "hooks" / "rthook_digitpad_smoke.py").is_file()


def _smoke_module():
    spec = importlib.util.spec_from_file_location("digitpad_packaging_smoke", ROOT / "packaging" / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.bundle
@pytest.mark.timeout(900)
def test_bundle_smoke():
    smoke = _smoke_module()
    bundle = smoke.find_bundle()
    if bundle is None:
        pytest.skip("no bundle: build it with `python packaging/build.py` or set DIGITPAD_BUNDLE=path/to/dist/digitpad")
    data = os.environ.get("DIGITPAD_DATA_DIR")
    data_dir = Path(data) if data and (Path(data) / "MNIST" / "raw").is_dir() else None
    facts = smoke.run_smoke(bundle, data_dir, cold_start_runs=2, log=print)
    assert facts["gui"]["prediction"]["digit"] == 7
    assert facts["predict_png"]["digit"] == 7
    assert facts["bundle_unchanged"]
    assert facts["cold_start_s"]["max"] <= 3.0, f"window shown only after {facts['cold_start_s']} s"
