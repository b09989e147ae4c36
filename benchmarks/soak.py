"""Soak: thousands of random strokes with live prediction and undo/clear storms; RSS before and after.

Runs tests/long_drawing_session.py in a fresh process; prints its JSON report with the wall time and the load
average, and saves it (soak.json beside this script unless `--out` says otherwise).
Run: python benchmarks/soak.py [--strokes 5000] [--out FILE]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import load_average, report

HERE = Path(__file__).resolve().parent
SESSION = HERE.parent / "tests" / "long_drawing_session.py"

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=5000)
    parser.add_argument("--out", default=str(HERE / "soak.json"))
    args = parser.parse_args()
    load_before, start = load_average(), time.perf_counter()
    out = subprocess.run([sys.executable, str(SESSION), str(args.strokes)], check=True, capture_output=True,
                         text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).stdout.strip()
    report({**json.loads(out), "seconds": round(time.perf_counter() - start, 1), "load_average_before": load_before,
            "load_average_after": load_average()}, args.out)
