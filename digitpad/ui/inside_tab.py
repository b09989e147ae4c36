"""The Inside tab: what the model does with the current drawing, stage by stage, and which ink made its answer.

It follows the Draw tab's answers (each carries the 28x28 input the model read) and the model in
use. Work runs on its own PredictionService thread (latest request wins) at most every
THROTTLE_MS, and only while the tab is visible: a hidden tab just remembers the newest input.
The tab builds its contents when first shown, so starting the app costs nothing.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core.inside_pictures import DIVERGING_ZERO, LEVELS, colors
from .activation_views import MapGrid, UnitBars, packed_grid, rgb_image, rgb_pixmap
from .form_fields import wheel_changes_only_focused_fields
from .hint_label import HintLabel, hint_colour
from .prediction_view import ProbabilityBars, gray_pixmap, verdict
from .wording import a_digit, plural

THROTTLE_MS = 60
INPUT_SCALE = 6
LEFT_WIDTH = 290
SALIENCY_SCALE = 4
KEY_WIDTH, KEY_HEIGHT = 80, 10  # a colour key's strip
HEAT_KEY = np.linspace(0, LEVELS, KEY_WIDTH).astype(np.uint16)  # the feature maps' scale, none to strongest
SIGNED_KEY = np.linspace(DIVERGING_ZERO - LEVELS, DIVERGING_ZERO + LEVELS, KEY_WIDTH).astype(np.uint16)
METHOD_NOTE = ("Gradient × input: each pixel's brightness times how fast the score changes with it. Warm ink "
               "pushed the score up, blue ink pulled it down. It takes one backward pass, so it keeps up with "
               "the pen, and it credits only ink that is there (it cannot point at a stroke left out).")
PROMPT = "Draw a digit on the Draw tab: this tab shows what the model does with it."
LOOKING = "Looking inside the model..."
PHOTO_NOTE = ("The Draw tab answers {}: it reads a photo from this input and from its ink as found, and averages "
              "the two. This tab shows the network at work on this input alone.")
STAGES_PROMPT = ("Here you will see each stage of the network at work on your drawing: what its first layer "
                 "looks for, the feature maps each convolution makes of the ink, and the units that vote for "
                 "the answer. Draw a digit on the Draw tab.")


def _averaged_answer(prediction) -> int | None:
    """The digit the Draw tab answered when it averaged several views of a photo's ink (None otherwise): this tab
    shows the network on the first view alone, which may read otherwise."""
    return prediction.digit if prediction is not None and prediction.views > 1 else None


# What each kind of module does, in words, for the tooltip of a stage's title (core.inside names them)
MODULE_WORDS = {
    "Conv2d": "learned patterns slid over its input; each map shows where one of them is found",
    "BatchNorm2d": "each map rescaled to a steady range",
    "BatchNorm1d": "each unit rescaled to a steady range",
    "ReLU": "what is below zero set to zero: only what was found stays",
    "MaxPool2d": "the strongest value of each small block: the maps shrink, what was found stays",
    "AvgPool2d": "the mean of each small block: the maps shrink",
    "Dropout": "units switched off at random while training, to learn sturdier patterns; off when reading",
    "Linear": "every value of the stage before weighed: one number per unit",
    "Flatten": "the maps laid out as one row of numbers",
}


def plain_title(layer) -> str:
    """ "conv1 · 48 maps of 26 × 26", "dense1 · 100 units": what a stage's numbers are, where core.inside's title
    gives only its shape ("conv1 · 48 × 26 × 26")."""
    if len(layer.shape) == 3:
        count, height, width = layer.shape
        return f"{layer.name} · {plural(count, 'map')} of {height} × {width}"
    return f"{layer.name} · {plural(layer.shape[0], 'unit')}"


def colour_key(low: str, indices: np.ndarray, high: str) -> QWidget:
    """A strip of the palette's colours (core.inside_pictures) with what its two ends mean."""
    key = QWidget()
    layout = QHBoxLayout(key)
    layout.setContentsMargins(0, 0, 0, 0)
    strip = QLabel()
    strip.setPixmap(rgb_pixmap(np.repeat(colors(indices)[None], KEY_HEIGHT, axis=0), 1))
    layout.addWidget(HintLabel(low))
    layout.addWidget(strip)
    layout.addWidget(HintLabel(high))
    layout.addStretch(1)
    return key


