"""Soak: thousands of random strokes with live prediction and undo/clear storms; RSS before and after.

Runs tests/long_drawing_session.py in a fresh process and prints its JSON report.
Run: python benchmarks/soak.py [--strokes 5000]
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

SESSION = Path(__file__).resolve().parent.parent / "tests" / "long_drawing_session.py"

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--strokes", type=int, default=5000)
    args = parser.parse_args()
    start = time.perf_counter()
    out = subprocess.run([sys.executable, str(SESSION), str(args.strokes)], check=True, capture_output=True,
                         text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).stdout.strip()
    print(out[:-1] + f', "seconds": {time.perf_counter() - start:.1f}}}')
