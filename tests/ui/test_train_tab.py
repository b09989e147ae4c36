"""The Train tab as a person uses it: real MNIST subsets, real training in the worker, real files.

Runs are LeNet-5 (the quick preset) on 2,000 training and 1,000 test images, a second or two each.
"""

import csv
import gzip
import os
import re
import shutil
import subprocess
import sys

import pytest
import torch
from drawing import pause, wheel_over
from hostile_files import labelled_csv
from message_boxes_shown import shown_box
from process_memory import rss_mb
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QMessageBox

from digitpad.core.checkpoint import Checkpoint
from digitpad.core.config import preset
from digitpad.core.cpu_threads import available_cores
from digitpad.ui.failure_style import FAILED_COLOR
from digitpad.ui.model_manager import ModelManager
from digitpad.ui.personal_store import PersonalDigits
from digitpad.ui.train_tab import TrainTab

RUN_TIMEOUT_MS = 60_000  # a hang guard; small runs take seconds
# Stop is honoured between steps of a few milliseconds; the issue asks for under a second, and this
# leaves room for a loaded machine. A Stop that did not work would run 200 epochs, minutes.
STOP_TIMEOUT_MS = 2_000
LONG_RUN_EPOCHS = 200


@pytest.fixture
def tab(qtbot):
    tab = TrainTab(ModelManager(), PersonalDigits())
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitUntil(lambda: tab.form.is_ready, timeout=30_000)
    yield tab
    tab.shutdown()
    assert QThreadPool.globalInstance().waitForDone(5_000), "a worker outlived the tab"


def choose(combo, data):
    combo.setCurrentIndex(combo.findData(data))


def set_up_small_run(form, epochs=2):
    choose(form.preset, "quick")
    choose(form.device, "cpu")
    form.train_limit.setValue(2000)
    form.test_limit.setValue(1000)
    form.epochs.setValue(epochs)


def start(qtbot, tab):
    assert tab.start_button.isEnabled(), tab.problems.text()
    qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    assert tab.is_running() and not tab.form.isEnabled() and not tab.start_button.isEnabled()


def wait_until_ended(qtbot, tab, timeout=RUN_TIMEOUT_MS):
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=timeout)


