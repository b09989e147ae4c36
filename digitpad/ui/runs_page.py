"""The Train tab's Runs page: every recorded run in a sortable table, chosen runs' curves overlaid.

The records come from core.runs (the same files `digitpad runs` reads). Selecting runs draws their
loss and accuracy on shared charts, one colour per run, named in one legend under both charts (inside a chart
it covered the curves); a run's test results open in
the same ResultsView the Results page uses. What "Use for drawing" and "Same settings again" do
is the tab's business: the page only asks, through its signals.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.dataset_files import MNIST_FILES
from ..core.runs import FINETUNE, RUNNING, RunRecord, RunRecordError, RunStore
from .failure_style import failure_style
from .flow_layout import FlowLayout
from .hint_label import HintLabel
from .message_boxes import ask_yes_no
from .train_charts import MetricChart, legend_html, legend_label
from .train_monitor import duration
from .train_results import ResultsView

# What runs are compared by comes first: at the first window's size on a 1280 x 900 screen the table shows
# about 600 px, enough for the columns up to Status (the data cut short where needed, its tooltip whole: two
# LeNet-5 runs, one on MNIST and one on a CSV, told apart without scrolling); the settings and the file scroll in.
COLUMNS = ("Date", "Network", "Data", "Accuracy", "Epochs", "Time", "Status", "Preset / settings", "Saved model")
COLUMN_TIPS = {"Network": "The architecture trained", "Accuracy": "On the test images",
               "Date": "When the run started (the year shown when it is not this one)"}
STATUS_COLUMN = COLUMNS.index("Status")
SETTINGS_COLUMN = COLUMNS.index("Preset / settings")
DATA_COLUMN = COLUMNS.index("Data")
DATA_WIDTH, DATA_MIN_WIDTH = 130, 60  # the data's width: at most, and when the room is short
STATUS_MIN_WIDTH = 120  # in a window too narrow for all of Status, this much of it still shows
RUN_COLORS = ("#1f77b4", "#e6550d", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
              "#17becf")
SORT_ROLE = Qt.UserRole + 1
ID_ROLE = Qt.UserRole
NOTHING_CHOSEN = "Select a run in the table to see its curves; Ctrl or Shift + click adds more to compare"
MNIST_TEST_IMAGES = MNIST_FILES["test"][2]
CHOOSE_A_RUN = "Select a run in the table to see its test results"
NO_RUNS = "No runs yet: every training run, here or with digitpad train, is recorded in this table"
CURVES_NOTE = "Solid: training, averaged over a few steps · dashed with dots: validation after each epoch"


def sharing_a_minute(records: list[RunRecord]) -> set[str]:
    """The ids of runs started in the same minute as another: shown to the second, they are told apart."""
    minutes = Counter(record.started[:16] for record in records)
    return {record.id for record in records if minutes[record.started[:16]] > 1}


def _accuracy_text(record: RunRecord) -> str:
    """The test accuracy, and on how many images when not MNIST's 10,000: a run scored on 1,000 sorted beside one
    scored on all, as if alike."""
    if record.accuracy is None:
        return "—"
    count = record.metrics.get("count")
    whole = not isinstance(count, int) or count == MNIST_TEST_IMAGES
    return f"{record.accuracy:.2%}" + ("" if whole else f" of {count:,}")


def run_color(index: int) -> str:
    """The colour of the index-th run chosen, in the charts and their legend alike."""
    return RUN_COLORS[index % len(RUN_COLORS)]


class SortableItem(QTableWidgetItem):
    """A cell shown as text and sorted by a value (numbers sort as numbers, missing values first)."""

    def __init__(self, text: str, key):
        super().__init__(text)
        self.setData(SORT_ROLE, key)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is None or theirs is None:
            return mine is None and theirs is not None
        return mine < theirs


class ComparisonChart(MetricChart):
    """One metric of several runs: each run's training curve and validation points in its own colour.

    `step_field` is the metric's place in a record's step points, `epoch_key` its name in the history.
    """

    def __init__(self, title: str, unit: str, step_field: int, epoch_key: str, scale: float = 1.0,
                 ceiling: float | None = None, parent: QWidget | None = None):
        super().__init__(title, unit, scale, empty_range=(0.0, scale), ceiling=ceiling, parent=parent)
        self.step_field, self.epoch_key = step_field, epoch_key
        item = self.getPlotItem()
        item.setClipToView(False)  # the curves are drawn once, whole: the range must fit all of them
        item.enableAutoRange()
        self.run_curves: list = []

    def show_runs(self, records: list[RunRecord]) -> None:
        item = self.getPlotItem()
        for curve in self.run_curves:
            item.removeItem(curve)
        self.run_curves = []
        for index, record in enumerate(records):
            color = run_color(index)
            x = [s[0] for s in record.steps]
            training = item.plot(x, [s[self.step_field] * self.scale for s in record.steps],
                                 pen=pg.mkPen(color, width=1.5))
            validation = item.plot([e["epoch"] for e in record.history],
                                   [e[self.epoch_key] * self.scale for e in record.history],
                                   pen=pg.mkPen(color, width=2, style=Qt.DashLine), symbol="o", symbolSize=7,
                                   symbolPen=None, symbolBrush=color)
            self.run_curves += [training, validation]
        self.number_epochs(bool(records))


class RunsPage(QWidget):
    """Signals: `useModel(path)` to draw with a run's saved model, `sameSettings(record)` to fill the form."""

    useModel = Signal(str)
    sameSettings = Signal(object)

    def __init__(self, store: RunStore | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store or RunStore()
        self.records: dict[str, RunRecord] = {}
        self.delete_question: QMessageBox | None = None
        self.busy = False  # a run is going: its settings cannot be refilled
        self._for_drawing: Path | None = None  # the model Use for drawing asked for, while the note is about it
        self.unsaved_run: str | None = None  # the run whose model the Results page holds, never saved (the tab's)
        self.paused_run: str | None = None  # the tab's run while paused: its record says running

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        for column, name in enumerate(COLUMNS):
            self.table.horizontalHeaderItem(column).setToolTip(COLUMN_TIPS.get(name, ""))
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(SETTINGS_COLUMN, QHeaderView.Interactive)
        self.table.setColumnWidth(SETTINGS_COLUMN, 200)  # the settings in full are in the cell's tooltip
        self.table.horizontalHeader().setSectionResizeMode(STATUS_COLUMN, QHeaderView.Interactive)  # _fit_columns
        self.table.horizontalHeader().setSectionResizeMode(DATA_COLUMN, QHeaderView.Interactive)  # _fit_columns
        self.table.viewport().installEventFilter(self)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.DescendingOrder)
        self.table.setAccessibleName("Recorded runs")
        self.table.setToolTip("Select two or more runs (Ctrl or Shift + click) to compare their curves")
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(self.open_results)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(failure_style(True))
        self.results_button = QPushButton("Open results")
        self.results_button.setToolTip("The test results of the run selected last: confusion matrix, per-digit "
                                       "precision and recall")
        self.use_button = QPushButton("Use for drawing")
        self.again_button = QPushButton("Same settings again")
        self.again_button.setToolTip("Fill the form with this run's settings")
        self.delete_button = QPushButton("Delete...")
        self.delete_button.setToolTip("Forget the selected runs (their saved models stay)")
        self.results_button.clicked.connect(self.open_results)
        self.use_button.clicked.connect(self.use_model)
        self.again_button.clicked.connect(self.same_settings)
        self.delete_button.clicked.connect(self.delete_selected)
        self.note = QLabel("")
        self.note.setWordWrap(True)

        self.loss_chart = ComparisonChart("Loss", "cross-entropy", 1, "val_loss", parent=self)
        self.accuracy_chart = ComparisonChart("Accuracy", "% right", 2, "val_accuracy", scale=100, ceiling=100,
                                              parent=self)
        self.legend = legend_label()
        charts = QSplitter(Qt.Horizontal)
        charts.addWidget(self.loss_chart)
        charts.addWidget(self.accuracy_chart)
        charts.setChildrenCollapsible(False)
        curves = QWidget()
        curves_layout = QVBoxLayout(curves)
        curves_layout.setContentsMargins(0, 0, 0, 0)
        curves_layout.addWidget(charts, 1)
        curves_layout.addWidget(self.legend)
        caption = QLabel(CURVES_NOTE)
        caption.setAlignment(Qt.AlignCenter)
        caption.setWordWrap(True)  # on one line it held the whole Train tab's right side 563 px wide at least
        curves_layout.addWidget(caption)
        self.results = ResultsView()
        for widget in (self.results.save_button, self.results.use_button, self.results.gallery,
                       self.results.gallery_title):
            widget.hide()  # a past run keeps its scores, not its model in memory nor its misread images
        self.views = QTabWidget()
        self.views.addTab(curves, "Curves")
        self.views.addTab(self.results, "Results")

        self.buttons = QWidget()  # in rows as the page narrows: in one they held the whole window 92 px wider
        buttons = FlowLayout(self.buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.results_button, self.use_button, self.again_button, self.delete_button):
            buttons.addWidget(button)
        room = self.note.sizePolicy()  # its line kept when empty: coming and going, it moved the table and buttons
        room.setRetainSizeWhenHidden(True)
        self.note.setSizePolicy(room)
        self.note.hide()  # shown with something to say (say)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        self.no_runs = HintLabel(NO_RUNS)  # under the empty table it is about (under the charts, it was missed)
        self.no_runs.setWordWrap(True)
        top_layout.addWidget(self.no_runs)
        top_layout.addWidget(self.notes)
        top_layout.addWidget(self.buttons)
        top_layout.addWidget(self.note)
        body = QSplitter(Qt.Vertical)
        body.addWidget(top)
        body.addWidget(self.views)
        body.setSizes([1000, 1600])
        body.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(body)
        self._update_buttons()

    # --- the table -------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        self.refresh()  # runs of the command line, or of another window, may have ended meanwhile
        super().showEvent(event)

    def refresh(self) -> None:
        """Read the records again, keeping the selection and the sort order."""
        chosen = [r.id for r in self.selected()]
        records, notes = self.store.records()
        self.records = {r.id: r for r in records}
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self.table.blockSignals(True)
        self.table.setSortingEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(records))
        shared = sharing_a_minute(records)
        for row, record in enumerate(records):
            for column, item in enumerate(self._cells(record, seconds=record.id in shared)):
                item.setData(ID_ROLE, record.id)
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.clearSelection()
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(ID_ROLE) in chosen:
                self.table.selectionModel().select(self.table.model().index(row, 0),
                                                   QItemSelectionModel.Select | QItemSelectionModel.Rows)
        self.table.blockSignals(False)
        self._fit_columns()
        self.table.horizontalScrollBar().setValue(0)  # the run's name and date in view, not its last columns
        self._selection_changed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Data at most DATA_WIDTH wide, narrower where Status would leave the view (its tooltip has it whole);
        Status as wide as its text, but no wider than the room the columns before it leave in view: sized to a
        crash's message, it was read only by scrolling sideways. There the text wraps to the row's height, and a
        longer one ends in an ellipsis (the cell's tooltip has it whole)."""
        header = self.table.horizontalHeader()

        def wanted(column: int) -> int:  # what ResizeToContents gives the column
            return max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))

        others = sum(wanted(column) for column in range(STATUS_COLUMN) if column != DATA_COLUMN)
        left_for_data = self.table.viewport().width() - others - STATUS_MIN_WIDTH  # Data gives way before Status
        self.table.setColumnWidth(DATA_COLUMN, max(DATA_MIN_WIDTH, min(wanted(DATA_COLUMN), DATA_WIDTH,
                                                                        left_for_data)))
        room = self.table.viewport().width() - others - self.table.columnWidth(DATA_COLUMN)
        self.table.setColumnWidth(STATUS_COLUMN, max(STATUS_MIN_WIDTH, min(wanted(STATUS_COLUMN), room)))

    def _cells(self, record: RunRecord, seconds: bool) -> list[QTableWidgetItem]:
        """The run's row; `seconds` adds them to its start, which another run shares to the minute."""
        saved = record.checkpoint
        saved_text = "—" if not saved else Path(saved).name + ("" if Path(saved).is_file() else " (missing)")
        _started, _arch, data, accuracy, epochs, time, status, settings, saved_cell = cells = [
            SortableItem(record.started_text(year=record.started[:4] != str(_dt.date.today().year), seconds=seconds),
                         record.started),
            SortableItem(record.arch, record.arch),
            SortableItem(record.data_summary(), record.data_summary()),
            SortableItem(_accuracy_text(record), record.accuracy),
            SortableItem(record.length_text(), record.epochs_done),
            SortableItem(duration(record.seconds), float(record.seconds)),
            SortableItem("paused" if record.id == self.paused_run and record.shown_status == RUNNING
                         else record.status_text(), record.shown_status),
            SortableItem(record.settings_summary(), record.settings_summary()),
            SortableItem(saved_text, saved_text),
        ]
        data.setToolTip(record.data)
        settings.setToolTip(", ".join(f"{k}={v}" for k, v in record.config.items()))
        saved_cell.setToolTip(saved or "The model was not saved")
        status.setToolTip(record.status_text())
        for cell in (accuracy, epochs, time):
            cell.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
        return cells

    def selected(self) -> list[RunRecord]:
        """The selected runs, in table order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [self.table.item(row, 0).data(ID_ROLE) for row in rows]
        return [self.records[i] for i in ids if i in self.records]

    def current(self) -> RunRecord | None:
        """The run the buttons act on: the one selected last (or the only one)."""
        item = self.table.currentItem()
        chosen = self.selected()
        if item is not None and any(r.id == item.data(ID_ROLE) for r in chosen):
            return self.records[item.data(ID_ROLE)]
        return chosen[-1] if chosen else None

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.loss_chart.show_runs(chosen)
        self.accuracy_chart.show_runs(chosen)
        shared = sharing_a_minute(chosen)
        self.legend.setText(legend_html([(run_color(i), "━━", record.label(seconds=record.id in shared))
                                         for i, record in enumerate(chosen)])
                            if chosen else NOTHING_CHOSEN if self.records else "")
        self.no_runs.setVisible(not self.records)
        self.say("")
        self._update_buttons()
        self._show_results()

    def say(self, text: str, model: Path | None = None) -> None:
        """What a button did, under the buttons; nothing takes no room. `model`: the note is about the model Use
        for drawing loads, and goes when another takes its place."""
        self._for_drawing = model
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _model_path(self, record: RunRecord | None) -> str | None:
        return record.checkpoint if record and record.checkpoint and Path(record.checkpoint).is_file() else None

    def _update_buttons(self) -> None:
        record = self.current()
        self.results_button.setEnabled(bool(record and record.metrics))
        self.use_button.setEnabled(self._model_path(record) is not None)
        self.use_button.setToolTip(
            "Let the Draw tab read with this run's saved model" if record is None or self._model_path(record) else
            f"Its saved model is gone from {record.checkpoint}" if record.checkpoint else
            "This run's model is on the Results page, not saved yet: use it for drawing or save it there"
            if record.id == self.unsaved_run else
            "This run's model was not saved when the run ended, so there is none to use")
        self.again_button.setEnabled(bool(record and record.kind != FINETUNE and not self.busy))
        self.again_button.setToolTip("Fill the form with this run's settings" if not record or record.kind != FINETUNE
                                     else "A fine-tune's settings come from the fine-tune form; this fills only "
                                          "the settings of models trained from scratch")
        self.delete_button.setEnabled(bool(self.selected()))

    # --- actions ---------------------------------------------------------------------------------
    def open_results(self) -> None:
        if self.current() is not None and self.current().metrics:
            self.views.setCurrentWidget(self.results)

    def _show_results(self) -> None:
        """The Results view follows the run the buttons act on: it kept the run opened last beside another's row,
        and a deleted run's scores."""
        record = self.current()
        if record is None:
            self.results.show_nothing(CHOOSE_A_RUN)
            return
        if not record.metrics:
            self.results.show_nothing(f"Run {record.id} is still running: it is tested at its end"
                                      if record.shown_status == RUNNING else
                                      f"Run {record.id} has no test results: it ended before its test")
            return
        self.results.show_scores(record.metrics, record.arch, record.seconds)
        finetune = record.finetune
        self.results.set_note(f"Run {record.id}, {record.name or record.arch}" + (
            f" · fine-tuned from {finetune['from']}: {finetune['test_before']:.2%} → {finetune['test_after']:.2%} "
            "on the test set" if finetune else ""))

    def use_model(self) -> None:
        path = self._model_path(self.current())
        if path:
            self.say(f"Loading {Path(path).name} for the Draw tab...", Path(path).resolve())
            self.useModel.emit(path)

    def model_changed(self, predictor) -> None:
        """The Draw tab's model changed: the note about Use for drawing says it is done, or goes (another model
        took its place, such as the bundled one after Revert)."""
        if self._for_drawing is None:
            return
        if predictor.path is not None and Path(predictor.path).resolve() == self._for_drawing:
            self.say(f"The Draw tab now reads with {self._for_drawing.name}.", self._for_drawing)
        else:
            self.say("")

    def model_failed(self) -> None:
        """Use for drawing's load failed: its "Loading..." goes (the window's message says why)."""
        if self._for_drawing is not None:
            self.say("")

    def same_settings(self) -> None:
        record = self.current()
        if record is not None and record.kind != FINETUNE and not self.busy:
            self.sameSettings.emit(record)
            self.say(f"The form now holds the settings of run {record.id}.")

    def delete_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        what = f"the run of {chosen[0].label()}" if len(chosen) == 1 else f"these {len(chosen)} runs"
        self.delete_question = ask_yes_no(
            self, QMessageBox.Question, "Delete runs", f"Forget {what}? Saved models stay where they are.",
            lambda yes: self._delete_answered(yes, [r.id for r in chosen]))

    def _delete_answered(self, yes: bool, ids: list[str]) -> None:
        self.delete_question = None
        if not yes:
            return
        problems = []
        for run_id in ids:
            try:
                self.store.delete(run_id)
            except (OSError, RunRecordError) as e:
                problems.append(str(e))
        self.refresh()
        self.say("; ".join(problems) if problems else f"Deleted {len(ids)} run(s).")
