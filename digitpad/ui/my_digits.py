"""My digits: the person's kept drawings, grouped by digit, each with what the current model reads now.

A thin view: every edit goes through PersonalDigits (which writes the file), and the readings are
made as the Draw tab makes them (the strokes rendered again and predicted) in a worker thread, so a
new model shows at once which of the person's digits it now reads right or wrong.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import create_worker

from ..core.number_reading import is_unsure
from ..core.personal import PersonalSetError, export_path
from . import shortcuts
from .digit_gallery import CORRECT_COLOR, ERROR_COLOR, DigitGallery, digit_icon
from .failure_style import failure_style
from .file_dialogs import open_file, save_file
from .hint_label import HintLabel
from .latest_request import LatestRequest
from .message_boxes import ask_yes_no
from .model_manager import ModelManager
from .personal_store import PersonalDigits
from .wording import as_read, kept_counts, plural

PERSONAL_FILTER = "digitpad personal sets (*.npz *.pt)"
EXPORT_FILTER = "digitpad personal sets (*.npz)"  # what an export is written as (core.personal.export_path)
EMPTY_TEXT = "No digits kept yet: draw a digit on the Draw tab and say whether it was read right"
READ_BATCH = 64  # drawings rendered at a time, so a large set never holds all its pad-sized renders at once
SECTION_CELLS = 3  # thumbnails a digit's section has room for in a row, at least, when sections stand side by side


def read_drawings(predictor, drawings: list) -> list[tuple[int, bool] | None]:
    """(the likeliest digit, whether the Draw tab shows it as "?") the model reads in each (strokes, pad size), read
    as the Draw tab reads the pad; None where it finds no digit."""
    readings = []
    for start in range(0, len(drawings), READ_BATCH):
        readings += [(p.digit, is_unsure(p.probabilities)) if p else None
                     for p in predictor.predict_drawings(drawings[start:start + READ_BATCH])]
    return readings


def read_right(reading: tuple[int, bool] | None, digit: int) -> bool:
    """Whether a reading (read_drawings) is `digit`, as the pad would show it: a "?" claims no digit, the right one
    neither."""
    return reading == (digit, False)


def local_time(created: str) -> str:
    """A sample's ISO timestamp as local minutes; an imported file's odd timestamp is shown as it is."""
    try:
        return _dt.datetime.fromisoformat(created).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return created


class SectionGallery(DigitGallery):
    """One digit's thumbnails in wrapping rows, as tall as its rows: the page scrolls, not each list."""

    def __init__(self, digit: int, parent: QWidget | None = None):
        super().__init__(f"Your {digit}s", parent)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.NoFrame)
        policy = QSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        grid = self.gridSize()
        columns = max(1, (width - 2 * self.frameWidth()) // grid.width())
        return math.ceil(self.count() / columns) * grid.height() + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:
        width = self.gridSize().width() * 6
        return QSize(width, self.heightForWidth(width))


class SectionGrid(QWidget):
    """The digits' sections side by side in as many columns as fit SECTION_CELLS thumbnails each, in digit order, the
    empty ones left out: one drawing of each digit fits without scrolling, where a row each did not."""

    def __init__(self, sections: list[QWidget], cell_width: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.sections = sections
        self.shown: list[QWidget] = []
        self.section_width = SECTION_CELLS * cell_width
        self.grid = QGridLayout(self)
        self.columns = 0

    def column_count(self, width: int) -> int:
        return max(1, min(len(self.shown), width // (self.section_width + self.grid.horizontalSpacing())))

    def show_sections(self, shown: list[bool]) -> None:
        """Show the sections marked True, in order, the others not at all."""
        self.shown = [section for section, show in zip(self.sections, shown) if show]
        self._arrange()

    def _arrange(self) -> None:
        self.columns = self.column_count(self.width())
        for section in self.sections:
            self.grid.removeWidget(section)
            section.setVisible(section in self.shown)
        for index, section in enumerate(self.shown):
            self.grid.addWidget(section, index // self.columns, index % self.columns)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 1 if column < self.columns else 0)
        rows = -(-len(self.shown) // self.columns)
        for row in range(max(self.grid.rowCount(), rows + 1)):
            self.grid.setRowStretch(row, 1 if row == rows else 0)  # the room to spare below, not between rows

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.column_count(event.size().width()) != self.columns:
            self._arrange()


class MyDigitsView(QDialog):
    """The kept digits with Delete, Clear all, Import and Export; refreshes when the set or the model changes."""

    def __init__(self, personal: PersonalDigits, models: ModelManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("My digits")
        self.personal = personal
        self.models = models
        self.personal_set = None  # the set as last read from its file
        # Sample.key() -> the current model's (likeliest digit, shown as "?"), None where it finds no digit
        self.readings: dict[tuple, tuple[int, bool] | None] = {}
        self._request = LatestRequest()  # reading the set; an older reading finishing later is ignored

        self.summary = QLabel("")
        bold = QFont(self.summary.font())
        bold.setBold(True)
        self.summary.setFont(bold)
        self.summary.setWordWrap(True)
        self.path_label = HintLabel("")
        self.path_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.path_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # a long path must not widen the view
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.sections: dict[int, tuple[QLabel, SectionGallery]] = {}
        for digit in range(10):
            header, gallery = QLabel(""), SectionGallery(digit)
            header.setFont(bold)
            header.setWordWrap(True)
            gallery.itemSelectionChanged.connect(partial(self._on_selection_changed, gallery))
            gallery.itemPressed.connect(partial(self._on_selection_changed, gallery))  # also on a selected item
            self.sections[digit] = header, gallery
        galleries = [gallery for _, gallery in self.sections.values()]
        content = SectionGrid([self._section_box(*section) for section in self.sections.values()],
                              galleries[0].gridSize().width())
        content.setBackgroundRole(QPalette.Base)
        content.setAutoFillBackground(True)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(content)
        self.empty_label = HintLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty_label)
        self.pages.addWidget(self.scroll)

        self.delete_button = QPushButton("Delete...")
        self.delete_button.setToolTip(f"Delete the selected digits ({shortcuts.DELETE_DIGITS.shown()})")
        self.delete_button.clicked.connect(self.ask_to_delete)
        self.clear_button = QPushButton("Clear all...")
        self.clear_button.setToolTip("Delete every kept digit")
        self.clear_button.clicked.connect(self.ask_to_clear)
        self.import_button = QPushButton("Import...")
        self.import_button.setToolTip("Add the digits of a file exported from digitpad (ones already here are skipped)")
        self.import_button.clicked.connect(self.import_dialog)
        self.export_button = QPushButton("Export...")
        self.export_button.setToolTip("Save a copy of your digits to a file, to keep or to use on another computer")
        self.export_button.clicked.connect(self.export_dialog)
        close_button = QPushButton("Close")
        close_button.clicked.connect(self.close)
        close_button.setDefault(True)
        for button in (self.delete_button, self.clear_button, self.import_button, self.export_button):
            button.setAutoDefault(False)  # Enter must never delete
        for sequence in shortcuts.DELETE_DIGITS.sequences():
            QShortcut(sequence, self, self.ask_to_delete)

        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.path_label)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(880, 640)

        personal.changed.connect(self._on_set_changed)
        models.changed.connect(self._on_model_changed)

    @staticmethod
    def _section_box(header: QLabel, gallery: SectionGallery) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(header)
        column.addWidget(gallery)
        column.addStretch(1)
        return box

    @property
    def samples(self) -> list:
        """The kept samples as last read (none while the file cannot be read)."""
        return self.personal_set.samples if self.personal_set is not None else []

    # --- what is shown ---------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        self.show_message("")  # what was done when it was last open is no news
        self.refresh()  # the file may have changed while the view was closed (e.g. `digitpad personal import`)
        super().showEvent(event)

    def _on_set_changed(self) -> None:
        """Also after this view's own changes, which then say what they did: a message about the set as it was
        ('Deleted 1 digit' before a digit is kept on the Draw tab) is stale."""
        self.show_message("")
        if self.isVisible():
            self.refresh()

    def _on_model_changed(self, _predictor) -> None:
        self.readings.clear()
        self._request.new()
        if self.isVisible():
            self._show_readings()
            self._read_missing()

    def refresh(self) -> None:
        """Read the file again and show it; samples the current model has not read yet are sent to it."""
        self.path_label.setText(f"Kept in {self.personal.file}")
        self.path_label.setToolTip(str(self.personal.file))
        try:
            self.personal_set = self.personal.load()
            self.empty_label.setText(EMPTY_TEXT)
            self.empty_label.setStyleSheet("")  # a hint
        except PersonalSetError as e:  # shown where the digits would be; every change fails until it is fixed
            self.personal_set = None
            self.empty_label.setText(f"Your kept digits cannot be read: {e}")
            self.empty_label.setStyleSheet(failure_style(True))
        samples = self.samples
        for digit, (_, gallery) in self.sections.items():
            gallery.blockSignals(True)  # the selection goes with the old items; the buttons are updated below
            gallery.clear()
            for index in reversed(range(len(samples))):  # the newest first
                if samples[index].label == digit:
                    item = QListWidgetItem(digit_icon(samples[index].model_input), "")
                    item.setData(Qt.UserRole, index)
                    gallery.addItem(item)
            gallery.blockSignals(False)
            gallery.updateGeometry()
        self.scroll.widget().show_sections([gallery.count() > 0 for _, gallery in self.sections.values()])
        self.pages.setCurrentWidget(self.scroll if samples else self.empty_label)
        self.clear_button.setEnabled(bool(samples))
        self.export_button.setEnabled(bool(samples))
        self._on_selection_changed(None)
        self._show_readings()
        self._read_missing()

    def _show_readings(self) -> None:
        """Captions, colours, tooltips, headers and the summary from the readings made so far."""
        samples = self.samples
        waiting = "waiting for the model" if self.models.predictor is None else "reading with the current model..."
        for digit, (header, gallery) in self.sections.items():
            right = read = 0
            for row in range(gallery.count()):
                item = gallery.item(row)
                sample = samples[item.data(Qt.UserRole)]
                then = "not read" if sample.predicted is None else as_read(sample.predicted, sample.unsure)
                tip = f"A {digit} kept {local_time(sample.created)}, {then} then"
                if sample.key() not in self.readings:
                    item.setText("…")
                    item.setForeground(self.palette().color(QPalette.PlaceholderText))
                    item.setToolTip(tip)
                    continue
                now = self.readings[sample.key()]
                read += 1
                is_right = read_right(now, digit)
                right += is_right
                item.setText(f"✓ {digit}" if is_right else "✗ ?" if now and now[1]
                             else f"✗ read {'nothing' if now is None else now[0]}")
                item.setForeground(CORRECT_COLOR if is_right else ERROR_COLOR)
                item.setToolTip(f"{tip}; {'no digit found' if now is None else as_read(*now)} now")
            kept = f"{digit} · {gallery.count()} kept"
            header.setText(f"{kept} · {right} read right now" if read == gallery.count() else f"{kept} · {waiting}")
        if not samples:
            unreadable = self.personal_set is None
            self.summary.setText("Your kept digits cannot be read" if unreadable else "No digits kept yet")
            return
        counts = kept_counts(self.personal_set.counts())
        right = sum(read_right(self.readings.get(s.key()), s.label) for s in samples)
        done = all(s.key() in self.readings for s in samples)
        self.summary.setText(f"{plural(len(samples), 'digit')} kept: {counts} · "
                             + (f"{right} read right by the current model" if done else waiting))

    def _read_missing(self) -> None:
        predictor = self.models.predictor
        missing = [s for s in self.samples if s.key() not in self.readings]
        if predictor is None or not missing:
            return
        request, keys = self._request.new(), [s.key() for s in missing]
        create_worker(read_drawings, predictor, [(s.strokes, s.size) for s in missing],
                      _connect={"returned": lambda readings: self._on_read(request, keys, readings),
                                "errored": lambda error: self._on_read_failed(request, error)})

    def _on_read(self, request: int, keys: list[tuple], readings: list[tuple[int, bool] | None]) -> None:
        if self._request.is_current(request):
            self.readings.update(zip(keys, readings))
            self._show_readings()

    def _on_read_failed(self, request: int, error: Exception) -> None:
        if self._request.is_current(request):
            self.show_message(f"The current model could not read your digits: {str(error) or type(error).__name__}",
                              error=True)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(failure_style(error))

    # --- selection and deleting ------------------------------------------------------------------
    def _on_selection_changed(self, gallery: SectionGallery | None, *_pressed_item) -> None:
        """A plain click selects in one section only; Ctrl or Shift adds to what other sections hold."""
        adding = QGuiApplication.keyboardModifiers() & (Qt.ControlModifier | Qt.ShiftModifier)
        if gallery is not None and gallery.selectedItems() and not adding:
            for _, other in self.sections.values():
                if other is not gallery:
                    other.clearSelection()
        self.delete_button.setEnabled(bool(self.selected_keys()))

    def selected_keys(self) -> list[tuple]:
        samples = self.samples
        return [samples[item.data(Qt.UserRole)].key()
                for _, gallery in self.sections.values() for item in gallery.selectedItems()]

    def ask_to_delete(self) -> None:
        """Ask before deleting the selected digits, as Clear all does: nothing brings them back, and the Delete key
        is easy to press by mistake."""
        keys = self.selected_keys()
        if keys:
            ask_yes_no(self, QMessageBox.Question, "Delete the selected digits?",
                       f"Delete {plural(len(keys), 'selected digit')}? This cannot be undone; Export first to keep "
                       "a copy.", partial(self._delete_answered, keys))

    def _delete_answered(self, keys: list[tuple], yes: bool) -> None:
        if not yes:
            return
        try:
            deleted = self.personal.remove(keys)
        except PersonalSetError as e:
            self.show_message(str(e), error=True)
            return
        self.show_message(f"Deleted {plural(deleted, 'digit')}")

    def ask_to_clear(self) -> None:
        """Ask before deleting everything, without blocking the event loop (the answer arrives later)."""
        count = len(self.samples)
        ask_yes_no(
            self, QMessageBox.Question, "Clear all your digits?",
            f"Delete all {plural(count, 'kept digit')}? This cannot be undone; Export first to keep a copy.",
            self._clear_answered)

    def _clear_answered(self, yes: bool) -> None:
        if not yes:
            return
        try:
            self.personal.clear()
        except PersonalSetError as e:
            self.show_message(str(e), error=True)
            return
        self.show_message("Cleared all your digits")

    # --- files -----------------------------------------------------------------------------------
    def import_dialog(self) -> None:
        path = open_file(self, "Import digits", PERSONAL_FILTER)
        if path:
            self.import_from(path)

    def import_from(self, path: str | os.PathLike) -> int | None:
        """Merge an exported set; returns how many digits were new, None (with a message) when it failed."""
        try:
            added = self.personal.import_file(path)
        except PersonalSetError as e:
            self.show_message(f"Nothing imported, your digits are unchanged. {e}", error=True)
            return None
        self.show_message(f"Imported {plural(added, 'new digit')} from {os.path.basename(path)}" if added
                          else f"{os.path.basename(path)} holds no digits that are not already here")
        return added

    def export_dialog(self) -> None:
        path = save_file(self, "Export your digits", "my-digits.npz", EXPORT_FILTER, suffix="npz")
        if not path:
            return
        written = export_path(path)
        if written != Path(path) and written.exists():  # the dialog asked about the name typed, not this one
            ask_yes_no(self, QMessageBox.Question, "Replace the file?",
                       f"Exports are saved as .npz, so this one goes to {written.name}; {written.parent} already has "
                       f"a file of that name. Replace it?", partial(self._replace_answered, written))
            return
        self.export_to(written)

    def _replace_answered(self, path: Path, yes: bool) -> None:
        if yes:
            self.export_to(path)

    def export_to(self, path: str | os.PathLike) -> bool:
        try:
            saved = self.personal.export_file(path)
        except PersonalSetError as e:
            self.show_message(str(e), error=True)
            return False
        self.show_message(f"Exported {plural(len(self.samples), 'digit')} to {saved}")
        return True
