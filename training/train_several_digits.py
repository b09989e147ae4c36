"""Train the several-digits gate (core.several_digits) that the photo number reader asks: one whole digit,
several touching digits, or a part of one digit? Writes resources/several_digits.pt.

Its training data, all as 28x28 model inputs:
- one digit: MNIST training images 0-49,999, pen_digits drawings, and MNIST training digits photographed on
  synthetic pages and found by the app's own ink finder (core.ink, core.image_marks), as photos are read;
- several: two or three MNIST training digits or one pen writer's digits pushed together until they touch,
  both drawn straight into the model input and photographed on the pages;
- part of a digit: the left or right part of a digit cut at a random column, as a wrong cut leaves it.
Stroke width and ink level are randomised batch-wise, so neither tells the classes apart (a first try
learnt that a squeezed pair has thinner strokes). MNIST 50,000-59,999 and the number photos of
benchmarks/number_reading.py are never used. Round 5 of training/README.md has the results.

Run: python training/train_several_digits.py --data-dir ../shared/data [--out resources/several_digits.pt]
(about 15 min on two cores: 8 drawing the pages, 6 training)
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageFilter
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from digitpad.core import pen_digits  # noqa: E402
from digitpad.core.datasets import load_mnist  # noqa: E402
from digitpad.core.image_marks import ImageMarks  # noqa: E402
from digitpad.core.ink import find_ink  # noqa: E402
from digitpad.core.number_reading import Piece  # noqa: E402
from digitpad.core.preprocess import INK_THRESHOLD, shown_view, to_mnist, to_uint8  # noqa: E402
from digitpad.core.several_digits import CLASSES, SeveralDigits, build_gate  # noqa: E402

TRAIN_DIGITS = 50_000  # MNIST training images used; the rest are the check set
PEN_PAD = (720, 280)  # room on the pad for a run of pen digits as tall as pen_digits draws one


def _inked(ink: np.ndarray, axis: int) -> np.ndarray:
    """The columns (axis 0) or rows (axis 1) of a [0, 1] image that hold ink."""
    return np.flatnonzero((ink > INK_THRESHOLD).any(axis=axis))


# --- touching runs drawn straight into the model input ---------------------------------------------
def _ink_columns(image: np.ndarray) -> np.ndarray:
    cols = _inked(image, 0)
    return image[:, cols[0]: cols[-1] + 1] if len(cols) else image[:, :0]


def mnist_run(digits: list[np.ndarray], rng: np.random.Generator) -> np.ndarray | None:
    """MNIST digits set left to right, each overlapping the one before by 1-4 px (at most a third of the
    narrower), a little higher or lower, bigger or smaller: the blob's model input."""
    canvas = np.zeros((40, 28 * len(digits)), dtype=np.float32)
    right = width = 0
    for n, digit in enumerate(digits):
        part = _ink_columns(digit.astype(np.float32) / 255)
        if part.shape[1] == 0:
            return None
        scale = rng.uniform(0.85, 1.15)
        size = (max(1, round(part.shape[1] * scale)), round(28 * scale))
        part = np.asarray(Image.fromarray(part, mode="F").resize(size, Image.BILINEAR))
        top = min(max(0, round((40 - size[1]) / 2 + rng.uniform(-3, 3))), 40 - size[1])
        overlap = max(1, min(int(rng.integers(1, 5)), min(width, size[0]) // 3))
        left = 0 if n == 0 else max(0, right - overlap)
        window = canvas[top: top + size[1], left: left + size[0]]
        np.maximum(window, part[:, : window.shape[1]], out=window)
        right, width = left + size[0], size[0]
    return to_mnist(canvas[:, :right], ink="light")


def pen_run(labels: list[int], rng: np.random.Generator) -> np.ndarray | None:
    """One pen writer's digits, each moved right until it overlaps the one before by 0-15% of the height."""
    writer = pen_digits.Writer.random(rng)
    strokes: list[list[tuple[float, float]]] = []
    right = 0.0
    for n, label in enumerate(labels):
        design = pen_digits.DESIGNS[label][writer.styles[label]](rng)
        xs = [x for stroke in design for x, _ in stroke]
        shift = 0.0 if n == 0 else right - min(xs) - rng.uniform(0.0, 0.15)
        lift, size = rng.uniform(-0.08, 0.08), rng.uniform(0.9, 1.1)
        strokes += [[(shift + min(xs) + (x - min(xs)) * size, 0.5 + (y - 0.5) * size + lift) for x, y in stroke]
                    for stroke in design]
        right = shift + min(xs) + (max(xs) - min(xs)) * size
    image = pen_digits.model_input(pen_digits.hand_drawn(strokes, writer, rng, PEN_PAD), PEN_PAD)
    return None if image is None else image.astype(np.float32) / 255


def touching_runs(images: np.ndarray, count: int, seed: int) -> np.ndarray:
    """`count` runs of 2 (80%) or 3 touching digits (uint8): half MNIST, half pen writers."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        parts = int(rng.choice((2, 3), p=(0.8, 0.2)))
        if len(out) < count // 2:
            image = mnist_run([images[i] for i in rng.integers(0, len(images), parts)], rng)
        else:
            image = pen_run(list(rng.integers(0, 10, parts)), rng)
        if image is not None:
            out.append(to_uint8(image))
    return np.stack(out)


# --- photographed digits, found by the app's ink finder ---------------------------------------------
def _digit_ink(digit: np.ndarray, height: int, rng: np.random.Generator) -> np.ndarray:
    ink = digit.astype(np.float32) / 255
    cols, rows = _inked(ink, 0), _inked(ink, 1)
    ink = ink[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1]
    h = max(10, int(height * rng.uniform(0.85, 1.15)))
    w = max(2, round(ink.shape[1] * h / ink.shape[0] * rng.uniform(0.85, 1.15)))
    image = Image.fromarray((ink * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
    pen = rng.choice([0, 0, 3, 5, -3])  # stroke width: as is, thicker, thinner
    if pen > 0 and h > 30:
        image = image.filter(ImageFilter.MaxFilter(int(pen)))
    elif pen < 0 and h > 40:
        image = image.filter(ImageFilter.MinFilter(3))
    if rng.random() < 0.5:
        image = image.rotate(rng.uniform(-8, 8), resample=Image.BILINEAR, expand=True)
    return np.asarray(image, np.float32) / 255


def photo_page(digits: list[np.ndarray], rng: np.random.Generator) -> Image.Image:
    """The digits written in a row, each touching the one before, on lit, grainy, blurred, JPEG'd paper."""
    height = int(rng.uniform(24, 90))
    parts = [_digit_ink(d, height, rng) for d in digits]
    width, tall = sum(p.shape[1] for p in parts) + 2 * height, max(p.shape[0] for p in parts) + height
    canvas = np.zeros((tall, width), np.float32)
    x = height // 2 + int(rng.integers(0, height // 2))
    for n, part in enumerate(parts):
        if n:
            x -= int(rng.uniform(0.0, 0.14) * height) + 1
        y = min(max(int(tall / 2 - part.shape[0] / 2 + rng.uniform(-0.12, 0.12) * height), 0), tall - part.shape[0])
        window = canvas[y: y + part.shape[0], x: x + part.shape[1]]
        np.maximum(window, part[: window.shape[0], : window.shape[1]], out=window)
        x += part.shape[1]
    yy, xx = np.mgrid[0:tall, 0:width] / max(tall, width)
    paper = rng.uniform(0.6, 0.97) + rng.uniform(-0.15, 0.15) * xx + rng.uniform(-0.15, 0.15) * yy
    photo = paper * (1 - rng.uniform(0.4, 0.9) * canvas) + rng.normal(0, rng.uniform(0.0, 0.04), (tall, width))
    image = Image.fromarray((np.clip(photo, 0, 1) * 255).astype(np.uint8))
    if rng.random() < 0.7:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 1.5)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=int(rng.integers(40, 96)))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


