"""How well a model reads digits written by hands it never saw: the digits of 77 handwriting fonts, drawn on the pad.

Every other pen proxy (`pen_proxy.py`, `writer_learning.py`, `european_ones.py`) draws its digits with the same
generator the bundled model's pen stage learnt from (`digitpad/core/pen_digits.py`), so it flatters that model. A
handwriting font is a person's hand digitised by a type designer: its digits are shapes no one here designed. Each
font's digits 0-9 are rendered large, thinned to their centre line (`ink.thin`), and that line is drawn on the pad
with the Draw tab's own path (`strokes.drawing_input`: the MNIST-thick pen, cropped, scaled, centred), upright and
as three more writers would (slanted right, slanted left, tilted). A font is not a writer's pen data: no speed, no
wobble, one drawing of each digit. It is a second, independent proxy, used to report and to compare models, never to
train or tune (the fonts are Google Fonts' handwriting families, fetched as @fontsource npm packages; none comes
from UNIPEN or another online-handwriting collection).

The fonts are not part of the project (77 families, about 2 MB kept of 118 MB of packages): `--fetch` downloads the
missing ones with npm into `--fonts` (default ~/.cache/digitpad/handwriting-fonts) and keeps each family's latin
regular .woff. Reported per model: accuracy over every drawing, per digit, per font (the worst ten), the commonest
misreads, and expected calibration error; the baselines in the same run.

Run: python benchmarks/handwriting_fonts.py [--fetch] [--model M.pt] [--baseline B.pt ...] [--fonts DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digitpad.core.calibration import expected_calibration_error
from digitpad.core.ink import thin
from digitpad.core.pen_digits import PAD
from digitpad.core.predictor import Predictor
from digitpad.core.strokes import drawing_input

HERE = Path(__file__).resolve().parent
FAMILIES = (
    "amatic-sc annie-use-your-telescope architects-daughter calligraffitti caveat caveat-brush cedarville-cursive "
    "comic-neue coming-soon covered-by-your-grace crafty-girls cute-font dancing-script dawning-of-a-new-day "
    "delicious-handrawn edu-nsw-act-foundation edu-qld-beginner edu-sa-beginner edu-tas-beginner "
    "edu-vic-wa-nt-beginner fuzzy-bubbles gaegu gamja-flower give-you-glory gloria-hallelujah gochi-hand grape-nuts "
    "handlee hi-melody homemade-apple indie-flower itim just-another-hand just-me-again-down-here kalam kaushan-script "
    "klee-one kristi la-belle-aurore liu-jian-mao-cao long-cang loved-by-the-king mali marck-script mynerve "
    "nanum-brush-script nanum-pen-script neucha nothing-you-could-do over-the-rainbow pangolin patrick-hand "
    "patrick-hand-sc permanent-marker playpen-sans reenie-beanie rock-salt sacramento satisfy schoolbell "
    "sedgwick-ave shadows-into-light shantell-sans short-stack single-day square-peg sriracha sue-ellen-francisco "
    "sunshiney swanky-and-moo-moo the-girl-next-door waiting-for-the-sunrise walter-turncoat yellowtail yomogi "
    "zeyada zhi-mang-xing"
).split()
GLYPH_SIZE = 160  # pixels of the font's em: the thinned line has a point every pixel or so
WRITERS = {"upright": (0.0, 0.0), "slanted right": (0.3, 0.0), "slanted left": (-0.15, 0.0), "tilted": (0.1, -8.0)}


def fetch(folder: Path) -> list[str]:
    """Download the families missing from `folder` with npm; returns the ones that could not be had."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = [f for f in FAMILIES if not (folder / f"{f}.woff").exists()]
    if missing and not shutil.which("npm"):
        raise SystemExit("npm is needed to fetch the fonts (or put <family>.woff files in the folder yourself)")
    failed = []
    with tempfile.TemporaryDirectory() as scratch:
        for family in missing:
            done = subprocess.run(["npm", "pack", f"@fontsource/{family}", "--pack-destination", scratch],
                                  capture_output=True, text=True, timeout=120)
            packages = list(Path(scratch).glob("*.tgz"))
            if done.returncode or not packages:
                failed.append(family)
                continue
            with tarfile.open(packages[0]) as package:
                names = sorted(n for n in package.getnames() if "-latin-" in n and n.endswith("-normal.woff"))
                regular = [n for n in names if "-latin-400-" in n] or names
                if regular:
                    (folder / f"{family}.woff").write_bytes(package.extractfile(regular[0]).read())
                else:
                    failed.append(family)
            packages[0].unlink()
    return failed


