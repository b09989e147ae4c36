"""How long the app takes to end after Quit, as a person sees it: from Ctrl+Q to the process gone.

Runs under a real X server (run it with `xvfb-run -a`; needs xdotool): starts the app with an empty home,
waits for its window and for it to go idle (torch and the model loaded), presses Ctrl+Q and times the exit.

- plain install, before: the app's old `run()` (the event loop, then `sys.exit`, so the interpreter's teardown
  garbage-collects everything torch, Qt and pyqtgraph made);
- plain install, after: `python -m digitpad` (the app ends with os._exit once the window has closed);
- bundles given with --bundle/--baseline-bundle: the same for `digitpad` executables.

    xvfb-run -a python benchmarks/quit_time.py [--bundle dist/digitpad] [--baseline-bundle old/digitpad]

Prints JSON and saves it as benchmarks/quit_time.json. The machine's load (uptime) is recorded with it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import load_average, report

ROOT = Path(__file__).resolve().parent.parent
OLD_RUN = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from digitpad.ui.app import create_window
window = create_window()
window.show()
QTimer.singleShot(0, window.start)
sys.exit(QApplication.instance().exec())
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def find_window(pid: int, timeout: float = 60) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", "^digitpad$"],
                               capture_output=True, text=True).stdout.split()
        if found:
            return found[0]
        time.sleep(0.05)
    raise RuntimeError("no window appeared")


def wait_idle(pid: int, quiet: float = 1.5, timeout: float = 90) -> None:
    """Until the process has used under 5% of a core for `quiet` seconds (torch and the model loaded)."""
    deadline = time.time() + timeout
    last, since = cpu_seconds(pid), time.time()
    while time.time() < deadline:
        time.sleep(0.25)
        now = cpu_seconds(pid)
        if now - last > 0.05 * 0.25:
            since = time.time()
        last = now
        if time.time() - since >= quiet:
            return


def quit_time(cmd: list[str]) -> float:
    with tempfile.TemporaryDirectory(prefix="digitpad-quit-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGITPAD_", "QT_"))}
        env.update(HOME=home, XDG_CONFIG_HOME=f"{home}/.config", XDG_DATA_HOME=f"{home}/.local/share",
                   XDG_CACHE_HOME=f"{home}/.cache", QT_QPA_PLATFORM="xcb")
        process = subprocess.Popen(cmd, env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            window = find_window(process.pid)
            wait_idle(process.pid)
            subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True, capture_output=True)
            started = time.perf_counter()
            subprocess.run(["xdotool", "key", "ctrl+q"], check=True)
            process.wait(timeout=60)
            return round(time.perf_counter() - started, 3)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def measure(cmd: list[str], runs: int) -> dict:
    times = [quit_time(cmd) for _ in range(runs)]
    return {"runs_s": times, "median_s": statistics.median(times)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bundle", help="a built bundle folder (its `digitpad` is timed)")
    parser.add_argument("--baseline-bundle", help="a bundle built before the change, for comparison")
    parser.add_argument("--json-out", default=str(Path(__file__).with_suffix(".json")))
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") or not shutil.which("xdotool"):
        print("needs an X display and xdotool: run it with `xvfb-run -a`", file=sys.stderr)
        return 1
    env_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_path if env_path else "")
    result = {"what": "seconds from Ctrl+Q to the process gone, after the window showed and the model loaded",
              "display": "Xvfb", "load_before": os.getloadavg()[0],
              "plain_before": measure([sys.executable, "-c", OLD_RUN], args.runs),
              "plain_after": measure([sys.executable, "-m", "digitpad"], args.runs)}
    if args.baseline_bundle:
        result["bundle_before"] = measure([str(Path(args.baseline_bundle).resolve() / "digitpad")], args.runs)
    if args.bundle:
        result["bundle_after"] = measure([str(Path(args.bundle).resolve() / "digitpad")], args.runs)
    result["load_after"] = load_average()
    result["load_note"] = "1-minute load average of a 2-core machine shared with other jobs"
    report(result, args.json_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