def test_a_run_trains_to_the_end_then_saves_and_drives_the_draw_tab(tab, qtbot, tmp_path):
    set_up_small_run(tab.form)
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)

    steps_per_epoch = (2000 - 2000 // 12) // 128
    loss, accuracy = tab.monitor.charts.loss, tab.monitor.charts.accuracy
    assert len(loss.step_curve.xData) == len(accuracy.step_curve.xData) == 2 * steps_per_epoch
    assert list(loss.validation_epochs.xData) == list(accuracy.validation_epochs.xData) == [1, 2]
    assert list(loss.train_epochs.xData) == [0.5, 1.5], "an epoch's training mean in its middle, among its steps"
    assert tab.monitor.progress.value() == tab.monitor.progress.maximum()
    log = tab.monitor.log.toPlainText()
    assert "Epoch 1/2: loss" in log and "Epoch 2/2: loss" in log and "1,000 test images to score on" in log
    assert "1,834 training and 166 validation images" in log, "the Training subset's 2,000, as trained on"

    metrics = tab.outcome.checkpoint.metrics
    assert metrics["count"] == 1000 and metrics["accuracy"] > 0.6, "two short epochs already read most digits"
    assert tab.pages.currentWidget() is tab.results and tab.pages.isTabEnabled(1)
    assert tab.results.accuracy.text() == f"Test accuracy {metrics['accuracy']:.2%}"
    assert "Finished" in tab.monitor.state.text()
    confusion = tab.results.confusion.matrix
    assert sum(map(sum, confusion)) == 1000
    zeros = sum(confusion[0])
    assert tab.results.per_class.item(0, 2).text() == str(zeros)
    assert tab.results.per_class.item(0, 1).text() == f"{confusion[0][0] / zeros:.1%}"
    wrong = 1000 - sum(confusion[d][d] for d in range(10))
    gallery = tab.results.gallery
    assert gallery.count() == min(48, wrong) > 0
    true, read = gallery.item(0).text().split(" → ")
    assert true != read and confusion[int(true)][int(read)] > 0

    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    assert not tab.save_model(blocked / "model.pt")
    assert "could not save the model" in tab.results.note.text() and shown_box(tab).isVisible()
    shown_box(tab).close()

    assert tab.save_model(tmp_path / "mine")
    saved = Checkpoint.load(tmp_path / "mine.pt")
    assert saved.name == "mine" and saved.metrics["accuracy"] == metrics["accuracy"] and len(saved.history) == 2
    with open(tmp_path / "mine.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == [1, 2] and float(rows[1]["val_accuracy"]) > 0.5

    with qtbot.waitSignal(tab.models.changed, timeout=5_000):
        qtbot.mouseClick(tab.results.use_button, Qt.LeftButton)
    predictor = tab.models.predictor
    assert predictor.name == "mine" and predictor.path == tmp_path / "mine.pt"
    for key, value in saved.state_dict.items():
        torch.testing.assert_close(predictor.model.state_dict()[key].cpu(), value)


def test_stop_ends_the_run_at_once_and_leaves_no_worker(tab, qtbot):
    set_up_small_run(tab.form, epochs=LONG_RUN_EPOCHS)
    start(qtbot, tab)
    with qtbot.waitSignal(tab.run.step, timeout=RUN_TIMEOUT_MS):
        pass
    stopped = []
    tab.run.stopped.connect(stopped.append)
    with qtbot.waitSignal(tab.run.ended, timeout=STOP_TIMEOUT_MS):
        qtbot.mouseClick(tab.stop_button, Qt.LeftButton)
    assert len(stopped) == 1 and stopped[0].epoch < LONG_RUN_EPOCHS
    assert "Stopped in epoch" in tab.monitor.state.text()
    assert "elapsed" in tab.monitor.detail.text() and "ETA" not in tab.monitor.detail.text(), "no time left to run"
    assert tab.outcome is None and not tab.pages.isTabEnabled(1)
    assert tab.start_button.isEnabled() and tab.form.isEnabled() and not tab.stop_button.isEnabled()
    assert QThreadPool.globalInstance().waitForDone(1_000)


def test_stop_after_an_epoch_asks_whether_to_keep_the_model_so_far(tab, qtbot):
    """Stopping in epoch 7 of 8 had thrown away seven epochs of training without a word."""
    set_up_small_run(tab.form, epochs=LONG_RUN_EPOCHS)
    start(qtbot, tab)
    with qtbot.waitSignal(tab.run.epoch, timeout=RUN_TIMEOUT_MS):
        pass
    qtbot.mouseClick(tab.stop_button, Qt.LeftButton)
    question = tab.stop_question
    assert question.isVisible() and tab.is_running() and tab.run.control.paused, "paused while the person decides"
    done = re.match(rf"Keep the model as trained so far \((\d+) of {LONG_RUN_EPOCHS} epochs done\)\?", question.text())
    assert done and sorted(b.text() for b in question.buttons()) == ["Discard", "Go on training", "Keep the model"]
    assert question.defaultButton().text() == "Keep the model" and question.escapeButton().text() == "Go on training"
    button = {b.text(): b for b in question.buttons()}
    qtbot.mouseClick(button["Go on training"], Qt.LeftButton)
    assert tab.stop_question is None and tab.is_running() and not tab.run.control.paused

    with qtbot.waitSignal(tab.run.epoch, timeout=RUN_TIMEOUT_MS):
        pass
    qtbot.mouseClick(tab.stop_button, Qt.LeftButton)
    done = int(re.search(r"\((\d+) of", tab.stop_question.text()).group(1))
    pause(500)  # a while to choose: the run waits, so what is kept is what was asked about
    with qtbot.waitSignal(tab.run.ended, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick({b.text(): b for b in tab.stop_question.buttons()}["Keep the model"], Qt.LeftButton)
    early = tab.outcome.checkpoint.metrics["ended_early"]
    # Stop pressed on an epoch's last step: the pause comes in its validation, which then finishes the epoch
    done += early["epoch"] - 1 == done + 1 and early["step"] == 0
    assert early["epoch"] - 1 == done and tab.outcome.checkpoint.metrics["count"] == 1000
    kept = f"{done} of {LONG_RUN_EPOCHS} epochs" + (f" and {early['step']} step" if early["step"] else "")
    assert tab.monitor.state.text().startswith(f"Ended as asked after {kept}"), tab.monitor.state.text()
    assert "and kept as it was then. Test accuracy" in tab.monitor.state.text()
    assert tab.pages.currentWidget() is tab.results and tab.results.save_button.isEnabled()
    record = tab.runs_page.store.records()[0][0]
    assert record.status_text() == "finished early, as asked"
    assert record.epochs_done == done and record.epochs == LONG_RUN_EPOCHS

    kept = tab.outcome
    start(qtbot, tab)  # a quick trial's result, not in use: replaced without a question
    with qtbot.waitSignal(tab.run.epoch, timeout=RUN_TIMEOUT_MS):
        pass
    qtbot.mouseClick(tab.stop_button, Qt.LeftButton)
    with qtbot.waitSignal(tab.run.ended, timeout=STOP_TIMEOUT_MS):
        qtbot.mouseClick({b.text(): b for b in tab.stop_question.buttons()}["Discard"], Qt.LeftButton)
    assert "the unfinished model was discarded" in tab.monitor.state.text() and tab.outcome is kept


def test_a_two_line_headline_does_not_move_the_progress_bar(tab, qtbot):
    monitor = tab.monitor
    tab.pages.setCurrentWidget(monitor)
    tab.resize(900, 700)
    qtbot.wait(50)
    monitor.set_state("Training...")
    qtbot.wait(50)
    top = monitor.progress.y()
    words, bold = "Stopped in epoch 2 after step 427; the unfinished model was discarded.".split(), QFont()
    bold.setBold(True)
    text = ""
    while QFontMetrics(bold).horizontalAdvance(text) < 1.4 * monitor.state.width():  # a line and a half
        text += f"{words[len(text.split()) % len(words)]} "
    monitor.set_state(text.strip())
    qtbot.wait(50)
    assert monitor.state.height() > monitor.state.fontMetrics().lineSpacing() * 1.5, "it wrapped"
    assert monitor.progress.y() == top


def test_the_keyboard_focus_moves_to_the_button_that_acts(tab, qtbot):
    """Start pressed from the keyboard: the focus had gone to the tab bar, far from Pause and Stop."""
    set_up_small_run(tab.form, epochs=LONG_RUN_EPOCHS)
    tab.activateWindow()
    tab.start_button.setFocus()
    qtbot.keyClick(tab.start_button, Qt.Key_Space)
    assert tab.is_running() and tab.pause_button.hasFocus()
    qtbot.keyClick(tab.pause_button, Qt.Key_Space)
    assert tab.run.control.paused and tab.pause_button.hasFocus(), "Pause and Resume keep it"
    tab.stop_button.setFocus()
    with qtbot.waitSignal(tab.run.ended, timeout=STOP_TIMEOUT_MS):
        qtbot.keyClick(tab.stop_button, Qt.Key_Space)
        if tab.stop_question is not None:  # an epoch was done before the pause: keep it? No
            next(b for b in tab.stop_question.buttons() if b.text() == "Discard").click()
    assert tab.start_button.hasFocus()


def test_pause_holds_the_run_and_resume_goes_on_from_the_next_step(tab, qtbot):
    set_up_small_run(tab.form, epochs=LONG_RUN_EPOCHS)
    start(qtbot, tab)
    steps = []
    tab.run.step.connect(steps.append)
    qtbot.waitUntil(lambda: len(steps) > 0, timeout=RUN_TIMEOUT_MS)
    qtbot.mouseClick(tab.pause_button, Qt.LeftButton)
    assert tab.pause_button.text() == "Resume" and "Paused" in tab.monitor.state.text()
    qtbot.wait(300)  # the step under way when Pause was pressed arrives
    seen = len(steps)
    qtbot.wait(500)
    assert len(steps) == seen, "no step runs while paused"
    assert tab.is_running()

    qtbot.mouseClick(tab.pause_button, Qt.LeftButton)
    assert tab.pause_button.text() == "Pause"
    qtbot.waitUntil(lambda: len(steps) > seen + 2, timeout=RUN_TIMEOUT_MS)
    before, after = steps[seen - 1], steps[seen]
    assert (after.epoch, after.step) in ((before.epoch, before.step + 1), (before.epoch + 1, 1))
    with qtbot.waitSignal(tab.run.ended, timeout=STOP_TIMEOUT_MS):
        qtbot.mouseClick(tab.stop_button, Qt.LeftButton)


def test_closing_the_window_during_training_asks_then_stops_the_worker(qtbot, qtlog):
    from digitpad.ui.app import create_window

    window = create_window()
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.train_tab)
    tab = window.train_tab
    qtbot.waitUntil(lambda: tab.form.is_ready, timeout=30_000)
    set_up_small_run(tab.form, epochs=LONG_RUN_EPOCHS)
    start(qtbot, tab)
    with qtbot.waitSignal(tab.run.step, timeout=RUN_TIMEOUT_MS):
        pass

    assert not window.close(), "closing during a run waits for an answer"
    question = tab.close_question
    assert question.isVisible() and "Stop training" in question.text()
    qtbot.mouseClick(question.button(QMessageBox.No), Qt.LeftButton)
    assert window.isVisible() and tab.is_running() and tab.close_question is None

    window.close()
    qtbot.mouseClick(tab.close_question.button(QMessageBox.Yes), Qt.LeftButton)
    assert not window.isVisible()
    qtbot.waitUntil(lambda: not tab.run.running, timeout=STOP_TIMEOUT_MS)
    assert QThreadPool.globalInstance().activeThreadCount() == 0
    assert not [r.message for r in qtlog.records if "QThread" in r.message]


def test_invalid_values_are_refused_with_their_reasons(tab, qtbot):
    form = tab.form
    assert tab.start_button.isEnabled() and tab.problems.text() == ""
    form.epochs.setValue(0)
    form.lr.clear()
    qtbot.keyClicks(form.lr, "1e")  # unfinished scientific notation
    form.val_fraction.setValue(0.6)
    form.train_limit.setValue(10)
    assert not tab.start_button.isEnabled()
    reasons = tab.problems.text()
    assert FAILED_COLOR in tab.problems.styleSheet(), "in red: the person must change them"
    for reason in ("Epochs must be between 1 and 1000", "Learning rate must be above 0 and at most 10",
                   "Validation fraction must be above 0 and below 0.5", "A training subset needs at least 20 images"):
        assert reason in reasons
    assert form.preset.currentData() == "custom"

    qtbot.keyClicks(form.lr, "-3")
    form.epochs.setValue(1)
    form.val_fraction.setValue(0.1)
    form.train_limit.setValue(0)
    assert form.config().lr == 1e-3 and form.config().train_limit is None
    assert tab.start_button.isEnabled() and tab.problems.text() == ""
    form.lr.clear()
    qtbot.keyClicks(form.lr, "0,004")  # a decimal comma, as many write it
    assert form.config().lr == 0.004 and tab.start_button.isEnabled()
    form.lr.clear()
    qtbot.keyClicks(form.lr, "1,000")  # a thousand, or one? Refused, not read as 1
    assert not tab.start_button.isEnabled() and "Learning rate must be above 0" in tab.problems.text()


def test_while_torch_loads_the_tab_says_so_as_a_wait_not_an_error(qtbot):
    tab = TrainTab(ModelManager(), PersonalDigits())
    qtbot.addWidget(tab)
    tab.show()
    assert not tab.form.is_ready, "the architectures are listed by a worker, after this event-loop turn"
    assert tab.problems.text() == "• Loading the architectures..." and not tab.problems.isHidden()
    assert FAILED_COLOR not in tab.problems.styleSheet() and not tab.start_button.isEnabled()
    qtbot.waitUntil(lambda: tab.form.is_ready, timeout=30_000)
    assert tab.problems.isHidden() and tab.start_button.isEnabled()
    tab.shutdown()
    assert QThreadPool.globalInstance().waitForDone(5_000)


def test_settings_that_would_learn_little_are_noted_but_start_stays(tab, qtbot):
    """A subset of 50 in batches of 65,536 trained one step and read every test digit as 9, without a word."""
    form = tab.form
    form.train_limit.setValue(50)
    form.batch_size.setValue(65536)
    form.epochs.setValue(1)
    assert tab.start_button.isEnabled(), "it can run: the person may mean it"
    assert tab.problems.text() == (
        "• The whole run is 1 training step (46 training images in batches of 46, 1 epoch): too few to learn much\n"
        "• Only 4 validation images: the validation accuracy says little")
    assert FAILED_COLOR not in tab.problems.styleSheet(), "a note, not an error"
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)
    assert "note: the whole run is 1 training step" in tab.monitor.log.toPlainText()
    form.train_limit.setValue(0)
    form.batch_size.setValue(128)
    assert tab.problems.isHidden()


def test_a_learning_rate_far_too_high_is_noted_and_a_run_that_learnt_nothing_says_so(tab, qtbot):
    """A review trained with a learning rate of 5: the loss rose to thousands, every digit was read as a 2 (9.8%), and
    the run was reported as any other, "Use for drawing" and all."""
    set_up_small_run(tab.form, epochs=1)
    tab.form.lr.setText("5")
    assert "• A learning rate of 5 is far above the presets' (0.003 to 0.004)" in tab.problems.text()
    assert tab.start_button.isEnabled(), "a note: the person may mean it"
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)
    assert tab.outcome.checkpoint.accuracy < 0.2
    assert "hardly better than guessing: the model learnt nothing" in tab.monitor.state.text()
    assert FAILED_COLOR in tab.monitor.state.styleSheet()
    assert tab.results.note.text() == "Hardly better than guessing: the model learnt nothing", "on the page shown"


