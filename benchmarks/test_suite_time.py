"""How long README's test command takes here, against the same suite run serially, with the load.

Runs `python -m pytest -q` from the project root (README's command: the tests spread over the cores with
pytest-xdist, see pyproject.toml's addopts) and then, as the baseline, the same with `-n 0` (one process).
Prints JSON (saved beside this script as test_suite_time.json): wall seconds and the pytest summary line of
each, the cores, and the one-minute load average before and after each, since other work on the machine
slows the suite several-fold.

Run: python benchmarks/test_suite_time.py [--no-baseline]   (takes as long as the suite, twice)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed_suite(*extra: str) -> dict:
    load_before = [round(x, 2) for x in os.getloadavg()]
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra], cwd=HERE.parent,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - began
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-300:]
    return {"command": " ".join(["python -m pytest -q", *extra]), "exit_code": done.returncode, "summary": summary,
            "wall_seconds": round(seconds, 1), "loadavg_before": load_before,
            "loadavg_after": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-baseline", action="store_true", help="skip the serial run")
    args = parser.parse_args()
    report = {"cores": os.cpu_count(), "readme_command": timed_suite()}
    if not args.no_baseline:
        report["baseline_serial"] = timed_suite("-n", "0")
    report["note"] = "loadavg: 1, 5 and 15 minute load averages; near 0 means an idle machine"
    text = json.dumps(report, indent=2)
    print(text)
    (HERE / "test_suite_time.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
