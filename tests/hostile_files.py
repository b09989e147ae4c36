"""Files built to break image readers, for the tests."""

import functools
import io
import os
import re
import zipfile
import zlib
from pathlib import Path

from PIL import Image


INTERNALS = re.compile(r"Traceback|\b[A-Z]\w*(Error|Exception)\b|object has no attribute|unsupported operand|"
                       r"not subscriptable|pop from|<class |list index|object is not")


def unclear(message: str, path) -> str | None:
    """What makes `message` not one clear line naming `path` (None when it is)."""
    if "\n" in message.strip():
        return f"more than one line: {message!r}"
    if INTERNALS.search(message):
        return f"Python internals in {message!r}"
    if os.fsdecode(Path(path).name) not in message:
        return f"the file is not named in {message!r}"
    return None


def refused_in_one_line(load, path, error: type[Exception]) -> str:
    """The message of the `error` that `load(path)` must raise, checked to start with the path and be one clear line."""
    import pytest

    with pytest.raises(error) as info:
        load(path)
    message = str(info.value)
    assert message.startswith(f"{path}") and not unclear(message, path), message
    return message


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A valid grayscale PNG header and a tiny zlib stream that claims width x height pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    rows = zlib.compress(b"\x00" * 1000, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


# --- checkpoints ---------------------------------------------------------------------------------
def good_checkpoint_dict() -> dict:
    """The bundled model's checkpoint as a dict, to spoil one part of it."""
    import torch

    from digitpad.core.paths import bundled_model_path

    with open(bundled_model_path(), "rb") as f:
        return torch.load(f, weights_only=True)


@functools.cache
def spoiled_checkpoints() -> dict:
    """name -> a checkpoint dict with one hostile part, each one a way a file from anywhere could be built
    (made once; do not change them)."""
    import torch

    def spoil(change) -> dict:
        raw = good_checkpoint_dict()
        change(raw)
        return raw

    first = "0.weight"

    def with_weight(make):
        return lambda raw: raw["state_dict"].__setitem__(first, make(raw["state_dict"][first]))

    return {
        "width 10^9": spoil(lambda raw: raw.update(arch_args={"width": 10**9})),
        "hidden 100,000": spoil(lambda raw: raw.update(arch="simple", arch_args={"hidden": 100_000})),
        "negative width": spoil(lambda raw: raw.update(arch_args={"width": -32})),
        "width as text": spoil(lambda raw: raw.update(arch_args={"width": "32"})),
        "unknown setting": spoil(lambda raw: raw.update(arch_args={"depth": 3})),
        "float8 weights": spoil(with_weight(lambda w: w.to(torch.float8_e4m3fn))),
        "complex weights holding NaN": spoil(with_weight(
            lambda w: torch.full_like(w, float("nan"), dtype=torch.complex64))),
        "sparse weights": spoil(with_weight(lambda w: w.to_sparse())),
        "stride-0 weights claiming 10^12 values": spoil(with_weight(
            lambda w: torch.empty(0).set_(torch.zeros(4).untyped_storage(), 0, (10**12,), (0,)))),
        "stride-0 weights of the right shape": spoil(with_weight(lambda w: torch.zeros(1).expand(w.shape))),
        "NaN weights": spoil(with_weight(lambda w: torch.full_like(w, float("nan")))),
        "weights at the float limit (every answer overflows)": spoil(with_weight(lambda w: torch.full_like(w, 3e38))),
        "integer weights": spoil(with_weight(lambda w: w.to(torch.int32))),
        "NaN input normalisation": spoil(lambda raw: raw.update(normalization={"mean": float("nan"), "std": 0.3})),
        "infinite input std": spoil(lambda raw: raw.update(normalization={"mean": 0.1, "std": float("inf")})),
        "zero input std": spoil(lambda raw: raw.update(normalization={"mean": 0.1, "std": 0.0})),
        "normalisation as text": spoil(lambda raw: raw.update(normalization={"mean": "0.1", "std": 0.3})),
        "format_version as text": spoil(lambda raw: raw.update(format_version="1")),
        "format_version 99": spoil(lambda raw: raw.update(format_version=99)),
        "metrics as text": spoil(lambda raw: raw.update(metrics="99%")),
        "accuracy as text": spoil(lambda raw: raw.update(metrics={"accuracy": "high"})),
        "history as text": spoil(lambda raw: raw.update(history="none")),
        "history of lists": spoil(lambda raw: raw.update(history=[[1, 2]])),
        "train_config as a list": spoil(lambda raw: raw.update(train_config=[1])),
        "name as a number": spoil(lambda raw: raw.update(name=7)),
        "arch as a number": spoil(lambda raw: raw.update(arch=7)),
        "state_dict as a list": spoil(lambda raw: raw.update(state_dict=[1, 2])),
    }


def compressed_torch_zip(source: bytes) -> bytes:
    """A torch zip whose entries are deflated (torch never writes that: a zip bomb could hide there)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            dst.writestr(entry.filename, src.read(entry))
    return out.getvalue()


# --- personal sets -------------------------------------------------------------------------------
def personal_set_dict(**sample_changes) -> dict:
    """A one-sample personal set as saved by digitpad, with `sample_changes` applied to its sample."""
    import torch

    sample = {"strokes": [[[10.0, 10.0], [50.0, 60.0]]], "size": [280, 280], "label": 3, "predicted": 3,
              "created": "2026-01-01T00:00:00", "model_input": torch.zeros(28, 28, dtype=torch.uint8)}
    sample.update(sample_changes)
    return {"format": "digitpad-personal", "format_version": 1, "samples": [sample]}


def spoiled_personal_sets() -> dict:
    import torch

    return {
        "strokes at 1e300": personal_set_dict(strokes=[[[1e300, 5.0], [2.0, 3.0]]]),
        "a pad of 100,000 x 100,000": personal_set_dict(size=[100_000, 100_000]),
        "a pad of size zero": personal_set_dict(size=[0, 280]),
        "a pad size as text": personal_set_dict(size=["280", "280"]),
        "a point of three numbers": personal_set_dict(strokes=[[[1.0, 2.0, 3.0]]]),
        "strokes as text": personal_set_dict(strokes="zigzag"),
        "a label of True": personal_set_dict(label=True),
        "a 10x10 model input": personal_set_dict(model_input=torch.zeros(10, 10, dtype=torch.uint8)),
        "format_version as text": {**personal_set_dict(), "format_version": "1"},
        "samples as a mapping": {**personal_set_dict(), "samples": {"a": 1}},
        "a sample that is a number": {**personal_set_dict(), "samples": [7]},
        "a created of 200,000 characters": personal_set_dict(created="2026-01-01T00:00:00" + "9" * 200_000),
        "a created with a null inside": personal_set_dict(created="2026-01-01\x00T00:00:00"),
        "unsure as text": personal_set_dict(unsure="yes"),
    }


def personal_arrays() -> dict:
    """The arrays of a good two-sample personal set (its .npz format): three strokes of 3, 2 and 3 points."""
    import numpy as np

    from digitpad.core.personal import PersonalSet, Sample

    blank = np.zeros((28, 28), np.uint8)
    return PersonalSet([
        Sample([[(10.0, 10.0), (50.0, 60.0), (90.0, 20.0)], [(5.0, 5.0), (9.0, 9.0)]], (320, 320), 7, 7, blank),
        Sample([[(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]], (320, 320), 1, None, blank)]).arrays()


def spoiled_personal_arrays() -> dict:
    """name -> the arrays of a good two-sample set with one part hostile or inconsistent."""
    import numpy as np

    def spoil(**changes):
        arrays = personal_arrays()
        arrays.update(changes)
        return {k: v for k, v in arrays.items() if v is not None}

    return {
        "labels as objects": spoil(labels=np.array([7, 1], dtype=object)),
        "no labels": spoil(labels=None),
        "labels as text": spoil(labels=np.array(["7", "1"])),
        "a label of 12": spoil(labels=np.array([12, 1])),
        "one label for two samples": spoil(labels=np.array([7])),
        "negative stroke counts": spoil(strokes=np.array([-1, 1])),
        "more points than stored": spoil(points=np.array([10**9] * 3)),
        "point counts whose sum wraps": spoil(points=np.array([2**63 - 1, 2**63 - 1, 10])),  # sums to 8 in int64
        "points at infinity": spoil(xy=np.full((8, 2), np.inf)),
        "a 10x10 model input": spoil(model_inputs=np.zeros((2, 10, 10), np.uint8)),
        "float model inputs": spoil(model_inputs=np.zeros((2, 28, 28), np.float32)),
        "a pad of 100,000": spoil(sizes=np.array([[100_000, 100_000], [320, 320]])),
        "a created of 200,000 characters": spoil(created=np.array(["2026-01-01T00:00:00" + "9" * 200_000, ""])),
        "a created with a null inside": spoil(created=np.array(["2026-01-01\x00T00:00:00", "x"])),
        "unsure as numbers": spoil(unsure=np.array([1, 0])),
        "one unsure for two samples": spoil(unsure=np.array([True])),
        "format_version 99": spoil(format_version=np.array(99)),
        "another format": spoil(format=np.array("digitpad-checkpoint")),
    }


def write_npz(path, arrays: dict) -> None:
    import numpy as np

    with open(path, "wb") as f:
        np.savez(f, **arrays)


def npz_claiming_huge_labels(path) -> None:
    """A good set's .npz whose labels.npy header announces 10^12 labels (the file holds two)."""
    import numpy as np

    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, array in personal_arrays().items():
            buffer = io.BytesIO()
            if name == "labels":
                header = np.lib.format.header_data_from_array_1_0(array)
                header["shape"] = (10**12,)
                np.lib.format.write_array_header_1_0(buffer, header)
                buffer.write(array.tobytes())
            else:
                np.lib.format.write_array(buffer, array)
            archive.writestr(f"{name}.npy", buffer.getvalue())


def zip_of_text(path) -> None:
    """A zip, stored like an .npz, holding no arrays."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("notes.txt", "not an array")


# --- datasets ------------------------------------------------------------------------------------
CSV_HEADER = "label," + ",".join(f"pixel{i}" for i in range(784)) + "\n"


def digit_csv(rows: int) -> str:
    return CSV_HEADER + "".join(f"{i % 10}," + ",".join(["0"] * 784) + "\n" for i in range(rows))


def labelled_csv(images, labels) -> str:
    """Real digits (uint8 N x 28 x 28 tensors, e.g. MNIST's) and their labels as a Kaggle-style CSV."""
    return CSV_HEADER + "".join(f"{int(label)}," + ",".join(map(str, image.flatten().tolist())) + "\n"
                                for image, label in zip(images, labels))


def idx_images(count: int, payload: int | None = None) -> bytes:
    """An IDX image file whose header announces `count` 28x28 images, followed by `payload` bytes (default: exact)."""
    header = (2051).to_bytes(4, "big") + count.to_bytes(4, "big") + (28).to_bytes(4, "big") + (28).to_bytes(4, "big")
    return header + bytes(count * 784 if payload is None else payload)


def idx_labels(count: int) -> bytes:
    return (2049).to_bytes(4, "big") + count.to_bytes(4, "big") + bytes(count)


def gzip_bomb(path, announced: int, payload: int) -> None:
    """A gzipped IDX image file announcing `announced` images but expanding to `payload` bytes of zeros."""
    import gzip

    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(idx_images(announced, 0))
        chunk = bytes(1 << 20)
        for start in range(0, payload, len(chunk)):
            f.write(chunk[: payload - start])
