"""Smoke test of a built one-folder bundle, shared by packaging/build.py and tests/test_packaging.py.

Runs the bundled executable the way a user would, with its own empty HOME / XDG folders (so settings and data
go to a throw-away user folder, and never into the bundle), on a real X server where there is one ($DISPLAY, or
an Xvfb it starts itself), else offscreen:

- `digitpad --version` and `digitpad info --json`: version, torch, the bundled model found inside the bundle;
- the UI check (packaging/ui_check.py inside the smoke-test executable): every digitpad.ui module imports,
  scipy.ndimage and filelock work, every tab builds;
- optionally `digitpad train` on a local MNIST folder (quick preset, few images, one epoch);
- the GUI, every tab (packaging/smoke_gui.py inside the smoke-test executable): draw and read, open a photo,
  keep drawings and open My digits, the quick preset on a subset with its charts and results, fine-tuning on
  the kept drawings, Stop, quit (and how long the process takes to end after the window closed);
- the first window of the shipped `digitpad` as a person sees it: polled with xdotool from the process start;
- `digitpad predict` on the drawn PNG (bundled and trained model), `digitpad evaluate` and `digitpad export`
  (TorchScript) of the trained checkpoint;
- `digitpad personal stats` (the GUI kept the 7 twice) and, with MNIST, `digitpad finetune` on them;
- `digitpad download`: MNIST arrives, or (offline) a clear message;
- the bundle folder is unchanged afterwards.

The smoke-test executable `digitpad-smoke` is built beside `digitpad` with the one run-time hook that runs the
file named by DIGITPAD_SMOKE_SCRIPT; it is never shipped (packaging/build.py leaves it out of the archive).
Only the standard library is used, so any Python can run it against any bundle.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SMOKE_GUI = HERE / "smoke_gui.py"
UI_CHECK = HERE / "ui_check.py"
SMOKE_EXE = "digitpad-smoke"  # the smoke-test executable beside `digitpad` (see digitpad.spec); never shipped


class SmokeError(AssertionError):
    pass


def default_bundle() -> Path:
    return ROOT / "dist" / "digitpad"


def find_bundle() -> Path | None:
    """$DIGITPAD_BUNDLE, else dist/digitpad, if it holds an executable."""
    path = Path(os.environ.get("DIGITPAD_BUNDLE") or default_bundle())
    return path if executable(path).is_file() else None


def executable(bundle: Path, name: str = "digitpad") -> Path:
    return Path(bundle) / (f"{name}.exe" if sys.platform == "win32" else name)


def module_names() -> list[str]:
    """Every module of digitpad's core, CLI and UI, by the source tree (the frozen app cannot list its own)."""
    return sorted(f"digitpad.{p.parent.name}.{p.stem}" for part in ("core", "cli", "ui")
                  for p in (ROOT / "digitpad" / part).glob("*.py") if p.stem != "__init__")


