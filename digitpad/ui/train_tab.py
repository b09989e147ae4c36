"""The Train tab: set up a run, watch it learn, keep the model or draw with it.

The tab builds its contents the first time it is shown, so people who only draw never wait for
pyqtgraph, and torch is imported by a worker (the form's architecture catalog), never here. Runs
use the same `core.trainer.train` as `digitpad train`, in a worker thread (see training_runner).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

# A stop lands within one training step or one batch of test scoring (well under a second here);
# the margin covers a machine busy with other work.
SHUTDOWN_WAIT_S = 5.0
MODEL_FILTER = "digitpad checkpoints (*.pt);;All files (*)"


class TrainTab(QWidget):
    """Hands the form's settings to a TrainingRun, its events to the monitor, its outcome to the results."""

    def __init__(self, models, personal, parent: QWidget | None = None):
        super().__init__(parent)
        self.models = models
        self.personal = personal  # PersonalDigits, the set "Fine-tune on my digits" learns from
        self.form = self.monitor = self.results = None
        self.run = None  # the current or last TrainingRun
        self.outcome = None  # the last finished run's Outcome
        self.saved_path: Path | None = None
        self.close_question: QMessageBox | None = None
        self.last_error: QMessageBox | None = None
        self._close_confirmed = False
        self._layout = QVBoxLayout(self)

    # --- building --------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        self.build()
        super().showEvent(event)

    def build(self) -> None:
        """Create the form, live view and results (once)."""
        if self.form is not None:
            return
        from .train_form import TrainForm
        from .train_monitor import TrainingMonitor
        from .train_results import ResultsView

        self.form = TrainForm()
        self.monitor = TrainingMonitor()
        self.results = ResultsView()
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #c0392b;")
        self.problems.setAccessibleName("Why Start is disabled")
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.results.save_button.clicked.connect(self.save_model_dialog)
        self.results.use_button.clicked.connect(self.use_for_drawing)
        self.form.changed.connect(self._update_controls)

        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.form.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(scroll, 1)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.problems)
        self.pages = QTabWidget()
        self.pages.addTab(self.monitor, "Progress")
        self.pages.addTab(self.results, "Results")
        self.pages.setTabEnabled(1, False)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self._layout.addWidget(splitter)
        self._update_controls()

    # --- running ---------------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.run is not None and self.run.running

    def start(self) -> None:
        self.form.refresh_dataset_status()  # the files may have changed since the form last looked
        if self.is_running() or self.form.problems():
            self._update_controls()
            return
        from .training_runner import TrainingRun  # torch is loaded: the form is ready

        config = self.form.config()
        if self.run is not None:
            self.run.deleteLater()
        self.run = TrainingRun(config, self.form.dataset(), self.form.test_images(),
                               name=f"{config.arch} trained {_dt.datetime.now():%Y-%m-%d %H:%M}", parent=self)
        self.run.message.connect(self.monitor.add_message)
        self.run.step.connect(self._on_step)
        self.run.epoch.connect(self.monitor.add_epoch)
        self.run.finished.connect(self._on_finished)
        self.run.stopped.connect(self._on_stopped)
        self.run.failed.connect(self._on_failed)
        self.run.ended.connect(self._on_ended)
        self.monitor.begin()
        self.monitor.set_state(f"Loading the data for {config.arch}, {config.epochs} epoch(s)...")
        self.pages.setCurrentWidget(self.monitor)
        self.run.start()
        self._update_controls()

    def toggle_pause(self) -> None:
        if not self.is_running():
            return
        if self.run.control.paused:
            self.run.control.resume()
            self.monitor.set_state("Training...")
        else:
            self.run.control.pause()
            self.monitor.set_state("Paused. Resume to go on; nothing is lost.")
        self._update_controls()

    def stop(self) -> None:
        if self.is_running():
            self.run.control.stop()
            self.monitor.set_state("Stopping...")

    def _on_step(self, step) -> None:
        if step.step == 1 and step.epoch == 1 and not self.run.control.paused:
            self.monitor.set_state("Training...")
        self.monitor.add_step(step)

    def _on_finished(self, outcome) -> None:
        from .train_monitor import duration

        self.outcome = outcome
        self.saved_path = None
        self.results.show_outcome(outcome)
        self.pages.setTabEnabled(1, True)
        self.pages.setCurrentWidget(self.results)
        self.monitor.set_state(f"Finished in {duration(outcome.seconds)}: test accuracy "
                               f"{outcome.checkpoint.accuracy:.2%}. Save it or use it for drawing on the Results page.")

    def _on_stopped(self, stopped) -> None:
        self.monitor.set_state(f"Stopped in epoch {stopped.epoch} after step {stopped.step}; the unfinished model "
                               "was discarded.")

    def _on_failed(self, message: str) -> None:
        self.monitor.set_state(f"Training failed: {message}", error=True)
        self.monitor.add_message(f"Error: {message}")

    def _on_ended(self) -> None:
        self.monitor.end()
        self._update_controls()

    def _update_controls(self) -> None:
        running = self.is_running()
        problems = [] if running else self.form.problems()
        self.form.setEnabled(not running)
        self.start_button.setEnabled(not running and not problems)
        self.pause_button.setEnabled(running)
        self.pause_button.setText("Resume" if running and self.run.control.paused else "Pause")
        self.stop_button.setEnabled(running)
        self.problems.setText("\n".join(f"• {p[0].upper()}{p[1:]}" for p in problems))
        self.results.save_button.setEnabled(self.outcome is not None)
        self.results.use_button.setEnabled(self.outcome is not None)

    # --- results ---------------------------------------------------------------------------------
    def save_model(self, path: str | Path) -> bool:
        """Save the finished model (atomically) and its per-epoch metrics as CSV beside it."""
        from ..core.checkpoint import CheckpointError
        from ..core.history_csv import write_history_csv

        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".pt")
        checkpoint = replace(self.outcome.checkpoint, name=path.stem)
        try:
            checkpoint.save(path)
        except CheckpointError as e:
            self._error("Could not save the model", str(e))
            return False
        self.outcome.checkpoint = checkpoint
        self.saved_path = path
        metrics_csv = path.with_suffix(".csv")
        try:
            write_history_csv(checkpoint.history, metrics_csv)
        except OSError as e:
            self._error("Could not write the metrics CSV", f"The model was saved to {path}, but {metrics_csv} "
                                                           f"could not be written: {e.strerror or e}")
            return False
        self.results.set_note(f"Saved {path} and its per-epoch metrics {metrics_csv.name}")
        return True

    def save_model_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from ..core.paths import models_dir

        suggestion = models_dir() / f"{self.outcome.checkpoint.arch}-{self.outcome.checkpoint.accuracy:.2%}.pt"
        path, _ = QFileDialog.getSaveFileName(self, "Save the trained model", str(suggestion), MODEL_FILTER)
        if path:
            self.save_model(path)

    def use_for_drawing(self) -> None:
        """Hot-swap the Draw tab's model for the one just trained."""
        from ..core.predictor import Predictor

        self.models.use(Predictor(self.outcome.checkpoint, device=self.models.device, path=self.saved_path))
        self.results.set_note("The Draw tab now reads with this model.")

    def _error(self, title: str, text: str) -> None:
        """Show a problem in the results and in a message box that does not block the event loop."""
        self.results.set_note(text, error=True)
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.last_error = box

    # --- closing ---------------------------------------------------------------------------------
    def confirm_close(self) -> bool:
        """True when the window may close now; during a run, ask without blocking and close again on Yes."""
        if not self.is_running() or self._close_confirmed:
            return True
        if self.close_question is None:
            box = QMessageBox(QMessageBox.Question, "Training is running",
                              "Stop training and close digitpad? The model being trained will be lost.",
                              QMessageBox.Yes | QMessageBox.No, self)
            box.setDefaultButton(QMessageBox.No)
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.finished.connect(self._close_answered)
            box.open()
            self.close_question = box
        return False

    def _close_answered(self) -> None:
        """Called however the question closed: Yes, No, Esc or its own close button."""
        box, self.close_question = self.close_question, None
        button = box.clickedButton()
        if button is not None and box.standardButton(button) == QMessageBox.Yes:
            self._close_confirmed = True
            self.window().close()

    def shutdown(self) -> None:
        """Stop any run and wait for its worker, so nothing trains on after the window is gone."""
        if self.run is None:
            return
        self.run.blockSignals(True)  # events still queued must not reach widgets being torn down
        self.run.join(SHUTDOWN_WAIT_S)
        self.monitor.end()