def _cell(size: int) -> int:
    """A feature map's side on screen, by its side in the model."""
    return 40 if size >= 20 else 34 if size >= 8 else 24 if size >= 4 else 16


class ProbeCache:
    """The probe for the model in use, rebuilt when the model changes; touched only by the worker thread."""

    def __init__(self):
        self._checkpoint = None
        self._probe = None

    def look(self, checkpoint, model_input, other, background):
        """A Reading, its pictures and each map grid laid out as on screen, computed on the worker thread."""
        from ..core.inside import Probe
        from ..core.inside_pictures import pictures

        if checkpoint is not self._checkpoint:
            self._probe, self._checkpoint = Probe.from_checkpoint(checkpoint), checkpoint
        reading = self._probe.read(model_input, other)
        coloured = pictures(reading)
        grids = tuple(packed_grid(levels, _cell(layer.shape[1]), background) if layer.kind in ("conv", "pool") else None
                      for layer, levels in zip(reading.layers, coloured.levels))
        return reading, coloured, grids


class InputView(QWidget):
    """The 28x28 input, large; a clicked feature map is laid over it, each of its pixels over the input's pixels it
    is centred on (core.inside.Layer.extent), or stretched to the input's size where that is not known.

    Signal `clicked` when the person clicks it (the tab then takes the map away).
    """

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._input = None
        self._overlay = None  # a QImage of the chosen map
        self._extent: tuple[float, float, float, float] | None = None  # where it lies, in input pixels
        self.setFixedSize(28 * INPUT_SCALE, 28 * INPUT_SCALE)
        self.setAccessibleName("The 28×28 input")

    def set_input(self, image) -> None:
        self._input = gray_pixmap(image, INPUT_SCALE) if image is not None else None
        self.update()

    def set_overlay(self, rgb, extent: tuple[float, float, float, float] | None = None) -> None:
        self._overlay = rgb_image(rgb) if rgb is not None else None
        self._extent = extent
        self.update()

    def overlay_rect(self) -> QRectF:
        """Where the map is drawn, in the widget's pixels."""
        if self._extent is None:
            return QRectF(self.rect())
        return QRectF(*(v * INPUT_SCALE for v in self._extent))

    def has_overlay(self) -> bool:
        return self._overlay is not None

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self.clicked.emit()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.black)
        if self._input is not None:
            painter.drawPixmap(0, 0, self._input)
        if self._overlay is not None:
            painter.setOpacity(0.8)
            outside = QPainterPath()  # the input the map does not lie over, dimmed as the map's "nothing found" is:
            outside.addRect(QRectF(self.rect()))  # left bright, its ink looked like the map's hot spots
            inside = QPainterPath()
            inside.addRect(self.overlay_rect())
            painter.fillPath(outside.subtracted(inside), Qt.black)
            painter.drawImage(self.overlay_rect(), self._overlay)
            painter.setOpacity(1.0)
        painter.setPen(self.palette().color(QPalette.Mid))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


