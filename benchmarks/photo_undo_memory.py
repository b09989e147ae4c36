"""Memory held by the pad's Undo after opening many photos one after another, as shipped and without its photo limit.

Each photo is what the Draw tab keeps for one opened file: the decoded image (a 1024x768 RGB photo, as load_image
shrinks a phone's) and the picture shown with what was read outlined (draw_tab.photo_with_outline). The pad
(DrawingCanvas, offscreen) is shown each in turn, as opening a file does. Each variant runs in a fresh process;
resident memory is read before the first photo and after the last. Prints JSON and saves it
(photo_undo_memory.json beside this script unless `--out` says otherwise).
Run: python benchmarks/photo_undo_memory.py [--photos 100] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from _common import load_average, report

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from process_memory import rss_mb  # noqa: E402


def one_variant(photos: int, limited: bool) -> dict:
    import numpy as np
    from PIL import Image
    from PySide6.QtWidgets import QApplication

    from digitpad.core.images import ORIGINAL_SIZE
    from digitpad.ui import canvas as pad
    from digitpad.ui.draw_tab import photo_with_outline

    if not limited:
        pad.PHOTO_UNDO_LIMIT = pad.UNDO_LIMIT  # as before the limit: every state may hold a photo
    app = QApplication.instance() or QApplication([])
    canvas = pad.DrawingCanvas()
    canvas.show()
    rng = np.random.default_rng(0)
    app.processEvents()
    before = rss_mb()
    for i in range(photos):
        image = Image.fromarray(rng.integers(0, 256, (768, 1024, 3), dtype=np.uint8))
        image.info[ORIGINAL_SIZE] = (4032, 3024)
        picture = photo_with_outline(image, [((1000, 1000, 400, 600), False)], (4032, 3024))
        canvas.show_photo(pad.Photo(f"photo {i}.jpg", image, picture))
        app.processEvents()
    after = rss_mb()
    return {"photos_opened": photos, "photo_undo_limit": pad.PHOTO_UNDO_LIMIT, "rss_before_mb": round(before, 1),
            "rss_after_mb": round(after, 1), "grew_mb": round(after - before, 1)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--out", default=str(HERE / "photo_undo_memory.json"))
    parser.add_argument("--variant", choices=("shipped", "baseline"), help=argparse.SUPPRESS)  # the child's part
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(one_variant(args.photos, args.variant == "shipped")))
        sys.exit()
    result = {"load_average": load_average()}
    for variant in ("baseline", "shipped"):
        out = subprocess.run([sys.executable, __file__, "--photos", str(args.photos), "--variant", variant],
                             check=True, capture_output=True, text=True,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).stdout
        result[variant] = json.loads(out)
    report(result, args.out)
