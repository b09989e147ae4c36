"""Open image files from anywhere safely: clear errors, bounded memory, any common mode, upright."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import UserError, opening

MAX_PIXELS = 40_000_000  # about 40 MB as grayscale; larger files are refused, not decoded
MAX_STREAM_BYTES = 256 * 2**20  # an image read from a stream is held whole: a 108-megapixel JPEG is about 40 MB, and a
# larger file would be refused by MAX_PIXELS or Pillow's own limit once read
WORKING_SIDE = 512  # the ink is looked for at about this size: digits of a usual size read as well at 400 as
# at 1024 (photo_reading.py), and writing found small here is looked at again at FINE_SIDE
FINE_SIDE = 2 * WORKING_SIDE  # files are decoded to about this (a 12-megapixel JPEG at 1/4 scale straight to it),
# so writing found small at the working size can be looked at again finer
ORIGINAL_SIZE = "digitpad.original_size"  # info key: the upright file's (width, height) before it was shrunk
TURNED = (5, 6, 7, 8)  # EXIF orientations that swap width and height


class ImageError(UserError):
    """An image file cannot be used; the message names it and says why."""


BIG_PHOTO_SIDE = 1500  # px on the shorter side: a phone photo (4000x3000), where writing under about 3% of the
# height is often not found (a long thin strip is no such photo)


def nothing_found(size: tuple[int, int], what: str = "digit") -> str:
    """The answer when no digit is found, with a hint to crop a big photo: small writing on a whole page is lost at
    the working size (a 96 px digit in a 4000 px photo was found once in six), and the person can do something."""
    hint = "; if there is writing, it may be too small in so big a photo: crop closer" if min(size) >= BIG_PHOTO_SIDE \
        else ""
    return f"no {what} found{hint}"


# Said of a photo's ink read as one digit that looks like more (core.several_digits.looks_like_several), by the Draw
# tab and `predict`, each pointing to its way of reading them all
LOOKS_LIKE_SEVERAL = "looks like several digits read as one"


def load_image(path: str | os.PathLike) -> Image.Image:
    """Decode an image file, refusing decompression bombs: upright (EXIF), 8-bit, shrunk to FINE_SIDE.

    The file's own upright size is kept in `image.info[ORIGINAL_SIZE]`, so boxes found in the
    shrunk image can be given in the file's pixels.
    """
    path = Path(path)
    return _decoded(path, str(path))


def load_image_from(stream: BinaryIO, name: str) -> Image.Image:
    """The image in a stream (`digitpad predict -` reads standard input), as load_image reads a file; `name` is
    what messages call it. Decoding seeks, so the stream is read whole first, up to MAX_STREAM_BYTES."""
    data = stream.read(MAX_STREAM_BYTES + 1)
    if len(data) > MAX_STREAM_BYTES:
        raise ImageError(f"{name}: over {MAX_STREAM_BYTES // 2**20} MB, larger than any image digitpad opens")
    return _decoded(io.BytesIO(data), name)


def _is_empty(source: Path | BinaryIO) -> bool:
    return (source.stat().st_size if isinstance(source, Path) else len(source.getbuffer())) == 0


def _decoded(source: Path | BinaryIO, name: str) -> Image.Image:
    """load_image's work on a file or a stream; every message starts with `name`."""
    try:
        with opening(name, ImageError, "an image"), warnings.catch_warnings():
            # Pillow's own warning is about the full size, but a JPEG is decoded smaller: the limit below is on
            # what is decoded (a 50- or 108-megapixel phone photo is decoded at 1/8 scale).
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data" and the like: read, or refused in words
            with Image.open(source) as opened:
                width, height = opened.size
                shrink = max(width, height) / FINE_SIDE
                if shrink > 1:  # JPEG decodes at 1/2, 1/4 or 1/8 size directly: the scale nearest FINE_SIDE
                    opened.draft(opened.mode, (int(0.8 * width / shrink), int(0.8 * height / shrink)))
                if opened.size[0] * opened.size[1] > MAX_PIXELS:
                    how = ("a JPEG is decoded at up to 1/8 of its side" if opened.format == "JPEG" else
                           "only a JPEG is decoded smaller: scale it down, or save it as a JPEG")
                    raise ImageError(f"{name}: {width}x{height} is too large to open safely "
                                     f"(limit {MAX_PIXELS:,} pixels; {how})")
                image = opened.copy()
                image.load()
                orientation = opened.getexif().get(0x0112, 1)
            image = _upright(image, orientation)
            image = _eight_bit(image)
    except ImageError:
        raise
    except UnidentifiedImageError:
        if _is_empty(source):
            raise ImageError(f"{name}: the file is empty (0 bytes), it holds no image") from None
        raise ImageError(f"{name}: not an image file digitpad can read (PNG, JPEG, BMP, GIF, TIFF, WebP...)") from None
    except Image.DecompressionBombError:
        raise ImageError(f"{name}: too large to open safely (over {2 * Image.MAX_IMAGE_PIXELS:,} pixels, more than "
                         "any file digitpad opens)") from None
    except ValueError as e:
        if "MAX_TEXT_CHUNK" in str(e):  # Pillow's guard against text that unpacks without end
            raise ImageError(f"{name}: it carries over 1 MB of text besides the picture (a comment or description), "
                             "which is not read, for safety: save the picture again without it") from None
        raise ImageError(f"{name}: damaged or truncated image ({e})") from None
    except (OSError, SyntaxError, TypeError, IndexError, KeyError) as e:
        raise ImageError(f"{name}: damaged or truncated image ({e})") from None
    except MemoryError:
        raise ImageError(f"{name}: not enough memory to open it") from None
    if image.width == 0 or image.height == 0:
        raise ImageError(f"{name}: the image is empty")
    original = (height, width) if orientation in TURNED else (width, height)
    if max(image.size) > FINE_SIDE:
        image.thumbnail((FINE_SIDE, FINE_SIDE), Image.BILINEAR)
    image.info[ORIGINAL_SIZE] = original
    return image


def opened(image):
    """What the photo path reads: a file opened with load_image, a PIL image turned upright as its EXIF
    orientation says (as a file would be), an array as it is."""
    if isinstance(image, (str, os.PathLike)):
        return load_image(image)
    if isinstance(image, Image.Image):
        return _upright(image, image.getexif().get(0x0112, 1))
    return image


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """The image turned as its EXIF orientation says (phones store photos sideways and say so)."""
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        transposed = ImageOps.exif_transpose(image)
        if transposed is not None:
            return transposed
    return image


def _eight_bit(image: Image.Image) -> Image.Image:
    """16- and 32-bit greys become 8-bit L (their own range kept); palettes and odd modes become L/RGB(A)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        array = np.nan_to_num(np.asarray(image), nan=0.0, posinf=0.0, neginf=0.0)  # a float TIFF's holes: no ink
        peak = float(array.max()) if array.size else 0.0
        if image.mode == "F" and peak <= 1.0:
            top = 1.0  # a float image in [0, 1] (scientific TIFFs)
        else:
            top = 255.0 if peak <= 255 else (65535.0 if image.mode.startswith("I;16") else peak)
        return Image.fromarray(np.clip(array.astype(np.float32) * (255.0 / top), 0, 255).astype(np.uint8))
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("1", "CMYK", "YCbCr", "LAB", "HSV"):
        return image.convert("L")
    if image.mode == "PA":
        return image.convert("RGBA")
    return image