def test_all_typed_in_an_image_count_means_every_image(tab, qtbot):
    """The box shows "all" for 0; typing it was refused, and the 50 stayed."""
    box = tab.form.train_limit
    box.setValue(50)
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "All")
    qtbot.keyClick(box, Qt.Key_Return)
    assert box.value() == 0 and box.text() == "all" and tab.form.config().train_limit is None
    box.selectAll()
    qtbot.keyClicks(box, "300")
    qtbot.keyClick(box, Qt.Key_Return)
    assert box.value() == 300 and box.text() == "300 images"
    box.selectAll()
    qtbot.keyClicks(box, "alx")  # no other words
    qtbot.keyClick(box, Qt.Key_Return)
    assert box.value() == 300


def test_presets_fill_the_form_and_edits_make_it_custom(tab):
    form = tab.form
    choose(form.preset, "full")
    assert form.config() == preset("full")
    assert form.arch.currentData() == "digitnet" and form.elastic.isChecked() and form.styles.isChecked()
    assert "parameters" in form.arch.currentText()
    form.epochs.setValue(5)
    assert form.preset.currentData() == "custom"
    assert form.config() == preset("full", epochs=5)

    choose(form.preset, "quick")
    assert form.config() == preset("quick") and form.epochs.value() == 3 and not form.augment.isChecked()
    choose(form.device, "cpu")
    form.train_limit.setValue(5000)
    assert form.preset.currentData() == "quick", "the device and the subset are not part of the recipe"
    assert form.config() == preset("quick", device="cpu", train_limit=5000)
    choose(form.arch, "digitnet")  # LeNet's preset arguments do not carry over to another architecture
    assert form.preset.currentData() == "custom" and form.config().model_args() == {"dropout": 0.0}
    form.dropout.setValue(form.dropout.minimum())
    assert form.config().model_args() == {} and form.dropout.text() == "default"


