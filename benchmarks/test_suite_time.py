"""How long README's test command takes here, with the load it ran under.

Runs `python -m pytest -q` from the project root once and prints JSON (saved beside this script
as test_suite_time.json): wall seconds, the pytest summary line, the cores, and the one-minute
load average before and after, since other work on the machine slows the suite several-fold.

Run: python benchmarks/test_suite_time.py   (takes as long as the suite)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    load_before = [round(x, 2) for x in os.getloadavg()]
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=HERE.parent,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - began
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-300:]
    report = {"command": "python -m pytest -q", "exit_code": done.returncode, "summary": summary,
              "wall_seconds": round(seconds, 1), "cores": os.cpu_count(), "loadavg_before": load_before,
              "loadavg_after": [round(x, 2) for x in os.getloadavg()],
              "note": "loadavg: 1, 5 and 15 minute load averages; near 0 means an idle machine"}
    text = json.dumps(report, indent=2)
    print(text)
    (HERE / "test_suite_time.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
