"""GUI timings: startup (window shown, model ready) and mouse-to-answer latency, as JSON.

Startup runs the app's own start-up path in fresh processes (offscreen), timed from just before
the process is spawned: a first start, which exports the model's ONNX graph, and later ones, which read it
from the cache folder. Latency draws real strokes with QMouseEvents paced like a 125 Hz mouse:
- pen_up: from the button-release event to the answer shown;
- live: from each mouse-move event to the next answer shown while the pen is still moving.
Run: python benchmarks/gui_latency.py [--starts 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import latency_ms, load_average, report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHILD = """
import sys, time
spawned = float(sys.argv[1])
from PySide6.QtWidgets import QApplication
from digitpad.ui.app import create_window
window = create_window()
window.show()
QApplication.processEvents()
shown = time.time()
window.start()
while window.models.predictor is None:
    QApplication.processEvents()
    time.sleep(0.001)
ready = time.time()
window.close()
print(shown - spawned, ready - spawned)
"""


def startup(runs: int) -> dict:
    """Fresh processes, alternating: a first start (the model's ONNX graph not in the cache folder: it is exported,
    which imports onnx) and a later start (the graph read from the cache folder). Both share one cache folder
    otherwise (fontconfig's and others' caches stay warm)."""
    times = {"first_start": ([], []), "later_start": ([], [])}
    with tempfile.TemporaryDirectory() as cache:
        for _ in range(runs):
            for kind, times_of in times.items():
                if kind == "first_start":
                    shutil.rmtree(Path(cache) / "digitpad", ignore_errors=True)
                spawned = time.time()
                out = subprocess.run([sys.executable, "-c", CHILD, str(spawned)], capture_output=True, text=True,
                                     check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                                                      "XDG_CACHE_HOME": cache}).stdout.split()
                times_of[0].append(float(out[0]))
                times_of[1].append(float(out[1]))
    out = {"runs": runs, "targets_s": {"window_shown": 1.0, "first_prediction": 3.0}}
    for kind, (shown, ready) in times.items():
        out[kind] = {"window_shown_s": {"median": round(float(np.median(shown)), 3), "max": round(max(shown), 3)},
                     "model_ready_s": {"median": round(float(np.median(ready)), 3), "max": round(max(ready), 3)}}
    return out


def latency() -> dict:
    from digit_strokes import all_styles, place
    from drawing import densify, mouse, pause
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtWidgets import QApplication

    from digitpad.ui.app import create_window

    window = create_window()
    window.show()
    window.start()
    while window.models.predictor is None:
        QApplication.processEvents()
    tab = window.draw_tab
    shown_at: list[float] = []
    tab.predictionShown.connect(lambda _: shown_at.append(time.perf_counter()))
    pen_up, live, handler = [], [], []
    for _, _, strokes in all_styles():
        tab.clear()
        pause(50)
        for stroke in place(strokes, 60, 30, 250):
            points = densify(stroke, 6)
            mouse(tab.canvas, QEvent.MouseButtonPress, points[0], Qt.LeftButton, Qt.LeftButton)
            moves = []
            for point in points[1:]:
                t = time.perf_counter()
                mouse(tab.canvas, QEvent.MouseMove, point, Qt.NoButton, Qt.LeftButton)
                handler.append(time.perf_counter() - t)
                moves.append(t)
                pause(8)
            released = time.perf_counter()
            mouse(tab.canvas, QEvent.MouseButtonRelease, points[-1], Qt.LeftButton, Qt.NoButton)
            while not shown_at or shown_at[-1] < released:
                pause(1)
            pen_up.append(shown_at[-1] - released)
            answers = np.array(shown_at)
            for t in moves:
                later = answers[(answers > t) & (answers < released)]
                if len(later):
                    live.append(later[0] - t)
    window.close()

    return {"pen_up_to_answer": latency_ms(pen_up), "mouse_move_to_next_answer": latency_ms(live),
            "mouse_move_handler": latency_ms(handler), "throttle_ms": 40}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    result = {"startup": startup(args.starts), "latency": latency(), "load_average": load_average()}
    report(result, Path(__file__).resolve().parent / "gui_latency.json")


if __name__ == "__main__":
    main()