@contextlib.contextmanager
def x_display(log=print):
    """The X display to run the GUI on: $DISPLAY, else an Xvfb started here (stopped after), else None."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    xvfb = shutil.which("Xvfb")
    if not xvfb or sys.platform != "linux":
        yield None
        return
    read, write = os.pipe()
    # -noreset: by default the server resets when its last client leaves, and an app started meanwhile (the next
    # step's) cannot connect ("could not connect to display", once in a full test run)
    server = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp",
                               "-noreset"], pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    display = f":{number}"
    log(f"Xvfb started on {display}")
    try:
        yield display
    finally:
        server.terminate()
        server.wait()


def source_version() -> str:
    namespace: dict = {}
    for line in (ROOT / "digitpad" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            exec(line, namespace)
    return namespace["__version__"]


def snapshot(bundle: Path) -> dict[str, int]:
    return {str(p.relative_to(bundle)): p.stat().st_size for p in Path(bundle).rglob("*") if p.is_file()}


class Smoke:
    def __init__(self, bundle: Path, workdir: Path, log=print, qt_platform: str = "offscreen",
                 display: str | None = None):
        self.bundle = Path(bundle).resolve()
        self.exe = executable(self.bundle)
        self.smoke_exe = executable(self.bundle, SMOKE_EXE)
        self.display = display
        self.workdir = Path(workdir)
        self.log = log
        home = self.workdir / "home"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGITPAD_", "QT_", "PYTHON"))}
        self.env.update(HOME=str(home), USERPROFILE=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                        XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CACHE_HOME=str(home / ".cache"),
                        QT_QPA_PLATFORM="xcb" if display else qt_platform)
        if display:
            self.env["DISPLAY"] = display
        home.mkdir(parents=True, exist_ok=True)
        self.steps_s: dict[str, float] = {}  # each step's time, for the build's report

    def run(self, *args: str, timeout: float = 300, expect: int | None = 0, env: dict | None = None):
        started = time.perf_counter()
        result = subprocess.run([str(self.exe), *args], capture_output=True, text=True, timeout=timeout,
                                env={**self.env, **(env or {})}, cwd=self.workdir)
        seconds = time.perf_counter() - started
        self.steps_s[f"digitpad {args[0]}" + ("" if f"digitpad {args[0]}" not in self.steps_s else
                                              f" #{len(self.steps_s)}")] = round(seconds, 3)
        self.log(f"$ digitpad {' '.join(args)}  -> exit {result.returncode} in {seconds:.2f}s")
        for line in (result.stdout.strip().splitlines()[-6:] + result.stderr.strip().splitlines()[-3:]):
            self.log(f"    {line}")
        if expect is not None and result.returncode != expect:
            raise SmokeError(f"`digitpad {' '.join(args)}` exited {result.returncode}, expected {expect}:\n"
                             f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
        return result

    def in_smoke_exe(self, script: Path, env: dict, timeout: float) -> tuple[dict, subprocess.CompletedProcess, float]:
        """Run `script` inside the frozen app (the smoke-test executable); its JSON report, the process, its start."""
        if not self.smoke_exe.is_file():
            raise SmokeError(f"{self.smoke_exe} is missing: the smoke test needs the bundle as digitpad.spec builds it")
        report_path = self.workdir / f"{script.stem}-{time.time_ns()}.json"
        env = {"DIGITPAD_SMOKE_SCRIPT": str(script), "DIGITPAD_SMOKE_REPORT": str(report_path), **env}
        started = time.time()
        result = subprocess.run([str(self.smoke_exe)], capture_output=True, text=True, timeout=timeout,
                                env={**self.env, **env}, cwd=self.workdir)
        ended = time.time()
        if not report_path.is_file():
            raise SmokeError(f"{script.name} wrote no report (exit {result.returncode}):\n{result.stderr[-3000:]}")
        report = json.loads(report_path.read_text(encoding="utf-8"))
        report["process_exit_code"] = result.returncode
        report["process_seconds"] = round(ended - started, 3)
        report["stderr_tail"] = result.stderr.strip().splitlines()[-5:]
        if "closed_at" in report:
            report["process_end_after_close_s"] = round(ended - report["closed_at"], 3)
        return report, result, started

    def ui_check(self) -> dict:
        """packaging/ui_check.py in the frozen app: every module imports and every tab builds."""
        report, result, _ = self.in_smoke_exe(UI_CHECK, {"DIGITPAD_MODULES": ",".join(module_names())}, 300)
        self.steps_s["ui check (every module, every tab)"] = report["process_seconds"]
        if not report.get("ok") or result.returncode != 0:
            raise SmokeError(f"a tab cannot be built in the bundle (exit {result.returncode}):\n"
                             f"{json.dumps(report, indent=1)}\n{result.stderr[-3000:]}")
        return report

    def gui(self, model: Path | None = None, png: Path | None = None, data_dir: Path | None = None,
            shots: Path | None = None, every_tab: bool = True, timeout: float = 1200) -> dict:
        """The bundled GUI with packaging/smoke_gui.py; returns its report plus `cold_start_s` and `model_ready_s`."""
        env = {"DIGITPAD_SMOKE_TIMEOUT": str(timeout - 30)}
        for name, value in (("MODEL", model), ("PNG", png), ("DATA", data_dir), ("SHOTS", shots)):
            if value:
                env[f"DIGITPAD_SMOKE_{name}"] = str(value)
        if not every_tab:
            env["DIGITPAD_SMOKE_ONLY_WINDOW"] = "1"
        report, result, started = self.in_smoke_exe(SMOKE_GUI, env, timeout)
        if "shown" in report:
            report["cold_start_s"] = round(report["shown"] - started, 3)
        if "model_loaded" in report:
            report["model_ready_s"] = round(report["model_loaded"] - started, 3)
        if not report.get("ok") or result.returncode != 0:
            raise SmokeError(f"GUI smoke test failed (exit {result.returncode}):\n{json.dumps(report, indent=1)}\n"
                             f"{result.stderr[-3000:]}")
        return report

    def first_window(self, timeout: float = 60) -> float | None:
        """Seconds from starting the shipped `digitpad` to its window being mapped on the X server, as a person
        sees it (polled with xdotool); None without a display or xdotool. The app is then terminated. An app that
        exits first, or shows no window in `timeout` seconds, fails with the end of what it wrote to stderr."""
        xdotool = shutil.which("xdotool")
        if not self.display or not xdotool:
            return None
        with tempfile.TemporaryFile() as stderr:
            started = time.perf_counter()
            process = subprocess.Popen([str(self.exe)], env=self.env, cwd=self.workdir, stdout=subprocess.DEVNULL,
                                       stderr=stderr)

            def said() -> str:
                stderr.seek(0)
                return stderr.read().decode(errors="replace")[-3000:] or "(nothing on stderr)"

            try:
                while time.perf_counter() - started < timeout:
                    found = subprocess.run([xdotool, "search", "--onlyvisible", "--pid", str(process.pid), "--name",
                                            "^digitpad$"], capture_output=True, text=True, env=self.env).stdout.split()
                    if found:
                        return round(time.perf_counter() - started, 3)
                    if process.poll() is not None:
                        raise SmokeError(f"digitpad exited (code {process.returncode}) before its window was seen:\n"
                                         f"{said()}")
                    time.sleep(0.02)
                raise SmokeError(f"no digitpad window within {timeout} s (load average {os.getloadavg()[0]:.1f}); "
                                 f"the app wrote:\n{said()}")
            finally:
                process.terminate()
                process.wait(timeout=30)


def run_smoke(bundle: Path, data_dir: Path | None = None, cold_start_runs: int = 3, log=print,
              qt_platform: str = "offscreen", shots: Path | None = None) -> dict:
    """The whole smoke test; raises SmokeError on the first failure, else returns the measured facts."""
    bundle = Path(bundle).resolve()
    before = snapshot(bundle)
    facts: dict = {}
    with tempfile.TemporaryDirectory(prefix="digitpad-smoke-") as tmp, x_display(log) as display:
        smoke = Smoke(bundle, Path(tmp), log, qt_platform, display)
        facts["display"] = f"X server {display}" if display else f"no X server: QT_QPA_PLATFORM={qt_platform}"

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

        check = smoke.ui_check()
        facts["ui_check"] = {k: check.get(k) for k in ("ok", "frozen", "train_tab_built", "my_digits_built",
                                                         "train_form_ready", "scipy_ndimage_label_count")}
        facts["ui_check"]["modules"] = len(check["modules"])
        log("    ui check: " + "; ".join(check["steps"]))

        trained = None
        if data_dir:
            trained = Path(tmp) / "trained.pt"
            smoke.run("train", "--preset", "quick", "--limit", "3000", "--epochs", "1", "--out", str(trained),
                      "--data-dir", str(data_dir), timeout=900)
            if not trained.is_file():
                raise SmokeError("`digitpad train` reported success but wrote no checkpoint")
            facts["trained"] = True

        png = Path(tmp) / "drawn-7.png"
        report = smoke.gui(model=trained, png=png, data_dir=data_dir, shots=shots)
        for line in report["steps"]:
            log(f"    gui {line}")
        if report["prediction"]["digit"] != 7:
            raise SmokeError(f"the bundled model read the drawn 7 as {report['prediction']}")
        if bundle not in Path(report["model"]["path"]).resolve().parents:
            raise SmokeError(f"the GUI loaded its model from outside the bundle: {report['model']['path']}")
        facts["gui"] = {k: report.get(k) for k in (
            "cold_start_s", "model_ready_s", "prediction", "second_model", "second_prediction", "photo", "my_digits",
            "chart_points_mid_run", "quick_run", "finetune", "stopped", "exit_code", "process_end_after_close_s")}
        smoke.steps_s.update({f"gui: {name}": seconds for name, seconds in report["timings_s"].items()})
        smoke.steps_s["gui: whole run"] = report["process_seconds"]

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

        result = smoke.run("download", "--data-dir", str(Path(tmp) / "data"), expect=None, timeout=900)
        if result.returncode == 0:
            facts["download"] = "MNIST downloaded: " + result.stdout.strip()
        elif result.returncode == 1 and "could not download MNIST" in result.stderr:
            facts["download"] = "offline, clear message: " + result.stderr.strip().splitlines()[-1]
        else:
            raise SmokeError(f"`digitpad download` failed unclearly (exit {result.returncode}): {result.stderr}")

        starts = [report["cold_start_s"]]
        for _ in range(max(0, cold_start_runs - 1)):
            starts.append(smoke.gui(every_tab=False)["cold_start_s"])
        facts["cold_start_s"] = {"first": starts[0], "runs": starts, "median": statistics.median(starts),
                                 "max": max(starts), "what": "process start to the first paint, seen from inside"}
        log(f"window painted after {', '.join(f'{s:.2f}' for s in starts)} s")
        polled = [smoke.first_window() for _ in range(max(1, cold_start_runs))]
        if polled[0] is not None:
            facts["first_window_polled_s"] = {
                "runs": polled, "median": statistics.median(polled), "load_average_1min": os.getloadavg()[0],
                "what": "process start to the window mapped on the X server (xdotool poll), the shipped executable"}
            log(f"window seen by xdotool after {', '.join(f'{s:.2f}' for s in polled)} s")
        facts["steps_s"] = smoke.steps_s

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
                        help="Qt platform plugin when there is no X server ($DISPLAY or Xvfb): offscreen (default)")
    parser.add_argument("--shots", help="folder for screenshots of the Train tab (mid-run and results)")
    args = parser.parse_args()
    facts = run_smoke(Path(args.bundle), Path(args.data_dir) if args.data_dir else None, qt_platform=args.qt_platform,
                      log=lambda text: print(text, file=sys.stderr, flush=True),
                      shots=Path(args.shots) if args.shots else None)
    print(json.dumps(facts, indent=1))