def test_a_missing_dataset_folder_is_refused_in_the_form(tab, tmp_path):
    form = tab.form
    choose(form.dataset_kind, "folder")
    assert "Choose the folder holding MNIST" in tab.problems.text()
    form.dataset_path.setText(str(tmp_path / "nowhere"))
    assert not tab.start_button.isEnabled()
    assert "nowhere: no MNIST here" in tab.problems.text()
    assert not form.dataset_status.isVisibleTo(form), "said once, by Start, not under Location as well"
    choose(form.dataset_kind, "csv")
    assert form.dataset_path.text() == "", "a folder's path is no CSV file"
    form.dataset_path.setText(str(tmp_path))
    assert f"{tmp_path}: is a folder; choose the CSV file" in tab.problems.text()
    choose(form.dataset_kind, "folder")
    assert form.dataset_path.text() == str(tmp_path / "nowhere"), "each source keeps its own Location"
    choose(form.dataset_kind, "csv")
    assert form.dataset_path.text() == str(tmp_path)


def test_a_csv_that_cannot_train_is_refused_as_soon_as_it_is_chosen(tab, qtbot, tmp_path, mnist):
    """Not only after Start: the header is read, and a small file's rows counted, when the file is chosen."""
    form = tab.form
    choose(form.dataset_kind, "csv")
    text = labelled_csv(mnist.train_images[:20], mnist.train_labels[:20])
    (tmp_path / "junk.csv").write_text("hello world\n")
    (tmp_path / "test.csv").write_text("".join(line.split(",", 1)[1] + "\n" for line in text.splitlines()))
    (tmp_path / "tiny.csv").write_text("".join(line + "\n" for line in text.splitlines()[:6]))
    (tmp_path / "enough.csv").write_text(text)
    for name, problem in (("junk.csv", "expected a header 'label,pixel0,...,pixel783' (785 comma-separated "
                                       "columns), found 1 column starting 'hello world'"),
                          ("test.csv", "no 'label' column, only the 784 pixels, as in Kaggle's test.csv"),
                          ("tiny.csv", "only 5 rows; digitpad needs at least 11 to train and test")):
        form.dataset_path.setText(str(tmp_path / name))
        assert not tab.start_button.isEnabled() and problem in tab.problems.text(), name
        assert not form.dataset_status.isVisibleTo(form), "said once, by Start, not under Location as well"
    form.dataset_path.setText(str(tmp_path / "enough.csv"))
    assert tab.start_button.isEnabled() and form.dataset_status.text().startswith("CSV file, ")
    assert form.dataset_status.isVisibleTo(form)
    form.epochs.setValue(1)  # 20 rows: 18 to train on (2 to test), 17 after validation's 1, in one step
    assert tab.problems.text() == (
        "• The whole run is 1 training step (17 training images in batches of 17, 1 epoch): too few to learn much\n"
        "• Only 1 validation image: the validation accuracy says little"), "said before Start, not only after"
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)
    assert "note: the whole run is 1 training step (17 training images" in tab.monitor.log.toPlainText(), \
        "as the run counts them"
    assert "guessing" not in tab.monitor.state.text(), "3 test images cannot tell a model that learnt nothing"


