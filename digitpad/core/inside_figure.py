"""One picture of what the model did with an image, for `digitpad explain`: composed with Pillow, no Qt.

Top row: the 28x28 input, the saliency for the answer and for "why not" the runner-up, the
probabilities and the first layer's filters. Below, every stage: its feature maps as a grid, or
its units as bars.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .inside import SALIENCY_METHOD, Reading
from .inside_pictures import colors, mosaic, pictures

MARGIN, GAP, BIG = 16, 2, 168
PAPER, INK, FAINT, ACCENT = (250, 250, 250), (30, 30, 30), (120, 120, 120), (42, 130, 218)
MIN_WIDTH = 1000


def _plain(text: str) -> str:
    """Pillow's built-in font has no multiplication sign."""
    return text.replace("×", "x")


def _cell(size: int) -> int:
    """The side in pixels of one feature map in the figure, by its side in the model."""
    return 44 if size >= 20 else 36 if size >= 8 else 24 if size >= 4 else 14


def _grid(maps: np.ndarray, cell: int) -> Image.Image:
    """RGB maps (n, h, w, 3) as a grid image with GAP-pixel gutters."""
    return Image.fromarray(mosaic(maps, cell, GAP, PAPER))


def _bars(values: np.ndarray, colours: np.ndarray, width: int, height: int) -> Image.Image:
    """Units of a dense layer as vertical bars coloured and sized by activation."""
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    step = width / len(values)
    peak = float(np.abs(values).max()) or 1.0
    for i, v in enumerate(values):
        top = height - 1 - (height - 1) * max(float(v), 0.0) / peak
        draw.rectangle((i * step, top, (i + 1) * step - (1 if step > 3 else 0), height - 1),
                       fill=tuple(int(c) for c in colours[i]))
    draw.line((0, height - 1, width, height - 1), fill=FAINT)
    return image


def _probabilities(probabilities: np.ndarray, answer: int, font, width: int) -> Image.Image:
    row = BIG // 10
    image = Image.new("RGB", (width, BIG), PAPER)
    draw = ImageDraw.Draw(image)
    for digit, p in enumerate(probabilities):
        y = digit * row
        draw.text((2, y + 1), str(digit), fill=INK, font=font)
        length = (width - 70) * float(p)
        draw.rectangle((18, y + 3, width - 52, y + row - 3), fill=(225, 225, 225))
        if length >= 1:
            draw.rectangle((18, y + 3, 18 + length, y + row - 3),
                           fill=ACCENT if digit == answer else (150, 190, 230))
        draw.text((width - 48, y + 1), f"{p:.1%}", fill=INK, font=font)
    return image


def render_figure(reading: Reading, title: str) -> Image.Image:
    """The whole figure as an RGB image."""
    font, small = ImageFont.load_default(15), ImageFont.load_default(12)
    coloured = pictures(reading)
    blocks: list[tuple[str, Image.Image]] = []  # (caption, picture) stacked below the top row
    for layer, values, levels in zip(reading.layers, reading.activations, coloured.levels):
        caption = f"{layer.title}   ({' · '.join(layer.modules)})"
        if layer.kind in ("conv", "pool"):
            blocks.append((caption, _grid(colors(levels), _cell(layer.shape[1]))))
        elif layer.kind == "dense":
            blocks.append((caption, _bars(values, colors(levels), MIN_WIDTH - 2 * MARGIN, 60)))

    upscale = BIG // reading.model_input.shape[0]

    def big(rgb: np.ndarray) -> Image.Image:
        return Image.fromarray(rgb).resize((rgb.shape[1] * upscale, rgb.shape[0] * upscale), Image.NEAREST)

    gray = (np.clip(reading.model_input, 0, 1) * 255).astype(np.uint8)
    a, b = reading.answer, reading.other
    top_row = [("input 28 × 28", big(np.stack([gray] * 3, axis=-1))),
               (f"why {a}", big(coloured.saliency)),
               (f"why {a}, not {b}", big(coloured.contrast)),
               ("probabilities", _probabilities(reading.probabilities, a, small, 200))]
    filters = reading.filters
    if len(filters):
        shown = _grid(coloured.filters, 20)
        top_row.append((f"first-layer filters · {' × '.join(map(str, filters.shape))}", shown))

    line, spacing = 22, 24
    width = max(MIN_WIDTH, 2 * MARGIN + sum(p.width + spacing for _, p in top_row),
                2 * MARGIN + max((p.width for _, p in blocks), default=0))
    height = MARGIN + 2 * line + 8 + line + max(p.height for _, p in top_row) + 16
    height += sum(line + p.height + 12 for _, p in blocks) + MARGIN
    figure = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(figure)
    y = MARGIN
    draw.text((MARGIN, y), title, fill=INK, font=font)
    y += line
    p = reading.probabilities
    draw.text((MARGIN, y), _plain(f"answer {a} ({p[a]:.1%}), runner-up {b} ({p[b]:.1%}). Saliency: {SALIENCY_METHOD}, "
                           f"warm = ink that pushed the score up, blue = ink that pulled it down; "
                           f"{reading.saliency_on_ink():.0%} of it is on the ink."), fill=FAINT, font=small)
    y += line + 8
    x = MARGIN
    for caption, picture in top_row:
        draw.text((x, y), _plain(caption), fill=INK, font=small)
        figure.paste(picture, (x, y + line))
        x += max(picture.width, int(draw.textlength(_plain(caption), font=small))) + spacing
    y += line + max(p.height for _, p in top_row) + 16
    for caption, picture in blocks:
        draw.text((MARGIN, y), _plain(caption), fill=INK, font=small)
        figure.paste(picture, (MARGIN, y + line))
        y += line + picture.height + 12
    return figure
