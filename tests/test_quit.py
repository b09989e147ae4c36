"""Quitting the app ends the process as soon as the window has closed.

What made quitting take 3-5 s was the interpreter's teardown after the event loop: a garbage collection
of the ~240,000 objects torch, Qt and pyqtgraph had made (benchmarks/quit_time.py measures it). The app
now leaves with os._exit once the window's closeEvent has saved the settings and joined its workers, so
that teardown never runs: an atexit handler, which the teardown would call, must never be called.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Runs the real `digitpad` GUI; the window closes itself once the bundled model is in use (torch loaded).
DRIVER = """
import atexit, sys
from pathlib import Path

import digitpad.ui.main_window as main_window

marker = Path(sys.argv[1])
atexit.register(marker.write_text, "the interpreter's teardown ran")
start = main_window.MainWindow.start


def start_then_close(window):
    window.models.changed.connect(lambda predictor: window.close())
    start(window)


main_window.MainWindow.start = start_then_close
from digitpad.cli import main

print("app started", flush=True)
sys.exit(main([]))
"""


def test_quitting_skips_the_interpreters_teardown(tmp_path):
    marker = tmp_path / "teardown-ran.txt"
    result = subprocess.run([sys.executable, "-c", DRIVER, str(marker)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("app started")
    assert not marker.exists(), "the interpreter's teardown ran after the window closed"
    from digitpad.ui.main_window import settings

    assert settings().value("geometry") is not None, "the window's closeEvent did not save the settings"


SIGNALLED = """
import sys

import digitpad.ui.main_window as main_window

start = main_window.MainWindow.start


def start_and_say(window):
    window.models.changed.connect(lambda predictor: print("model ready", flush=True))
    start(window)


main_window.MainWindow.start = start_and_say
from digitpad.cli import main

sys.exit(main([]))
"""


def test_ctrl_c_in_the_terminal_closes_the_window_as_its_close_button_does(tmp_path):
    """Ctrl+C in the terminal that started digitpad did nothing (a review): Qt's loop left Python no room to run the
    handler. Now it closes the window, whose closeEvent saves the settings, and the app ends."""
    import signal

    conf = Path(os.environ["XDG_CONFIG_HOME"]) / "digitpad" / "digitpad.conf"  # this test's, not QSettings' first
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text("[General]\n")  # no geometry: the window's closeEvent writes one
    process = subprocess.Popen([sys.executable, "-c", SIGNALLED], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().strip() == "model ready"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0, process.stderr.read()[-2000:]
    finally:
        process.kill()
    assert "geometry=" in conf.read_text(), "closed through closeEvent, which saves the settings"
