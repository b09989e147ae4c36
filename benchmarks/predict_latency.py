"""Latency of reading one 280x280 drawing, drawing to answer, p50/p95 in ms: the new path against the old one.

- new: what the Draw tab does now: `strokes.drawing_input` (the ink drawn straight into its box at a few
  times the model's size, then scaled and centred) and `Predictor.probabilities` (ONNX Runtime,
  core.onnx_reader, where it is installed; softmax included);
- int8 (the previous reader, kept as the fallback): the same model input read by the int8 copy of the model
  (core.quantized), timed on the same drawings in the same rounds;
- old (the baseline, kept here only): the whole pad rendered (`render_strokes`), `to_mnist` on it, and
  the float model with BatchNorm folded (`models.for_inference`), normalised and softmaxed the same way.

Measured with 1 torch thread and with torch's default thread count; wall clock and this thread's CPU
time (on a shared machine the wall clock also counts other processes' turns; `load_average` says how
busy it was). Also: how far the new model input is from the old one over the 30 stroke styles in several
placements and over pen_digits drawings (beside how far the old path is from itself when the drawing
moves by half a pixel), how often both paths read the same digit, the readers' MNIST test accuracy
and agreement with the float model, what making the ONNX Runtime reader or the int8 copy adds to loading a
model, and the bare one-image forward pass of every architecture in float, int8 and ONNX Runtime. Prints one JSON object and saves it
beside this script.
Run: python benchmarks/predict_latency.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from _common import latency_ms, report

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from digit_strokes import all_styles, place  # noqa: E402

from digitpad import Predictor  # noqa: E402
from digitpad.core.datasets import load_mnist  # noqa: E402
from digitpad.core.models import ARCHITECTURES, build_model, for_inference, parameter_count  # noqa: E402
from digitpad.core.normalization import Normalization  # noqa: E402
from digitpad.core.pen_digits import PAD, Writer, writer_digits  # noqa: E402
from digitpad.core.preprocess import to_mnist  # noqa: E402
from digitpad.core.onnx_reader import onnx_reader  # noqa: E402
from digitpad.core.quantized import int8_reader  # noqa: E402
from digitpad.core.strokes import drawing_input, render_strokes  # noqa: E402

PLACEMENTS = (dict(x=30, y=15, height=250), dict(x=5, y=210, height=60), dict(x=100, y=40, height=120),
              dict(x=60, y=30, height=230, slant=0.3), dict(x=60, y=30, height=230, rotate=12))


class Int8Path:
    """The reader before ONNX Runtime: the int8 copy of the model (core.quantized), normalised and softmaxed."""

    def __init__(self, predictor: Predictor):
        self.reader = int8_reader(for_inference(predictor.model), predictor.normalization)
        self.normalization = predictor.normalization

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            logits = self.reader(self.normalization.apply(torch.from_numpy(np.ascontiguousarray(inputs))))
        return torch.softmax(logits, dim=1).numpy()


class OldPath:
    """The reading before: the pad rendered whole, to_mnist, the float model with BatchNorm folded."""

    def __init__(self, predictor: Predictor):
        self.reader = for_inference(predictor.model)
        self.normalization = predictor.normalization

    @staticmethod
    def model_input(strokes, size) -> np.ndarray | None:
        return to_mnist(render_strokes(strokes, size), ink="light")

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            logits = self.reader(self.normalization.apply(torch.from_numpy(np.ascontiguousarray(inputs))))
        return torch.softmax(logits, dim=1).numpy()


def measure(predictor: Predictor, old: OldPath, int8: Int8Path, drawings: list, repeats: int) -> dict:
    """Per-stage percentiles of the paths. Each round reads every drawing the old way, then every drawing the
    new way (as the pad reads one drawing after another), each new model input read by the int8 copy too, so all
    see the same machine and the old path does not run with the new one's data in the caches."""
    names = ("old_render", "old_preprocess", "old_forward", "old_total", "new_render_preprocess", "new_forward",
             "new_total", "new_forward_bare", "int8_forward", "int8_total")
    wall, cpu = {n: [] for n in names}, {n: [] for n in names}

    def record(marks, spans, stages):
        for name, (end, start) in zip(stages, spans):
            wall[name].append(marks[end][0] - marks[start][0])
            cpu[name].append(marks[end][1] - marks[start][1])

    for _ in range(repeats):
        for strokes in drawings:
            marks = [(time.perf_counter(), time.thread_time())]
            image = render_strokes(strokes, (280, 280))
            marks.append((time.perf_counter(), time.thread_time()))
            model_input = to_mnist(image, ink="light")
            marks.append((time.perf_counter(), time.thread_time()))
            old.probabilities(model_input[None])
            marks.append((time.perf_counter(), time.thread_time()))
            record(marks, [(1, 0), (2, 1), (3, 2), (3, 0)], names[:4])
        for strokes in drawings:
            marks = [(time.perf_counter(), time.thread_time())]
            model_input = drawing_input(strokes, (280, 280))
            marks.append((time.perf_counter(), time.thread_time()))
            predictor.probabilities(model_input[None])
            marks.append((time.perf_counter(), time.thread_time()))
            image = np.ascontiguousarray(model_input, dtype=np.float32).reshape(1, 1, 28, 28)
            marks.append((time.perf_counter(), time.thread_time()))
            predictor._onnx.session.run(None, {"image": image})  # the runtime alone, no Python round it
            marks.append((time.perf_counter(), time.thread_time()))
            int8.probabilities(model_input[None])
            marks.append((time.perf_counter(), time.thread_time()))
            record(marks, [(1, 0), (2, 1), (2, 0), (4, 3), (5, 4)], names[4:9])
            wall["int8_total"].append(wall["new_render_preprocess"][-1] + wall["int8_forward"][-1])
            cpu["int8_total"].append(cpu["new_render_preprocess"][-1] + cpu["int8_forward"][-1])
    return {"wall": {n: latency_ms(v) for n, v in wall.items()}, "cpu": {n: latency_ms(v) for n, v in cpu.items()}}


