import pytest
from PySide6.QtWidgets import QMessageBox

from digitpad.ui.app import create_window


@pytest.fixture
def window(qtbot):
    """The real main window, shown, with the bundled model loaded."""
    win = create_window()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.models.changed, timeout=30_000):
        win.start()
    yield win
    win.close()
    if win.unsaved_question is not None:  # a test trained a model and kept nothing: answer as a person would
        win.unsaved_question.button(QMessageBox.Discard).click()
    assert not win.isVisible(), "the window closed, so its workers were stopped and joined"

