"""The Draw tab: the pad, its tools, and the live answer beside it.

While a stroke is drawn the tab asks for a prediction at most every THROTTLE_MS (and once more
at pen-up); the work runs on the PredictionService's thread, so the pen never waits for the model.
"""

from __future__ import annotations

import os
from functools import partial

import numpy as np
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from .canvas import PEN_WIDTH_RANGE, DrawingCanvas
from .correction_row import CorrectionRow
from .model_manager import ModelManager
from .personal_store import PersonalDigits
from .prediction_service import PredictionService
from .prediction_view import PredictionPanel

THROTTLE_MS = 40  # at most 25 predictions a second while the pen moves
OUTLINE_COLOR = "#e8412c"  # the region of a photo that was read


def _predict_strokes(predictor, strokes, size):
    return predictor.predict_drawings([(strokes, size)])[0]


def _read_file(predictor, path: str):
    """(Reading, the upright working-size image shown under the outline), in the prediction thread."""
    from ..core.images import load_image

    image = load_image(path)
    return predictor.read(image), image


def photo_with_outline(image, box: tuple[int, int, int, int] | None, original_size: tuple[int, int]) -> QImage:
    """The opened image as the pad shows it, the region that was read outlined (box in the file's pixels)."""
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    picture = QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format_RGB888).copy()
    if box is not None:
        factor = rgb.width / original_size[0]
        x, y, w, h = (v * factor for v in box)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.Antialiasing)
        width = max(2.0, max(rgb.size) / 160)  # about 2 px once the pad shrinks the image to its size
        painter.setPen(QPen(QColor(OUTLINE_COLOR), width))
        margin = width * 1.5
        painter.drawRect(QRectF(x - margin, y - margin, w + 2 * margin, h + 2 * margin))
        painter.end()
    return picture


