"""The Train tab: set up a run, watch it learn, keep the model or draw with it.

The tab builds its contents the first time it is shown, so people who only draw never wait for
pyqtgraph, and torch is imported by a worker (the form's architecture catalog), never here. Runs
use the same `core.trainer.train` as `digitpad train`, in a worker thread (see training_runner),
and are recorded as `digitpad train` records them (core.runs), for the Runs page.
"""

from __future__ import annotations

import datetime as _dt
import os
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.config import CHANCE_ACCURACY, CHANCE_TEST_IMAGES, TrainConfig
from ..core.dataset_files import MNIST_FILES
from ..core.paths import is_bundled_model, user_data_dir
from ..core.personal import PersonalSetError
from ..core.tensorboard_log import INSTALL_HINT, available
from .dataset_choice import DatasetChoice
from .failure_style import failure_style
from .file_dialogs import save_file
from .form_fields import (
    align_label_columns,
    let_fields_narrow,
    name_fields_by_their_labels,
    wheel_changes_only_focused_fields,
)
from .message_boxes import ask_save_first, ask_yes_no, warn
from .wording import ended_after, plural

# A stop lands within one training step or one batch of test scoring (well under a second here);
# the margin covers a machine busy with other work.
SHUTDOWN_WAIT_S = 5.0
MODEL_FILTER = "digitpad checkpoints (*.pt);;All files (*)"
USED_NOTE = "The Draw tab now reads with this model."
OWN_LOAD_S = 180  # a run's own training weighs in the 1-minute load average for about this long after it ended
LONG_RESULT_S = 120  # an unsaved model that took this long to make is not replaced by a new run without a question


def suggested_file_name(checkpoint, finetuned: bool) -> str:
    """e.g. lenet5-99.18pct.pt, or lenet5-mine-99.18pct.pt for a fine-tune: no % or spaces, easy in a shell."""
    return f"{checkpoint.arch}{'-mine' if finetuned else ''}-{checkpoint.accuracy * 100:.2f}pct.pt"


