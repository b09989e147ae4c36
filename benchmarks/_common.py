"""What every benchmark script shares: latency percentiles, busy loops to load the machine, the JSON report, and
drawings kept at a fixed time.

The scripts run as `python benchmarks/NAME.py`, so this folder is on sys.path and `import _common` works.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

# When a benchmark's drawings were kept: part of each one's fingerprint, which decides the digits a fine-tune holds
# out, so a fixed time makes every run hold out the same ones (the time of the run would change the figures).
KEPT_AT = "2026-01-01T00:00:00+00:00"


def kept_sample(strokes, pad: tuple[int, int], digit: int, prediction):
    """A drawing kept with its digit as the Draw tab keeps it (`Sample.of_reading`), at KEPT_AT."""
    from digitpad.core.personal import Sample

    return dataclasses.replace(Sample.of_reading(strokes, pad, digit, prediction), created=KEPT_AT)


@contextlib.contextmanager
def baseline(module, name: str, value):
    """The reader with one of its settings (or functions) as it was before a change, for a baseline in the same
    run; the shipped one is put back however the block ends."""
    shipped = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, shipped)


@contextlib.contextmanager
def checkout(revision: str):
    """`revision` checked out into a temporary git worktree (a tree to measure beside this checkout, in turns, as
    the baseline), removed however the block ends."""
    import tempfile

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], cwd=root, check=True,
                       capture_output=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=root, check=True,
                           capture_output=True)


def latency_ms(seconds: list[float]) -> dict:
    """Count, median, 95th percentile and worst of durations given in seconds, in milliseconds."""
    ms = np.array(seconds) * 1000
    return {"count": len(ms), "p50_ms": round(float(np.percentile(ms, 50)), 3),
            "p95_ms": round(float(np.percentile(ms, 95)), 3), "max_ms": round(float(ms.max()), 3)}


def load_average() -> float:
    """The machine's 1-minute load average (2 cores shared with other jobs: worth recording beside a figure)."""
    return round(os.getloadavg()[0], 2)


@contextlib.contextmanager
def busy_loops(count: int, settle_s: float = 2.0):
    """`count` processes spinning on the CPU at our priority (a busy machine as the app sees it), killed at the end."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        time.sleep(settle_s)  # let them reach full speed
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def report(result: dict, path: str | os.PathLike) -> None:
    """Print the result as JSON and save it (beside the script, as the benchmarks' convention is)."""
    text = json.dumps(result, indent=1)
    print(text)
    Path(path).write_text(text + "\n", encoding="utf-8")
