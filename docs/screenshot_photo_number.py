"""Make docs/screenshot-photo-number.png: the window in Number mode reading a photo of "2026" (needs an X server).

    DIGITPAD_DATA_DIR=../shared/data xvfb-run -a -s "-screen 0 1280x900x24" python docs/screenshot_photo_number.py

MNIST test digits written in a row in blue ballpoint on cream paper under a lamp (tests/paper_photos.py),
opened with the window's File > Open path while Number mode is on: each digit is boxed on the photo.
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
from PySide6.QtWidgets import QApplication  # noqa: E402

from digitpad.core.datasets import load_mnist  # noqa: E402
from digitpad.core.paths import default_data_root  # noqa: E402
from digitpad.ui.app import create_window  # noqa: E402


def main() -> None:
    mnist = load_mnist(default_data_root())
    labels = mnist.test_labels.numpy()
    digits = [mnist_ink(mnist.test_images[int(np.flatnonzero(labels == d)[k])].numpy())
              for k, d in enumerate((2, 0, 2, 6))]
    row = np.concatenate([np.pad(d, ((0, 0), (6, 6))) for d in digits], axis=1)  # 4x MNIST, side by side
    look = Look(size=(1800, 600), gradient=0.45, gradient_angle=20, shadow=0.3, paper="cream", ink="blue",
                place=(0.5, 0.5), digit_height=0.45, rotation=2, grain=4, jpeg=85)
    path = Path(USER_FOLDERS) / "amount.jpg"
    save(photo(row, look, np.random.default_rng(4)), path, look)

    app = QApplication.instance() or QApplication(sys.argv)
    window = create_window()
    window.resize(1000, 640)
    window.show()
    window.start()
    while window.models.predictor is None:
        pause(50)
    tab = window.draw_tab
    tab.number_toggle.setChecked(True)
    window.open_image(str(path))
    while tab.number_view.reading() is None:
        pause(50)
    pause(600)
    window.grab().save(str(HERE / "screenshot-photo-number.png"))
    print(tab.number_view.text(), "|", tab.source_label.text(), flush=True)
    if len(sys.argv) > 1:
        pause(int(sys.argv[1]))  # time for a screenshot of the whole screen
    tab.number_toggle.setChecked(False)
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