def test_drawings() -> list[tuple[str, list, tuple[int, int]]]:
    """(kind, strokes, pad): the 30 styles in every placement, and 300 pen_digits writers' digits."""
    out = [("styles", place(strokes, **where), (280, 280)) for _, _, strokes in all_styles() for where in PLACEMENTS]
    rng = np.random.default_rng(0)
    for _ in range(300):
        digits = writer_digits(Writer.random(rng), 1, rng)
        out.append(("pen_digits", digits[int(rng.integers(len(digits)))][0], PAD))
    return out


def nearest_shift_difference(image: np.ndarray, reference: np.ndarray) -> float:
    """Mean absolute difference with the image moved by up to one pixel to fit best (the centring rounds the
    centre of mass to a whole pixel: ink moved by a hundredth of a pixel can land a pixel over)."""
    return float(min(np.abs(np.roll(image, (dy, dx), axis=(0, 1)) - reference).mean()
                     for dy in (-1, 0, 1) for dx in (-1, 0, 1)))


def image_difference(predictor: Predictor, old: OldPath) -> dict:
    """How far the new model input is from the old, and whether both paths read the same digit."""
    drawings = test_drawings()
    before = [OldPath.model_input(strokes, pad) for _, strokes, pad in drawings]
    after = [drawing_input(strokes, pad) for _, strokes, pad in drawings]
    moved = [OldPath.model_input([[(x + 0.5, y + 0.5) for x, y in s] for s in strokes], pad)
             for _, strokes, pad in drawings]
    read_before = old.probabilities(np.stack(before)).argmax(1)
    read_after = predictor.probabilities(np.stack(after)).argmax(1)
    read_new_input_float = old.probabilities(np.stack(after)).argmax(1)
    out = {}
    for kind in ("styles", "pen_digits", "all"):
        pick = [i for i, (k, _, _) in enumerate(drawings) if kind in (k, "all")]

        def stats(images):
            diffs = [np.abs(images[i] - before[i]) for i in pick]
            return {"max_abs": round(float(max(d.max() for d in diffs)), 3),
                    "mean_abs": round(float(np.mean([d.mean() for d in diffs])), 4),
                    "mean_abs_after_best_1px_shift": round(float(np.mean([nearest_shift_difference(images[i], before[i])
                                                                          for i in pick])), 4),
                    "placed_a_pixel_over": int(sum(nearest_shift_difference(images[i], before[i])
                                                   < float(np.abs(images[i] - before[i]).mean()) for i in pick))}

        out[kind] = {"drawings": len(pick), "new_input": stats(after), "old_input_drawing_moved_half_a_pixel": stats(moved),
                     "same_digit_new_path_vs_old_path": round(float((read_after[pick] == read_before[pick]).mean()), 4),
                     "same_digit_new_input_vs_old_input_float_model": round(float(
                         (read_new_input_float[pick] == read_before[pick]).mean()), 4)}
    return out