class DrawTab(QWidget):
    """Signal `predictionShown(prediction or None)` fires whenever the panel shows a new answer."""

    predictionShown = Signal(object)

    def __init__(self, models: ModelManager, personal: PersonalDigits, parent: QWidget | None = None):
        super().__init__(parent)
        self.models = models
        self.personal = personal
        self.service = PredictionService(self)
        self.canvas = DrawingCanvas()
        self.panel = PredictionPanel()
        self.source_label = QLabel("")
        self.source_label.setEnabled(False)
        self._generation = 0  # bumped whenever what is predicted is replaced, so late answers are dropped
        self._image_path: str | None = None
        self.reading = None  # the last Reading of an opened image, with its box and marks
        self._shown = None  # the prediction on the panel, for the correction row
        self.correction = CorrectionRow()
        self.correction.chosen.connect(self.keep_drawing)
        self.my_digits_button = QPushButton("My digits...")  # the window opens the view
        self.my_digits_button.setToolTip("See the digits you kept and how the model reads them now; delete, "
                                         "import or export them (Ctrl+D)")
        for digit in range(10):
            QShortcut(QKeySequence(str(digit)), self, lambda d=digit: self._key_chosen(d))
        for keys in ("Return", "Enter"):
            QShortcut(QKeySequence(keys), self, lambda: self._key_chosen(self._shown.digit if self._shown else None))

        self.undo_button = QPushButton("Undo")
        self.redo_button = QPushButton("Redo")
        self.clear_button = QPushButton("Clear")
        self.undo_button.setToolTip("Undo the last stroke (Ctrl+Z)")
        self.redo_button.setToolTip("Redo (Ctrl+Shift+Z)")
        self.clear_button.setToolTip("Clear the pad (Esc or Delete)")
        self.undo_button.clicked.connect(self.canvas.undo)
        self.redo_button.clicked.connect(self.canvas.redo)
        self.clear_button.clicked.connect(self.clear)
        self.pen_slider = QSlider(Qt.Horizontal)
        self.pen_slider.setRange(int(PEN_WIDTH_RANGE[0]), int(PEN_WIDTH_RANGE[1]))
        self.pen_slider.setValue(int(self.canvas.pen_width()))
        self.pen_slider.setToolTip("Pen width on the pad. The model always gets MNIST-thick strokes, "
                                   "whatever the width you see.")
        self.pen_slider.valueChanged.connect(self.canvas.set_pen_width)

        tools = QHBoxLayout()
        for button in (self.undo_button, self.redo_button, self.clear_button):
            tools.addWidget(button)
        tools.addSpacing(12)
        tools.addWidget(QLabel("Pen"))
        tools.addWidget(self.pen_slider, 1)
        left = QVBoxLayout()
        left.addWidget(self.canvas, alignment=Qt.AlignHCenter)
        left.addLayout(tools)
        correction = QHBoxLayout()
        correction.addWidget(self.correction, 1)
        correction.addWidget(self.my_digits_button, 0, Qt.AlignTop)
        left.addLayout(correction)
        left.addWidget(self.source_label)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addSpacing(16)
        layout.addWidget(self.panel, 1)

        self._throttle = QTimer(self, singleShot=True, interval=THROTTLE_MS)
        self._throttle.timeout.connect(self.predict_now)
        self.canvas.changed.connect(self._on_canvas_changed)
        self.canvas.strokeFinished.connect(self.predict_now)
        self.canvas.strokeFinished.connect(self._update_buttons)
        self.service.predicted.connect(self._on_predicted)
        self.service.failed.connect(self._on_failed)
        models.changed.connect(lambda _: self.predict_now())
        self._update_buttons()

    # --- what to predict -------------------------------------------------------------------------
    def _on_canvas_changed(self) -> None:
        if self._image_path is not None:
            self._show_file(None)
        elif self.source_label.text():
            self.source_label.setText("")  # the note about the last kept digit
        self._update_buttons()
        if not self._throttle.isActive():
            self._throttle.start()

    def clear(self) -> None:
        self._show_file(None)
        self.canvas.clear()
        self.predict_now()

    def predict_now(self) -> None:
        """Ask for a prediction of what the pad (or an opened image) shows now."""
        self._throttle.stop()
        predictor = self.models.predictor
        if predictor is None:
            self.panel.show_message("Loading the model...")
            return
        if self._image_path is not None:
            job = partial(_read_file, predictor, self._image_path)
        elif self.canvas.is_empty():
            self._generation += 1
            self._show(None)
            return
        else:
            job = partial(_predict_strokes, predictor, self.canvas.strokes(),
                          (self.canvas.width(), self.canvas.height()))
        generation = self._generation
        self.service.submit(lambda: (generation, job()))

    def open_image(self, path: str | os.PathLike) -> None:
        """Predict an image file; the pad shows it until the person draws again."""
        self.canvas.clear()
        self._show_file(str(path))
        self.predict_now()

    def _show_file(self, path: str | None) -> None:
        if path == self._image_path:
            return
        self._generation += 1
        self._image_path = path
        self.reading = None
        self.canvas.set_background(None)
        self.source_label.setText(f"Reading {os.path.basename(path)}..." if path else "")

    # --- answers ---------------------------------------------------------------------------------
    def _on_predicted(self, result, seconds: float) -> None:
        generation, answer = result
        if generation != self._generation:
            return
        if self._image_path is None:
            self._show(answer)
            return
        self.reading, image = answer
        self.canvas.set_background(photo_with_outline(image, self.reading.box, self.reading.size))
        self.source_label.setText(self._photo_note(self.reading))
        self._show(self.reading.prediction)

    def _photo_note(self, reading) -> str:
        """What the pad's caption says about an opened image once it has been read."""
        name = os.path.basename(self._image_path)
        if not reading.found:
            return f"{name}: no digit found"
        if reading.marks > 1:
            return f"{name}: {reading.marks} separate marks; reading the largest (outlined)"
        return f"{name}: the outlined ink was read"

    def _on_failed(self, message: str) -> None:
        self.panel.show_message(message)
        if self._image_path is not None:
            self.source_label.setText(f"Could not read {os.path.basename(self._image_path)}")
        self.predictionShown.emit(None)

    def _show(self, prediction) -> None:
        self._shown = prediction
        from_drawing = prediction is not None and self._image_path is None and not self.canvas.is_empty()
        self.correction.set_predicted(prediction.digit if from_drawing else None)
        self.panel.show_prediction(prediction)
        if prediction is None and self._image_path is not None:
            self.panel.show_message(f"No digit found in {os.path.basename(self._image_path)}")
        self.predictionShown.emit(prediction)

    def _key_chosen(self, digit: int | None) -> None:
        if digit is not None and self.correction.isEnabled():
            self.keep_drawing(digit)

    def keep_drawing(self, label: int) -> None:
        """Add the drawing, with its true label and the model's reading, to the person's own set; clear the pad.

        The reading is taken again from exactly the strokes kept (a few milliseconds): the answer on
        show may be a live one from a few points earlier. Nothing is kept while the pen is down.
        """
        from ..core.personal import PersonalSetError, Sample

        if self.canvas.is_drawing() or self.models.predictor is None:
            return
        strokes, size = self.canvas.strokes(), (self.canvas.width(), self.canvas.height())
        prediction = _predict_strokes(self.models.predictor, strokes, size)
        if prediction is None:
            return
        sample = Sample(strokes, size, label, prediction.digit, np.round(prediction.model_input * 255).astype(np.uint8))
        try:
            kept = self.personal.add(sample)
        except PersonalSetError as e:
            self.panel.show_message(str(e))
            return
        verdict = "read right" if label == prediction.digit else f"read as {prediction.digit}"
        self.clear()
        self.source_label.setText(f"Kept as a {label} ({verdict}); {kept} of your digits kept")

    def _update_buttons(self) -> None:
        self.undo_button.setEnabled(self.canvas.can_undo())
        self.redo_button.setEnabled(self.canvas.can_redo())

    def shutdown(self) -> None:
        self._throttle.stop()
        self.service.shutdown()
