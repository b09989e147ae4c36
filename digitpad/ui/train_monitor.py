"""The Train tab's live view: state, progress, the two charts and a log, updated a few times a second.

The trainer yields an event per step, hundreds a second for a small model. Each one is only
buffered here; a timer (FLUSH_MS) hands the buffer to the charts and the progress bar in one go,
so drawing costs the same whatever the training speed and the UI thread stays free.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QProgressBar, QSplitter, QVBoxLayout, QWidget

from .failure_style import failure_style
from .label_room import keep_room_for_lines
from .train_charts import CHART_MIN_WIDTH, LEGEND_HTML, TrainingCharts, legend_label

FLUSH_MS = 250  # charts and progress redraw at 4 Hz at most
LOG_LINES = 5000
COMPACT_BELOW = 640  # px of the charts' row under which the filters are drawn small


def duration(seconds: float) -> str:
    """1.7 s, 4:05 or 1:02:03."""
    if seconds < 59.5:
        return f"{seconds:.1f} s"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def epoch_line(epoch) -> str:
    return (f"Epoch {epoch.epoch}/{epoch.epochs}: loss {epoch.train_loss:.4f} training, {epoch.val_loss:.4f} "
            f"validation; accuracy {epoch.train_accuracy:.2%} training, {epoch.val_accuracy:.2%} validation; "
            f"lr {epoch.lr:.2g}; {duration(epoch.elapsed)} elapsed")


class TrainingMonitor(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = QLabel("Set up a run on the left, then start it.")
        self.state.setWordWrap(True)
        self.state.setTextInteractionFlags(Qt.TextSelectableByMouse)
        # room for two lines of the bold headline ("Stopped in...", "Training failed: ..."), so that a second line
        # does not push the progress bar and charts down and back up
        keep_room_for_lines(self.state, bold=True)
        self.state.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat("%p%")
        self.detail = QLabel("")
        # Wrapped, in room for two lines: on one, its text set the page's smallest width, and the first step of a run
        # widened the window at its smallest
        self.detail.setWordWrap(True)
        keep_room_for_lines(self.detail)
        self.detail.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.charts = TrainingCharts(self)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(LOG_LINES)
        self.log.setPlaceholderText("One line per epoch, and what the trainer reports")
        self.log.setAccessibleName("Training log")

        self.charts_row = charts = QSplitter(Qt.Horizontal)
        charts.addWidget(self.charts.loss)
        charts.addWidget(self.charts.accuracy)
        charts.addWidget(self.charts.filters)
        charts.setChildrenCollapsible(False)
        self._split_by_hand = False  # a person's split stays; until then each resize shares the row out anew
        charts.splitterMoved.connect(lambda *_: setattr(self, "_split_by_hand", True))
        legend = legend_label(LEGEND_HTML)
        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.addWidget(charts, 1)
        plots_layout.addWidget(legend)
        body = QSplitter(Qt.Vertical)
        body.addWidget(plots)
        body.addWidget(self.log)
        body.setSizes([3000, 1000])  # proportions: the charts get most of the height
        body.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.progress)
        layout.addWidget(self.detail)
        layout.addWidget(body, 1)

        self._steps: list = []
        self._in_steps = False  # see begin
        self._last_step = None  # the latest step drawn, to say where the run ended
        self._epochs: list = []
        self._timer = QTimer(self, interval=FLUSH_MS)
        self._timer.timeout.connect(self.flush)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._share_the_charts_row()

    def _share_the_charts_row(self) -> None:
        """Small filters in a narrow row, none where even small ones would squeeze the charts under their smallest
        (when the first epoch's filters came, they widened the window at its smallest), and the two charts share
        what the filters leave."""
        width = self.charts_row.width()
        filters = self.charts.filters
        filters.set_compact(width < COMPACT_BELOW)
        room = width - 2 * CHART_MIN_WIDTH - 2 * self.charts_row.handleWidth()
        filters.setVisible(room >= filters.sizeHint().width())
        if not self._split_by_hand:
            shown = filters.sizeHint().width() if filters.isVisibleTo(self) else 0
            self.charts_row.setSizes([(width - shown) // 2, (width - shown) // 2, shown])

    def begin(self, in_steps: bool = False) -> None:
        """Clear everything for a new run and start the redraw timer; `in_steps`: its progress is told in steps of
        the whole run, as a fine-tune's form sets them ("Step 41/60"), not in epochs and their steps."""
        self._in_steps = in_steps
        self._steps.clear()
        self._epochs.clear()
        self.charts.clear()
        self.log.clear()
        self.progress.setValue(0)
        self.detail.setText("")
        self._last_step = None
        self._timer.start()

    def end(self) -> None:
        """Draw what is left and stop the timer; the run is over, so no time is left to estimate."""
        self.flush()
        self._timer.stop()
        if self._last_step is not None:
            self.detail.setText(self._detail(self._last_step, eta=False))

    def _detail(self, step, eta: bool = True) -> str:
        where = (f"Step {(step.epoch - 1) * step.steps_per_epoch + step.step}/{step.epochs * step.steps_per_epoch}"
                 if self._in_steps else f"Epoch {step.epoch}/{step.epochs} · step {step.step}/{step.steps_per_epoch}")
        return (f"{where} · {step.images_per_second:,.0f} images/s · loss {step.loss:.3f} · "
                f"{duration(step.elapsed)} elapsed" + (f" · ETA {duration(step.eta)}" if eta else ""))

    def set_state(self, text: str, error: bool = False) -> None:
        self.state.setText(text)
        self.state.setStyleSheet(failure_style(error, "font-weight: bold;"))

    def add_message(self, text: str) -> None:
        self.log.appendPlainText(text)

    def add_step(self, step) -> None:
        self._steps.append(step)

    def add_epoch(self, epoch) -> None:
        self._epochs.append(epoch)
        self.log.appendPlainText(epoch_line(epoch))

    def flush(self) -> None:
        if not self._steps and not self._epochs:
            return
        for step in self._steps:
            self.charts.add_step(step)
        for epoch in self._epochs:
            self.charts.add_epoch(epoch)
        if any(epoch.filters is not None for epoch in self._epochs):
            self._share_the_charts_row()  # the filters' room changes with their number
        if self._steps:
            self._last_step = self._steps[-1]
            self.progress.setValue(round(self._last_step.progress * 1000))
            self.detail.setText(self._detail(self._last_step))
        self._steps.clear()
        self._epochs.clear()
        self.charts.redraw()
