"""Start the desktop app: the window shows at once, torch and the model load behind it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .main_window import MainWindow


def app_icon() -> QIcon:
    from ..core.paths import resources_dir

    return QIcon(str(resources_dir() / "icon.png"))


def create_window() -> MainWindow:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("digitpad")
    app.setOrganizationName("digitpad")
    app.setWindowIcon(app_icon())
    return MainWindow()


def run() -> int:
    window = create_window()
    window.show()
    QTimer.singleShot(0, window.start)
    return QApplication.instance().exec()