def copy_mnist(source_root, target_root):
    raw = target_root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for path in (source_root / "MNIST" / "raw").iterdir():
        shutil.copy(path, raw / path.name)
    return raw


def test_a_corrupt_dataset_file_is_reported_clearly(tab, qtbot, tmp_path, mnist_root):
    raw = copy_mnist(mnist_root, tmp_path)
    labels = raw / "train-labels-idx1-ubyte"
    packed = labels.with_suffix(".gz") if not labels.exists() else None
    data = bytearray(gzip.decompress(packed.read_bytes()) if packed else labels.read_bytes())
    data[:4] = (1234).to_bytes(4, "big")
    labels.write_bytes(data)
    if packed:
        packed.unlink()

    set_up_small_run(tab.form)
    choose(tab.form.dataset_kind, "folder")
    tab.form.dataset_path.setText(str(raw))  # the raw folder itself is understood too
    assert "MNIST present: 4 files" in tab.form.dataset_status.text()
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)
    state = tab.monitor.state.text()
    assert state.startswith("Training failed:") and str(labels) in state and "bad magic number 1234" in state
    assert state.endswith("."), "a sentence, as the one that follows it when an earlier run's results stay"
    assert f"color: {FAILED_COLOR}" in tab.monitor.state.styleSheet()
    assert tab.outcome is None and tab.start_button.isEnabled()


