"""What opening the window costs in imports, against an earlier revision, interleaved in one run, as JSON.

For each tree (this checkout, and BASELINE checked out into a temporary git worktree) a fresh interpreter imports
what the window needs before it can show (`digitpad.ui.main_window`) and builds the CLI's parser (what
`digitpad --help` does before printing), and reports the wall time and whether torch was loaded. The trees take turns, so load
on the machine hits both alike. Saved beside this script as startup_imports.json.

Run: python benchmarks/startup_imports.py [--baseline REV] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from _common import checkout, load_average, report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROBE = "import sys, time; t = time.perf_counter(); {work}; print(time.perf_counter() - t, 'torch' in sys.modules)"
WORK = {"window": "import digitpad.ui.main_window",
        "cli_parser": "import digitpad.cli; digitpad.cli.build_parser()"}


def timed_import(tree: Path, work: str) -> tuple[float, bool]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(work=work)], cwd=tree, capture_output=True,
                          text=True, env={"PYTHONPATH": str(tree), "QT_QPA_PLATFORM": "offscreen",
                                          "PATH": "/usr/bin:/bin"}, check=True)
    seconds, torch_loaded = done.stdout.split()
    return float(seconds), torch_loaded == "True"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="9546c8d", help="the revision to compare with")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    result = {"baseline": args.baseline, "runs": args.runs, "load_average": load_average()}
    with checkout(args.baseline) as baseline:
        trees = {"this_checkout": ROOT, "baseline": baseline}
        for what, work in WORK.items():
            times = {name: [] for name in trees}
            torch_loaded = {}
            for _ in range(args.runs):
                for name, tree in trees.items():
                    seconds, torch_loaded[name] = timed_import(tree, work)
                    times[name].append(seconds)
            result[what] = {name: {"median_s": round(statistics.median(t), 4), "min_s": round(min(t), 4),
                                   "torch_loaded": torch_loaded[name]} for name, t in times.items()}
    result["load_average_after"] = load_average()
    report(result, HERE / "startup_imports.json")


if __name__ == "__main__":
    main()