def readers_on_mnist(predictor: Predictor, old: OldPath, int8: Int8Path) -> dict:
    """MNIST test accuracy of the Draw tab's reader and of the int8 copy, and their agreement with the float
    model (all 10,000 test images)."""
    data = load_mnist()
    images = data.test_images.numpy().astype(np.float32) / 255
    labels = data.test_labels.numpy()
    out = {"engine": predictor.engine}
    float_ = np.concatenate([old.probabilities(images[i:i + 1000]) for i in range(0, len(images), 1000)])
    out["float_accuracy"] = round(float((float_.argmax(1) == labels).mean()), 4)
    for name, reader in (("reader", predictor), ("int8", int8)):
        read = np.concatenate([reader.probabilities(images[i:i + 1000]) for i in range(0, len(images), 1000)])
        out[name] = {"accuracy": round(float((read.argmax(1) == labels).mean()), 4),
                     "same_digit_as_float": round(float((read.argmax(1) == float_.argmax(1)).mean()), 4),
                     "probability_difference_p99": round(float(np.percentile(np.abs(read - float_).max(1), 99)), 6)}
    return out


def load_cost(predictor: Predictor, repeats: int = 3) -> dict:
    """Seconds that making the ONNX Runtime reader or the int8 copy adds to loading a model."""
    out = {"repeats": repeats}
    for name, make in (("onnx_reader", lambda folded: onnx_reader(folded, predictor.normalization)),
                       ("int8_copy", lambda folded: int8_reader(folded, predictor.normalization))):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            make(for_inference(predictor.model))
            times.append(time.perf_counter() - start)
        out[f"{name}_s_median"] = round(float(np.median(times)), 3)
    return out


def forward_per_architecture(repeats: int = 300) -> dict:
    """One-image CPU forward pass of every registered architecture: float (BatchNorm folded), int8, ONNX Runtime."""
    out = {}
    x = torch.rand(1, 1, 28, 28)
    for name in ARCHITECTURES:
        folded = for_inference(build_model(name).eval())
        onnx = onnx_reader(folded, Normalization())
        readers = {"float": folded, "int8": int8_reader(folded, Normalization()),
                   "onnx": onnx and (lambda x, session=onnx.session: session.run(None, {"image": x.numpy()}))}
        out[name] = {"parameters": parameter_count(folded)}
        for kind, model in readers.items():
            if model is None:
                continue
            with torch.inference_mode():
                for _ in range(20):
                    model(x)
                times = []
                for _ in range(repeats):
                    start = time.thread_time()
                    model(x)
                    times.append(time.thread_time() - start)
            out[name][f"{kind}_cpu"] = latency_ms(times)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    predictor = Predictor.load(device="cpu")
    old, int8 = OldPath(predictor), Int8Path(predictor)
    drawings = [place(strokes, 30, 15, 250) for _, _, strokes in all_styles()]
    default_threads = torch.get_num_threads()
    results = {"model": predictor.name, "drawings": len(drawings) * args.repeats, "image": "280x280",
               "target_p95_ms": 2.0}
    for threads in sorted({1, default_threads}):
        torch.set_num_threads(threads)
        measure(predictor, old, int8, drawings, 1)  # warm-up
        results[f"threads_{threads}"] = measure(predictor, old, int8, drawings, args.repeats)
    torch.set_num_threads(1)
    results["forward_1_thread_by_architecture"] = forward_per_architecture()
    results["load"] = load_cost(predictor)
    torch.set_num_threads(default_threads)
    results["model_input_new_vs_old"] = image_difference(predictor, old)
    results["mnist_test"] = readers_on_mnist(predictor, old, int8)
    results["load_average"] = [round(x, 2) for x in os.getloadavg()]
    report(results, Path(__file__).resolve().parent / "predict_latency.json")


if __name__ == "__main__":
    main()
