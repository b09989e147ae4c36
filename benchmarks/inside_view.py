"""The Inside tab's cost, as JSON (saved beside this script as inside_view.json).

1. One update of the view for the bundled digitnet on one torch thread, for 30 drawn digits:
   - compute: the worker's job (forward with hooks, backward for the saliency, colouring the pictures
     and laying out the grids);
   - show: the UI thread putting the result on screen and painting it as its event loop does: the
     posted layout and paint events, which repaint the widgets whose contents changed;
   - total: compute + show; the goal is 30 ms.
   For scale, `repaint_whole_tab` times a forced repaint of the whole tab (every label and frame)
   after each update, as this benchmark measured `show` before 2026-12-02.
   Each is timed on the wall clock and in CPU time of the thread doing it (`cpu_*`): on a machine
   shared with other work the wall clock also counts the time other processes hold the cores.
   For scale, `plain_forward` times the Draw tab's own work on the same inputs in the same loop:
   one inference-mode forward pass (README's model table gives 0.74 ms for it on an idle machine).
2. The Draw tab's pen-to-answer latency while the Inside tab is hidden, against a baseline without
   the feature (the tab removed and unhooked from the Draw tab), in the same run and interleaved
   digit by digit (each going first half the time, every digit twice) so the machine's load hits
   both alike. Strokes are real QMouseEvents paced like a
   125 Hz mouse, as in gui_latency.py: pen_up is release to answer shown, live is each move to the
   next answer shown while the pen still moves.
Run: python benchmarks/inside_view.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
from _common import latency_ms, load_average, report

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def wait_for_model(window) -> None:
    from PySide6.QtWidgets import QApplication

    window.start()
    while window.models.predictor is None:
        QApplication.processEvents()
        time.sleep(0.001)


def one_update(drawings) -> dict:
    """Compute and show one update per drawing, on one torch thread."""
    import torch
    from PySide6.QtWidgets import QApplication

    from digitpad.core.preprocess import to_mnist
    from digitpad.core.strokes import render_strokes
    from digitpad.ui.app import create_window

    torch.set_num_threads(1)
    window = create_window()
    window.resize(1280, 860)
    window.show()
    wait_for_model(window)
    inside = window.inside_tab
    window.tabs.setCurrentWidget(inside)
    QApplication.processEvents()
    checkpoint = window.models.predictor.checkpoint
    inputs = [to_mnist(render_strokes(strokes, (320, 320))) for strokes in drawings]
    paper = (240, 240, 240)
    inside.cache.look(checkpoint, inputs[0], None, paper)  # the probe is built once per model
    wall = {"compute": [], "show": [], "forward": [], "repaint": []}
    cpu = {"compute": [], "show": [], "forward": [], "repaint": []}
    model, normalization = window.models.predictor.model, window.models.predictor.normalization
    for _ in range(2):
        for model_input in inputs:
            f0, g0 = time.perf_counter(), time.thread_time()
            with torch.inference_mode():
                model(normalization.apply(torch.from_numpy(model_input)[None]))
            wall["forward"].append(time.perf_counter() - f0)
            cpu["forward"].append(time.thread_time() - g0)
            t0, c0 = time.perf_counter(), time.thread_time()
            result = inside.cache.look(checkpoint, model_input, None, paper)
            t1, c1 = time.perf_counter(), time.thread_time()
            inside._show(*result)
            QApplication.sendPostedEvents()  # layouts, then paints of what changed
            t2, c2 = time.perf_counter(), time.thread_time()
            inside.repaint()
            t3, c3 = time.perf_counter(), time.thread_time()
            for times, a, b, c, d in ((wall, t0, t1, t2, t3), (cpu, c0, c1, c2, c3)):
                times["compute"].append(b - a)
                times["show"].append(c - b)
                times["repaint"].append(d - c)
    window.close()
    torch.set_num_threads(os.cpu_count() or 1)
    result = {"torch_threads": 1, "goal_ms": 30}
    for name, times in (("", wall), ("cpu_", cpu)):
        result |= {f"{name}compute": latency_ms(times["compute"]), f"{name}show": latency_ms(times["show"]),
                   f"{name}total": latency_ms([a + b for a, b in zip(times["compute"], times["show"])]),
                   f"{name}plain_forward": latency_ms(times["forward"]),
                   f"{name}repaint_whole_tab": latency_ms(times["repaint"])}
    return result


def pen_latency(drawings) -> dict:
    """Pen-to-answer latency on the Draw tab: Inside tab hidden vs no Inside feature, interleaved."""
    from drawing import densify, mouse, pause
    from PySide6.QtCore import QEvent, Qt

    from digitpad.ui.app import create_window

    windows = {}
    for condition in ("inside_hidden", "baseline_without_inside"):
        window = create_window()
        window.show()
        wait_for_model(window)
        if condition == "baseline_without_inside":
            window.draw_tab.predictionShown.disconnect(window.inside_tab._on_prediction)
            window.tabs.removeTab(window.tabs.indexOf(window.inside_tab))
        else:  # shown once, so its worker thread exists, then hidden behind the Draw tab
            window.tabs.setCurrentWidget(window.inside_tab)
            pause(300)
        window.tabs.setCurrentWidget(window.draw_tab)
        windows[condition] = window
    results = {condition: {"pen_up": [], "live": []} for condition in windows}
    for number, strokes in enumerate(drawings * 2):
        order = list(windows.items())
        for condition, window in order if number % 2 else order[::-1]:  # either goes first half the time
            tab = window.draw_tab
            shown_at: list[float] = []

            def note(_, times=shown_at):
                times.append(time.perf_counter())

            tab.predictionShown.connect(note)
            tab.clear()
            pause(30)
            for stroke in strokes:
                points = densify(stroke, 6)
                mouse(tab.canvas, QEvent.MouseButtonPress, points[0], Qt.LeftButton, Qt.LeftButton)
                moves = []
                for point in points[1:]:
                    moves.append(time.perf_counter())
                    mouse(tab.canvas, QEvent.MouseMove, point, Qt.NoButton, Qt.LeftButton)
                    pause(8)
                released = time.perf_counter()
                mouse(tab.canvas, QEvent.MouseButtonRelease, points[-1], Qt.LeftButton, Qt.NoButton)
                while not shown_at or shown_at[-1] < released:
                    pause(1)
                results[condition]["pen_up"].append(shown_at[-1] - released)
                answers = np.array(shown_at)
                for t in moves:
                    later = answers[(answers > t) & (answers < released)]
                    if len(later):
                        results[condition]["live"].append(later[0] - t)
            tab.predictionShown.disconnect(note)
    computed_while_hidden = windows["inside_hidden"].inside_tab.updates  # shown on a blank pad: no reading
    for window in windows.values():
        window.close()
    return {condition: {"pen_up_to_answer": latency_ms(r["pen_up"]), "mouse_move_to_next_answer": latency_ms(r["live"])}
            for condition, r in results.items()} | {"inside_updates_while_hidden": computed_while_hidden}


def main() -> None:
    from digit_strokes import all_styles, place

    drawings = [place(strokes, 60, 30, 250) for _, _, strokes in all_styles()]
    result = {"load_average_1min": load_average(), "cpu_count": os.cpu_count(),
              "one_update_digitnet": one_update(drawings), "draw_tab_latency": pen_latency(drawings)}
    result["load_average_1min_after"] = load_average()
    report(result, HERE / "inside_view.json")


if __name__ == "__main__":
    main()
