"""The bundle's first window as a person sees it, on a real X server, with and without extra load.

From just before the shipped `digitpad` is started to its window being mapped (polled with `xdotool search
--onlyvisible`, as packaging/smoke.py does), with an empty home; then the smoke test's own figure (first paint,
seen from inside the app by the smoke-test executable) in the same conditions. Twice: with the machine as it is
(its 1-minute load average is recorded; other jobs may be running), and with two extra processes spinning on
the CPU at the same priority as the app (what a busy machine looks like to it).

    python benchmarks/bundle_first_window.py [dist/digitpad] [--runs 3]     # needs Xvfb (or $DISPLAY) and xdotool

Prints JSON and saves it as benchmarks/bundle_first_window.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from _common import busy_loops, load_average, report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import smoke  # noqa: E402  (packaging/smoke.py)


def measure(bundle: Path, display: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="digitpad-first-window-") as tmp:
        runner = smoke.Smoke(bundle, Path(tmp), log=lambda text: None, display=display)
        polled = [runner.first_window() for _ in range(runs)]
        painted = [runner.gui(every_tab=False)["cold_start_s"] for _ in range(runs)]
    return {"first_window_polled_s": polled, "polled_median_s": statistics.median(polled),
            "first_paint_smoke_s": painted, "painted_median_s": statistics.median(painted),
            "load_average_1min": load_average()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", default=str(smoke.default_bundle()))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json-out", default=str(Path(__file__).with_suffix(".json")))
    args = parser.parse_args()
    with smoke.x_display(log=lambda text: print(text, file=sys.stderr)) as display:
        if display is None:
            print("needs an X server ($DISPLAY or Xvfb) and xdotool", file=sys.stderr)
            return 1
        result = {"bundle": str(Path(args.bundle).resolve()), "display": display,
                  "as_is": measure(Path(args.bundle), display, args.runs)}
        with busy_loops(2):
            result["two_spinning_processes"] = measure(Path(args.bundle), display, args.runs)
    result["note"] = ("as_is: the machine as it was (2 cores shared with other jobs, see load_average_1min); "
                      "two_spinning_processes: plus two busy loops at the same priority as the app")
    report(result, args.json_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