def test_a_kaggle_csv_trains_too(tab, qtbot, tmp_path, mnist):
    path = tmp_path / "digits.csv"
    path.write_text(labelled_csv(mnist.train_images[:700], mnist.train_labels[:700]))
    set_up_small_run(tab.form)  # one epoch of 4 steps is too short for the one-cycle schedule (a core limit)
    tab.form.train_limit.setValue(0)
    tab.form.test_limit.setValue(0)
    choose(tab.form.dataset_kind, "csv")
    tab.form.dataset_path.setText(str(path))
    assert tab.form.dataset_status.text().startswith("CSV file, ")
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)
    assert tab.outcome is not None, tab.monitor.state.text()
    assert tab.outcome.checkpoint.metrics["count"] == 700 // 7 and "CSV (" in tab.outcome.checkpoint.metrics["dataset"]


def test_divergence_is_reported_and_the_tab_recovers(tab, qtbot):
    set_up_small_run(tab.form)
    tab.form.lr.setText("10")
    tab.form.weight_decay.setText("0.5")  # SGD then scales the weights by 1 - 10 * 0.5 = -4 a step: certain to blow up
    tab.form.optimizer.setCurrentText("sgd")
    tab.form.schedule.setCurrentText("none")
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)
    assert "diverged" in tab.monitor.state.text() and "Error:" in tab.monitor.log.toPlainText()
    assert tab.start_button.isEnabled() and tab.form.isEnabled()