_IMAGES: np.ndarray | None = None


def _found(job: tuple[int, np.ndarray]) -> np.ndarray | None:
    """The model input the gate is asked about for all the ink the app finds on one page (the shown view)."""
    seed, chosen = job
    marks = ImageMarks(find_ink(photo_page([_IMAGES[i] for i in chosen], np.random.default_rng(seed)), "auto"))
    return shown_view(marks.model_input(Piece(tuple(range(len(marks.boxes)))))) if marks.boxes else None


def photographed(images: np.ndarray, count: int, seed: int, workers: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` photographed pages, alternately one digit and a run of 2 (85%) or 3: model inputs (uint8) and
    labels (0 one digit, 1 several)."""
    global _IMAGES
    _IMAGES = images
    rng = np.random.default_rng(seed)
    parts = [1 if k % 2 == 0 else (3 if rng.random() < 0.15 else 2) for k in range(count)]
    jobs = [(int(rng.integers(1 << 30)), rng.integers(0, len(images), n)) for n in parts]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        found = pool.map(_found, jobs, chunksize=50)
    keep = [i for i, f in enumerate(found) if f is not None]
    return (np.stack([to_uint8(found[i]) for i in keep]), np.array([int(parts[i] > 1) for i in keep]))


def parts_of_digits(images: np.ndarray, count: int, seed: int) -> np.ndarray:
    """The left or right part of digits cut at a column 25-75% across their ink, as model inputs (uint8)."""
    rng = np.random.default_rng(seed)
    out = []
    for image in images[rng.permutation(len(images))[:count]]:
        ink = image.astype(np.float32) / 255
        cols = _inked(ink, 0)
        if len(cols) < 6:
            continue
        cut = int(cols[0] + rng.uniform(0.25, 0.75) * (cols[-1] - cols[0]))
        if rng.random() < 0.5:
            ink[:, cut:] = 0
        else:
            ink[:, :cut] = 0
        part = to_mnist(ink, ink="light")
        if part is not None:
            out.append(to_uint8(part))
    return np.stack(out)


# --- training ----------------------------------------------------------------------------------------
def vary_strokes(x: torch.Tensor) -> torch.Tensor:
    """Per image: shifted up to 2 px (batch-wise), thicker, thinner or as is, and a gamma of 0.5-2."""
    dx, dy = (int(v) for v in torch.randint(-2, 3, (2,)))
    x = torch.roll(x, (dy, dx), (2, 3))
    padded = nn.functional.pad(x, (0, 1, 0, 1))
    thick, thin = nn.functional.max_pool2d(padded, 2, 1), -nn.functional.max_pool2d(-padded, 2, 1)
    kind, mix = torch.randint(0, 3, (len(x), 1, 1, 1)), torch.rand(len(x), 1, 1, 1)
    x = torch.where(kind == 0, x, torch.where(kind == 1, x + mix * (thick - x), x + mix * (thin - x)))
    return x.clamp(0, 1) ** torch.empty(len(x), 1, 1, 1).uniform_(0.5, 2.0)


def train(classes: list[np.ndarray], epochs: int, seed: int, log) -> nn.Module:
    """Cross-entropy over the classes, weighted to balance them, with "one digit" counted twice (a whole digit
    called several is cut, which costs more than a missed cut)."""
    torch.manual_seed(seed)
    x = torch.from_numpy(np.concatenate(classes)).float().div(255).unsqueeze(1)
    y = torch.cat([torch.full((len(c),), k) for k, c in enumerate(classes)])
    weights = torch.tensor([len(classes[0]) / len(c) for c in classes])
    weights[0] = 2.0
    model, batch = build_gate(), 256
    optimizer = torch.optim.AdamW(model.parameters(), 2e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 3e-3, total_steps=epochs * (len(y) // batch + 1))
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(y))
        for first in range(0, len(y), batch):
            rows = order[first: first + batch]
            loss = nn.functional.cross_entropy(model(vary_strokes(x[rows])), y[rows], weight=weights)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        log(f"epoch {epoch + 1}/{epochs}: last batch loss {loss.item():.3f}")
    return model.eval()


def check(gate: SeveralDigits, images: np.ndarray, seed: int, workers: int, count: int) -> dict:
    """On MNIST 50,000-59,999 (never trained on): photographed single digits called not one digit, and
    touching runs (drawn and photographed) caught, at p > 0.5."""
    runs = touching_runs(images, count, seed)
    pages, labels = photographed(images, count, seed + 1, workers)
    flagged = gate.not_one_digit(pages[labels == 0].astype(np.float32) / 255) > 0.5
    caught = gate.not_one_digit(np.concatenate([runs, pages[labels == 1]]).astype(np.float32) / 255) > 0.5
    return {"photographed_single_digits_flagged": round(float(flagged.mean()), 4),
            "touching_runs_caught": round(float(caught.mean()), 4), "checked": int(len(flagged) + len(caught))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", default=str(ROOT / "resources" / "several_digits.pt"))
    parser.add_argument("--runs", type=int, default=40_000, help="touching runs drawn straight into the input")
    parser.add_argument("--pen", type=int, default=12_000, help="pen_digits drawings")
    parser.add_argument("--pages", type=int, default=84_000, help="photographed pages (half one digit)")
    parser.add_argument("--parts", type=int, default=40_000, help="parts of digits")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--check", type=int, default=3_000, help="check runs and pages")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    start = time.time()

    def log(text: str) -> None:
        print(f"[{time.time() - start:6.0f} s] {text}", flush=True)

    mnist = load_mnist(args.data_dir).train_images.numpy()
    digits, held = mnist[:TRAIN_DIGITS], mnist[TRAIN_DIGITS:]
    runs = touching_runs(digits, args.runs, args.seed + 11)
    pens = pen_digits.digit_set(args.pen, seed=args.seed + 12)[0]
    pages, labels = photographed(digits, args.pages, args.seed + 13, args.workers)
    log(f"{len(runs)} runs, {len(pens)} pen digits, {len(pages)} pages")
    one = np.concatenate([digits, pens, pages[labels == 0]])
    parts = parts_of_digits(one, args.parts, args.seed + 14)
    classes = [one, np.concatenate([runs, pages[labels == 1]]), parts]
    log("training on " + ", ".join(f"{len(c)} {name}" for c, name in zip(classes, CLASSES)))
    gate = SeveralDigits(train(classes, args.epochs, args.seed, log))
    gate.metrics = {**check(gate, held, args.seed + 21, args.workers, args.check),
                    "command": " ".join(sys.argv), "seconds": round(time.time() - start)}
    log(f"check: {gate.metrics}")
    log(f"saved {gate.save(args.out)}")


if __name__ == "__main__":
    main()
