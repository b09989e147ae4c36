"""Regenerate README's screenshots from a real window (run under a real X server).

    DIGITPAD_DATA_DIR=../shared/data xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python docs/screenshots.py

The digit is drawn with mouse events and the training run is started with the Start button,
exactly as a person would; the Train shots use the quick preset on MNIST ($DIGITPAD_DATA_DIR).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from digit_strokes import STYLES, place  # noqa: E402
from drawing import draw, pause  # noqa: E402

from digitpad.ui.app import create_window  # noqa: E402


def draw_tab(window) -> None:
    window.resize(900, 620)
    draw(window.draw_tab.canvas, place(STYLES[7]["crossbar"], 75, 35, 250), spacing=5, pace_ms=2)
    pause(600)
    window.grab().save(str(HERE / "screenshot-draw.png"))


def train_tab(window) -> None:
    window.resize(1280, 860)
    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    while not tab.form.is_ready:
        pause(20)
    tab.form.preset.setCurrentIndex(tab.form.preset.findData("quick"))
    tab.form.device.setCurrentIndex(tab.form.device.findData("cpu"))
    tab.start_button.click()
    steps = []
    tab.run.step.connect(steps.append)
    while not steps or steps[-1].progress < 0.55:
        if not tab.is_running():
            raise SystemExit(f"the training run ended early: {tab.monitor.state.text()}")
        pause(50)
    pause(400)
    window.grab().save(str(HERE / "screenshot-train-running.png"))
    while tab.is_running():
        pause(100)
    pause(500)
    window.grab().save(str(HERE / "screenshot-train-results.png"))


def main() -> None:
    window = create_window()
    window.show()
    window.start()
    while window.models.predictor is None:
        pause(20)
    draw_tab(window)
    train_tab(window)
    window.close()


if __name__ == "__main__":
    main()
