"""A long drawing session in the real main window, run as its own process; prints JSON.

Random strokes (random lengths, speeds and positions, many leaving the pad) with live prediction
on, plus storms of undo, redo and clear. Two uses:
- tests/ui/test_long_drawing.py: PySide6 6.12.0 on Python < 3.12 drops a reference to None on
  every void Qt call and aborts the process ("Fatal Python error: none_dealloc") after some
  thousands of them; each mouse event here costs several (repaints, signals, timers, labels), so
  such a build dies here instead of in a person's hands;
- benchmarks/soak.py: resident memory before and after thousands of strokes.

Run: python tests/long_drawing_session.py STROKES
"""

import json
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from drawing import draw, pause  # noqa: E402
from process_memory import rss_mb  # noqa: E402

from digitpad.ui.app import create_window  # noqa: E402


def storm(canvas, rng: random.Random) -> None:
    for _ in range(rng.randint(5, 30)):
        rng.choice([canvas.undo, canvas.redo, canvas.clear])()


def main(strokes_wanted: int) -> None:
    window = create_window()
    window.show()
    window.start()
    while window.models.predictor is None:
        pause(10)
    tab = window.draw_tab
    shown = []
    tab.predictionShown.connect(lambda prediction: shown.append(prediction is not None))
    rng = random.Random(0)
    events = strokes = 0
    rss_start = None
    while strokes < strokes_wanted:
        for _ in range(rng.randint(1, 4)):  # one "digit": a few strokes, then clear as a person would
            points = [(rng.uniform(-60, 380), rng.uniform(-60, 380)) for _ in range(rng.randint(1, 6))]
            length = sum(abs(x1 - x0) + abs(y1 - y0) for (x0, y0), (x1, y1) in zip(points, points[1:]))
            events += draw(tab.canvas, [points], spacing=max(rng.uniform(3, 25), length / 40))
            strokes += 1
            if strokes == min(200, strokes_wanted // 2):
                rss_start = rss_mb()  # after warm-up: caches, first inferences, font loading
        if rng.random() < 0.1:
            storm(tab.canvas, rng)
        pause(rng.choice([0, 1, 5]))  # let the prediction thread answer, as the app's own event loop would
        tab.clear()
    while tab.service.busy():
        pause(5)
    rss_end = rss_mb()
    window.close()
    print(json.dumps({"strokes": strokes, "mouse_events": events, "answers_shown": len(shown),
                      "rss_after_warmup_mb": round(rss_start, 1), "rss_end_mb": round(rss_end, 1),
                      "rss_growth_mb": round(rss_end - rss_start, 1)}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
