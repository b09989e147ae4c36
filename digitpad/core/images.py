"""Open image files from anywhere safely: clear errors, bounded memory, any common mode."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # about 40 MB as grayscale; larger files are refused, not decoded
WORKING_SIDE = 1024  # big photos are shrunk to this before preprocessing; the digit needs far less


class ImageError(Exception):
    """An image file cannot be used; the message names it and says why."""


def load_image(path: str | os.PathLike) -> Image.Image:
    """Decode an image file fully, refusing decompression bombs, and shrink it to a working size."""
    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise ImageError(f"{path}: {width}x{height} is too large to open safely "
                                     f"(limit {MAX_PIXELS:,} pixels)")
                opened.draft("L", (WORKING_SIDE, WORKING_SIDE))  # JPEG decodes at reduced size directly
                image = opened.copy()
                image.load()
    except ImageError:
        raise
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{path}: is a folder, not an image") from None
    except UnidentifiedImageError:
        raise ImageError(f"{path}: not an image file digitpad can read (PNG, JPEG, BMP, GIF, TIFF, WebP...)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"{path}: too large to open safely (over {MAX_PIXELS:,} pixels)") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise ImageError(f"{path}: damaged or truncated image ({e})") from None
    if image.width == 0 or image.height == 0:
        raise ImageError(f"{path}: the image is empty")
    if max(image.size) > WORKING_SIDE:
        image.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.BILINEAR)
    return image
