"""GUI smoke test that runs *inside* the bundled app, every tab (not shipped: only the smoke-test executable runs it).

The smoke-test executable `digitpad-smoke` (built beside `digitpad`, left out of the archive) runs this file before
the app starts when DIGITPAD_SMOKE_SCRIPT names it. It replaces digitpad.ui.app.run with the same steps plus a
scenario, and the real entry point goes on. The scenario, as a person would do it, each step timed:

1. the window shows (wall-clock time of its first paint: the caller measures cold start from its own start);
   the bundled model loads;
2. Draw: draw a 7 with mouse events and read it; save it as PNG (DIGITPAD_SMOKE_PNG); keep it as a 7; draw a
   second 7 a little to the right and keep it too; with DIGITPAD_SMOKE_MODEL, load that checkpoint, read the
   drawing with it, and go back to the bundled model;
3. open a photo: a JPEG of a handwritten-looking 3 on uneven, noisy paper, made here with Qt;
4. My digits: open it and see the two kept drawings;
5. Train (with DIGITPAD_SMOKE_DATA, a folder holding MNIST/raw): the quick preset on a small subset; the charts
   receive points (screenshot), the results appear (screenshot); fine-tune on the two kept drawings; start
   another run and Stop it;
6. close the window as the user would, and let the event loop end.

The report (JSON) goes to DIGITPAD_SMOKE_REPORT, screenshots to DIGITPAD_SMOKE_SHOTS (a folder) when set.
Uses only modules that are inside the bundle.
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
DATA = os.environ.get("DIGITPAD_SMOKE_DATA")
SHOTS = os.environ.get("DIGITPAD_SMOKE_SHOTS")
ONLY_WINDOW = bool(os.environ.get("DIGITPAD_SMOKE_ONLY_WINDOW"))  # cold-start runs: window and model, then quit
TRAIN_LIMIT, TEST_LIMIT, FINETUNE_STEPS = 3000, 2000, 20
STOPPED_RUN_EPOCHS = 200  # the run the scenario stops: minutes long, so Stop comes before its end
TIMEOUT_S = float(os.environ.get("DIGITPAD_SMOKE_TIMEOUT", "600"))
SEVEN = [[(0.22, 0.18), (0.8, 0.18), (0.42, 0.88)]]  # strokes in a unit box
# the second 7 drawn a little to the right: the same points again would be the same drawing, kept once
SECOND_SEVEN = [[(x + 0.05, y) for x, y in stroke] for stroke in SEVEN]
THREE = [(0.3, 0.2), (0.6, 0.15), (0.72, 0.3), (0.5, 0.47), (0.74, 0.62), (0.66, 0.82), (0.3, 0.84)]


def smoke_run() -> int:
    from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication, QMessageBox

    report = {"ok": False, "frozen": bool(getattr(sys, "frozen", False)), "meipass": getattr(sys, "_MEIPASS", None),
              "steps": [], "timings_s": {}}
    started = time.time()
    window = app_module.create_window()
    latest = {"prediction": None}  # what the Draw tab's panel shows now, as its predictionShown signal says
    window.draw_tab.predictionShown.connect(lambda prediction: latest.update(prediction=prediction))
    app = QApplication.instance()

    def step(text: str) -> None:
        report["steps"].append(f"{time.time() - report.get('shown', started):+.3f}s {text}")

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

    def draw(strokes) -> None:
        canvas = window.draw_tab.canvas
        width, height = canvas.width(), canvas.height()
        for stroke in strokes:
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

    def settled() -> bool:
        tab = window.draw_tab
        return not tab.service.busy() and not tab._throttle.isActive()

    def shown() -> dict:
        prediction = latest["prediction"]
        if prediction is None:
            raise AssertionError("no prediction shown")
        return {"digit": prediction.digit, "confidence": round(prediction.confidence, 4)}

    def keep() -> None:
        window.draw_tab.correction.digit_buttons[7].click()
        report["kept"] = window.draw_tab.source_label.text()
        step(f"kept: {report['kept']}")

    def screenshot(name: str) -> None:
        if SHOTS:
            path = os.path.join(SHOTS, name)
            window.grab().save(path)
            step(f"screenshot {path}")

    def points(curve) -> int:
        """How many points a chart's curve holds."""
        xs = curve.getData()[0]
        return 0 if xs is None else len(xs)

    def model_info(predictor) -> dict:
        return {"name": predictor.name, "path": str(predictor.path), "accuracy": predictor.accuracy,
                "device": str(predictor.device)}

    def scenario():
        """Yields (condition, what, seconds) to wait for; the driver below resumes it once the condition holds."""
        yield lambda: window.models.predictor is not None and not window.models.busy, "the bundled model", 120
        report["model_loaded"] = time.time()
        report["model"] = model_info(window.models.predictor)
        step(f"model loaded: {window.models.predictor.name} from {window.models.predictor.path}")
        if ONLY_WINDOW:
            report["closed_at"] = time.time()
            report["closed"] = window.close()
            return

        began = time.time()
        draw(SEVEN)
        yield settled, "the prediction of the drawn 7", 30
        report["prediction"] = shown()
        step(f"drew a 7, read as {report['prediction']}")
        if PNG:
            report["png_saved"] = window.save_drawing(PNG)
        keep()
        draw(SECOND_SEVEN)
        yield settled, "the prediction of the second 7", 30
        if MODEL:
            window.load_model(MODEL)
            yield lambda: window.models.predictor.name != report["model"]["name"] and settled(), "the second model", 60
            report["second_model"] = model_info(window.models.predictor)
            report["second_prediction"] = shown()
            step(f"read with {report['second_model']['name']}: {report['second_prediction']}")
            window.load_model(None)  # back to the bundled model for the rest, as "Revert to the bundled model" does
            yield lambda: window.models.predictor.name == report["model"]["name"] and settled(), "the bundled model", 60
        keep()
        report["timings_s"]["draw_read_keep"] = round(time.time() - began, 3)

        began = time.time()
        photo = os.path.join(os.path.dirname(os.path.abspath(REPORT)), "photo-of-a-3.jpg")
        report["photo"] = {"path": photo, "written": make_photo(photo), "drawn_digit": 3}
        window.open_image(photo)
        yield lambda: settled() and latest["prediction"] is not None, "the photo's prediction", 30
        report["photo"]["read_as"] = shown()
        report["timings_s"]["open_photo"] = round(time.time() - began, 3)
        step(f"opened a photo of a 3: read as {report['photo']['read_as']}")

        began = time.time()
        window.show_my_digits()
        view = window.my_digits
        yield lambda: len(view.samples) == 2, "My digits showing the two kept drawings", 30
        report["my_digits"] = {"shown": view.isVisible(), "samples": len(view.samples), "summary": view.summary.text()}
        report["timings_s"]["my_digits"] = round(time.time() - began, 3)
        step(f"My digits: {report['my_digits']['summary']!r}")
        view.close()

        began = time.time()
        window.tabs.setCurrentWidget(window.train_tab)
        tab = window.train_tab
        report["train_tab_built"] = tab.form is not None
        yield lambda: tab.form.is_ready, "the Train form (torch and the architectures)", 120
        report["timings_s"]["train_tab_ready"] = round(time.time() - began, 3)
        step("Train tab built and ready")
        if DATA:
            form = tab.form
            form.preset.setCurrentIndex(form.preset.findData("quick"))
            form.dataset_kind.setCurrentIndex(form.dataset_kind.findData("folder"))
            form.dataset_path.setText(DATA)
            form.train_limit.setValue(TRAIN_LIMIT)
            form.test_limit.setValue(TEST_LIMIT)
            yield lambda: tab.start_button.isEnabled(), "Start to be enabled", 30
            began = time.time()
            tab.start_button.click()
            curve = tab.monitor.charts.loss.step_curve
            yield lambda: points(curve) >= 30, "chart points (mid-run)", 300
            report["chart_points_mid_run"] = points(curve)
            step(f"the loss chart shows {report['chart_points_mid_run']} points")
            screenshot("train-running.png")
            yield lambda: not tab.is_running(), "the quick run to end", 900
            if tab.outcome is None:
                raise AssertionError(f"the quick run ended without results: {tab.monitor.state.text()}")
            report["quick_run"] = {"seconds": round(time.time() - began, 3), "accuracy": tab.outcome.checkpoint.accuracy,
                                   "state": tab.monitor.state.text(),
                                   "results_shown": tab.pages.currentWidget() is tab.results}
            report["timings_s"]["quick_run"] = report["quick_run"]["seconds"]
            step(f"quick run: {report['quick_run']}")
            yield lambda: True, "a repaint", 1
            screenshot("train-results.png")

            began = time.time()
            tab.finetune_choice.setChecked(True)
            tab.finetune_form.steps.setValue(FINETUNE_STEPS)
            yield lambda: tab.start_button.isEnabled(), f"Fine-tune to be enabled ({tab.problems.text()})", 60
            first = tab.outcome
            tab.start_button.click()
            yield lambda: not tab.is_running() and tab.outcome is not first, "the fine-tune to end", 900
            report["finetune"] = {"seconds": round(time.time() - began, 3), "lines": tab.outcome.finetune.lines()}
            report["timings_s"]["finetune"] = report["finetune"]["seconds"]
            step(f"fine-tuned on the kept drawings: {report['finetune']['lines']}")

            began = time.time()
            tab.new_model_choice.setChecked(True)
            tab.form.epochs.setValue(STOPPED_RUN_EPOCHS)  # long enough to be stopped before its end
            yield lambda: tab.start_button.isEnabled(), "Start to be enabled again", 30
            tab.start_button.click()
            yield lambda: tab.run is not None and tab.run.running and points(curve) >= 1, "the run to begin", 300
            tab.stop_button.click()
            if tab.stop_question is not None:  # an epoch was done: keep the model so far? No, as Stop said
                next(b for b in tab.stop_question.buttons() if b.text() == "Discard").click()
            yield lambda: not tab.is_running(), "the stopped run to end", 30
            report["stopped"] = tab.monitor.state.text()
            report["timings_s"]["stop"] = round(time.time() - began, 3)
            step(f"stopped: {report['stopped']!r}")
            if not report["stopped"].startswith("Stopped"):
                raise AssertionError(f"Stop did not stop the run: {report['stopped']!r}")

        report["closed_at"] = time.time()
        report["closed"] = window.close()
        if window.unsaved_question is not None:  # the runs trained here were never saved: Discard, as a person would
            report["closed"] = "after Discard in the question about the unsaved model"
            window.unsaved_question.button(QMessageBox.Discard).click()
            yield lambda: not window.isVisible(), "the window to close after Discard", 30
        step(f"window closed: {report['closed']}")

    steps = scenario()
    waiting = {}

    def advance() -> None:
        try:
            condition, what, seconds = next(steps)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001  (any failure ends the run with a report)
            fail(traceback.format_exc())
            return
        waiting.update(condition=condition, what=what, deadline=time.time() + seconds)
        poll()

    def poll() -> None:
        try:
            done = waiting["condition"]()
        except Exception:  # noqa: BLE001
            fail(traceback.format_exc())
            return
        if done:
            advance()
        elif time.time() > waiting["deadline"]:
            fail(f"timed out waiting for {waiting['what']}")
        else:
            QTimer.singleShot(50, poll)

    def fail(message: str) -> None:
        report["error"] = message
        step("FAILED: " + message.strip().splitlines()[-1])
        if SHOTS:
            window.grab().save(os.path.join(SHOTS, "failure.png"))
        app.exit(3)

    window.models.failed.connect(lambda message: fail(f"model load failed: {message}"))
    QTimer.singleShot(0, advance)
    QTimer.singleShot(int(TIMEOUT_S * 1000), lambda: fail(f"timed out after {TIMEOUT_S:.0f} s"))
    code = app.exec()
    report["exit_code"] = code
    report["ok"] = code == 0 and "error" not in report and "shown" in report and (ONLY_WINDOW or (
        "prediction" in report and "photo" in report and "my_digits" in report
        and (not MODEL or "second_prediction" in report) and (not DATA or "stopped" in report)))
    _write(report)
    app_module.end_process(code)  # as the app's own run() ends: the caller times the process's end


