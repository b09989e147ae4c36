"""The main window: Draw and Train tabs, menus, status bar, settings, drag-and-drop and paste."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from superqt.utils import WorkerBase

from .. import __version__
from ..core.atomic_file import write_atomically
from ..core.config import DEVICES
from ..core.paths import is_bundled_model
from . import shortcuts
from .draw_tab import DrawTab
from .file_dialogs import open_file, save_file, settings
from .inside_tab import InsideTab
from .message_boxes import ask_save_first, warn
from .model_manager import ModelManager
from .my_digits import MyDigitsView
from .personal_store import PersonalDigits
from .status_message import StatusMessage
from .train_tab import TrainTab

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"
MODEL_FILTER = "digitpad checkpoints (*.pt *.pth);;All files (*)"
MODEL_SUFFIXES = (".pt", ".pth", ".onnx")  # dropped files loaded as a model; an ONNX export gets its explanation
PERSONAL_SUFFIX = ".npz"  # a dropped file imported into My digits (core.personal.export_path writes it)
MIN_FIRST_SIZE = (900, 640)  # the first window, on the smallest screens (the window may be made smaller)
ROOMY_SIZE = (1100, 720)  # the first window where the screen has room


def with_access_key(text: str, taken: set[str]) -> str:
    """`text` with & before its first letter not yet `taken` (and that letter taken), for a menu of names."""
    for i, letter in enumerate(text):
        if letter.isalpha() and letter.upper() not in taken:
            taken.add(letter.upper())
            return f"{text[:i]}&{text[i:]}"
    return text


def first_size(available: QSize) -> tuple[int, int]:
    """The window's size on its first start: room for the Train tab's settings beside its charts where the screen
    has it (at 900 px wide either the settings scroll sideways or the charts' ticks run together), never less
    than 900 x 640."""
    return (max(MIN_FIRST_SIZE[0], min(ROOMY_SIZE[0], int(0.9 * available.width()))),
            max(MIN_FIRST_SIZE[1], min(ROOMY_SIZE[1], int(0.9 * available.height()))))


SAVE_DRAWING = "Save drawing as PNG"  # the File menu's item, as the notes about it name it
SAVES_WHAT = f"File ▸ {SAVE_DRAWING} saves what you draw on the pad"


def _copied_selection(widget: QWidget | None) -> bool:
    """Copy the text selected in `widget`, as its own Ctrl+C would have (the window's shortcut takes the key first);
    False when it holds none."""
    if (isinstance(widget, QLineEdit) and widget.hasSelectedText()
            or isinstance(widget, (QPlainTextEdit, QTextEdit)) and widget.textCursor().hasSelection()):
        widget.copy()
        return True
    if isinstance(widget, QLabel) and widget.hasSelectedText():
        QGuiApplication.clipboard().setText(widget.selectedText())
        return True
    return False


class MainWindow(QMainWindow):
    def __init__(self, advise_threads: bool = False):
        super().__init__()
        self.setWindowTitle("digitpad")
        self.setAcceptDrops(True)
        self.settings = settings()
        self._missing_model: str | None = None  # the last model's path when its file was gone at start
        self._loads_since_start = 0
        self.models = ModelManager(self)
        self.personal = PersonalDigits(parent=self)
        self.draw_tab = DrawTab(self.models, self.personal)
        self.train_tab = TrainTab(self.models, self.personal, advise_threads)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.draw_tab, "Draw")
        self.tabs.addTab(self.train_tab, "Train")
        self.inside_tab = InsideTab(self.models, self.draw_tab)
        self.tabs.addTab(self.inside_tab, "Inside")
        self.tabs.setAccessibleName("Draw, Train and Inside")
        for index, bound in enumerate(shortcuts.TABS):  # Draw, Train, Inside
            for sequence in bound.sequences():
                QShortcut(sequence, self, lambda i=index: self.tabs.setCurrentIndex(i))
            self.tabs.setTabToolTip(index, f"{self.tabs.tabText(index)} ({bound.shown()}; Ctrl+Tab goes to the next "
                                           "tab)")
        self.setCentralWidget(self.tabs)
        self.model_status = QLabel("Starting...")
        self.model_status.setAccessibleName("Model in use")
        self.status_message = StatusMessage()
        self.statusBar().addWidget(self.status_message, 1)
        self.statusBar().addPermanentWidget(self.model_status)
        self.my_digits: MyDigitsView | None = None  # made when first opened, then kept
        self.unsaved_question: QMessageBox | None = None
        self._discarded = None  # the unsaved result the person chose to lose by closing
        self._paste_folder: tempfile.TemporaryDirectory | None = None
        self._paste_count = 0
        self.draw_tab.my_digits_button.clicked.connect(self.show_my_digits)
        self.train_tab.showDigits.connect(self.show_my_digits)
        # a Discard said on the way to closing holds only for that close: kept open, the model is asked about again
        self.train_tab.closeRefused.connect(lambda: setattr(self, "_discarded", None))
        self._build_menus()
        self._restore_settings()

        self.models.loading.connect(self.model_status.setText)
        self.models.still_loading.connect(self.model_status.setText)
        self.models.changed.connect(self._on_model_changed)
        self.models.failed.connect(self._on_model_failed)

    # --- menus -----------------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, bound: shortcuts.Keys | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if bound:
            action.setShortcuts(bound.sequences())
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open image...", self.open_image_dialog, shortcuts.OPEN_IMAGE,
                     "Read the digit in an image file")
        self._action(file_menu, "&Paste image", self.paste, shortcuts.PASTE_IMAGE, "Read the digit in the clipboard")
        self._action(file_menu, "&Copy the answer", self.copy_answer, shortcuts.COPY_ANSWER,
                     "Copy the digit read, or the number, to paste it elsewhere")
        self._action(file_menu, f"&{SAVE_DRAWING}...", self.save_drawing_dialog, shortcuts.SAVE_DRAWING)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, shortcuts.QUIT)

        model_menu = bar.addMenu("&Model")
        self._action(model_menu, "&Load checkpoint...", self.load_model_dialog, shortcuts.LOAD_MODEL,
                     "Use a model trained with digitpad")
        self.revert_action = self._action(model_menu, "&Revert to the bundled model", lambda: self.load_model(None))
        self.back_action = self._action(model_menu, "&Back to the previous model", self.models.back,
                                        tip="The model used before the last change: the one a fine-tune started "
                                            "from, or the file loaded before")
        self.back_action.setEnabled(False)
        model_menu.addSeparator()
        self._action(model_menu, "My &digits...", self.show_my_digits, shortcuts.MY_DIGITS,
                     "See the digits you kept and how the model reads them now")

        device_menu = bar.addMenu("&Device")
        group = QActionGroup(self)
        self.device_actions: dict[str, QAction] = {}
        keys: set[str] = set()
        for name, text in DEVICES.items():
            action = QAction(with_access_key(text, keys), self, checkable=True)
            action.triggered.connect(lambda checked, n=name: self.set_device(n))
            group.addAction(action)
            device_menu.addAction(action)
            self.device_actions[name] = action
        device_menu.setToolTipsVisible(True)
        self.device_actions["cuda"].setEnabled(False)
        self.device_actions["cuda"].setToolTip("Checking for a CUDA GPU...")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", lambda: shortcuts.show_table(self), shortcuts.HELP,
                     "The window's keyboard shortcuts")
        self._action(help_menu, "&About digitpad", self.about)

    # --- settings --------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        """The remembered size, pen and device. A value the settings file holds damaged (not as digitpad wrote it)
        is left for the default: a pen width of nan or a geometry of text had stopped the window from opening."""
        geometry = self.settings.value("geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(*first_size(self.screen().availableGeometry().size()))
        pen = self.settings.value("pen_width", type=float)
        slider = self.draw_tab.pen_slider
        if pen and math.isfinite(pen):
            slider.setValue(round(min(max(pen, slider.minimum()), slider.maximum())))
        device = self.settings.value("device", "auto")
        self.models.device = device if isinstance(device, str) and device in self.device_actions else "auto"
        self.device_actions[self.models.device].setChecked(True)

    def save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("pen_width", self.draw_tab.canvas.pen_width())
        self.settings.setValue("device", self.models.device)
        predictor = self.models.predictor
        self.settings.setValue("model_path", str(predictor.path) if predictor and not self._is_bundled(predictor)
                               else self._missing_model or "")
        self.settings.sync()

    def start(self) -> None:
        """Load the last model (or the bundled one) in the background; the window is already usable. A last model
        whose file is gone is said, and remembered until another is chosen: a drive mounted late brings it back."""
        last = self.settings.value("model_path", "")
        last = last if isinstance(last, str) else ""
        self._missing_model = last if last and not Path(last).is_file() else None
        self.models.load(last if last and not self._missing_model else None)
        if self._missing_model:
            self.models.changed.connect(self._follow_missing_model)

    def _follow_missing_model(self, predictor) -> None:
        """The first change is the bundled model loaded in the missing one's place (said once "Model ready" is); the
        missing one is forgotten once another model is chosen (the bundled one again on another device is none)."""
        self._loads_since_start += 1
        if self._loads_since_start == 1:
            self.status_message.show_message(f"The model used last, {self._missing_model}, is gone: reading with the "
                                             "bundled model", 15000)
        elif not self._is_bundled(predictor):
            self._missing_model = None
            self.models.changed.disconnect(self._follow_missing_model)

    # --- models and devices ----------------------------------------------------------------------
    @staticmethod
    def _is_bundled(predictor) -> bool:
        return predictor.path is None or is_bundled_model(predictor.path)

    def _on_model_changed(self, predictor) -> None:
        accuracy = predictor.accuracy_note or "accuracy unknown"
        device = str(predictor.device).upper()
        self.model_status.setText(f"Model: {predictor.shown_name()} · {accuracy} · {device}")
        where = str(predictor.path) if predictor.path else "Trained here, not saved to a file"
        self.model_status.setToolTip(f"{where}\nName in the checkpoint: {predictor.name}")
        self.status_message.show_message(predictor.device_note or "Model ready", 5000)
        reason = self.models.cuda_unavailable
        self.device_actions["cuda"].setEnabled(reason is None)
        self.device_actions["cuda"].setToolTip(f"Unavailable: {reason}" if reason else "Run the model on the GPU")
        self.device_actions[self.models.device].setChecked(True)
        self.revert_action.setEnabled(predictor.path is None or not is_bundled_model(predictor.path))
        previous = self.models.previous
        self.back_action.setEnabled(previous is not None)
        self.back_action.setText(f"&Back to the previous model ({previous[1]})" if previous else
                                 "&Back to the previous model")

    def _on_model_failed(self, message: str) -> None:
        if self.models.predictor is None:  # the remembered model is broken: fall back to the bundled one
            self.show_error("Could not load the model", f"{message}\n\nUsing the bundled model instead.")
            self.models.load(None)
            return
        self._on_model_changed(self.models.predictor)
        self.show_error("Could not load the model", f"{message}\n\nThe current model stays in use.")

    def load_model(self, path: str | None) -> None:
        self.models.load(path)

    def load_model_dialog(self) -> None:
        path = open_file(self, "Load a digitpad checkpoint", MODEL_FILTER)
        if path:
            self.load_model(path)

    def set_device(self, device: str) -> None:
        self.models.set_device(device)

    def show_my_digits(self) -> None:
        """Open the My digits view, or bring it to the front: one per window, so it is never shown twice."""
        if self.my_digits is None:
            self.my_digits = MyDigitsView(self.personal, self.models, self)
        self.my_digits.show()
        self.my_digits.raise_()
        self.my_digits.activateWindow()

    # --- files -----------------------------------------------------------------------------------
    def open_image(self, path: str) -> None:
        self.tabs.setCurrentWidget(self.draw_tab)
        self.draw_tab.open_image(path)

    def open_image_dialog(self) -> None:
        path = open_file(self, "Open an image of a digit", IMAGE_FILTER)
        if path:
            self.open_image(path)

    def paste(self) -> None:
        """Read a pasted image through a file in a private temporary folder: replaced by the next paste (the
        Draw tab reads the file again when the model changes) and removed with the folder when the window
        closes, or at exit."""
        clipboard = QGuiApplication.clipboard()
        image = clipboard.image()
        if not image.isNull():
            if self._paste_folder is None:
                self._paste_folder = tempfile.TemporaryDirectory(prefix="digitpad-paste-")
            self._paste_count += 1
            path = os.path.join(self._paste_folder.name, f"pasted-{self._paste_count}.png")
            for old in os.listdir(self._paste_folder.name):
                os.unlink(os.path.join(self._paste_folder.name, old))
            if not image.save(path, "PNG"):
                self.show_error("Could not paste the image", f"{path} could not be written.")
                return
            self.open_image(path)
        elif clipboard.mimeData().hasUrls() and clipboard.mimeData().urls()[0].isLocalFile():
            self.open_image(clipboard.mimeData().urls()[0].toLocalFile())
        else:
            self.status_message.show_message("The clipboard holds no image", 4000)

    def copy_answer(self) -> None:
        """The Draw tab's answer onto the clipboard as text: the digit, or the number as shown ("2?26" where a digit
        is unsure). A "?" alone is not copied: there is no digit to paste. Text selected in the field with the
        focus (the training log, a form field, the number's label) is copied instead, as Ctrl+C does there."""
        if _copied_selection(QApplication.focusWidget()):
            return
        answer = self.draw_tab.answer_text()
        if not answer:
            self.status_message.show_message("Nothing read to copy: no digit is shown as sure", 6000)
            return
        QGuiApplication.clipboard().setText(answer)
        self.status_message.show_message(f"Copied {answer}", 4000)

    def save_drawing(self, path: str) -> bool:
        """Write the drawing as a PNG atomically (see core.atomic_file), like every file digitpad writes."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.WriteOnly)
        self.draw_tab.canvas.to_image().save(buffer, "PNG")
        try:
            write_atomically(path, data.data())
        except OSError as e:
            self.show_error("Could not save the drawing", f"{path} could not be written: {e.strerror or e}")
            return False
        self.status_message.show_message(f"Saved the drawing as {path}", 8000)
        return True

    def save_drawing_dialog(self) -> None:
        photo = self.draw_tab.canvas.photo()
        if photo is not None:  # the pad only shows it: "nothing drawn" read as if the photo were not there
            self.status_message.show_message(f"The pad shows a photo, {photo.path}, already a file: {SAVES_WHAT}",
                                             8000)
            return
        if self.draw_tab.canvas.is_empty():  # a blank picture
            self.status_message.show_message(f"Nothing drawn to save: {SAVES_WHAT}", 8000)
            return
        name = "number.png" if self.draw_tab.canvas.number_mode() else "digit.png"
        path = save_file(self, "Save the drawing", name, "PNG images (*.png)", suffix="png")
        if path:
            self.save_drawing(path)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        """A dropped file goes where its kind belongs: a checkpoint (or an export of one, which is told apart and
        explained) is loaded as the model, a set of digits exported from My digits is imported, anything else is
        opened as an image."""
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if not files:
            return
        suffix = os.path.splitext(files[0])[1].lower()
        if suffix in MODEL_SUFFIXES:
            self.load_model(files[0])
        elif suffix == PERSONAL_SUFFIX:
            self.show_my_digits()
            self.my_digits.import_from(files[0])
        else:
            self.open_image(files[0])
        event.acceptProposedAction()

    # --- messages and lifetime -------------------------------------------------------------------
    def show_error(self, title: str, text: str) -> None:
        """A window-modal message that does not block the event loop."""
        warn(self, title, text)
        self.status_message.show_message(text.splitlines()[0], 8000)

    def about(self) -> None:
        QMessageBox.about(self, "About digitpad", f"<b>digitpad {__version__}</b><br>Draw a digit and watch a "
                          "convolutional network read it. Retrain it on MNIST in the Train tab.")

    def unsaved_model(self) -> bool:
        """True when a model trained or fine-tuned here (on the Results page, maybe used for drawing) was never
        saved: quitting would lose it."""
        return self.train_tab.result_unsaved()

    def _confirm_unsaved_model(self) -> bool:
        """True when nothing would be lost; else ask Save... / Discard / Cancel without blocking."""
        if not self.unsaved_model() or self._discarded is self.train_tab.outcome:
            return True
        if self.unsaved_question is None:
            asked = self.train_tab.outcome
            self.unsaved_question = ask_save_first(
                self, "The trained model is not saved", f"{self.train_tab.unsaved_result_named()} was never saved. "
                "Save it before closing digitpad?", "Discard", lambda button: self._unsaved_answered(button, asked))
            self.unsaved_question.finished.connect(lambda: setattr(self, "unsaved_question", None))
        return False

    def _unsaved_answered(self, button, asked) -> None:
        """Save... or Discard about the result `asked` about; a run that ended while the question was open put its
        own result in that one's place, which is asked about in turn (a Discard had closed without a word of it)."""
        if button in (QMessageBox.Save, QMessageBox.Discard) and self.train_tab.outcome is not asked:
            self.close()
            return
        if button == QMessageBox.Save:
            self.tabs.setCurrentWidget(self.train_tab)
            self.train_tab.save_model_dialog()
            if self.unsaved_model():  # the dialog was cancelled or the save failed (its message is shown)
                return
        elif button != QMessageBox.Discard:
            return
        self._discarded = self.train_tab.outcome  # a later result is asked about again
        self.close()

    def closeEvent(self, event) -> None:
        # the earlier unsaved model first: "Stop training and close?" stops the run on Yes, and a Cancel after
        # that would have lost it for nothing
        if not self._confirm_unsaved_model() or not self.train_tab.confirm_close():
            event.ignore()
            return
        self.save_settings()
        self.train_tab.shutdown()
        self.draw_tab.shutdown()
        self.inside_tab.shutdown()
        try:
            WorkerBase.await_workers(msecs=5000)  # model loads and stopped runs end well within that
        except RuntimeError:  # a worker still busy: Qt's thread pool waits for it as the app exits
            pass
        if self._paste_folder is not None:
            self._paste_folder.cleanup()
            self._paste_folder = None
        event.accept()

