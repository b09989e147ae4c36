"""Smoke test of a built one-folder bundle, shared by packaging/build.py and tests/test_packaging.py.

Runs the bundled executable the way a user would, with its own empty HOME / XDG folders (so settings and data
go to a throw-away user folder, and never into the bundle), offscreen (QT_QPA_PLATFORM=offscreen; `--qt-platform
xcb` under xvfb-run tries the X11 plugin and its libraries):

- `digitpad --version` and `digitpad info --json`: version, torch, the bundled model found inside the bundle;
- optionally `digitpad train` on a local MNIST folder (quick preset, few images, one epoch);
- the GUI (packaging/smoke_gui.py run inside the app by the bundle's run-time hook): window shown, bundled model
  loaded, a drawn 7 predicted, the drawing saved as PNG, the trained checkpoint loaded, clean exit;
- `digitpad predict` on that PNG (bundled and trained model), `digitpad evaluate` and `digitpad export`
  (TorchScript) of the trained checkpoint;
- `digitpad personal stats` (the GUI kept the 7 twice) and, with MNIST, `digitpad finetune` on them;
- `digitpad download` without torchvision fails with a message saying so;
- the bundle folder is unchanged afterwards.

Only the standard library is used, so any Python can run it against any bundle.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SMOKE_GUI = HERE / "smoke_gui.py"


class SmokeError(AssertionError):
    pass


def default_bundle() -> Path:
    return ROOT / "dist" / "digitpad"


def find_bundle() -> Path | None:
    """$DIGITPAD_BUNDLE, else dist/digitpad, if it holds an executable."""
    path = Path(os.environ.get("DIGITPAD_BUNDLE") or default_bundle())
    return path if executable(path).is_file() else None


def executable(bundle: Path) -> Path:
    return Path(bundle) / ("digitpad.exe" if sys.platform == "win32" else "digitpad")


def source_version() -> str:
    namespace: dict = {}
    for line in (ROOT / "digitpad" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            exec(line, namespace)
    return namespace["__version__"]


def snapshot(bundle: Path) -> dict[str, int]:
    return {str(p.relative_to(bundle)): p.stat().st_size for p in Path(bundle).rglob("*") if p.is_file()}


class Smoke:
    def __init__(self, bundle: Path, workdir: Path, log=print, qt_platform: str = "offscreen"):
        self.bundle = Path(bundle).resolve()
        self.exe = executable(self.bundle)
        self.workdir = Path(workdir)
        self.log = log
        home = self.workdir / "home"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGITPAD_", "QT_", "PYTHON"))}
        self.env.update(HOME=str(home), USERPROFILE=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                        XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CACHE_HOME=str(home / ".cache"),
                        QT_QPA_PLATFORM=qt_platform)
        home.mkdir(parents=True, exist_ok=True)

    def run(self, *args: str, timeout: float = 300, expect: int | None = 0, env: dict | None = None):
        started = time.perf_counter()
        result = subprocess.run([str(self.exe), *args], capture_output=True, text=True, timeout=timeout,
                                env={**self.env, **(env or {})}, cwd=self.workdir)
        seconds = time.perf_counter() - started
        self.log(f"$ digitpad {' '.join(args)}  -> exit {result.returncode} in {seconds:.2f}s")
        for line in (result.stdout.strip().splitlines()[-6:] + result.stderr.strip().splitlines()[-3:]):
            self.log(f"    {line}")
        if expect is not None and result.returncode != expect:
            raise SmokeError(f"`digitpad {' '.join(args)}` exited {result.returncode}, expected {expect}:\n"
                             f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
        return result

    def gui(self, model: Path | None = None, png: Path | None = None, timeout: float = 120) -> dict:
        """Start the bundled GUI offscreen; returns smoke_gui's report plus `cold_start_s`."""
        report_path = self.workdir / f"gui-{time.time_ns()}.json"
        env = {"DIGITPAD_SMOKE_SCRIPT": str(SMOKE_GUI), "DIGITPAD_SMOKE_REPORT": str(report_path),
               "DIGITPAD_SMOKE_TIMEOUT": str(timeout)}
        if model:
            env["DIGITPAD_SMOKE_MODEL"] = str(model)
        if png:
            env["DIGITPAD_SMOKE_PNG"] = str(png)
        started = time.time()
        result = subprocess.run([str(self.exe)], capture_output=True, text=True, timeout=timeout + 30,
                                env={**self.env, **env}, cwd=self.workdir)
        if not report_path.is_file():
            raise SmokeError(f"the GUI wrote no report (exit {result.returncode}):\n{result.stderr[-3000:]}")
        report = json.loads(report_path.read_text(encoding="utf-8"))
        report["process_exit_code"] = result.returncode
        report["stderr_tail"] = result.stderr.strip().splitlines()[-5:]
        if "shown" in report:
            report["cold_start_s"] = round(report["shown"] - started, 3)
        if "model_loaded" in report:
            report["model_ready_s"] = round(report["model_loaded"] - started, 3)
        if not report.get("ok") or result.returncode != 0:
            raise SmokeError(f"GUI smoke test failed (exit {result.returncode}):\n{json.dumps(report, indent=1)}\n"
                             f"{result.stderr[-3000:]}")
        return report


