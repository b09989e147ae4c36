"""GUI smoke test that runs *inside* the bundled app (not shipped: only the run-time hook is).

The bundle's run-time hook executes this file before the app starts when DIGITPAD_SMOKE_SCRIPT names it.
It replaces digitpad.ui.app.run with the same steps plus instrumentation, then the real entry point goes on:

1. create the real window and show it; note the wall-clock time of its first paint (cold start is
   measured by the caller from just before it started the process);
2. wait for the bundled model to load, draw a 7 on the pad with mouse events, wait for the prediction;
3. save the drawing as PNG (DIGITPAD_SMOKE_PNG) for `digitpad predict`;
4. keep it in the personal set as a 7, draw it again and keep that too, last (for `digitpad finetune`);
5. optionally load another checkpoint (DIGITPAD_SMOKE_MODEL) and wait for its prediction of the same drawing;
6. close the window (as the user would) and let the event loop end.

The report (JSON) goes to DIGITPAD_SMOKE_REPORT. Uses only modules that are inside the bundle.
"""

import json
import os
import sys
import time
import traceback

import digitpad.ui.app as app_module

REPORT = os.environ.get("DIGITPAD_SMOKE_REPORT", "digitpad-smoke.json")
PNG = os.environ.get("DIGITPAD_SMOKE_PNG")
MODEL = os.environ.get("DIGITPAD_SMOKE_MODEL")
TIMEOUT_MS = int(float(os.environ.get("DIGITPAD_SMOKE_TIMEOUT", "120")) * 1000)
SEVEN = [[(0.22, 0.18), (0.8, 0.18), (0.42, 0.88)]]  # strokes in a unit box


def smoke_run() -> int:
    from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    report = {"ok": False, "frozen": bool(getattr(sys, "frozen", False)), "meipass": getattr(sys, "_MEIPASS", None),
              "steps": []}
    state = {"phase": "loading"}

    def step(text: str) -> None:
        report["steps"].append(f"{time.time() - report.get('shown', time.time()):+.3f}s {text}")

    def fail(message: str) -> None:
        report["error"] = message
        step("FAILED: " + message)
        QApplication.instance().exit(3)

    try:
        window = app_module.create_window()
    except Exception:
        report["error"] = traceback.format_exc()
        _write(report)
        return 3
    app = QApplication.instance()

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint and "shown" not in report and obj.isWidgetType() \
                    and obj.window() is window:
                report["shown"] = time.time()
                step(f"window shown ({window.width()}x{window.height()}, title {window.windowTitle()!r})")
                app.removeEventFilter(self)
            return False

    first_paint = FirstPaint()
    app.installEventFilter(first_paint)
    window.show()
    QTimer.singleShot(0, window.start)

    def draw() -> None:
        canvas = window.draw_tab.canvas
        width, height = canvas.width(), canvas.height()
        for stroke in SEVEN:
            points = []
            for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
                for i in range(25):
                    t = i / 25
                    points.append(QPointF((x0 + (x1 - x0) * t) * width, (y0 + (y1 - y0) * t) * height))
            points.append(QPointF(stroke[-1][0] * width, stroke[-1][1] * height))

            def send(kind, point, button, buttons):
                event = QMouseEvent(kind, point, canvas.mapToGlobal(point), button, buttons, Qt.NoModifier)
                QApplication.sendEvent(canvas, event)

            send(QEvent.MouseButtonPress, points[0], Qt.LeftButton, Qt.LeftButton)
            for point in points[1:]:
                send(QEvent.MouseMove, point, Qt.NoButton, Qt.LeftButton)
                QApplication.processEvents()
            send(QEvent.MouseButtonRelease, points[-1], Qt.LeftButton, Qt.NoButton)
        step(f"drew a 7 on the {width}x{height} pad")

    def when_settled(then) -> None:
        """Call then(prediction) once no answer is pending: the one shown is the final one for the pad."""
        tab = window.draw_tab
        if tab.service.busy() or tab._throttle.isActive():
            QTimer.singleShot(20, lambda: when_settled(then))
            return
        prediction = tab._shown
        if prediction is None:
            fail("no prediction shown for the drawing")
            return
        then({"digit": prediction.digit, "confidence": round(prediction.confidence, 4)})

    def on_model(predictor) -> None:
        info = {"name": predictor.name, "path": str(predictor.path), "accuracy": predictor.accuracy,
                "device": str(predictor.device)}
        if state["phase"] == "loading":
            report["model"] = info
            report["model_loaded"] = time.time()
            step(f"model loaded: {predictor.name} from {predictor.path}")
            state["phase"] = "drawing"
            QTimer.singleShot(0, lambda: (draw(), when_settled(first_drawing_read)))
        elif state["phase"] == "second-model":
            report["second_model"] = info
            step(f"second model loaded: {predictor.name} from {predictor.path}")
            state["phase"] = "second-prediction"
            when_settled(second_model_read)

    def first_drawing_read(result) -> None:
        report["prediction"] = result
        step(f"prediction shown: {result}")
        if PNG:
            report["png_saved"] = window.save_drawing(PNG)
            step(f"saved the drawing to {PNG}: {report['png_saved']}")
        keep()
        state["phase"] = "drawing-again"
        draw()
        when_settled(second_drawing_read)

    def second_drawing_read(result) -> None:
        if MODEL:
            state["phase"] = "second-model"
            window.load_model(MODEL)
        else:
            keep()
            finish()

    def second_model_read(result) -> None:
        report["second_prediction"] = result
        step(f"prediction with the second model: {result}")
        keep()
        finish()

    def keep() -> None:
        window.draw_tab.correction.digit_buttons[7].click()
        report["kept"] = window.draw_tab.source_label.text()
        step(f"kept: {report['kept']}")

    def finish() -> None:
        state["phase"] = "closing"
        report["closed"] = window.close()
        step(f"window closed: {report['closed']}")

    def on_error(message: str) -> None:
        fail(f"model load failed: {message}")

    window.models.changed.connect(on_model)
    window.models.failed.connect(on_error)
    QTimer.singleShot(TIMEOUT_MS, lambda: fail(f"timed out in phase {state['phase']}"))

    code = app.exec()
    report["exit_code"] = code
    report["ok"] = (code == 0 and "error" not in report and "shown" in report and "prediction" in report
                    and (not MODEL or "second_prediction" in report))
    _write(report)
    return code


def _write(report: dict) -> None:
    with open(REPORT, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)


app_module.run = smoke_run