def test_the_window_opens_without_loading_the_train_tab_s_heavy_parts(qtbot):
    code = ("import sys; import digitpad.ui.main_window; "
            "print(sorted(m for m in ('torch', 'pyqtgraph') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    unshown = TrainTab(ModelManager(), PersonalDigits())
    qtbot.addWidget(unshown)
    assert unshown.form is None, "built on first show"


def test_ten_back_to_back_runs_leak_no_threads_and_little_memory(tab, qtbot):
    """Issue 7's long-use case: short runs one after another, as someone trying settings would."""
    import threading

    set_up_small_run(tab.form, epochs=1)
    tab.form.train_limit.setValue(600)
    tab.form.test_limit.setValue(200)
    sizes = []
    for run in range(10):
        start(qtbot, tab)
        wait_until_ended(qtbot, tab)
        assert tab.outcome is not None and "Finished" in tab.monitor.state.text()
        qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=5_000)
        if run == 1:
            threads, baseline = threading.active_count(), rss_mb()  # after warm-up
        if run >= 1:
            sizes.append(rss_mb())
            assert threading.active_count() == threads
    assert sizes[-1] - baseline < 60, f"resident memory grew from {baseline:.0f} MB to {sizes[-1]:.0f} MB"


def test_words_about_an_earlier_model_or_run_do_not_outlive_it(tab, qtbot):
    set_up_small_run(tab.form, epochs=1)
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)
    first = tab.outcome
    with qtbot.waitSignal(tab.models.changed, timeout=5_000):
        qtbot.mouseClick(tab.results.use_button, Qt.LeftButton)
    assert tab.results.note.text() == "The Draw tab now reads with this model."
    with qtbot.waitSignal(tab.models.changed, timeout=30_000):
        tab.models.load(None)  # Model ▸ Revert to the bundled model
    assert "reads with this model" not in tab.results.note.text()
    assert not tab.results.earlier.isVisibleTo(tab.results)

    set_up_small_run(tab.form, epochs=LONG_RUN_EPOCHS)  # a second run, stopped
    start(qtbot, tab)
    with qtbot.waitSignal(tab.run.step, timeout=RUN_TIMEOUT_MS):
        pass
    with qtbot.waitSignal(tab.run.ended, timeout=STOP_TIMEOUT_MS):
        qtbot.mouseClick(tab.stop_button, Qt.LeftButton)
    assert tab.outcome is first and tab.results.save_button.isEnabled()
    tab.pages.setCurrentWidget(tab.results)
    banner = tab.results.earlier
    assert banner.isVisible() and "from an earlier run" in banner.text() and "stopped" in banner.text()
    assert "Save and Use are about the earlier run" in banner.text()
    assert "still shows the earlier run" in tab.monitor.state.text()