def centre_line(font: ImageFont.FreeTypeFont, character: str) -> np.ndarray:
    """(N, 2) x, y points of the character's thinned glyph, in pixels."""
    left, top, right, bottom = font.getbbox(character)
    canvas = Image.new("L", (right - left + 8, bottom - top + 8), 0)
    ImageDraw.Draw(canvas).text((4 - left, 4 - top), character, fill=255, font=font)
    ys, xs = np.nonzero(thin(np.asarray(canvas) > 127))
    return np.stack([xs, ys], 1).astype(np.float64)


def as_strokes(points: np.ndarray, slant: float, degrees: float) -> list[np.ndarray]:
    """The centre line as pen strokes on the pad: slanted, turned, and placed to fill most of the pad's height;
    one two-point stroke between every two neighbouring pixels of the line, so it is drawn as one line."""
    centre = points.mean(0)
    xy = points - centre
    xy[:, 0] -= slant * xy[:, 1]
    turn = math.radians(degrees)
    xy = xy @ np.array([[math.cos(turn), math.sin(turn)], [-math.sin(turn), math.cos(turn)]])
    scale = 0.7 * min(PAD) / max(1.0, float(np.ptp(xy[:, 1])))
    xy = xy * scale + np.array(PAD) / 2
    index = {p: i for i, p in enumerate(map(tuple, points.astype(int).tolist()))}
    strokes = [np.stack([xy[i], xy[index[n]]]) for (x, y), i in index.items()
               for n in ((x + 1, y), (x, y + 1), (x + 1, y + 1), (x - 1, y + 1)) if n in index]
    return strokes or [xy]  # a line of one pixel is a dot


def drawings(folder: Path, characters: str = "0123456789", writers: dict = WRITERS
             ) -> list[tuple[str, str, str, np.ndarray]]:
    """(font, writer, character, model input) for every font in `folder`, character and writer (the digits and
    all four writers unless told; benchmarks/non_digits.py draws letters)."""
    out = []
    for path in sorted(folder.glob("*.woff")):
        font = ImageFont.truetype(str(path), GLYPH_SIZE)
        for character in characters:
            points = centre_line(font, character)
            for writer, (slant, degrees) in writers.items():
                image = drawing_input(as_strokes(points, slant, degrees), PAD)
                if image is not None:
                    out.append((path.stem, writer, character, image))
    return out


def score(path: str | None, sets: list) -> dict:
    predictor = Predictor.load(path, device="cpu")
    probabilities = predictor.probabilities(np.stack([image for *_, image in sets]).astype(np.float32))
    labels = np.array([int(digit) for _, _, digit, _ in sets])
    read = probabilities.argmax(1)
    right = read == labels
    fonts = sorted({font for font, *_ in sets})
    by_font = {f: float(np.mean([r for r, s in zip(right, sets) if s[0] == f])) for f in fonts}
    pairs = {}
    for truth, got in zip(labels[~right], read[~right]):
        pairs[f"{truth} as {got}"] = pairs.get(f"{truth} as {got}", 0) + 1
    return {"model": path or "bundled", "name": predictor.name, "drawings": len(labels),
            "accuracy": round(float(right.mean()), 4),
            "ece": round(expected_calibration_error(probabilities, labels), 4),
            "by_digit": {str(d): round(float(right[labels == d].mean()), 3) for d in range(10)},
            "by_writer": {w: round(float(np.mean([r for r, s in zip(right, sets) if s[1] == w])), 3) for w in WRITERS},
            "fonts_all_right": sum(v == 1 for v in by_font.values()),
            "worst_fonts": {f: round(by_font[f], 3) for f in sorted(fonts, key=by_font.get)[:10]},
            "commonest_misreads": dict(sorted(pairs.items(), key=lambda kv: -kv[1])[:10])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fonts", type=Path, default=Path.home() / ".cache" / "digitpad" / "handwriting-fonts")
    parser.add_argument("--fetch", action="store_true", help="download the missing fonts first (needs npm)")
    parser.add_argument("--model", help="checkpoint to measure (default: the bundled model)")
    parser.add_argument("--baseline", nargs="*", default=[], help="checkpoints to compare with, in the same run")
    parser.add_argument("--out", default=str(HERE / "handwriting_fonts.json"))
    args = parser.parse_args()
    failed = fetch(args.fonts) if args.fetch else []
    sets = drawings(args.fonts)
    if not sets:
        raise SystemExit(f"no fonts in {args.fonts}: run with --fetch")
    result = {"fonts": len({s[0] for s in sets}), "not_fetched": failed, "writers": list(WRITERS),
              "candidate": score(args.model, sets), "baselines": [score(b, sets) for b in args.baseline]}
    text = json.dumps(result, indent=1)
    print(text)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