def run_smoke(bundle: Path, data_dir: Path | None = None, cold_start_runs: int = 3, log=print,
              qt_platform: str = "offscreen") -> dict:
    """The whole smoke test; raises SmokeError on the first failure, else returns the measured facts."""
    bundle = Path(bundle).resolve()
    before = snapshot(bundle)
    facts: dict = {}
    with tempfile.TemporaryDirectory(prefix="digitpad-smoke-") as tmp:
        smoke = Smoke(bundle, Path(tmp), log, qt_platform)

        out = smoke.run("--version").stdout.strip()
        if out != f"digitpad {source_version()}":
            raise SmokeError(f"--version printed {out!r}, expected 'digitpad {source_version()}'")
        facts["version"] = out

        info = json.loads(smoke.run("info", "--json").stdout)
        model_path = Path(info["bundled_model"]["path"]).resolve()
        if bundle not in model_path.parents:
            raise SmokeError(f"the bundled model was found outside the bundle: {model_path}")
        if bundle in Path(info["user_data"]).resolve().parents:
            raise SmokeError(f"user data would go inside the bundle: {info['user_data']}")
        smoke.run("info")  # the human-readable form too
        facts["info"] = {k: info[k] for k in ("digitpad", "python", "torch", "torchvision", "pyside6", "cuda")}
        facts["info"]["bundled_model"] = {k: info["bundled_model"][k] for k in ("arch", "test_accuracy")}

        trained = None
        if data_dir:
            trained = Path(tmp) / "trained.pt"
            smoke.run("train", "--preset", "quick", "--limit", "3000", "--epochs", "1", "--out", str(trained),
                      "--data-dir", str(data_dir), timeout=900)
            if not trained.is_file():
                raise SmokeError("`digitpad train` reported success but wrote no checkpoint")
            facts["trained"] = True

        png = Path(tmp) / "drawn-7.png"
        report = smoke.gui(model=trained, png=png)
        for line in report["steps"]:
            log(f"    gui {line}")
        if report["prediction"]["digit"] != 7:
            raise SmokeError(f"the bundled model read the drawn 7 as {report['prediction']}")
        if bundle not in Path(report["model"]["path"]).resolve().parents:
            raise SmokeError(f"the GUI loaded its model from outside the bundle: {report['model']['path']}")
        facts["gui"] = {k: report.get(k) for k in ("cold_start_s", "model_ready_s", "prediction", "second_model",
                                                   "second_prediction", "exit_code")}

        predicted = [json.loads(line) for line in smoke.run("predict", "--json", str(png)).stdout.splitlines()]
        if predicted[0]["digit"] != 7:
            raise SmokeError(f"`digitpad predict` read the saved drawing as {predicted[0]}")
        facts["predict_png"] = {"digit": predicted[0]["digit"], "confidence": predicted[0]["confidence"]}
        if trained:
            smoke.run("predict", "--model", str(trained), str(png))
            evaluated = json.loads(smoke.run("evaluate", str(trained), "--json", "--data-dir", str(data_dir)).stdout)
            facts["evaluate_trained"] = {"accuracy": evaluated["accuracy"], "count": evaluated["count"]}
            smoke.run("export", str(trained), "--format", "torchscript", "--out", str(Path(tmp) / "trained.ts.pt"))
            facts["export_torchscript"] = (Path(tmp) / "trained.ts.pt").is_file()

        stats = smoke.run("personal", "stats").stdout
        if not stats.startswith("2 digits"):
            raise SmokeError(f"the GUI should have kept two drawings of a 7: {report.get('kept')!r}, stats {stats!r}")
        if data_dir:
            tuned = Path(tmp) / "tuned.pt"
            result = smoke.run("finetune", "--steps", "10", "--out", str(tuned), "--data-dir", str(data_dir),
                               timeout=900)
            if not tuned.is_file() or "held-out digit" not in result.stdout:
                raise SmokeError(f"`digitpad finetune` did not report or save: {result.stdout}")
            facts["finetune"] = result.stdout.strip().splitlines()

        if info["torchvision"] is None:
            result = smoke.run("download", "--data-dir", str(Path(tmp) / "data"), expect=1)
            if "torchvision" not in result.stderr:
                raise SmokeError(f"`digitpad download` without torchvision gave no clear message: {result.stderr}")
            facts["download_without_torchvision"] = result.stderr.strip().splitlines()[-1]

        starts = [report["cold_start_s"]]
        for _ in range(max(0, cold_start_runs - 1)):
            starts.append(smoke.gui()["cold_start_s"])
        facts["cold_start_s"] = {"first": starts[0], "runs": starts, "median": statistics.median(starts),
                                 "max": max(starts)}
        log(f"window shown after {', '.join(f'{s:.2f}' for s in starts)} s")

    after = snapshot(bundle)
    if after != before:
        changed = sorted(set(after.items()) ^ set(before.items()))[:10]
        raise SmokeError(f"running the app changed files inside the bundle: {changed}")
    facts["bundle_unchanged"] = True
    return facts


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", default=str(find_bundle() or default_bundle()))
    parser.add_argument("--data-dir", help="MNIST root (holding MNIST/raw) to also test training")
    parser.add_argument("--qt-platform", default="offscreen",
                        help="Qt platform plugin: offscreen (default), or xcb / wayland on a display (e.g. xvfb-run)")
    args = parser.parse_args()
    facts = run_smoke(Path(args.bundle), Path(args.data_dir) if args.data_dir else None, qt_platform=args.qt_platform,
                      log=lambda text: print(text, file=sys.stderr, flush=True))
    print(json.dumps(facts, indent=1))