def test_a_run_on_a_busy_cpu_says_how_many_threads_it_trains_with(qtbot, monkeypatch):
    monkeypatch.setattr(os, "getloadavg", lambda: (3.1, 3.0, 2.9))  # other work keeps two cores busy
    tab = TrainTab(ModelManager(), PersonalDigits(), advise_threads=True)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.form.is_ready, timeout=30_000)
    set_up_small_run(tab.form, epochs=LONG_RUN_EPOCHS)
    start(qtbot, tab)
    with qtbot.waitSignal(tab.run.ended, timeout=STOP_TIMEOUT_MS + RUN_TIMEOUT_MS):
        qtbot.mouseClick(tab.stop_button, Qt.LeftButton)
    first = tab.monitor.log.toPlainText().splitlines()[0]
    cores = available_cores()
    assert first.startswith(f"Other work keeps the CPU busy (load 3.1 on {cores} cores)") or cores == 1, first
    start(qtbot, tab)  # just after a run, the load average counts that run's own training: nothing is said
    with qtbot.waitSignal(tab.run.ended, timeout=STOP_TIMEOUT_MS + RUN_TIMEOUT_MS):
        qtbot.mouseClick(tab.stop_button, Qt.LeftButton)
    assert "Other work" not in tab.monitor.log.toPlainText()
    tab.shutdown()


def test_the_wheel_scrolls_the_settings_and_changes_a_field_only_once_it_is_chosen(tab, qtbot):
    """A review scrolled the form with the wheel and found Schedule, Epochs and the preset changed on the way."""
    from PySide6.QtWidgets import QScrollArea

    tab.resize(900, 400)  # the settings scroll
    pause(100)
    form = tab.form
    scroll = next(area for area in tab.findChildren(QScrollArea) if area.widget().isAncestorOf(form))
    assert scroll.verticalScrollBar().maximum() > 0
    settings = form.config()
    for field in (form.schedule, form.epochs, form.preset):
        wheel_over(field)
    assert form.config() == settings and form.preset.currentData() == "quick", "nothing changed on the way"
    assert scroll.verticalScrollBar().value() > 0, "the wheel scrolled the settings"
    form.epochs.setFocus(Qt.MouseFocusReason)  # clicked: now the wheel is for it
    wheel_over(form.epochs)
    assert form.epochs.value() == settings.epochs - 1