class TrainTab(QWidget):
    """Hands the form's settings to a TrainingRun, its events to the monitor, its outcome to the results.

    Signal `showDigits` asks the window to show the person's kept digits.
    """

    showDigits = Signal()
    closeRefused = Signal()  # No to "Stop training and close?": the window stays, with all the close had given up

    def __init__(self, models, personal, advise_threads: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.models = models
        self.advise_threads = advise_threads  # the app chose torch's CPU threads when it started (core.cpu_threads)
        self.personal = personal  # PersonalDigits, the set "Fine-tune on my digits" learns from
        self.form = self.monitor = self.results = None
        self.run = None  # the current or last TrainingRun
        self.outcome = None  # the last finished run's Outcome
        self.replace_question: QMessageBox | None = None  # Save... / Start without saving / Cancel, while open
        self._replace_confirmed = None  # the unsaved outcome the person chose to let a new run replace
        self.outcome_run = ""  # what that run was and when it started, e.g. "lenet5, 3 epochs, started 14:02"
        self.run_description = ""  # what the current or last started run is
        self.outcome_run_id: str | None = None  # its run record's id
        self.saved_path: Path | None = None
        self.close_question: QMessageBox | None = None
        self.stop_question: QMessageBox | None = None  # Keep the model / Discard / Go on training, while open
        self._last_epoch = None  # the run's last finished epoch (core.trainer.Epoch)
        self._last_step = None  # and its last step (core.trainer.Step)
        self._paused_by_person = False  # the run was paused already when Stop asked (Go on training leaves it so)
        self._run_ended_at: float | None = None  # time.monotonic() when the last run ended
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
        from .finetune_form import FinetuneForm
        from .runs_page import RunsPage
        from .train_form import TrainForm
        from .train_monitor import TrainingMonitor
        from .train_results import ResultsView

        self.form = TrainForm()
        self.finetune_form = FinetuneForm()
        self.new_model_choice = QRadioButton("New model")
        self.new_model_choice.setToolTip("Train a model from scratch on MNIST or a CSV")
        self.finetune_choice = QRadioButton("Fine-tune on my digits")
        self.finetune_choice.setToolTip("Teach the model in use your handwriting: the digits you kept on the Draw "
                                        "tab, mixed with MNIST and digits drawn by other pen writers")
        self.task = QButtonGroup(self)
        self.task.addButton(self.new_model_choice)
        self.task.addButton(self.finetune_choice)
        self.new_model_choice.setChecked(True)
        self.monitor = TrainingMonitor()
        self.results = ResultsView()
        self.runs_page = RunsPage()
        self.runs_page.useModel.connect(self.models.load)
        self.runs_page.sameSettings.connect(self.same_settings)
        self.tensorboard = self._tensorboard_choice()
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Why Start is disabled, or what would make the run learn little")
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.ask_stop)
        self.results.save_button.clicked.connect(self.save_model_dialog)
        self.results.use_button.clicked.connect(self.use_for_drawing)
        self.form.changed.connect(self._update_controls)
        self.form.ready.connect(self._refresh_digits)
        self.finetune_form.changed.connect(self._update_controls)
        self.finetune_form.showDigits.connect(self.showDigits)
        self.finetune_choice.toggled.connect(self._task_chosen)
        self.personal.changed.connect(self._refresh_digits)
        self.models.changed.connect(self._show_start)
        self.models.changed.connect(self._model_in_use_changed)
        self.models.changed.connect(self.runs_page.model_changed)
        self.models.failed.connect(lambda _message: self.runs_page.model_failed())
        for signal in (self.models.loading, self.models.changed, self.models.failed):
            signal.connect(self._update_controls)  # a fine-tune waits for the model in use to settle

        settings = QWidget()
        settings_layout = QVBoxLayout(settings)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        settings_layout.addWidget(self.finetune_form)
        settings_layout.addWidget(self.form, 1)
        self.finetune_form.hide()
        align_label_columns(settings)  # before the settings' width is measured
        let_fields_narrow(settings)
        wheel_changes_only_focused_fields(settings)
        scroll = QScrollArea()
        scroll.setWidget(settings)
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.NoFocus)  # Tab goes straight to the fields in it
        # Wide enough for the settings at their narrowest (choices clipped), so they never scroll sideways; the
        # splitter gives them their full width when there is room (see below).
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        frame = scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth()
        scroll.setMinimumWidth(settings.minimumSizeHint().width() + frame)
        settings_width = self.form.sizeHint().width() + frame
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        task_row = QHBoxLayout()
        task_row.addWidget(self.new_model_choice)
        task_row.addWidget(self.finetune_choice)
        task_row.addStretch(1)
        left_layout.addLayout(task_row)
        left_layout.addWidget(scroll, 1)
        # Under the settings they are mostly about, taking their room from the scroll: below the buttons, each line
        # coming or going moved the Start row.
        left_layout.addWidget(self.problems)
        left_layout.addWidget(self.tensorboard)
        left_layout.addLayout(buttons)
        self.pages = QTabWidget()
        self.pages.addTab(self.monitor, "Progress")
        self.pages.addTab(self.results, "Results")
        self.pages.addTab(self.runs_page, "Runs")
        self.pages.setTabEnabled(1, False)
        self.runs_page.refresh()
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([settings_width, max(1, self.width() - settings_width)])
        self._layout.addWidget(splitter)
        name_fields_by_their_labels(settings)
        self.pages.setAccessibleName("Training progress and results")
        # Once laid out: both show or hide the problems line, which shown with no parent opens as a window of its own
        self._show_start()
        self._update_controls()

    def _tensorboard_choice(self) -> QCheckBox:
        """The TensorBoard checkbox; without the optional extra it stays off and says how to get it."""
        self.tensorboard_available = available()
        if not self.tensorboard_available:
            return QCheckBox(f"Log to TensorBoard (needs: {INSTALL_HINT})")
        box = QCheckBox("Log to TensorBoard")
        box.setToolTip(f"Also write each run for TensorBoard, into {user_data_dir() / 'tensorboard'}")
        return box

    # --- the task ----------------------------------------------------------------------------------
    def fine_tuning(self) -> bool:
        return self.finetune_choice.isChecked()

    def _task_chosen(self) -> None:
        self.finetune_form.setVisible(self.fine_tuning())
        self.form.set_finetuning(self.fine_tuning())
        self._refresh_digits()
        self._update_controls()

    def _show_start(self) -> None:
        """Name the model a fine-tune would start from (a running one keeps the model it started from)."""
        if self.models.predictor is not None and not self.is_running():
            self.finetune_form.set_start(self.models.predictor)

    def _refresh_digits(self) -> None:
        """Show the person's set as it is on disk now."""
        try:
            personal = self.personal.load()
        except PersonalSetError as e:
            self.finetune_form.set_digits(None, [], str(e))
            return
        self.finetune_form.set_digits(personal.counts(), personal.fine_tuning_problems())

    def start_problems(self) -> list[str]:
        """Why Start cannot run now, as sentences; empty when it can."""
        if not self.fine_tuning():
            return self.form.problems()
        problems = self.form.problems()[:1] if not self.form.is_ready else []
        dataset_problem = self.form.dataset().problem()
        if self.models.predictor is None or self.models.busy:
            problems.append("the model in use is still loading")
        return problems + ([dataset_problem] if dataset_problem else []) + self.finetune_form.problems()

    # --- running ---------------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.run is not None and self.run.running

    def _job(self):
        """What the run does with the data (train a new model, or fine-tune the one in use on the person's set),
        its description, and the recorder that keeps its record."""
        from ..core.runs import RunRecorder  # torch-free, but not needed to show the window (start-up time)

        when = f"{_dt.datetime.now():%Y-%m-%d %H:%M}"
        options = {"front": "app", "tensorboard": user_data_dir() / "tensorboard" if self.tensorboard.isChecked()
                   else None}
        if not self.fine_tuning():
            from ..core.trainer import train

            config = self.form.config()
            name = f"{config.arch} trained {when}"
            return (lambda data, control: train(config, data, control, name),
                    f"{config.arch}, {plural(config.epochs, 'epoch')}", RunRecorder.for_training(config, name=name,
                                                                                                 **options))
        from ..core.finetune import finetune

        start = self.models.predictor.checkpoint
        personal = self.personal.load()
        config = self.finetune_form.config(self.form.seed.value(), self.form.device.currentData())
        name = f"{start.display_name} fine-tuned {when}"
        return (lambda data, control: finetune(start, personal, data, config, control, name),
                f"fine-tuning {start.display_name} on {len(personal.samples)} of your digits",
                RunRecorder.for_finetune(config, start.display_name, start.arch, name=name, **options))

    def start(self) -> None:
        self.form.refresh_dataset_status()  # the files may have changed since the form last looked
        self._refresh_digits()
        if self.is_running() or self.start_problems():
            self._update_controls()
            return
        if self._would_replace_a_kept_result():
            if self.replace_question is None:
                self.replace_question = ask_save_first(
                    self, "The last model is not saved", f"{self.unsaved_result_named()} was never saved. The new "
                    "run's model will take its place on the Results page. Save it first?", "Start without saving",
                    self._replace_answered)
                self.replace_question.finished.connect(lambda: setattr(self, "replace_question", None))
            return
        from .training_runner import TrainingRun  # torch is loaded: the form is ready

        try:
            job, description, recorder = self._job()
        except PersonalSetError as e:  # the set changed on disk since it was counted
            self.finetune_form.set_digits(None, [], str(e))
            return
        if self.run is not None:
            self.run.deleteLater()
        self._close_confirmed = False  # a Yes to closing gave up the run then, not this one
        self.run = TrainingRun(job, self.form.dataset(), self.form.test_images(), recorder, parent=self)
        self.run_description = f"{description}, started {_dt.datetime.now():%H:%M}"
        self.run.message.connect(self.monitor.add_message)
        self.run.step.connect(self._on_step)
        self.run.epoch.connect(self.monitor.add_epoch)
        self.run.epoch.connect(partial(setattr, self, "_last_epoch"))
        self._last_epoch = self._last_step = None
        self._run_finetunes = self.fine_tuning()
        self.run.finished.connect(self._on_finished)
        self.run.stopped.connect(self._on_stopped)
        self.run.failed.connect(self._on_failed)
        self.run.ended.connect(self._on_ended)
        self.monitor.begin(in_steps=self.fine_tuning())
        advice = self._threads_advice()
        if advice:
            self.monitor.add_message(f"{advice[0].upper()}{advice[1:]}")
        self.monitor.set_state(f"Loading the data for {description}...")
        self.pages.setCurrentWidget(self.monitor)
        self.run.start()
        self._update_controls()

    def _replace_answered(self, button) -> None:
        if button == QMessageBox.Save:
            self.save_model_dialog()
            if self.result_unsaved():  # the dialog was cancelled or the save failed (its message is shown)
                return
        elif button != QMessageBox.Discard:
            return
        self._replace_confirmed = self.outcome  # a later result is asked about again
        self.start()

    def _would_replace_a_kept_result(self) -> bool:
        """A new run would take the place of an unsaved result the person would miss: the Draw tab reads with it, or
        it took minutes to make. Quick trials, one after another, are replaced without a question."""
        predictor = self.models.predictor
        return self.result_unsaved() and self._replace_confirmed is not self.outcome and (
            (predictor is not None and self._is_this_model(predictor)) or self.outcome.seconds >= LONG_RESULT_S)

    def result_unsaved(self) -> bool:
        """True when the last run's model (on the Results page, maybe used for drawing) was never saved."""
        return self.outcome is not None and self.saved_path is None

    def unsaved_result_named(self) -> str:
        """The unsaved result as questions about it name it: "The model you trained (lenet5, 3 epochs, started 14:02),
        now used for drawing,"; the run named tells one result from the next."""
        predictor = self.models.predictor
        used = predictor is not None and self._is_this_model(predictor)
        return (f"The model you {'fine-tuned' if self.outcome.finetune else 'trained'} ({self.outcome_run})"
                f"{', now used for drawing,' if used else ''}")

    def _threads_advice(self) -> str | None:
        """Why a run on the CPU trains with fewer threads than cores, or that a restart would choose better."""
        import torch

        from ..core.cpu_threads import available_cores, threads_advice
        from ..core.device import resolve_device

        if not self.advise_threads or resolve_device(self.form.device.currentData())[0].type != "cpu":
            return None
        if self._run_ended_at is not None and time.monotonic() - self._run_ended_at < OWN_LOAD_S:
            return None  # the load average still counts the last run's own training, not other work
        return threads_advice(torch.get_num_threads(), "OMP_NUM_THREADS" in os.environ, available_cores(),
                              os.getloadavg()[0])

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
        """End the run now and keep nothing of it."""
        if self.is_running():
            self.run.control.stop()
            self.monitor.set_state("Stopping...")

    def ask_stop(self) -> None:
        """The Stop button: once an epoch is done, the model so far may be worth keeping, so ask, the run paused
        meanwhile (the count asked about is the one kept); before that, and in a fine-tune of a minute or less,
        stop at once."""
        if not self.is_running() or self._last_epoch is None or self._run_finetunes:
            self.stop()
            return
        if self.stop_question is None:
            self._paused_by_person = self.run.control.paused
            self.run.control.pause()
            self.monitor.set_state("Paused while you choose whether to keep the model...")
            self._update_controls()
            done = self._last_epoch
            box = QMessageBox(QMessageBox.Question, "Stop training",
                              f"Keep the model as trained so far ({done.epoch} of {done.epochs} epochs done)? It is "
                              "tested and shown on the Results page, as a finished run's model is. Discard ends the "
                              "run and keeps nothing of it.", QMessageBox.NoButton, self)
            keep = box.addButton("Keep the model", QMessageBox.AcceptRole)
            box.addButton("Discard", QMessageBox.DestructiveRole)
            go_on = box.addButton("Go on training", QMessageBox.RejectRole)
            box.setDefaultButton(keep)
            box.setEscapeButton(go_on)
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.finished.connect(lambda: self._stop_answered(box.buttonRole(box.clickedButton())
                                                             if box.clickedButton() else QMessageBox.RejectRole))
            box.open()
            self.stop_question = box

    def _stop_answered(self, role) -> None:
        self.stop_question = None
        if not self.is_running():  # it ended while the question was open
            return
        if role == QMessageBox.AcceptRole:
            self.run.control.finish_now()
            self.monitor.set_state("Finishing: testing the model as trained so far...")
        elif role == QMessageBox.DestructiveRole:
            self.stop()
        elif not self._paused_by_person:  # Go on training: as it was before Stop
            self.run.control.resume()
            self.monitor.set_state("Training...")
        else:
            self.monitor.set_state("Paused. Resume to go on; nothing is lost.")
        self._update_controls()

    def _on_step(self, step) -> None:
        self._last_step = step
        if step.step == 1 and step.epoch == 1 and not self.run.control.paused:
            self.monitor.set_state("Training...")
        self.monitor.add_step(step)

    def _on_finished(self, outcome) -> None:
        from .train_monitor import duration

        early = outcome.checkpoint.metrics.get("ended_early")
        kept = early and ended_after(early, outcome.checkpoint.train_config["epochs"])
        self.outcome = outcome
        self.outcome_run = f"{self.run_description}, ended as asked after {kept}" if early else self.run_description
        self.outcome_run_id = self.run.recorder.id
        self.saved_path = None
        self.runs_page.unsaved_run = self.outcome_run_id
        self.results.show_outcome(outcome)
        self.pages.setTabEnabled(1, True)
        self.pages.setCurrentWidget(self.results)
        summary = (" ".join(f"{line}." for line in outcome.finetune.lines()) if outcome.finetune
                   else f"Test accuracy {outcome.checkpoint.accuracy:.2%}.")
        checkpoint = outcome.checkpoint
        guessed = not outcome.finetune and checkpoint.accuracy < CHANCE_ACCURACY and \
            checkpoint.metrics.get("count", 0) >= CHANCE_TEST_IMAGES
        if guessed:  # a diverged run (a learning rate of 5) was reported as any other
            hint = " (a smaller learning rate?)" if TrainConfig.from_dict(checkpoint.train_config).lr_far_too_high() \
                else ""
            summary += f" That is hardly better than guessing: the model learnt nothing{hint}."
            self.results.set_note("Hardly better than guessing: the model learnt nothing", error=True)
        ended = (f"Ended as asked after {kept} ({duration(outcome.seconds)}), and kept as it was then." if early
                 else f"Finished in {duration(outcome.seconds)}.")
        self.monitor.set_state(f"{ended} {summary} See the Results page.", error=self._withheld() or guessed)

    def _on_stopped(self, stopped) -> None:
        if stopped.epoch == 0:  # stopped while starting or preparing: nothing was trained
            state = "Stopped before training began; nothing changed."
        else:
            last = self._last_step
            where = stopped.where(last and last.steps_per_epoch, self._last_epoch.epoch if self._last_epoch else 0,
                                  last.epochs if last else stopped.epoch + 1)
            state = f"Stopped {where}; the unfinished model was discarded."
        self.monitor.set_state(state + self._earlier_results("stopped"))

    def _on_failed(self, message: str) -> None:
        ended = message if message.endswith((".", "!", "?")) else f"{message}."  # a sentence may follow
        self.monitor.set_state(f"Training failed: {ended}{self._earlier_results('failed')}", error=True)
        self.monitor.add_message(f"Error: {message}")

    def _earlier_results(self, ending: str) -> str:
        """Mark the Results page as an earlier run's (its Save and Use are about that one); a sentence for the state."""
        if self.outcome is None:
            return ""
        self.results.set_earlier(f"These results are from an earlier run ({self.outcome_run}). The run you started "
                                 f"last ({self.run_description}) {ending}, and nothing of it was kept. Save and Use "
                                 "are about the earlier run.")
        return " The Results page still shows the earlier run."

    def _on_ended(self) -> None:
        self._run_ended_at = time.monotonic()
        if self._replace_confirmed is self.outcome:  # the run stopped or failed: it replaced nothing, so the next
            self._replace_confirmed = None           # run is asked about again
        if self.stop_question is not None:  # the run ended by itself while Stop's question was open
            self.stop_question.close()
        self.monitor.end()
        self._update_controls()
        self._show_start()
        self.runs_page.refresh()

    def _update_controls(self) -> None:
        running = self.is_running()
        paused = self.run.recorder.id if running and self.run.control.paused else None
        if paused != self.runs_page.paused_run:  # the table said "running" for a paused run
            self.runs_page.paused_run = paused
            self.runs_page.refresh()
        focused = next((b for b in (self.start_button, self.pause_button, self.stop_button) if b.hasFocus()), None)
        problems = [] if running else self.start_problems()
        self.form.setEnabled(not running)
        self.finetune_form.setEnabled(not running)
        self.new_model_choice.setEnabled(not running)
        self.finetune_choice.setEnabled(not running)
        self.start_button.setText("Fine-tune" if self.fine_tuning() else "Start")
        self.start_button.setEnabled(not running and not problems)
        self.pause_button.setEnabled(running)
        self.pause_button.setText("Resume" if running and self.run.control.paused else "Pause")
        self.stop_button.setEnabled(running)
        if focused is not None and not focused.isEnabled():  # the keys go on to the button that now acts
            (self.pause_button if running else self.start_button).setFocus(Qt.OtherFocusReason)
        self.tensorboard.setEnabled(not running and self.tensorboard_available)
        self.runs_page.set_busy(running)
        # what stops Start, else what would make the run learn little (Start stays: the person may mean it)
        notes = problems or ([] if running or self.fine_tuning() else self.form.warnings())
        self.problems.setText("\n".join(f"• {p[0].upper()}{p[1:]}" for p in notes))
        self.problems.setVisible(bool(notes))
        # red for what the person must change; torch still loading (the first seconds) is only waited for
        self.problems.setStyleSheet(failure_style(bool(problems) and (self.form.is_ready or self.form.catalog_error)))
        # while a run goes, its result would replace the one these buttons are about
        self.results.save_button.setEnabled(self.outcome is not None and not running)
        self.results.use_button.setEnabled(self.outcome is not None and not running)
        self.results.use_button.setText("Use anyway..." if self._withheld() else "Use for drawing")

    def same_settings(self, record) -> None:
        """Fill the form with a past run's settings (its preset shown when it followed one) and its data: the
        source, and the test images it was scored on (a run stopped before its test leaves the Test subset as is)."""
        self.new_model_choice.setChecked(True)
        self.form.preset.blockSignals(True)  # choosing the preset would refill the form with the preset itself
        self.form.preset.setCurrentIndex(self.form.preset.findData(record.preset))
        self.form.preset.blockSignals(False)
        self.form.set_config(record.train_config())
        scored = (record.metrics or {}).get("count")
        whole_test = MNIST_FILES["test"][2]
        test_images = self.form.test_images() if scored is None else None if scored == whole_test else scored
        self.form.set_data(DatasetChoice.of_source(record.data), test_images)

    # --- results ---------------------------------------------------------------------------------
    def save_model(self, path: str | Path) -> bool:
        """Save the finished model (atomically) and its per-epoch metrics as CSV beside it."""
        from ..core.checkpoint import CheckpointError
        from ..core.history_csv import write_history_csv

        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".pt")
        if is_bundled_model(path):
            self._error("Could not save the model", f"{path} is the bundled model, which is never overwritten. "
                                                    "Choose another file.")
            return False
        checkpoint = replace(self.outcome.checkpoint, name=path.stem)
        try:  # the run's record names the file, so the Runs page can offer it for drawing
            record_problem = self.runs_page.store.keep_model(self.outcome_run_id, checkpoint, path)
        except CheckpointError as e:
            self._error("Could not save the model", str(e))
            return False
        self.outcome.checkpoint = checkpoint
        self.saved_path = path
        self.runs_page.unsaved_run = None
        self.runs_page.refresh()
        metrics_csv = path.with_suffix(".csv")
        try:
            write_history_csv(checkpoint.history, metrics_csv)
        except OSError as e:
            self._error("Could not write the metrics CSV", f"The model was saved to {path}, but {metrics_csv} "
                                                           f"could not be written: {e.strerror or e}")
            return False
        if record_problem:
            self.results.set_note(f"Saved {path}; the run's record could not be updated: {record_problem}", error=True)
        else:
            self.results.set_note(f"Saved {path} and its per-epoch metrics {metrics_csv.name}")
        return True

    def save_model_dialog(self) -> None:
        name = suggested_file_name(self.outcome.checkpoint, finetuned=self.outcome.finetune is not None)
        path = save_file(self, "Save the trained model", name, MODEL_FILTER)
        if path:
            self.save_model(path)

    def _withheld(self) -> bool:
        return bool(self.outcome and self.outcome.finetune and self.outcome.finetune.withheld)

    def use_for_drawing(self) -> None:
        """Hot-swap the Draw tab's model for the one just trained; a fine-tune that forgot MNIST or reads the
        person's held-out digits worse asks first."""
        if not self._withheld():
            self._use()
            return
        report = self.outcome.finetune
        reasons = []
        if report.reads_yours_worse:
            right_before, right_after = report.held_out_right
            reasons.append(f"It reads {right_after} of your {len(report.held_out_labels)} held-out digits right, "
                           f"{right_before} before: it reads your writing worse.")
        if report.forgot:
            reasons.append(f"Its {report.test_name} test accuracy fell by {report.mnist_drop * 100:.2f} points "
                           f"({report.mnist_before:.2%} → {report.mnist_after:.2%}), more than the "
                           f"{report.max_mnist_drop * 100:.1f} allowed: it may misread digits it read before.")
        title = (f"This model forgot some of {report.test_name}" if report.forgot
                 else "This model reads your digits worse")
        ask_yes_no(self, QMessageBox.Warning, title, "\n\n".join(reasons + ["Use it for drawing anyway?"]),
                   self._use_answered)

    def _use_answered(self, yes: bool) -> None:
        if yes:
            self._use()

    def _use(self) -> None:
        from ..core.predictor import Predictor

        self.models.use(Predictor(self.outcome.checkpoint, device=self.models.device, path=self.saved_path))
        self.results.set_note(USED_NOTE)

    def _model_in_use_changed(self, predictor) -> None:
        """Once the Draw tab reads with another model (e.g. after Revert), the note saying it reads with this one goes."""
        if self.results.note.text() == USED_NOTE and not self._is_this_model(predictor):
            self.results.set_note("")

    def _is_this_model(self, predictor) -> bool:
        return self.outcome is not None and (predictor.checkpoint is self.outcome.checkpoint or (
            self.saved_path is not None and predictor.path is not None
            and Path(predictor.path).resolve() == self.saved_path.resolve()))

    def _error(self, title: str, text: str) -> None:
        """Show a problem in the results and in a message box that does not block the event loop."""
        self.results.set_note(text, error=True)
        warn(self, title, text)

    # --- closing ---------------------------------------------------------------------------------
    def confirm_close(self) -> bool:
        """True when the window may close now; during a run, ask without blocking and close again on Yes."""
        if not self.is_running() or self._close_confirmed:
            return True
        if self.close_question is None:
            self.close_question = ask_yes_no(
                self, QMessageBox.Question, "Training is running",
                "Stop training and close digitpad? The model being trained will be lost.", self._close_answered)
        return False

    def _close_answered(self, yes: bool) -> None:
        self.close_question = None
        if yes:
            self._close_confirmed = True
            self.stop()  # now: the run given up must not finish behind a later question and replace its subject
            self.window().close()
        else:
            self.closeRefused.emit()

    def shutdown(self) -> None:
        """Stop any run and wait for its worker, so nothing trains on after the window is gone."""
        if self.run is None:
            return
        self.run.blockSignals(True)  # events still queued must not reach widgets being torn down
        self.run.join(SHUTDOWN_WAIT_S)
        self.monitor.end()
