"""The Draw tab: the pad, its tools, and the live answer beside it.

While a stroke is drawn the tab asks for a prediction at most every THROTTLE_MS (and once more
at pen-up); the work runs on the PredictionService's thread, so the pen never waits for the model.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QRectF, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QShortcut
from PySide6.QtWidgets import QApplication, QCheckBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from ..core.images import LOOKS_LIKE_SEVERAL, ORIGINAL_SIZE, load_image, nothing_found
from ..core.number_reading import is_unsure, reading_note
from ..core.personal import PersonalSetError, Sample
from ..core.preprocess import on_paper
from ..core.strokes import in_heights
from . import shortcuts
from .canvas import PEN_WIDTH_RANGE, DrawingCanvas, PadArea, Photo
from .correction_row import CorrectionRow, KeptNote
from .failure_style import failure_style
from .hint_label import HintLabel
from .label_room import keep_room_for_lines
from .latest_request import LatestRequest
from .model_manager import ModelManager
from .number_view import NumberView
from .personal_store import PersonalDigits
from .prediction_service import PredictionService
from .prediction_view import PredictionPanel
from .wording import a_digit, how_read

THROTTLE_MS = 40  # at most 25 predictions a second while the pen moves
OUTLINE_COLOR = "#e8412c"  # the region of a photo that was read
UNSURE_COLOR = "#e07800"  # a digit of a photographed number read with little confidence (dashed)
PHOTO_NOT_KEPT = "A photo is read, not kept: your digits keep drawings on the pad, with their strokes"
UNREADABLE_SET = "the file of your kept digits cannot be read; My digits... says why"
MARK_NOTE = "No digit: a dot or a dash on its own is not read as one"  # the caption for what strokes.is_mark turns away


PEN_SLIDER_MAX = 320  # px: on the wide Number-mode pad of a maximised window the slider ran to 850 px
UNSURE_ENTER = "Not kept: the model is not sure what this is. Press the digit it was, or click it under \"It was\""


@dataclass(frozen=True)
class _Kept:
    """What keeping a drawing did (DrawTab._keep)."""

    count: int  # the person's digits kept now
    label: int  # the digit it was kept as
    read: int  # the reading kept with it
    key: tuple  # the new sample's
    replaced: list  # the samples kept before whose place it took (the same drawing, or a digit corrected again)
    unsure: bool  # the reading kept was shown as "?"


@dataclass(frozen=True)
class _Failed:
    """A read that raised (a file that cannot be read), kept with its request so a late one is dropped too."""

    message: str


def _read_drawing(predictor, strokes, size):
    """The reading of one drawing on the pad; None for no digit (an empty pad, a lone dot or dash)."""
    return predictor.predict_drawings([(strokes, size)])[0]


def _attempt(generation, job):
    """(generation, what `job` answers), or (generation, _Failed) when it raised: in the prediction thread."""
    try:
        return generation, job()
    except Exception as e:  # the job reads the person's files: any failure is shown, never raised into Qt
        return generation, _Failed(str(e) or type(e).__name__)


def _read_file(predictor, path: str, image=None):
    """(Reading, the upright decoded image shown under the outline), in the prediction thread; the file is decoded
    unless its `image` is given (a photo read before)."""
    image = load_image(path) if image is None else image
    return predictor.read(image), image


def _read_number_file(predictor, path: str, image=None):
    """(NumberReading, the upright decoded image shown under the digits' boxes), as `_read_file`."""
    image = load_image(path) if image is None else image
    return predictor.read_number(image), image


def photo_with_outline(image, boxes: list[tuple[tuple[int, int, int, int], bool]],
                       original_size: tuple[int, int]) -> QImage:
    """The opened image as the pad shows it, each region that was read outlined: (box in the file's pixels,
    unsure) pairs; an unsure digit of a number is dashed in another colour."""
    rgb = on_paper(image).convert("RGB")  # a transparent PNG on paper its ink shows on
    data = rgb.tobytes()
    picture = QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format_RGB888).copy()
    factor = rgb.width / original_size[0]
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.Antialiasing)
    width = max(2.0, max(rgb.size) / 160)  # about 2 px once the pad shrinks the image to its size
    margin = width * 1.5
    for box, unsure in boxes:
        x, y, w, h = (v * factor for v in box)
        painter.setPen(QPen(QColor(UNSURE_COLOR if unsure else OUTLINE_COLOR), width,
                            Qt.DashLine if unsure else Qt.SolidLine))
        painter.drawRect(QRectF(x - margin, y - margin, w + 2 * margin, h + 2 * margin))
    painter.end()
    return picture


