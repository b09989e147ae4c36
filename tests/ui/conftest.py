import pytest

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

