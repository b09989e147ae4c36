"""Regenerate README's screenshots from a real window (run under a real X server).

    DIGITPAD_DATA_DIR=../shared/data xvfb-run -a -s "-screen 0 2600x1900x24" \
        .venv/bin/python docs/screenshots.py [runs dark ...]

Names on the command line take only those shots. The normal shots come first; then the script runs itself twice
more for screenshot-dark.png (a dark palette) and screenshot-scale200.png (QT_SCALE_FACTOR=2, as on a 200%
display; the screen must be large enough for a window at twice the size).

Digits are drawn with mouse events and runs are started with their buttons, exactly as a person
would; the Train shots use the quick preset on MNIST ($DIGITPAD_DATA_DIR), the fine-tune shot
teaches the bundled model a boxy 8 it misreads. Settings and kept digits go to a temporary folder,
never the user's own.
"""

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
USER_FOLDERS = tempfile.mkdtemp(prefix="digitpad-screenshots-")
os.environ["XDG_DATA_HOME"] = os.path.join(USER_FOLDERS, "data")
os.environ["XDG_CONFIG_HOME"] = os.path.join(USER_FOLDERS, "config")

from digit_strokes import BOXY_EIGHT, STYLES, jittered, place  # noqa: E402
from drawing import draw, pause  # noqa: E402
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from digitpad.ui.app import create_window  # noqa: E402


def draw_tab(window) -> None:
    window.resize(900, 620)
    draw(window.draw_tab.canvas, place(STYLES[7]["crossbar"], 75, 35, 250), spacing=5, pace_ms=2)
    pause(600)
    window.grab().save(str(HERE / "screenshot-draw.png"))
    window.draw_tab.clear()


def number_mode(window) -> None:
    """screenshot-number.png: "2026" written with the mouse on the wide pad, each digit boxed."""
    window.resize(1000, 640)
    tab = window.draw_tab
    tab.number_toggle.setChecked(True)
    pause(300)
    x, height = 50.0, 0.6 * tab.canvas.height()
    for digit, style in ((2, "curved"), (0, "oval"), (2, "angular"), (6, "curl")):
        draw(tab.canvas, place(STYLES[digit][style], x, 0.2 * tab.canvas.height(), height), spacing=5, pace_ms=2)
        x += 0.75 * height + 45
    while tab.service.busy() or tab._throttle.isActive():
        pause(20)
    pause(300)
    window.grab().save(str(HERE / "screenshot-number.png"))
    tab.clear()
    tab.number_toggle.setChecked(False)


def inside_tab(window) -> None:
    """screenshot-inside.png: the Inside tab on a drawn 7, one conv2 map laid over the input."""
    window.resize(1280, 900)
    draw(window.draw_tab.canvas, place(STYLES[7]["crossbar"], 75, 35, 250), spacing=5, pace_ms=2)
    wait_for_answer(window.draw_tab)
    inside = window.inside_tab
    window.tabs.setCurrentWidget(inside)
    while inside.updates == 0 or inside.service.busy():
        pause(20)
    pause(300)
    grid = inside.sections[1].view
    QTest.mouseClick(grid, Qt.LeftButton, pos=QPoint(grid.cell * 5 + 4, 4))  # conv2's fifth map (cells have gaps)
    pause(300)
    window.grab().save(str(HERE / "screenshot-inside.png"))
    window.tabs.setCurrentWidget(window.draw_tab)
    window.draw_tab.clear()


def open_train_tab(window):
    """The Train tab, shown, once its form is ready."""
    window.resize(1280, 860)
    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    while not tab.form.is_ready:
        pause(20)
    return tab


def train_tab(window) -> None:
    tab = open_train_tab(window)
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


def wait_for_answer(tab) -> None:
    pause(60)
    while tab.service.busy() or tab._throttle.isActive() or not tab.correction.isEnabled():
        pause(20)


def correcting(window) -> None:
    """Keep boxy 8s (most read as 0 or "?") and a few ordinary digits; shoot the correction row, then My digits."""
    window.resize(900, 620)
    tab = window.draw_tab
    rng = random.Random(5)
    kept = [(jittered(BOXY_EIGHT, rng, tab.canvas.width()), 8) for _ in range(8)]
    kept += [(place(STYLES[d][style], 70, 30, 240), d) for d, style in ((7, "crossbar"), (1, "flag"), (4, "open"))]
    for strokes, label in kept:
        draw(tab.canvas, strokes, spacing=6)
        wait_for_answer(tab)
        tab.correction.digit_buttons[label].click()
    for _ in range(50):  # one more, drawn until the model misreads it or shows "?", as it does most
        draw(tab.canvas, jittered(BOXY_EIGHT, rng, tab.canvas.width()), spacing=5, pace_ms=2)
        wait_for_answer(tab)
        if tab.panel.digit_label.text() != "8":
            break
        tab.clear()
    else:
        raise SystemExit("the model read 50 boxy 8s in a row right: no misread one to correct")
    pause(300)
    tab.correction.digit_buttons[8].setFocus(Qt.TabFocusReason)  # as if about to say "no, it was an 8"
    window.grab().save(str(HERE / "screenshot-correction.png"))
    tab.correction.digit_buttons[8].click()
    window.show_my_digits()
    view = window.my_digits
    view.resize(880, 600)
    while "read right by" not in view.summary.text():
        pause(20)
    pause(300)
    view.grab().save(str(HERE / "screenshot-my-digits.png"))
    view.close()


