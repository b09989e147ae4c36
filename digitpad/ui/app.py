"""Start the desktop app: the window shows at once, torch and the model load behind it."""

from __future__ import annotations

import os
import signal
import sys
from typing import NoReturn

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ..core.cpu_threads import use_free_cores_from_start
from ..core.paths import resources_dir
from .main_window import MainWindow


def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icon.png"))


def create_window(advise_threads: bool = False) -> MainWindow:
    """The main window; `advise_threads`: the app chose torch's CPU threads as it started (core.cpu_threads), and
    the Train tab says when another count would train faster."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("digitpad")
    app.setOrganizationName("digitpad")
    app.setWindowIcon(app_icon())
    return MainWindow(advise_threads)


def end_process(code: int) -> NoReturn:
    """Leave at once once the window has closed, skipping the interpreter's teardown.

    The window's closeEvent has saved the settings and stopped and joined any training run, and every file
    digitpad writes is written atomically when it is made; the teardown would only garbage-collect the ~240,000
    objects torch, Qt and pyqtgraph made, which took 3-5 s of a busy CPU after the window was gone
    (benchmarks/quit_time.json).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def close_on_interrupt(window: MainWindow) -> None:
    """Ctrl+C in the terminal that started the app closes the window as its close button does, asking about an
    unsaved model or a run first; it did nothing. Python runs a signal's handler only between bytecodes, which Qt's
    event loop, all in C++, leaves no room for: a timer lets Python in five times a second."""
    signal.signal(signal.SIGINT, lambda *_: QTimer.singleShot(0, window.close))
    timer = QTimer(window, interval=200)  # the window keeps it
    timer.timeout.connect(lambda: None)
    timer.start()


def run() -> NoReturn:
    window = create_window(use_free_cores_from_start())  # before torch loads, which the window starts
    window.show()
    close_on_interrupt(window)
    QTimer.singleShot(0, window.start)
    end_process(QApplication.instance().exec())
