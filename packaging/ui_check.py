"""Check that every window part of digitpad can be built where some modules are missing: in the bundle, or here
with the modules packaging/digitpad.spec leaves out made unimportable.

It imports every module of digitpad (core, cli, ui), scipy.ndimage (and labels a small image with it) and
filelock, then builds the window, the Train tab (its form waits for torch; the charts need pyqtgraph's OpenGL
imports) and My digits, and writes a JSON report. Exit status 0 only when all of that worked.

- Inside the bundle: packaging/smoke.py runs the smoke-test executable (`digitpad-smoke`, never shipped) with
  DIGITPAD_SMOKE_SCRIPT naming this file and DIGITPAD_SMOKE_REPORT the report; the run-time hook runs it before
  the app would start.
- From a source checkout: `python packaging/ui_check.py --spec-excludes [--also-exclude MODULE ...] REPORT`
  (tests/test_packaging.py), offscreen.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.machinery
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

TIMEOUT_MS = 120_000
ELLIP_HARM = [5.213700352153109, 1.512999999999999]  # scipy.special.ellip_harm(2, 5, 2, 1, 3.0), (3, 4, 3, 2, 1.7)


class LeftOut(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes modules (and their submodules) unimportable, as in a bundle that does not carry them.

    Importing one raises ModuleNotFoundError; importlib.util.find_spec finds a spec without an origin (torch
    probes optional packages that way and skips those).
    """

    def __init__(self, names):
        self.names = tuple(names)

    def find_spec(self, fullname, path=None, target=None):
        if any(fullname == name or fullname.startswith(name + ".") for name in self.names):
            return importlib.machinery.ModuleSpec(fullname, self, origin=None)
        return None

    def create_module(self, spec):
        raise ModuleNotFoundError(f"No module named {spec.name!r} (left out of the bundle)", name=spec.name)

    def exec_module(self, module):  # never reached: create_module raises
        raise ModuleNotFoundError(module.__name__)


def spec_excludes(spec: Path) -> list[str]:
    """EXCLUDES of digitpad.spec: PySide6.<each of QT_UNUSED> + OTHER_UNUSED, read without running PyInstaller."""
    constants = {}
    for node in ast.parse(spec.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id in ("QT_UNUSED", "OTHER_UNUSED"):
            constants[node.targets[0].id] = ast.literal_eval(node.value)
    return [f"PySide6.{name}" for name in constants["QT_UNUSED"]] + constants["OTHER_UNUSED"]


def modules() -> list[str]:
    """digitpad's modules (core, cli, ui): from $DIGITPAD_MODULES (the build lists the source tree), else from the
    packages. Each is imported: a module importing what the bundle leaves out fails here, not in a person's hands."""
    if os.environ.get("DIGITPAD_MODULES"):
        return os.environ["DIGITPAD_MODULES"].split(",")
    import pkgutil

    import digitpad.cli
    import digitpad.core
    import digitpad.ui

    return sorted(f"{package.__name__}.{m.name}" for package in (digitpad.core, digitpad.cli, digitpad.ui)
                  for m in pkgutil.iter_modules(package.__path__))


def check(report: dict) -> int:
    started = time.time()

    def step(text: str) -> None:
        report["steps"].append(f"{time.time() - started:+.3f}s {text}")

    for name in modules():
        importlib.import_module(name)
    report["modules"] = modules()
    step(f"imported {len(report['modules'])} digitpad modules (core, cli, ui)")
    import filelock
    import numpy as np
    import scipy.ndimage

    labels, count = scipy.ndimage.label(np.array([[1, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1]], dtype=np.uint8))
    with filelock.FileLock(os.path.join(tempfile.gettempdir(), f"digitpad-ui-check-{os.getpid()}.lock")):
        pass
    report["scipy_ndimage_label_count"] = int(count)
    step(f"scipy.ndimage labelled {count} blob(s); filelock locked and unlocked")
    from scipy.special import ellip_harm  # LAPACK's dstevr: scipy's OpenBLAS, or the bundle's forwarder to numpy's

    harmonics = [float(ellip_harm(2, 5, 2, 1, 3.0)), float(ellip_harm(3, 4, 3, 2, 1.7))]
    report["scipy_special_lapack_ok"] = all(abs(a - b) < 1e-9 for a, b in zip(harmonics, ELLIP_HARM))
    step(f"scipy.special.ellip_harm: {harmonics} (expected {ELLIP_HARM})")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from digitpad.ui.app import create_window

    window = create_window()
    app = QApplication.instance()
    window.show()
    window.tabs.setCurrentWidget(window.train_tab)  # builds the tab: form, charts, results
    tab = window.train_tab
    report["train_tab_built"] = tab.form is not None and tab.monitor.charts.loss.step_curve is not None
    step(f"Train tab built: {report['train_tab_built']}")
    window.show_my_digits()
    report["my_digits_built"] = window.my_digits is not None and window.my_digits.isVisible()
    step(f"My digits built: {report['my_digits_built']}")

    def ready() -> None:
        report["train_form_ready"] = True
        step("Train form ready (torch loaded, architectures listed)")
        window.my_digits.close()
        window.close()

    def catalog_failed() -> None:
        if getattr(tab.form, "catalog_error", None) and "train_form_error" not in report:
            report["train_form_error"] = tab.form.catalog_error
            step(f"Train form failed: {tab.form.catalog_error}")
            app.quit()

    tab.form.ready.connect(ready)
    tab.form.changed.connect(catalog_failed)
    if tab.form.is_ready:
        ready()
    QTimer.singleShot(TIMEOUT_MS, app.quit)
    app.exec()
    step("event loop ended")
    report["ok"] = bool(report.get("train_tab_built") and report.get("my_digits_built")
                        and report.get("train_form_ready") and count == 2 and report["scipy_special_lapack_ok"])
    return 0 if report["ok"] else 3


def main(report_path: str) -> int:
    report = {"ok": False, "frozen": bool(getattr(sys, "frozen", False)), "steps": []}
    try:
        code = check(report)
    except BaseException:  # noqa: BLE001  (the report must say what failed, whatever it was)
        report["error"] = traceback.format_exc()
        code = 3
    Path(report_path).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return code


if __name__ == "digitpad_smoke":  # run by the bundle's smoke-test hook: check, then end before the app starts
    sys.stdout.flush()
    os._exit(main(os.environ.get("DIGITPAD_SMOKE_REPORT", "digitpad-ui-check.json")))
elif __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--spec-excludes", action="store_true",
                        help="make the modules packaging/digitpad.spec leaves out unimportable first")
    parser.add_argument("--also-exclude", action="append", default=[], help="one more module to leave out")
    args = parser.parse_args()
    left_out = (spec_excludes(Path(__file__).with_name("digitpad.spec")) if args.spec_excludes else []) \
        + args.also_exclude
    sys.meta_path.insert(0, LeftOut(left_out))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main(args.report))
