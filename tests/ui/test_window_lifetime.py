"""Closing the window loses no work, and nothing the window made is left behind."""

import os
import tempfile
from pathlib import Path

from dialog_answers import answer_dialog
from drawing import pause, settle
from message_boxes_shown import shown_box
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QMessageBox
from quick_run import prepare_quick_run

from digitpad.core.checkpoint import Checkpoint


def paste_folders() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("digitpad-paste")}


def test_a_pasted_image_leaves_no_file_behind(window, qtbot):
    before = paste_folders()
    image = QImage(140, 140, QImage.Format_Grayscale8)
    image.fill(Qt.white)
    for y in range(20, 120):
        for x in range(64, 76):
            image.setPixel(x, y, 0)  # a dark bar: a 1
    for _ in range(2):  # the second paste replaces the first one's file
        QGuiApplication.clipboard().setImage(image)
        window.paste()
        assert settle(qtbot, window.draw_tab) == "1"
    made = paste_folders() - before
    assert len(made) == 1 and len(os.listdir(Path(tempfile.gettempdir()) / made.pop())) == 1
    assert not (Path(tempfile.gettempdir()) / f"digitpad-paste-{os.getpid()}.png").exists()
    window.close()
    assert paste_folders() == before


def train_and_use(window, qtbot):
    """A one-epoch LeNet-5 run on 2,000 images in the Train tab, then "Use for drawing"."""
    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    prepare_quick_run(qtbot, tab, train_images=2000, epochs=1)
    qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=60_000)
    assert tab.outcome is not None, tab.monitor.state.text()
    with qtbot.waitSignal(window.models.changed, timeout=5_000):
        qtbot.mouseClick(tab.results.use_button, Qt.LeftButton)


def answer(window, qtbot, button) -> None:
    question = window.unsaved_question
    assert question.isVisible() and "never saved" in question.text() and "used for drawing" in question.text()
    qtbot.mouseClick(question.button(button), Qt.LeftButton)


def test_closing_with_an_unsaved_model_asks_and_cancel_keeps_it_or_discard_drops_it(window, qtbot):
    train_and_use(window, qtbot)
    assert not window.close(), "an unsaved model makes the window ask first"
    answer(window, qtbot, QMessageBox.Cancel)
    assert window.isVisible() and window.unsaved_question is None
    assert window.models.predictor.checkpoint is window.train_tab.outcome.checkpoint, "the model is still in use"

    window.close()
    answer(window, qtbot, QMessageBox.Discard)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)


def test_a_new_run_asks_before_taking_the_place_of_the_unsaved_model_in_use(window, qtbot, tmp_path):
    """The model used for drawing, never saved, could not be saved once a new run's result took its place: Start
    asks first (Save... saves it, then starts)."""
    train_and_use(window, qtbot)
    tab = window.train_tab
    first = tab.outcome.checkpoint
    prepare_quick_run(qtbot, tab, train_images=2000, epochs=200)
    qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    question = tab.replace_question
    assert question.isVisible() and not tab.is_running()
    assert question.text() == (f"The model you trained ({tab.outcome_run}), now used for drawing, was never saved. "
                               "The new run's model will take its place on the Results page. Save it first?")
    assert tab.outcome_run.startswith("lenet5, 1 epoch, started ")
    qtbot.mouseClick(question.button(QMessageBox.Cancel), Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.replace_question is None, timeout=2_000)
    assert not tab.is_running() and tab.outcome.checkpoint is first

    qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    answer_dialog(tmp_path / "first.pt", [])
    qtbot.mouseClick(tab.replace_question.button(QMessageBox.Save), Qt.LeftButton)
    qtbot.waitUntil(tab.is_running, timeout=10_000)
    assert tab.saved_path == tmp_path / "first.pt" and Checkpoint.load(tmp_path / "first.pt").metrics["count"] == 500
    with qtbot.waitSignal(tab.run.ended, timeout=2_000):
        tab.stop()


