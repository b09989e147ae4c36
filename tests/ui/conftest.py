import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from digitpad.ui.app import create_window
from digitpad.ui.file_dialogs import settings


@pytest.fixture
def window(qtbot):
    """The real main window, shown, with the bundled model loaded, on a fresh profile.

    QSettings keeps its file's location for the whole test process, so what an earlier test left there
    (a model it loaded, Number mode) is cleared first.
    """
    settings().clear()
    QSettings().clear()
    win = create_window()
    qtbot.addWidget(win, before_close_func=lambda w: close_as_a_person_would(qtbot, w))
    win.show()
    with qtbot.waitSignal(win.models.changed, timeout=30_000):
        win.start()
    return win


def close_as_a_person_would(qtbot, win) -> None:
    """Close the window before pytest-qt closes and deletes it, answering Discard if a test trained a model and kept
    nothing (the answer is acted on from the event loop), and check it closed: its workers stopped and joined."""
    win.close()
    if win.unsaved_question is not None:
        win.unsaved_question.button(QMessageBox.Discard).click()
        qtbot.waitUntil(lambda: not win.isVisible(), timeout=10_000)
    assert not win.isVisible(), "the window closed, so its workers were stopped and joined"
