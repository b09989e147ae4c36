"""Turn any grayscale digit image into what an MNIST-trained model expects.

LeCun's MNIST procedure: crop to the ink, scale the longer side to 20 px with anti-aliasing
(aspect ratio kept), and place the result in a 28x28 frame with its centre of mass at the centre.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from PIL import Image

SIZE = 28
BOX = 20
INK_THRESHOLD = 0.1  # fraction of the strongest ink below which a pixel counts as paper
Ink = Literal["auto", "dark", "light"]


def on_paper(image: Image.Image) -> Image.Image:
    """The image with its transparent pixels made paper (RGBA) that shows what is drawn on them: white under dark
    ink, black under light ink (a white digit exported from a drawing app or a web canvas would vanish on white);
    an image without transparency is returned as it is."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"), dtype=np.float32) / 255.0
        paper = round(255 * paper_under(np.asarray(rgba.convert("L"), dtype=np.float32) / 255.0, alpha))
        return Image.alpha_composite(Image.new("RGBA", rgba.size, (paper, paper, paper, 255)), rgba)
    return image


def paper_under(gray: np.ndarray, alpha: np.ndarray) -> float:
    """The shade (0 black, 1 white) of the paper put under a drawing on a transparent sheet: the ink is where the
    alpha is, whatever its colour, so the paper is the opposite of the ink's mean shade. A drawn layer covering
    most of the sheet is itself the page (a scan with transparent corners): white, as it would print."""
    drawn = float(alpha.sum())
    if drawn == 0 or drawn > 0.5 * alpha.size:
        return 1.0
    return 0.0 if float((gray * alpha).sum()) / drawn > 0.5 else 1.0


def to_float_gray(image) -> np.ndarray:
    """A 2-D float32 array in [0, 1] from a PIL image or a numpy array of any common dtype: grey (H, W) or
    (H, W, 1), grey and alpha (H, W, 2), RGB or RGBA. Transparent pixels are paper."""
    if isinstance(image, Image.Image):
        image = on_paper(image)
        if image.mode in ("I;16", "I;16B", "I;16L", "I"):
            array = np.asarray(image, dtype=np.float32)
            top = 65535.0 if array.max() > 255 else 255.0
            return np.clip(array / top, 0, 1)
        if image.mode == "F":  # 32-bit float, in [0, 1] or [0, 255]: as an array of floats
            return to_float_gray(np.asarray(image))
        return np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] == 4 and array.dtype == np.uint8:
        return to_float_gray(Image.fromarray(array, "RGBA"))  # as a PIL image is read
    if array.ndim == 3 and array.shape[-1] in (2, 4):
        colour, alpha = to_float_gray(array[..., :-1]), to_float_gray(array[..., -1])
        return colour * alpha + paper_under(colour, alpha) * (1 - alpha)
    if array.ndim == 3 and array.shape[-1] in (1, 3):
        array = array.mean(axis=-1) if array.shape[-1] == 3 else array[..., 0]
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D grayscale image, got an array of shape {array.shape}")
    if array.dtype == np.bool_:
        return array.astype(np.float32)
    if array.dtype == np.uint8:
        return np.multiply(array, np.float32(1 / 255), dtype=np.float32)
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535.0
    array = np.nan_to_num(array.astype(np.float32))
    return np.clip(array / 255.0 if array.max(initial=0.0) > 1.0 else array, 0, 1)


def ink_on_black(gray: np.ndarray, ink: Ink = "auto") -> np.ndarray:
    """Make ink bright on a zero background; "auto" takes the border's median as the paper colour.

    Images under 3 px a side have no border to read, so they count as light ink on black paper.
    """
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    paper = float(np.median(border)) if min(gray.shape) >= 3 else (1.0 if ink == "dark" else 0.0)
    if ink == "dark" or (ink == "auto" and paper > 0.5):
        gray, paper = 1.0 - gray, 1.0 - paper
    elif ink not in ("auto", "light", "dark"):
        raise ValueError(f"ink must be 'auto', 'dark' or 'light', not {ink!r}")
    if paper == 0:
        return gray
    return np.maximum(gray - np.float32(paper), 0, dtype=np.float32)


def to_mnist(image, ink: Ink = "auto") -> np.ndarray | None:
    """28x28 float32 in [0, 1], white ink on black, centred like MNIST; None when there is no ink."""
    gray = ink_on_black(to_float_gray(image), ink)
    peak = float(gray.max()) if gray.size else 0.0
    if peak < INK_THRESHOLD:
        return None
    ink_mask = gray > INK_THRESHOLD * peak  # only the ink's box is scaled to the peak: the paper costs nothing
    rows, cols = np.flatnonzero(ink_mask.any(axis=1)), np.flatnonzero(ink_mask.any(axis=0))
    crop = gray[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1] / np.float32(peak)
    height, width = crop.shape
    patch = np.asarray(Image.fromarray(crop.astype(np.float32, copy=False), mode="F").resize(box_size(width, height),
                                                                                         Image.BILINEAR))
    return paste_centred(np.minimum(np.maximum(patch, 0), 1))


def resized(values: np.ndarray, factor: float) -> np.ndarray:
    """A float image scaled by `factor`: averaged over boxes when shrunk, bilinear when grown."""
    height, width = values.shape
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(Image.fromarray(values.astype(np.float32, copy=False), mode="F")
                      .resize(size, Image.BILINEAR if factor > 1 else Image.BOX))


def spread_to(values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A small float image (an estimate of the light, a mask) brought to `shape` (rows, columns), bilinear."""
    return np.asarray(Image.fromarray(values.astype(np.float32, copy=False), mode="F")
                      .resize((shape[1], shape[0]), Image.BILINEAR))


def box_size(width: float, height: float) -> tuple[int, int]:
    """The (width, height) in pixels of ink `width` x `height` once its longer side is scaled to BOX."""
    scale = BOX / max(height, width)
    return max(1, round(width * scale)), max(1, round(height * scale))


def shown_view(model_input: np.ndarray) -> np.ndarray:
    """The 28x28 input shown for a model input that may be (V, 28, 28) views of one digit: the first."""
    return model_input if model_input.ndim == 2 else model_input[0]


def view_count(model_input: np.ndarray) -> int:
    """How many views of one digit a model input holds (1 for a plain 28x28 input)."""
    return 1 if model_input.ndim == 2 else len(model_input)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """A model input of floats in [0, 1] as the uint8 image a personal sample keeps."""
    return np.round(image * 255).astype(np.uint8)


def paste_centred(patch: np.ndarray) -> np.ndarray:
    """Place `patch` in a 28x28 frame so its centre of mass lands on the frame's centre."""
    h, w = patch.shape
    rows = patch.sum(axis=1)
    total = float(rows.sum())
    com_y = float(rows @ np.arange(h)) / total
    com_x = float(patch.sum(axis=0) @ np.arange(w)) / total
    top = min(max(round(SIZE / 2 - com_y), 0), SIZE - h)
    left = min(max(round(SIZE / 2 - com_x), 0), SIZE - w)
    frame = np.zeros((SIZE, SIZE), dtype=np.float32)
    frame[top: top + h, left: left + w] = patch
    return frame