class LayerSection(QWidget):
    """One stage: "conv1 · 32 × 26 × 26", what it is made of, and its maps (or its units as bars)."""

    def __init__(self, layer, index: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.layer = layer
        self.index = index  # the layer's place in the Reading
        title = QLabel(f"<b>{plain_title(layer)}</b> &nbsp; <span style='color: {hint_colour(self.palette()).name()}'>"
                       f"{' · '.join(layer.modules)}</span>")
        title.setToolTip("\n".join(f"{module}: {MODULE_WORDS[module.split()[0]]}" for module in layer.modules
                                   if module.split()[0] in MODULE_WORDS))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(4)
        layout.addWidget(title)
        if layer.kind == "dense":
            self.view = UnitBars()
            self.view.setToolTip("One bar per unit: how strongly it fires for this drawing")
        else:
            self.view = MapGrid(_cell(layer.shape[1]))
            self.view.setFocusPolicy(Qt.StrongFocus)  # a map is chosen with the keys too
            self.view.setAccessibleName(f"{layer.name} feature maps")
            self.view.setToolTip("One map per channel: bright where its pattern is found. Click a map, or move to "
                                 "it with the arrow keys and press Enter, to lay it over the input.")
        layout.addWidget(self.view, 0, Qt.AlignLeft)

    def show_values(self, values, levels, grid) -> None:
        """Units as bars coloured by their palette `levels` (dense), or the maps as `grid`, laid out by ProbeCache."""
        if isinstance(self.view, UnitBars):
            self.view.set_values(values, None if levels is None else colors(levels))
        else:
            self.view.set_grid(grid, 0 if values is None else len(values))


class InsideTab(QWidget):
    """Feature maps, filters, dense units, probabilities and saliency for the Draw tab's current input."""

    def __init__(self, models, draw_tab, parent: QWidget | None = None):
        super().__init__(parent)
        self.models = models
        self.service = None  # made with the contents, on first show
        self.cache = ProbeCache()
        self.reading = None  # the Reading on show
        self.pictures = None  # and its pictures
        self._filters_shown = None  # the first-layer filters on show (they change only with the model)
        self.updates = 0  # readings shown, for tests and benchmarks
        self._input = None  # the newest 28x28 input from the Draw tab (None: nothing drawn)
        self._source = ""  # which digit of a number that input is (Number mode), for the input's caption
        self._number = None  # the Draw tab's NumberReading in Number mode (None: a single digit, or nothing)
        self._digit_chosen: int | None = None  # the digit of it the person chose to look at (None: follow the pen)
        self._averaged: int | None = None  # the Draw tab's answer when it averaged views of a photo's ink
        self._selected: tuple[int, int] | None = None  # (layer index, map index) laid over the input
        self.sections: list[LayerSection] = []
        self._layout = QHBoxLayout(self)
        self._throttle = QTimer(self, singleShot=True, interval=THROTTLE_MS)
        self._throttle.timeout.connect(self.update_now)
        draw_tab.predictionShown.connect(self._on_prediction)
        draw_tab.numberShown.connect(self._on_number)
        models.changed.connect(lambda _: self.request())

    # --- building --------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        self.build()
        super().showEvent(event)
        self.request()

    def build(self) -> None:
        if self.service is not None:
            return
        from .prediction_service import PredictionService

        self.service = PredictionService(self)
        self.service.predicted.connect(self._on_read)
        self.service.failed.connect(self._on_failed)

        self.digit_choice = QComboBox()
        self.digit_choice.setToolTip("Which digit of the number to look inside: the one written last, or another")
        self.digit_choice.setAccessibleName("Digit of the number")
        self.digit_choice.activated.connect(self._choose_digit)  # the person's choice, not the list's refills
        self.digit_row = QWidget()
        digit_row = QHBoxLayout(self.digit_row)
        digit_row.setContentsMargins(0, 0, 0, 0)
        digit_row.addWidget(QLabel("Digit"))
        digit_row.addWidget(self.digit_choice, 1)
        self.input_view = InputView()
        self.input_view.clicked.connect(lambda: self._select(None))
        self.input_caption = QLabel("What the model sees (28×28)")
        self.input_caption.setWordWrap(True)
        self.input_caption.setAlignment(Qt.AlignCenter)
        self.answer = QLabel(PROMPT)
        self.answer.setWordWrap(True)
        font = QFont(self.answer.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.answer.setFont(font)
        self.photo_note = QLabel()  # shown when the Draw tab's answer for a photo differs from this view's
        self.photo_note.setWordWrap(True)
        self.photo_note.hide()
        self.bars = ProbabilityBars()
        self.bars.setFixedHeight(10 * 18)
        self.why = QLabel()
        self.why_not = QLabel()
        for label in (self.why, self.why_not):
            label.setFixedSize(28 * SALIENCY_SCALE, 28 * SALIENCY_SCALE)
            label.setStyleSheet("background: black;")
        self.why_caption = QLabel("why –")
        self.why_not_caption = QLabel("")
        self.other_choice = QComboBox()
        self.other_choice.addItem("the runner-up", None)
        for digit in range(10):
            self.other_choice.addItem(str(digit), digit)
        self.other_choice.setToolTip("Which other digit to compare with: what in the drawing makes it the answer "
                                     "rather than this one")
        self.other_choice.currentIndexChanged.connect(lambda _: self.request())
        self.method = HintLabel(METHOD_NOTE)
        self.method.setWordWrap(True)
        choice = QHBoxLayout()
        choice.addWidget(QLabel("Why not"))
        choice.addWidget(self.other_choice, 1)
        saliency = QGridLayout()
        saliency.addWidget(self.why, 0, 0)
        saliency.addWidget(self.why_not, 0, 1)
        saliency.addWidget(self.why_caption, 1, 0, Qt.AlignHCenter)
        saliency.addWidget(self.why_not_caption, 1, 1, Qt.AlignHCenter)
        saliency.addWidget(colour_key("against", SIGNED_KEY, "for the answer"), 2, 0, 1, 2, Qt.AlignHCenter)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.digit_row)
        left_layout.addWidget(self.input_view, 0, Qt.AlignHCenter)
        left_layout.addWidget(self.input_caption)
        left_layout.addSpacing(6)
        left_layout.addWidget(self.answer)
        left_layout.addWidget(self.photo_note)
        left_layout.addWidget(self.bars)
        left_layout.addSpacing(6)
        left_layout.addWidget(QLabel("<b>Which ink made the answer</b>"))
        left_layout.addLayout(choice)
        left_layout.addLayout(saliency)
        left_layout.addWidget(self.method)
        left_layout.addStretch(1)
        left.setFixedWidth(LEFT_WIDTH)
        wheel_changes_only_focused_fields(left)  # the wheel scrolls the pane, not past "Why not"'s digits

        prompt = HintLabel(STAGES_PROMPT)
        prompt.setWordWrap(True)
        prompt.setAlignment(Qt.AlignCenter)
        prompt.setFixedWidth(440)  # a short measure reads as a note, not a banner
        prompt.setMinimumHeight(prompt.heightForWidth(440))  # a scroll area's layout would not ask
        self.stages_prompt = QWidget()  # the side is empty until there is a drawing to show
        prompt_layout = QVBoxLayout(self.stages_prompt)
        prompt_layout.setContentsMargins(0, 100, 0, 0)
        prompt_layout.addWidget(prompt, 0, Qt.AlignHCenter)
        self.filters_title = QLabel("")
        self.filters = MapGrid(26)
        self.filters.setToolTip("The first convolution's learned filters: warm weights add the ink under them, "
                                "blue ones subtract it. Each makes one of the first layer's feature maps.")
        self.keys = QWidget()  # what the colours mean, above the pictures they colour
        keys_layout = QHBoxLayout(self.keys)
        keys_layout.setContentsMargins(0, 0, 0, 0)
        keys_layout.addWidget(colour_key("Filters: take ink away", SIGNED_KEY, "add it"))
        keys_layout.addSpacing(24)
        keys_layout.addWidget(colour_key("Feature maps: nothing found", HEAT_KEY, "found strongly"))
        keys_layout.addStretch(1)
        stages = QWidget()
        self.stages_layout = QVBoxLayout(stages)
        self.stages_layout.addWidget(self.stages_prompt)
        self.stages_layout.addWidget(self.keys)
        self.stages_layout.addWidget(self.filters_title)
        self.stages_layout.addWidget(self.filters, 0, Qt.AlignLeft)
        self.stages_layout.addStretch(1)
        right = QScrollArea()
        right.setWidget(stages)
        right.setWidgetResizable(True)
        left_scroll = QScrollArea()
        left_scroll.setWidget(left)
        left_scroll.setWidgetResizable(True)
        for area in (left_scroll, right):  # Tab goes straight to the controls and maps in them, which scroll to show
            area.setFocusPolicy(Qt.NoFocus)  # themselves: a pane's own stop showed no focus at all
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        left_scroll.setFixedWidth(LEFT_WIDTH + left_scroll.verticalScrollBar().sizeHint().width() + 4)
        self._layout.addWidget(left_scroll)
        self._layout.addWidget(right, 1)
        self._fill_digit_choice()
        self._show(None, None, None, PROMPT if self._input is None else LOOKING)  # the first look takes a second

    # --- requests --------------------------------------------------------------------------------
    def _on_prediction(self, prediction) -> None:
        self._input = None if prediction is None else prediction.model_input
        self._source = ""
        self._averaged = _averaged_answer(prediction)
        if self._number is not None:  # Number mode left: its digit list goes (not redone at every single answer)
            self._number = self._digit_chosen = None
            self._fill_digit_choice()
        self.request()

    def _on_number(self, reading) -> None:
        self._number = reading if reading is not None and reading.digits else None
        self._follow_number()

    def _choose_digit(self, index: int) -> None:
        self._digit_chosen = index - 1 if index > 0 else None  # the list's first entry follows the pen
        self._follow_number()

    def _follow_number(self) -> None:
        """In Number mode the tab shows the digit the person chose, else the one being written (the one the last
        stroke is in), else the last."""
        reading = self._number
        if reading is None:
            self._input, self._source, self._averaged, self._digit_chosen = None, "", None, None
        else:
            if self._digit_chosen is not None and self._digit_chosen >= len(reading.digits):
                self._digit_chosen = None  # that digit is gone (undone, or the number read anew)
            following = self._digit_chosen is None
            index = (len(reading.digits) - 1 if reading.newest is None else reading.newest) if following \
                else self._digit_chosen
            self._input = reading.digits[index].model_input
            self._averaged = _averaged_answer(reading.digits[index])
            self._source = (f"Digit {index + 1} of {len(reading.digits)} in {reading.display}"
                            f"{', the one you wrote last' if following and reading.newest is not None else ''}")
        self._fill_digit_choice()
        self.request()

    def _fill_digit_choice(self) -> None:
        """The list of the number's digits to choose from, shown in Number mode only; rebuilt only when they change
        (answers arrive many times a second, and a rebuild would close the list the person has open)."""
        if self.service is None:  # not built yet: build() fills it
            return
        digits = self._number.digits if self._number is not None else ()
        written = self._number is not None and self._number.newest is not None  # a photo's number was not written
        entries = ["the one written last" if written else "the last one"] + [
            f"{i + 1}: {'?' if d.unsure else d.digit}" for i, d in enumerate(digits)]
        if [self.digit_choice.itemText(i) for i in range(self.digit_choice.count())] != entries:
            self.digit_choice.clear()
            self.digit_choice.addItems(entries)
        self.digit_choice.setCurrentIndex(0 if self._digit_chosen is None else self._digit_chosen + 1)
        self.digit_row.setVisible(self._number is not None)

    def request(self) -> None:
        """Ask for an update soon; nothing happens while the tab is hidden (showing it asks again)."""
        if self.isVisible() and not self._throttle.isActive():
            self._throttle.start()

    def update_now(self) -> None:
        self._throttle.stop()
        if self.service is None or not self.isVisible():
            return
        predictor = self.models.predictor
        if predictor is None or self._input is None:
            self._show(None, None, None, "Loading the model..." if predictor is None else PROMPT)
            return
        paper = self.palette().color(QPalette.Window)
        job_args = (predictor.checkpoint, self._input, self.other_choice.currentData(),
                    (paper.red(), paper.green(), paper.blue()))
        self.service.submit(lambda: self.cache.look(*job_args))

    def _on_read(self, result, seconds: float) -> None:
        self._show(*result)

    def _on_failed(self, message: str) -> None:
        self._show(None, None, None, f"Could not look inside the model: {message}")

    # --- showing ---------------------------------------------------------------------------------
    def _show(self, reading, pictures, grids, message: str = "") -> None:
        self.reading, self.pictures = reading, pictures
        self.stages_prompt.setVisible(reading is None and message == PROMPT)
        for stage in (self.keys, self.filters_title, self.filters, *self.sections):
            stage.setVisible(reading is not None)
        if reading is None:
            self.answer.setText(message)
            self.photo_note.hide()
            self.bars.set_probabilities(None)
            self.input_view.set_input(None)
            self.why.clear()
            self.why_not.clear()
            self.why_caption.setText("why –")
            self.why_not_caption.setText("")
            self._offer_others(None)
            for section in self.sections:
                section.show_values(None, None, None)
            self.filters.set_maps(None)
            self._filters_shown = None
            self._select(None)
            return
        self.updates += 1
        probabilities = tuple(float(p) for p in reading.probabilities)
        big, caption = verdict(probabilities)  # worded as on the Draw tab
        self.answer.setText(caption if big == "?" else f"It reads {big}, {caption}")
        differs = self._averaged not in (None, reading.answer)
        self.photo_note.setText(PHOTO_NOTE.format(self._averaged) if differs else "")
        self.photo_note.setVisible(differs)
        self.bars.set_probabilities(probabilities)
        self.input_view.set_input(reading.model_input)
        self.why.setPixmap(rgb_pixmap(pictures.saliency, SALIENCY_SCALE))
        self.why_not.setPixmap(rgb_pixmap(pictures.contrast, SALIENCY_SCALE))
        self.why_caption.setText(f"why {reading.answer}")
        self.why_not_caption.setText(f"why {reading.answer}, not {reading.other}")
        answer, other = a_digit(reading.answer), a_digit(reading.other)
        self.why.setToolTip(f"Ink that made it {answer} (warm) or spoke against it (blue)")
        self.why_not.setToolTip(f"Ink that makes it {answer} rather than {other} (warm), "
                                f"or {other} rather than {answer} (blue)")
        self._offer_others(reading)
        if [section.layer for section in self.sections] != [layer for layer in reading.layers
                                                             if layer.kind != "output"]:
            self._build_sections(reading)
        for section in self.sections:
            i = section.index
            section.show_values(reading.activations[i], pictures.levels[i], grids[i])
        if reading.filters is not self._filters_shown:  # one model's probe hands the same filters every time
            self._filters_shown = filters = reading.filters
            self.filters_title.setText(f"<b>What the first layer looks for</b> &nbsp; its {filters.shape[0]} learned "
                                       f"{filters.shape[1]} × {filters.shape[2]} filters" if len(filters)
                                       else "<b>This model has no convolution</b>, so no filters to show")
            self.filters.set_maps(pictures.filters)
        self._show_overlay()

    def _offer_others(self, reading) -> None:
        """"Why not" offers every digit but the answer; a digit chosen that became the answer gives way to the
        runner-up, which the picture then shows (the combo showed the digit, the picture another). No reading:
        no runner-up to name."""
        if reading is not None and self.other_choice.currentData() == reading.answer:
            with QSignalBlocker(self.other_choice):
                self.other_choice.setCurrentIndex(0)
        ranked = [] if reading is None else sorted(range(10), key=lambda digit: reading.probabilities[digit])
        runner_up = ranked[-2] if ranked else None  # reading.other is the digit chosen, when one is
        self.other_choice.setItemText(0, "the runner-up" if runner_up is None else f"{runner_up}, the runner-up")
        for digit in range(10):
            self.other_choice.model().item(digit + 1).setEnabled(reading is None or digit != reading.answer)

    def _build_sections(self, reading) -> None:
        self._select(None)
        for section in self.sections:
            self.stages_layout.removeWidget(section)
            section.deleteLater()
        self.sections = []
        for index, layer in enumerate(reading.layers):
            if layer.kind == "output":
                continue  # the probabilities on the left are the output
            section = LayerSection(layer, index)
            if isinstance(section.view, MapGrid):
                section.view.chosen.connect(lambda channel, i=len(self.sections): self._select((i, channel)))
            self.stages_layout.insertWidget(self.stages_layout.count() - 1, section)
            self.sections.append(section)

    def _select(self, choice: tuple[int, int] | None) -> None:
        """Lay a feature map over the input (clicking it again, or the input, takes it away)."""
        self._selected = None if choice == self._selected else choice
        for i, section in enumerate(self.sections):
            if isinstance(section.view, MapGrid):
                section.view.set_selected(self._selected[1] if self._selected and self._selected[0] == i else None)
        self._show_overlay()

    def _show_overlay(self) -> None:
        if self._selected is None or self.reading is None:
            self.input_view.set_overlay(None)
            sees = "the model sees (28×28). Click a feature map (or Tab to the maps) to lay it over this."
            self.input_caption.setText(f"{self._source}: what {sees}" if self._source and self.reading is not None
                                       else f"What {sees}")
            return
        section_index, channel = self._selected
        section = self.sections[section_index]
        self.input_view.set_overlay(colors(self.pictures.levels[section.index][channel]), section.layer.extent)
        where = f"{self._source}: " if self._source else ""  # which digit of a number: still said
        self.input_caption.setText(f"{where}{section.layer.name} map {channel + 1} of {section.layer.shape[0]} over "
                                   "the input; choose it again, or click the input, to go back")

    def shutdown(self) -> None:
        self._throttle.stop()
        if self.service is not None:
            self.service.shutdown()

