"""Make docs/screenshot-photo.png: the window reading a photo of a digit on paper (run under an X server);
with --number, docs/screenshot-photo-number.png: Number mode reading a photo of "2026", each digit boxed.

    DIGITPAD_DATA_DIR=../shared/data xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python docs/screenshot_photo.py

The photo is made like the benchmark's (tests/paper_photos.py): an MNIST test 5 in blue ballpoint
on ruled cream paper under a lamp whose light falls off across the page, with a soft shadow.
It is opened through the window's drop handler, as a file dragged onto the window is. The
number is four MNIST test digits in a row on cream paper under a lamp, opened with File > Open's path.
"""

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
USER_FOLDERS = tempfile.mkdtemp(prefix="digitpad-screenshots-")
os.environ["XDG_DATA_HOME"] = os.path.join(USER_FOLDERS, "data")
os.environ["XDG_CONFIG_HOME"] = os.path.join(USER_FOLDERS, "config")

import numpy as np  # noqa: E402
from drawing import pause  # noqa: E402
from paper_photos import Look, mnist_ink, photo, save  # noqa: E402
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from digitpad.core.datasets import load_mnist  # noqa: E402
from digitpad.core.paths import default_data_root  # noqa: E402
from digitpad.ui.app import create_window  # noqa: E402


def started_window(width: int, height: int):
    """(app, window) shown at this size, once the model is loaded."""
    app = QApplication.instance() or QApplication(sys.argv)
    window = create_window()
    window.resize(width, height)
    window.show()
    window.start()
    while window.models.predictor is None:
        pause(50)
    return app, window


def digit_shot(mnist) -> None:
    five = int((mnist.test_labels == 5).nonzero()[3][0])
    look = Look(size=(1600, 1200), gradient=0.55, gradient_angle=30, shadow=0.35, paper="cream", ink="blue",
                lines="ruled", place=(0.42, 0.55), digit_height=0.38, rotation=4, grain=4, jpeg=85)
    path = Path(USER_FOLDERS) / "photo_five.jpg"
    save(photo(mnist_ink(mnist.test_images[five].numpy()), look, np.random.default_rng(3)), path, look)

    app, window = started_window(900, 620)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    while window.draw_tab.reading is None:
        pause(50)
    pause(600)
    window.grab().save(str(HERE / "screenshot-photo.png"))
    print(window.draw_tab.panel.digit_label.text(), window.draw_tab.source_label.text())
    window.close()
    app.quit()


def number_shot(mnist) -> None:
    labels = mnist.test_labels.numpy()
    digits = [mnist_ink(mnist.test_images[int(np.flatnonzero(labels == d)[k])].numpy())
              for k, d in enumerate((2, 0, 2, 6))]
    row = np.concatenate([np.pad(d, ((0, 0), (6, 6))) for d in digits], axis=1)  # side by side, a little apart
    look = Look(size=(1800, 600), gradient=0.45, gradient_angle=20, shadow=0.3, paper="cream", ink="blue",
                place=(0.5, 0.5), digit_height=0.45, rotation=2, grain=4, jpeg=85)
    path = Path(USER_FOLDERS) / "amount.jpg"
    save(photo(row, look, np.random.default_rng(4)), path, look)

    app, window = started_window(1000, 640)
    tab = window.draw_tab
    tab.number_toggle.setChecked(True)
    window.open_image(str(path))
    while tab.number_view.reading() is None:
        pause(50)
    pause(600)
    window.grab().save(str(HERE / "screenshot-photo-number.png"))
    print(tab.number_view.text(), "|", tab.source_label.text(), flush=True)
    tab.number_toggle.setChecked(False)
    window.close()
    app.quit()


def main() -> None:
    mnist = load_mnist(default_data_root())
    number_shot(mnist) if "--number" in sys.argv else digit_shot(mnist)


if __name__ == "__main__":
    main()