def make_photo(path: str) -> bool:
    """A photo-like JPEG: a 3 in dark ink on paper lit unevenly, with sensor noise, slightly turned."""
    import random

    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QPainterPath, QPen

    width, height = 480, 360
    image = QImage(width, height, QImage.Format_RGB32)
    painter = QPainter(image)
    light = QLinearGradient(0, 0, width, height)
    light.setColorAt(0, QColor(236, 230, 214))
    light.setColorAt(1, QColor(150, 142, 128))
    painter.fillRect(image.rect(), light)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.translate(width / 2, height / 2)
    painter.rotate(-6)
    painter.translate(-width / 2, -height / 2)
    box = min(width, height) * 0.7
    left, top = (width - box) / 2, (height - box) / 2
    outline = QPainterPath(QPointF(left + THREE[0][0] * box, top + THREE[0][1] * box))
    for (x0, y0), (x1, y1) in zip(THREE[1::2], THREE[2::2]):
        outline.quadTo(QPointF(left + x0 * box, top + y0 * box), QPointF(left + x1 * box, top + y1 * box))
    painter.setPen(QPen(QColor(40, 38, 60), box * 0.07, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    painter.drawPath(outline)
    painter.end()
    noise = random.Random(3)
    for _ in range(width * height // 6):
        x, y = noise.randrange(width), noise.randrange(height)
        shade = QColor(image.pixel(x, y)).lighter(100 + noise.randint(-12, 12))
        image.setPixel(x, y, shade.rgb())
    return image.save(path, quality=85)  # JPEG, from the name


def _write(report: dict) -> None:
    with open(REPORT, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)


app_module.run = smoke_run
