"""The several-digits gate: one whole digit told from touching digits and from part of a digit; its file read
without trusting it; and photographed touching pen digits read whole with it, where the reader without it drops
digits."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from hostile_files import refused_in_one_line
from written_numbers import pen_photo_number

from digitpad.core.preprocess import to_mnist
from digitpad.core.several_digits import KIND, GateFileError, SeveralDigits, bundled_gate, gate_at

ROOT = Path(__file__).resolve().parent.parent


def _ink(image: np.ndarray) -> np.ndarray:
    ink = image.astype(np.float32) / 255
    cols = np.flatnonzero(ink.max(0) > 0.1)
    return ink[:, cols[0]: cols[-1] + 1]


def _touching(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two MNIST digits side by side, their ink overlapping by 2 px: the model input of the blob."""
    a, b = _ink(a), _ink(b)
    canvas = np.zeros((28, a.shape[1] + b.shape[1] - 2), np.float32)
    canvas[:, : a.shape[1]] = a
    canvas[:, a.shape[1] - 2:] = np.maximum(canvas[:, a.shape[1] - 2:], b)
    return to_mnist(canvas, ink="light")


def _left_part(image: np.ndarray) -> np.ndarray | None:
    ink = image.astype(np.float32) / 255
    cols = np.flatnonzero(ink.max(0) > 0.1)
    ink[:, (cols[0] + cols[-1]) // 2:] = 0
    return to_mnist(ink, ink="light")


def test_the_bundled_gate_tells_one_digit_from_touching_digits_and_parts(mnist):
    gate = bundled_gate()
    images = mnist.test_images.numpy()
    singles = gate.not_one_digit(images[:2000].astype(np.float32) / 255)
    pairs = gate.not_one_digit(np.stack([_touching(images[i], images[i + 1]) for i in range(2000, 2600, 2)]))
    parts = gate.not_one_digit(np.stack([p for p in map(_left_part, images[3000:3300]) if p is not None]))
    assert (singles > 0.5).mean() < 0.01, "MNIST test digits (never trained on) called not one digit"
    assert (pairs > 0.5).mean() > 0.9 and (parts > 0.5).mean() > 0.6
    assert gate.metrics["touching_runs_caught"] > 0.95 and gate.metrics["photographed_single_digits_flagged"] < 0.02


def test_photographed_touching_pen_digits_are_read_whole_with_the_gate(bundled):
    """Numbers written with the pad's strokes in pen on paper, every pair of neighbours touching: the reader
    without the gate takes many pairs for one confident digit (there: 16 of 40 numbers with every digit found,
    15 read right; with it 23 and 19)."""
    rng = np.random.default_rng(21)
    truths = ["".join(str(d) for d in rng.integers(0, 10, int(rng.integers(2, 5)))) for _ in range(40)]
    photos = [pen_photo_number(t, rng, touch_share=1.0) for t in truths]
    with_gate = [bundled.read_number(photo).text for photo in photos]
    without = [bundled.read_number(photo, gate=False).text for photo in photos]

    def counts(read):
        return sum(len(r) == len(t) for r, t in zip(read, truths)), sum(r == t for r, t in zip(read, truths))

    (found_with, right_with), (found_without, right_without) = counts(with_gate), counts(without)
    assert found_with >= found_without + 5 and right_with >= right_without + 3, list(zip(truths, with_gate, without))


def test_a_bad_gate_file_is_refused_and_numbers_are_read_without_it(tmp_path, bundled):
    (tmp_path / "junk.pt").write_bytes(b"not a gate at all")
    refused_in_one_line(SeveralDigits.load, tmp_path / "junk.pt", GateFileError)
    (tmp_path / "evil.pt").write_bytes(b"\x80\x04cos\nsystem\n(S'touch pwned'\ntR.")
    assert "refused" in refused_in_one_line(SeveralDigits.load, tmp_path / "evil.pt", GateFileError)
    torch.save({"kind": "something else", "state_dict": {}}, tmp_path / "other.pt")
    refused_in_one_line(SeveralDigits.load, tmp_path / "other.pt", GateFileError)
    torch.save({"kind": KIND, "classes": ["one digit", "several digits", "part of a digit"],
                "state_dict": {"0.weight": torch.zeros(3)}}, tmp_path / "wrong.pt")
    assert "do not fit" in refused_in_one_line(SeveralDigits.load, tmp_path / "wrong.pt", GateFileError)
    with pytest.warns(UserWarning, match="without the several-digits gate"):
        assert gate_at(tmp_path / "wrong.pt") is None
    assert not (tmp_path / "pwned").exists()


def test_the_training_recipe_writes_a_gate_that_loads(tmp_path):
    out = tmp_path / "gate.pt"
    done = subprocess.run([sys.executable, str(ROOT / "training" / "train_several_digits.py"), "--out", str(out),
                           "--runs", "60", "--pen", "60", "--pages", "60", "--parts", "60", "--epochs", "1",
                           "--check", "40", "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    gate = SeveralDigits.load(out)
    assert set(gate.metrics) >= {"photographed_single_digits_flagged", "touching_runs_caught", "command"}
    assert gate.not_one_digit(np.zeros((3, 28, 28), np.float32)).shape == (3,)
