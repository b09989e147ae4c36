"""The answer panel: the digit, how sure the model is, all ten probabilities and its 28x28 input."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

# the panel says it is unsure instead of pretending
from ..core.number_reading import NEAR_CERTAIN, is_unsure, percent, two_likeliest
from .hint_label import HintLabel

SEES = "What the model sees (28×28)"
SEES_IN_A_PHOTO = f"{SEES}. It also reads the photo's ink as found, and the answer averages the two readings."


def verdict(probabilities: tuple[float, ...]) -> tuple[str, str]:
    """(big text, caption) for a prediction: the digit and its confidence, or an honest doubt."""
    (best, confidence), (second, chance) = two_likeliest(probabilities)
    if is_unsure(probabilities):
        return "?", f"Not sure: {best} ({confidence:.0%}) or {second} ({chance:.0%})"
    return str(best), ("over 99.9% sure" if confidence > NEAR_CERTAIN else f"{percent(confidence)} sure")


LABEL_WIDTH, VALUE_WIDTH = 22, 58  # a bar's digit and its "100.0%"


class ProbabilityBars(QWidget):
    """Ten horizontal bars, one per digit, the most likely one highlighted."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._probabilities: tuple[float, ...] | None = None
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setMinimumHeight(10 * 22)
        # bars 100 px long at least: at the window's smallest they were 26 px, and 100% looked like 0%
        self.setMinimumWidth(LABEL_WIDTH + VALUE_WIDTH + 8 + 100)
        self.setAccessibleName("Probabilities for each digit")

    def probabilities(self) -> tuple[float, ...] | None:
        return self._probabilities

    def set_probabilities(self, probabilities: tuple[float, ...] | None) -> None:
        self._probabilities = probabilities
        self.setToolTip("\n".join(f"{d}: {p:.2%}" for d, p in enumerate(probabilities)) if probabilities else "")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(260, 10 * 22)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        palette = self.palette()
        text, track, accent = (palette.color(QPalette.WindowText), palette.color(QPalette.Midlight),
                               palette.color(QPalette.Highlight))
        row = self.height() / 10
        label_w, value_w = LABEL_WIDTH, VALUE_WIDTH
        bar_w = max(10.0, self.width() - label_w - value_w - 8)
        best = int(np.argmax(self._probabilities)) if self._probabilities else -1
        for digit in range(10):
            top = digit * row
            p = self._probabilities[digit] if self._probabilities else 0.0
            painter.setPen(text)
            font = painter.font()
            font.setBold(digit == best)
            painter.setFont(font)
            painter.drawText(QRectF(0, top, label_w, row), Qt.AlignCenter, str(digit))
            bar = QRectF(label_w + 4, top + row * 0.22, bar_w, row * 0.56)
            painter.setPen(Qt.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(bar, 4, 4)
            if bar_w * p >= 1:
                painter.setBrush(accent if digit == best else QColor(accent.red(), accent.green(), accent.blue(), 110))
                painter.drawRoundedRect(QRectF(bar.left(), bar.top(), bar_w * p, bar.height()), 4, 4)
            painter.setPen(text)
            painter.drawText(QRectF(bar.right() + 4, top, value_w, row), Qt.AlignVCenter | Qt.AlignRight,
                             percent(p) if self._probabilities else "")
        painter.end()


def gray_pixmap(image: np.ndarray, scale: int) -> QPixmap:
    """A float [0, 1] image as a pixmap enlarged with square pixels (no smoothing that would hide them)."""
    data = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    data = np.ascontiguousarray(np.repeat(np.repeat(data, scale, axis=0), scale, axis=1))  # 10x faster than scaled()
    return QPixmap.fromImage(QImage(data.data, data.shape[1], data.shape[0], data.strides[0],
                                    QImage.Format_Grayscale8).copy())


class ModelInputView(QLabel):
    """The 28x28 image the model actually read, enlarged: the first place to look when a digit is misread."""

    SCALE = 4

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._image: np.ndarray | None = None
        self.setFixedSize(28 * self.SCALE + 2, 28 * self.SCALE + 2)
        self.setAlignment(Qt.AlignCenter)
        self.setStyleSheet("border: 1px solid palette(mid); background: black;")
        self.setToolTip("The 28x28 image the model reads: your drawing cropped, scaled to 20 px and centred "
                        "by its centre of mass, with MNIST-thick strokes")
        self.set_image(None)

    def image(self) -> np.ndarray | None:
        return self._image

    def set_image(self, image: np.ndarray | None) -> None:
        self._image = image
        self.setPixmap(gray_pixmap(np.zeros((28, 28)) if image is None else image, self.SCALE))


class PredictionPanel(QWidget):
    """Big digit, caption, probability bars and model input; `show_prediction(None)` shows the prompt.
    Signal: `room_changed` after every change of size or of the captions' text (their wrapped lines, and so the
    height the panel needs at its width, may have changed: a photo's caption is three times a drawing's)."""

    room_changed = Signal()

    PROMPT = "Draw a digit on the pad"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.digit_label = QLabel("–")
        self.digit_label.setForegroundRole(QPalette.PlaceholderText)
        font = QFont(self.font())
        font.setPointSize(64)
        font.setBold(True)
        self.digit_label.setFont(font)
        self.digit_label.setAlignment(Qt.AlignCenter)
        self.digit_label.setMinimumHeight(110)
        self.digit_label.setAccessibleName("Predicted digit")
        self.caption = QLabel(self.PROMPT)
        self.caption.setAlignment(Qt.AlignCenter)
        self.caption.setWordWrap(True)
        self.bars = ProbabilityBars()
        self.model_input = ModelInputView()
        self.input_caption = input_caption = HintLabel(SEES)
        input_caption.setAlignment(Qt.AlignCenter)
        input_caption.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.digit_label)
        layout.addWidget(self.caption)
        layout.addSpacing(8)
        layout.addWidget(self.bars)
        layout.addSpacing(8)
        layout.addWidget(self.model_input, alignment=Qt.AlignHCenter)
        layout.addWidget(input_caption)
        layout.addStretch(1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.room_changed.emit()

    def show_prediction(self, prediction) -> None:
        # the dash with no answer is a placeholder: drawn as one, not as a disabled label (read out as unavailable)
        self.digit_label.setForegroundRole(QPalette.WindowText if prediction is not None else QPalette.PlaceholderText)
        if prediction is None:
            self.digit_label.setText("–")
            self.caption.setText(self.PROMPT)
            self.bars.set_probabilities(None)
            self.model_input.set_image(None)
            self.input_caption.setText(SEES)
        else:
            big, caption = verdict(prediction.probabilities)
            self.digit_label.setText(big)
            self.caption.setText(caption)
            self.bars.set_probabilities(prediction.probabilities)
            self.model_input.set_image(prediction.model_input)
            self.input_caption.setText(SEES if prediction.views == 1 else SEES_IN_A_PHOTO)
        self.room_changed.emit()

    def show_message(self, text: str) -> None:
        """No answer, and why: the last answer's bars and model input go with it, never left under the message."""
        self.show_prediction(None)
        self.caption.setText(text)
        self.room_changed.emit()