class DrawTab(QWidget):
    """Signal `predictionShown(prediction or None)` fires whenever the panel shows a new answer;
    in Number mode `numberShown(reading or None)` does."""

    predictionShown = Signal(object)
    numberShown = Signal(object)

    def __init__(self, models: ModelManager, personal: PersonalDigits, parent: QWidget | None = None):
        super().__init__(parent)
        self.models = models
        self.personal = personal
        self._kept_digits: dict[tuple, list[_Kept]] = {}  # a number's digit (_digit_ink) -> its keepings, latest last
        self._kept_keys: set[tuple] | None = None  # every kept digit's Sample.key(), read again after each change
        self.service = PredictionService(self)
        self.canvas = DrawingCanvas()
        self.panel = PredictionPanel()
        self.source_label = HintLabel("")
        self.source_label.setWordWrap(True)  # a file's reason for not being read can be long
        # Room for two lines, kept when there are fewer: a second line coming and going moved the pad and its buttons
        keep_room_for_lines(self.source_label)
        self.source_label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self._failed_note = ""  # why the last file opened could not be read, while the pad shows what it replaced
        self._generation = LatestRequest()  # renewed whenever what is predicted is replaced: late answers are dropped
        self._photo: Photo | None = None  # the pad's photo being read or shown (see _follow_pad)
        self.reading = None  # the last Reading of an opened image, with its box and marks
        self.correction = CorrectionRow()
        self.correction.chosen.connect(self.keep_drawing)
        self.kept_note = KeptNote()
        personal.changed.connect(self._on_personal_changed)
        self._pad_changes = 0  # every change of the pad, counted: was an Undo the first change after a keep?
        self._last_keep: tuple[_Kept, int] | None = None  # the drawing kept last, and _pad_changes once kept
        self._taken_back: tuple[tuple, int] | None = None  # keep_drawing's arguments taken back, and _pad_changes then
        self.my_digits_button = QPushButton("My digits...")  # the window opens the view
        self.my_digits_button.setToolTip("See the digits you kept and how the model reads them now; delete, "
                                         f"import or export them ({shortcuts.MY_DIGITS.shown()})")
        for digit, sequence in enumerate(shortcuts.KEEP_AS.sequences()):
            QShortcut(sequence, self, lambda d=digit: self._key_chosen(d))
        for sequence in shortcuts.KEEP_AS_READ.sequences():
            QShortcut(sequence, self, self._enter_pressed)

        self.undo_button = QPushButton("Undo")
        self.redo_button = QPushButton("Redo")
        self.clear_button = QPushButton("Clear")
        self.undo_button.setToolTip(f"Undo the last stroke, or the keeping of a drawing just kept "
                                    f"({shortcuts.UNDO.shown()})")
        self.redo_button.setToolTip(f"Redo ({shortcuts.REDO.shown()})")
        self.clear_button.setToolTip(f"Clear the pad ({shortcuts.CLEAR.shown()})")
        self.undo_button.clicked.connect(self.canvas.undo)
        self.canvas.undone.connect(self._on_undone)
        self.canvas.redone.connect(self._on_redone)
        self.redo_button.clicked.connect(self.canvas.redo)
        self.clear_button.clicked.connect(self.clear)
        self.pen_slider = QSlider(Qt.Horizontal)
        self.pen_slider.setRange(int(PEN_WIDTH_RANGE[0]), int(PEN_WIDTH_RANGE[1]))
        self.pen_slider.setValue(int(self.canvas.pen_width()))
        self.pen_slider.setToolTip("Pen width on the pad. The model always gets MNIST-thick strokes, "
                                   "whatever the width you see.")
        self.pen_slider.valueChanged.connect(self.canvas.set_pen_width)
        self.pen_slider.setAccessibleName("Pen width")
        self.panel.setAccessibleName("The model's answer")
        self.number_toggle = QCheckBox("Number")
        self.number_toggle.setToolTip("Number mode: write several digits on a wide pad and read the whole number")
        self.number_view = NumberView()
        self.number_view.setAccessibleName("The number read")
        self.number_view.corrected.connect(self.keep_number_digit)
        self.canvas.boxClicked.connect(self.number_view.ask_correction)
        # A click on one of these leaves the keyboard focus on the pad, as it does on a drawing app's tools: its focus
        # ring stays, and Enter keeps the drawing as read (with the focus on Undo, Enter undid another stroke).
        # Tab still reaches each of them, and Enter or Space presses the one tabbed to.
        for control in (self.undo_button, self.redo_button, self.clear_button, self.pen_slider, self.number_toggle,
                        self.correction.right_button, *self.correction.digit_buttons, self.my_digits_button):
            control.setFocusPolicy(Qt.TabFocus)

        tools = QHBoxLayout()
        for button in (self.undo_button, self.redo_button, self.clear_button):
            tools.addWidget(button)
        tools.addSpacing(12)
        tools.addWidget(QLabel("Pen"))
        self.pen_slider.setMaximumWidth(PEN_SLIDER_MAX)
        tools.addWidget(self.pen_slider, 1)
        tools.addStretch(0)  # beyond the slider's widest, the room goes between it and the Number toggle
        tools.addSpacing(12)
        tools.addWidget(self.number_toggle)
        left = QVBoxLayout()
        self.pad = PadArea(self.canvas)  # the pad grows with the window
        left.addWidget(self.pad, 1)
        left.addLayout(tools)
        left.addWidget(self.number_view)
        correction = QHBoxLayout()
        correction.addWidget(self.correction, 1)
        correction.addWidget(self.my_digits_button, 0, Qt.AlignTop | Qt.AlignRight)
        left.addLayout(correction)
        left.addWidget(self.kept_note)
        left.addWidget(self.source_label)
        left.addStretch(0)  # Number mode's room to spare: below everything, not between the pad and its buttons
        self._left = left
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addSpacing(16)
        layout.addWidget(self.panel, 2)

        self.panel.room_changed.connect(self._keep_room_for_the_answer)  # narrower, or longer text: more lines

        self._throttle = QTimer(self, singleShot=True, interval=THROTTLE_MS)
        self._throttle.timeout.connect(self.predict_now)
        self.canvas.changed.connect(self._on_canvas_changed)
        self.canvas.strokeFinished.connect(self.predict_now)
        self.canvas.strokeFinished.connect(self._update_buttons)
        self.service.predicted.connect(self._on_predicted)
        models.changed.connect(lambda _: self.predict_now())
        self._update_buttons()
        self.set_number_mode(QSettings().value("number_mode", False) in (True, "true"))  # as written, not "banana"
        self.number_toggle.toggled.connect(self.set_number_mode)

    # --- what to predict -------------------------------------------------------------------------
    def _on_canvas_changed(self) -> None:
        self._pad_changes += 1
        self._follow_pad()
        self._failed_note = ""
        if self._photo is None:
            self._say_under_pad("")  # also a note that an opened file could not be read
        self.kept_note.show_text("")  # the note about the last kept digit
        self._update_buttons()
        if not self._throttle.isActive():
            self._throttle.start()

    def clear(self) -> None:
        self.canvas.clear()
        self.predict_now()

    def predict_now(self) -> None:
        """Ask for a prediction of what the pad (or an opened image) shows now."""
        self._throttle.stop()
        predictor = self.models.predictor
        if predictor is None:
            self.panel.show_message("Loading the model...")
            return
        number = self.canvas.number_mode()
        if self._photo is not None:
            job = partial(_read_number_file if number else _read_file, predictor, self._photo.path, self._photo.image)
        elif self.canvas.is_empty():
            self._generation.new()
            self._show_number(None) if number else self._show(None)
            return
        elif number:
            job = partial(predictor.read_number_strokes, self.canvas.strokes(),
                          (self.canvas.width(), self.canvas.height()))
        else:
            job = partial(_read_drawing, predictor, self.canvas.strokes(), (self.canvas.width(), self.canvas.height()))
        generation = self._generation.current  # answers for the same drawing as it grows all count
        self.service.submit(partial(_attempt, generation, job))

    def open_image(self, path: str | os.PathLike) -> None:
        """Predict an image file; the pad shows it until the person draws again, or Undo gives back what it
        replaced (as does a file that cannot be read)."""
        self.canvas.show_photo(Photo(str(path)))
        self.predict_now()

    def _follow_pad(self) -> None:
        """A photo came on the pad (opened, or brought back by Undo or Redo) or left it: what is read changes."""
        photo = self.canvas.photo()
        if photo is self._photo:
            return
        self._generation.new()
        self._photo = photo
        self._failed_note = ""
        self.reading = None
        self._say_under_pad(f"Reading {os.path.basename(photo.path)}..." if photo else "")

    def _show_picture(self, image, boxes: list[tuple[tuple[int, int, int, int], bool]],
                      original_size: tuple[int, int]) -> None:
        """The photo read: shown with what was read outlined, its decoded image kept to read it again."""
        self._photo.image = image
        self._photo.picture = photo_with_outline(image, boxes, original_size)
        self.canvas.update()

    # --- answers ---------------------------------------------------------------------------------
    def _on_predicted(self, result, seconds: float) -> None:
        generation, answer = result
        if not self._generation.is_current(generation):
            return
        if isinstance(answer, _Failed):
            self._on_failed(answer.message)
            return
        if self.canvas.number_mode():
            self._show_number(answer)
            return
        if self._photo is None:
            self._show(answer)
            return
        self.reading, image = answer
        self._show_picture(image, [(self.reading.box, False)] if self.reading.found else [], self.reading.size)
        self._say_under_pad(self._failed_note or self._photo_note(self.reading), failed=bool(self._failed_note))
        self._show(self.reading.prediction)

    def _say_under_pad(self, text: str, failed: bool = False) -> None:
        """The note under the pad about an opened file; one that could not be read is said in the error colour (in
        the hint's grey it was easily missed)."""
        self.source_label.setText(text)
        self.source_label.setStyleSheet(failure_style(failed))

    def _photo_note(self, reading) -> str:
        """What the pad's caption says about an opened image once it has been read."""
        name = os.path.basename(self._photo.path)
        if not reading.found:
            return f"{name}: {nothing_found(reading.size)}"
        if reading.marks > 1:
            which = f", which {LOOKS_LIKE_SEVERAL}" if reading.several else ""
            return (f"{name}: {reading.marks} separate marks; reading the largest (outlined){which}; "
                    "Number mode reads them all")
        if reading.several:
            return f"{name}: the outlined ink {LOOKS_LIKE_SEVERAL}; Number mode reads each digit"
        return f"{name}: the outlined ink was read"

    def _on_failed(self, message: str) -> None:
        if self._photo is not None:
            path = self._photo.path
            note = f"Could not read {os.path.basename(path)}"
            if self._photo.image is None:  # its file could not be read: the photo leaves the pad
                self.canvas.revert()  # the drawing or photo it replaced, back as it was
                self._photo = self.canvas.photo()
                self._update_buttons()
                # The reason under the pad (its message names the file as core.images does, by Path), and what the
                # pad shows read again, so its answer is back to keep (on an empty pad, the prompt: the reason on
                # the answer's side pushed the bars down); a late answer about the file is dropped
                reason = message.removeprefix(f"{Path(path)}: ")
                drawn = self._photo is not None or not self.canvas.is_empty()
                self._failed_note = f"{note}: {reason}." + (" The drawing is as it was." if drawn else "")
                self._say_under_pad(self._failed_note, failed=True)
                self._generation.new()
                self.predict_now()
                return
            self._say_under_pad(note, failed=True)
        if self.canvas.number_mode():
            self.number_view.show_message(message)
            self.numberShown.emit(None)
            return
        self._offer_row(None)  # nothing read to keep
        self.panel.show_message(message)
        self.predictionShown.emit(None)

    def _offer_row(self, digit: int | None, unsure: bool = False) -> None:
        """The correction row set for a drawing read as `digit` (see CorrectionRow.set_predicted). A button of the row
        with the focus that is about to grey out or hide hands the focus to the pad first: Qt would pass it to the
        next button, and Enter would then press "0" or open My digits."""
        focused = QApplication.focusWidget()
        if focused is not None and self.correction.isAncestorOf(focused) and (
                digit is None or (unsure and focused is self.correction.right_button)):
            self.canvas.setFocus(Qt.OtherFocusReason)
        self.correction.set_predicted(digit, unsure, PHOTO_NOT_KEPT if self._photo is not None else "")

    def _show(self, prediction) -> None:
        from_drawing = prediction is not None and self._photo is None and not self.canvas.is_empty()
        if from_drawing:  # a "?" on the panel: the row asks what it was
            self._offer_row(prediction.digit, unsure=is_unsure(prediction.probabilities))
        else:
            self._offer_row(None)
        self.panel.show_prediction(prediction)
        if prediction is None and self._photo is not None:
            self.panel.show_message(f"No digit found in {os.path.basename(self._photo.path)}")
        elif prediction is None and not self.canvas.is_empty():
            self.panel.show_message(MARK_NOTE)
        self.predictionShown.emit(prediction)

    def answer_text(self) -> str:
        """What is read, as text to paste: the number as shown, or the digit; "" when no digit is read as sure."""
        shown = self.number_view.text() if self.canvas.number_mode() else self.panel.digit_label.text()
        return shown if any(c.isdigit() for c in shown) else ""

    def _enter_pressed(self) -> None:
        """Enter keeps the drawing as read, unless one of this tab's buttons has the focus: then it presses that
        button, as Enter does on a button (the shortcut took it, and "No, it was 3" kept the drawing as read)."""
        focused = QApplication.focusWidget()
        if isinstance(focused, QPushButton) and self.isAncestorOf(focused):  # not a check box: Enter does not tick it
            focused.click()
            return
        read = self.correction.read_as()  # none while the row asks what an unsure drawing was
        if read is None and self.correction.isEnabled():
            self.kept_note.show_text(UNSURE_ENTER)  # Enter did nothing visible: say what to do instead
        self._key_chosen(read)

    def _key_chosen(self, digit: int | None) -> None:
        if digit is not None and self.correction.isEnabled():
            self.keep_drawing(digit)
        elif self._photo is not None and not self.canvas.number_mode():
            self.kept_note.show_text(PHOTO_NOT_KEPT)  # the key did nothing visible: say why

    def keep_drawing(self, label: int) -> None:
        """Add the drawing, with its true label and the model's reading, to the person's own set; clear the pad.

        The reading is taken again from exactly the strokes kept (a few milliseconds): the answer on
        show may be a live one from a few points earlier. Nothing is kept while the pen is down.
        """
        if self.canvas.is_drawing() or self.models.predictor is None:
            return
        kept = self._keep(self.canvas.strokes(), (self.canvas.width(), self.canvas.height()), label)
        if kept is not None:
            self.clear()  # the empty pad greys the row out: a button of it tabbed to hands the focus to the pad
            self._kept_shown(kept)

    def _kept_shown(self, kept: _Kept, again: bool = False) -> None:
        """Say what was kept; the next Undo, if it is the pad's next change, takes it back."""
        self._last_keep = kept, self._pad_changes
        verdict = how_read(kept.label, kept.read, kept.unsure)
        replaced = ", in place of the same drawing kept before" if kept.replaced else ""
        self.kept_note.show_text(f"✓ Kept{' again' * again} as {a_digit(kept.label)} ({verdict}){replaced}; "
                                 f"{kept.count} of your digits kept (Undo takes it back)")

    def _on_undone(self) -> None:
        """An Undo that is the first change of the pad after a drawing was kept takes the keeping back: the digit
        leaves the person's set and what it replaced returns, so a key pressed by mistake leaves no wrong digit to
        learn from. On the square pad it also brings back the drawing, which the keeping cleared; in Number mode the
        keeping left the pad as it was, and its Undo leaves it so (DrawingCanvas.add_undo_step)."""
        last, self._last_keep, self._taken_back = self._last_keep, None, None
        if last is None or self._pad_changes != last[1] + 1:
            return
        kept, _ = last
        try:
            count = self.personal.take_back(kept.key, kept.replaced)
        except PersonalSetError:
            self.kept_note.show_text(f"Not taken back: {UNREADABLE_SET}", failed=True)
            return
        redo = ""
        if not self.canvas.number_mode():  # the drawing is back on the pad: Redo clears it and keeps it again
            self._taken_back = (self.canvas.strokes(), (self.canvas.width(), self.canvas.height()), kept.label), \
                self._pad_changes
            redo = " (Redo keeps it again)"
        self.kept_note.show_text(f"↶ Taken back: not kept as {a_digit(kept.label)}; {count} of your digits kept{redo}")

    def _on_redone(self) -> None:
        """A Redo right after a keeping was taken back does the keeping again, as it clears the pad again: it had
        cleared the pad and kept nothing."""
        taken, self._taken_back = self._taken_back, None
        if taken is None or self._pad_changes != taken[1] + 1 or self.models.predictor is None:
            return
        kept = self._keep(*taken[0])
        if kept is not None:
            self._kept_shown(kept, again=True)

    def _keep(self, strokes, size, label: int, read: int | None = None, unsure: bool | None = None,
              replacing: tuple | None = None) -> _Kept | None:
        """Keep a drawing in the person's set with its true label and the model's reading (`read` and whether it
        was shown as "?", `unsure`, else the drawing's own, taken now), in place of the sample whose key is
        `replacing` if it is still kept; None when nothing was kept."""
        prediction = _read_drawing(self.models.predictor, strokes, size)
        if prediction is None:
            return None
        sample = Sample.of_reading(strokes, size, label, prediction, read, unsure)
        try:
            count, replaced = self.personal.add(sample, replacing=replacing)
        except PersonalSetError:  # said under the pad: the reading stays (the error took its place)
            self.kept_note.show_text(f"Not kept: {UNREADABLE_SET}", failed=True)
            return None
        return _Kept(count, label, sample.predicted, sample.key(), replaced, sample.unsure)

    def _on_personal_changed(self) -> None:
        """The person's kept digits changed (here, in My digits, or outside the app): the note about the last one kept
        may be stale, and a number's digits show as kept only while they are."""
        self.kept_note.show_text("")
        self._kept_keys = None
        if self.canvas.number_mode() and self._photo is None:
            self.predict_now()

    # --- Number mode -----------------------------------------------------------------------------
    def set_number_mode(self, on: bool) -> None:
        """Switch between one digit on a square pad and a whole number on a wide one (remembered)."""
        self.number_toggle.setChecked(on)
        self._generation.new()  # an answer of the other kind still on its way is dropped
        self._last_keep = None  # a keeping is taken back only by the Undo right after it, on its own pad
        self.kept_note.show_text("")  # about the other pad's drawing ("Redo keeps it again" was greyed here)
        photo = self.canvas.photo()
        self.canvas.set_number_mode(on)  # each mode has its own drawing and undo history
        self._left.setStretchFactor(self.pad, 0 if on else 1)
        self._left.setStretch(self._left.count() - 1, 1 if on else 0)
        self.pad.updateGeometry()
        self._update_buttons()
        self.panel.setVisible(not on)
        self._keep_room_for_the_answer()
        self._offer_row(None)
        self.correction.setVisible(not on)
        self.number_view.setVisible(on)
        QSettings().setValue("number_mode", on)
        shown = self.canvas.photo()
        if photo is not None and (shown is None or shown.path != photo.path):
            # the photo stays, in place of this mode's drawing (as opened), and is read the other way
            self.canvas.show_photo(Photo(photo.path, photo.image, photo.picture))
        self._photo = None  # read again, whichever photo is on the pad now
        self._follow_pad()
        self.predict_now()

    def _keep_room_for_the_answer(self) -> None:
        """The tab's minimum height: the answer panel's at its width now (none in Number mode, which hides it).
        Its word-wrapped captions make the layout ask its height only for a width, which leaves it out of the
        window's minimum: without this the window shrinks the answer into its own pictures."""
        margins = self.layout().contentsMargins()
        needed = self.panel.heightForWidth(self.panel.width()) + margins.top() + margins.bottom()
        # This replaces the layout's own minimum: the left column's (pad and rows, 454 px) is the shorter.
        self.setMinimumHeight(0 if self.canvas.number_mode() else needed)

    def _show_number(self, reading) -> None:
        if self._photo is not None and reading is not None:  # a photo: its digits are boxed on the photo itself
            reading, image = reading
            boxes = [(d.box, d.unsure) for d in reading.digits]
            self._show_picture(image, boxes, image.info[ORIGINAL_SIZE])
            name = os.path.basename(self._photo.path)
            note = reading_note(reading)
            read = ("1 digit read, outlined" if len(boxes) == 1 else f"{len(boxes)} digits read, each outlined") + (
                f"; {note}" if note else "")
            self._say_under_pad(self._failed_note or (
                f"{name}: {read}" if boxes else f"{name}: {nothing_found(image.info[ORIGINAL_SIZE], 'digits')}"),
                failed=bool(self._failed_note))
        from_drawing = reading is not None and self._photo is None and not self.canvas.is_empty()
        kept = [self._kept(d) for d in reading.digits] if from_drawing else []
        kept_as = {i: k.label for i, k in enumerate(kept) if k is not None}
        self.canvas.set_digit_boxes([(d.box, d.unsure and i not in kept_as) for i, d in enumerate(reading.digits)]
                                    if from_drawing else [])
        self.number_view.show_reading(reading, correctable=self._photo is None, kept_as=kept_as)
        if not (reading and reading.digits):
            if self._photo is not None:
                self.number_view.show_message("No digits found in this image")
            elif not self.canvas.is_empty():
                self.number_view.show_message(MARK_NOTE)
        self.numberShown.emit(reading)

    def keep_number_digit(self, index: int, label: int) -> None:
        """Keep one digit of the number, with its own strokes, in the person's set as if drawn alone.

        The number is read again from exactly the strokes on the pad (the one on show may be a live
        answer from a few points earlier); the pad is left as it is.
        """
        from ..core.stroke_marks import as_single_drawing  # not at start-up: only keeping a number needs it

        predictor = self.models.predictor
        if self.canvas.is_drawing() or predictor is None or self._photo is not None:
            return
        reading = predictor.read_number_strokes(self.canvas.strokes(), (self.canvas.width(), self.canvas.height()))
        if not 0 <= index < len(reading.digits):
            return
        digit = reading.digits[index]
        earlier = self._kept(digit)  # this digit corrected before: the new label replaces that one
        kept = self._keep(*as_single_drawing(digit.strokes, self.canvas.height()), label, digit.digit, digit.unsure,
                          earlier and earlier.key)
        if kept is not None:
            self._kept_digits.setdefault(self._digit_ink(digit), []).append(kept)
            self._last_keep = kept, self._pad_changes
            self.canvas.add_undo_step()  # Undo takes the keeping back, not the last stroke
            self._update_buttons()
            verdict = how_read(label, kept.read, kept.unsure)
            instead = (f", instead of the {earlier.label} kept before" if earlier and earlier.label != label
                       else ", in place of the same digit kept before" if kept.replaced else "")
            self.kept_note.show_text(f"✓ Digit {index + 1} of {len(reading.digits)} kept as {a_digit(label)} "
                                     f"({verdict}{instead}); {kept.count} of your digits kept (Undo takes it back)")

    def _digit_ink(self, digit) -> tuple:
        """A digit of the number on the pad by its strokes, in shares of the pad's height: the same after a resize."""
        return in_heights(digit.strokes, self.canvas.height(), 4)

    def _kept(self, digit) -> _Kept | None:
        """How this digit of the number, with exactly these strokes, is kept in the person's set now; None when it
        is not: never kept, written over or partly undone since, or taken back or deleted."""
        keepings = self._kept_digits.get(self._digit_ink(digit)) if self._kept_digits else None
        if not keepings:
            return None
        if self._kept_keys is None:
            try:
                self._kept_keys = {sample.key() for sample in self.personal.load().samples}
            except PersonalSetError:  # unreadable: no digit is shown as kept (keeping says why)
                self._kept_keys = set()
        return next((kept for kept in reversed(keepings) if kept.key in self._kept_keys), None)

    def _update_buttons(self) -> None:
        self.undo_button.setEnabled(self.canvas.can_undo())
        self.redo_button.setEnabled(self.canvas.can_redo())

    def shutdown(self) -> None:
        self._throttle.stop()
        self.service.shutdown()
