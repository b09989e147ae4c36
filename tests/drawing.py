"""Drive a DrawingCanvas as a person would: real QMouseEvents with the button held while moving; drop files.

(QTest.mouseMove does not carry held buttons, so strokes are sent as events directly.)
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QEvent, QEventLoop, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication


def mouse(widget, kind, point, button, buttons) -> None:
    local = QPointF(*point)
    event = QMouseEvent(kind, local, widget.mapToGlobal(local), button, buttons, Qt.NoModifier)
    QApplication.sendEvent(widget, event)


def wheel_over(widget) -> None:
    """One notch of the wheel down, the pointer over the widget's middle."""
    where = QPointF(widget.width() / 2, widget.height() / 2)
    QApplication.sendEvent(widget, QWheelEvent(where, widget.mapToGlobal(where), QPoint(), QPoint(0, -120),
                                               Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False))


def drop(window, path) -> None:
    """Drop a file on the window, as from a file manager."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))


def pause(ms: int) -> None:
    """Run the event loop for `ms` like the app's own loop does, releasing the GIL to worker threads.

    (QTest.qWait holds the GIL while it waits, which starves the prediction thread.)
    """
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition, timeout_s: float = 120) -> None:
    """Run the event loop (releasing the GIL to worker threads) until `condition()` holds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        pause(50)


def densify(stroke, spacing: float = 4.0):
    """Points every `spacing` px along the path, like the mouse events of a real hand."""
    out = [stroke[0]]
    for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
        steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / spacing))
        out += [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(1, steps + 1)]
    return out


def draw(widget, strokes, spacing: float = 4.0, process_events: bool = True, pace_ms: int = 0) -> int:
    """Draw strokes with press / moves / release; returns the number of mouse events sent.

    `pace_ms` waits (running the event loop) between moves, as a hand takes time to draw.
    """
    sent = 0
    for stroke in strokes:
        points = densify(stroke, spacing)
        mouse(widget, QEvent.MouseButtonPress, points[0], Qt.LeftButton, Qt.LeftButton)
        for point in points[1:]:
            mouse(widget, QEvent.MouseMove, point, Qt.NoButton, Qt.LeftButton)
            if pace_ms:
                pause(pace_ms)
            elif process_events:
                QApplication.processEvents()
        mouse(widget, QEvent.MouseButtonRelease, points[-1], Qt.LeftButton, Qt.NoButton)
        sent += len(points) + 1
    return sent


def settle(qtbot, tab) -> str:
    """Wait until no prediction is pending or running; return the digit the panel shows."""
    qtbot.waitUntil(lambda: not tab.service.busy() and not tab._throttle.isActive(), timeout=10_000)
    qtbot.wait(20)
    return tab.panel.digit_label.text()


def keep(window, qtbot, strokes, label: int) -> str:
    """Draw on the Draw tab's pad, wait for the answer, then say on the "Was it right?" row which digit it was (the
    drawing joins the personal set and the pad clears); returns what the model read."""
    tab = window.draw_tab
    draw(tab.canvas, strokes)
    read = settle(qtbot, tab)
    qtbot.mouseClick(tab.correction.digit_buttons[label], Qt.LeftButton)
    assert tab.canvas.is_empty()
    return read