def test_quitting_during_a_run_asks_about_the_unsaved_model_first_so_cancel_loses_nothing(window, qtbot):
    """Asked the other way round, Yes to "Stop training and close?" had stopped the run, and a Cancel to the
    question after it left the window open with the run lost."""
    train_and_use(window, qtbot)
    tab = window.train_tab
    first = tab.outcome.checkpoint
    prepare_quick_run(qtbot, tab, train_images=2000, epochs=200)
    qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    qtbot.mouseClick(tab.replace_question.button(QMessageBox.Discard), Qt.LeftButton)  # "Start without saving"
    qtbot.waitUntil(tab.is_running, timeout=5_000)
    with qtbot.waitSignal(tab.run.step, timeout=60_000):
        pass

    assert not window.close() and tab.close_question is None, "the unsaved model is asked about first"
    answer(window, qtbot, QMessageBox.Cancel)
    qtbot.waitUntil(lambda: window.unsaved_question is None, timeout=2_000)
    assert window.isVisible() and tab.is_running(), "Cancel: the run goes on"

    assert not window.close()
    answer(window, qtbot, QMessageBox.Discard)
    qtbot.waitUntil(lambda: tab.close_question is not None, timeout=2_000)
    assert "Stop training" in tab.close_question.text()
    qtbot.mouseClick(tab.close_question.button(QMessageBox.No), Qt.LeftButton)
    assert window.isVisible() and tab.is_running() and tab.outcome.checkpoint is first
    with qtbot.waitSignal(tab.run.ended, timeout=2_000):
        tab.stop()
    assert tab.outcome.checkpoint is first, "a stopped run replaces nothing"

    qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    assert tab.replace_question is not None and not tab.is_running(), "Start without saving held for one run"
    qtbot.mouseClick(tab.replace_question.button(QMessageBox.Cancel), Qt.LeftButton)
    assert not window.close(), "the Discard said on the way to a close that was refused holds no more"
    answer(window, qtbot, QMessageBox.Discard)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)


def test_a_run_ending_while_the_close_question_is_open_is_asked_about_in_turn(window, qtbot):
    """A review asked to quit during a run, left "never saved. Save it?" open until the run ended, and answered
    Discard: the window closed, and the new run's model, never asked about, was lost with it."""
    train_and_use(window, qtbot)
    tab = window.train_tab
    first = tab.outcome_run
    prepare_quick_run(qtbot, tab, train_images=2000, epochs=2)
    qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    qtbot.mouseClick(tab.replace_question.button(QMessageBox.Discard), Qt.LeftButton)  # "Start without saving"
    qtbot.waitUntil(tab.is_running, timeout=5_000)
    assert not window.close()
    assert first in window.unsaved_question.text()
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=60_000)  # the question still open
    assert tab.outcome_run != first
    qtbot.mouseClick(window.unsaved_question.button(QMessageBox.Discard), Qt.LeftButton)
    qtbot.waitUntil(lambda: window.unsaved_question is not None and tab.outcome_run in window.unsaved_question.text(),
                    timeout=2_000)
    assert window.isVisible(), "the new run's model is asked about, not discarded unasked"
    qtbot.mouseClick(window.unsaved_question.button(QMessageBox.Discard), Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)


def test_save_in_the_close_question_saves_then_closes(window, qtbot, tmp_path):
    train_and_use(window, qtbot)
    window.close()
    seen = []
    answer_dialog(None, seen)  # the first Save... dialog is cancelled
    answer(window, qtbot, QMessageBox.Save)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=5_000)
    pause(50)
    assert window.isVisible() and not (tmp_path / "kept.pt").exists(), "a cancelled Save... closes nothing"
    assert window.unsaved_model()

    window.close()
    answer_dialog(tmp_path / "kept.pt", seen)  # the second names a file
    answer(window, qtbot, QMessageBox.Save)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    kept = Checkpoint.load(tmp_path / "kept.pt")
    assert kept.metrics["count"] == 500


def test_a_saved_model_closes_without_a_question(window, qtbot, tmp_path):
    train_and_use(window, qtbot)
    assert window.train_tab.save_model(tmp_path / "mine.pt")
    window.close()
    assert not window.isVisible() and window.unsaved_question is None


def test_saving_the_drawing_over_a_folder_is_refused_and_leaves_nothing(window, tmp_path):
    (tmp_path / "taken.png").mkdir()
    assert not window.save_drawing(str(tmp_path / "taken.png"))
    assert "it is a folder" in shown_box(window).text()
    shown_box(window).close()
    assert window.save_drawing(str(tmp_path / "drawing.png"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drawing.png", "taken.png"]
    assert (tmp_path / "drawing.png").read_bytes().startswith(b"\x89PNG")