def fine_tuning(window) -> None:
    window.resize(1280, 860)
    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    tab.finetune_choice.click()
    tab.form.test_limit.setValue(0)
    while not tab.form.is_ready:  # MNIST is still being read (taken alone, without the Train shot before it)
        pause(50)
    tab.start_button.click()
    while tab.is_running():
        pause(100)
    pause(500)
    if tab.outcome is None:
        raise SystemExit(f"the fine-tune did not finish: {tab.monitor.state.text()}")
    window.grab().save(str(HERE / "screenshot-finetune.png"))


def dark_palette() -> QPalette:
    """A dark palette like the desktops' dark themes, for the Fusion style (which follows the palette)."""
    palette = QPalette()
    colors = {QPalette.Window: "#2b2b2b", QPalette.WindowText: "#e6e6e6", QPalette.Base: "#1e1e1e",
              QPalette.AlternateBase: "#353535", QPalette.Text: "#e6e6e6", QPalette.Button: "#3a3a3a",
              QPalette.ButtonText: "#e6e6e6", QPalette.Highlight: "#3d8ee6", QPalette.HighlightedText: "#ffffff",
              QPalette.ToolTipBase: "#3a3a3a", QPalette.ToolTipText: "#e6e6e6", QPalette.Mid: "#6a6a6a",
              QPalette.Midlight: "#5a5a5a", QPalette.Dark: "#1a1a1a", QPalette.Light: "#505050",
              QPalette.PlaceholderText: "#9a9a9a", QPalette.Link: "#6fb3ff"}
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        palette.setColor(QPalette.Disabled, role, QColor("#8a8a8a"))
    return palette


def a_digit_drawn(window) -> None:
    tab = window.draw_tab
    draw(tab.canvas, place(STYLES[4]["open"], 75, 35, 250), spacing=5, pace_ms=2)
    wait_for_answer(tab)
    pause(300)


def variant(name: str) -> None:
    """One extra shot in a look set before the window exists: "dark" or "scale200"."""
    if name == "dark":
        app = QApplication(sys.argv)
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    window = create_window()
    window.show()
    window.start()
    while window.models.predictor is None:
        pause(20)
    window.resize(900, 640)
    a_digit_drawn(window)
    window.grab().save(str(HERE / f"screenshot-{name}.png"))
    window.close()


def runs_page(window) -> None:
    """Two short runs (LeNet-5 and the simple network, the quick recipe for 2 epochs on 6,000 images) compared
    on the Runs page."""
    tab = open_train_tab(window)
    for arch in ("lenet5", "simple"):
        tab.form.preset.setCurrentIndex(tab.form.preset.findData("quick"))
        tab.form.device.setCurrentIndex(tab.form.device.findData("cpu"))
        tab.form.arch.setCurrentIndex(tab.form.arch.findData(arch))
        tab.form.epochs.setValue(2)
        tab.form.train_limit.setValue(6000)
        tab.form.test_limit.setValue(2000)
        tab.start_button.click()
        while tab.is_running():
            pause(100)
    tab.pages.setCurrentWidget(tab.runs_page)
    table = tab.runs_page.table  # the two just trained, the newest: not the other shots' runs
    table.sortByColumn(0, Qt.DescendingOrder)
    table.selectionModel().select(QItemSelection(table.model().index(0, 0), table.model().index(1, 0)),
                                  QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
    pause(500)
    window.grab().save(str(HERE / "screenshot-runs.png"))


IN_ONE_WINDOW = {"draw": draw_tab, "number": number_mode, "inside": inside_tab, "correcting": correcting,
                 "train": train_tab, "finetune": fine_tuning, "runs": runs_page}  # taken in this order


def main() -> None:
    """Every screenshot, or only those named on the command line (e.g. `runs`)."""
    shots = sys.argv[1:] or [*IN_ONE_WINDOW, "dark", "scale200"]
    if shots in (["dark"], ["scale200"]):  # a look that must be set before the window exists: its own process
        variant(shots[0])
        return
    window = create_window()
    window.show()
    window.start()
    while window.models.predictor is None:
        pause(20)
    for name, take in IN_ONE_WINDOW.items():
        if name in shots:
            take(window)
    window.close()
    if window.unsaved_question is not None:  # the runs trained here are not kept
        window.unsaved_question.button(QMessageBox.Discard).click()
        while window.isVisible():
            pause(20)
    if "dark" in shots:
        subprocess.run([sys.executable, __file__, "dark"], check=True)
    if "scale200" in shots:
        subprocess.run([sys.executable, __file__, "scale200"], check=True, env={**os.environ, "QT_SCALE_FACTOR": "2"})


if __name__ == "__main__":
    main()
