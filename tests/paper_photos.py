"""Photo-like images of digits on paper, made from MNIST digits or pen strokes, for tests and benchmarks.

A digit's ink (a 0..1 coverage image) is laid on synthetic paper the way a phone or scanner
sees it: a paper tint, a light that falls off across the page, a soft shadow, ruled or squared
lines, the desk beyond the paper's edge, grain, blur, a slight rotation and JPEG. `Look` holds
one photo's choices; `random_look` draws them for a named condition.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from digitpad.core.strokes import render_strokes

INKS = {"black": (25, 25, 30), "blue": (30, 45, 150), "pencil": (95, 95, 100), "red": (170, 30, 35),
        "green": (30, 110, 50)}
PAPERS = {"white": (246, 246, 242), "cream": (242, 232, 205), "grey": (215, 215, 210), "blue": (220, 232, 245),
          "yellow": (250, 240, 160)}


@dataclass(frozen=True)
class Look:
    size: tuple[int, int] = (800, 600)
    digit_height: float = 0.45  # share of the image's height
    place: tuple[float, float] = (0.5, 0.5)  # the digit's centre, as shares of width and height
    rotation: float = 0.0  # degrees, the whole photo
    paper: str = "white"
    ink: str = "black"
    ink_strength: float = 1.0  # pencil and worn pens lay down less
    pen: float = 1.0  # stroke width as a multiple of the digit's natural one
    gradient: float = 0.0  # how much darker the far side of the page is (0..1)
    gradient_angle: float = 0.0
    shadow: float = 0.0  # how much light a soft shadow takes away (0..1)
    grain: float = 2.0  # noise standard deviation, in 0..255 levels
    blur: float = 0.0  # gaussian blur radius in pixels at 800 px wide
    jpeg: int | None = 90
    lines: str | None = None  # None, "ruled" or "squared"
    line_spacing: float | None = None  # px between the lines (None: 28-45 px at 800 px wide, drawn at random)
    line_at: float | None = None  # the y of one line in px, the others spacing apart (None: drawn at random)
    desk: float = 0.0  # share of the image beyond the paper's edge
    board: bool = False  # chalk on a dark board instead of ink on paper
    exif_orientation: int | None = None


def mnist_ink(image: np.ndarray, pen: float = 1.0) -> np.ndarray:
    """An MNIST digit (28x28 uint8, white on black) as ink coverage 0..1 at 4x, its strokes thinned or thickened."""
    big = np.asarray(Image.fromarray(image).resize((112, 112), Image.BICUBIC), dtype=np.float32) / 255.0
    # Moving the level where the soft stroke counts as ink makes it narrower or wider.
    level = float(np.clip(0.5 - 0.28 * math.log2(pen), 0.08, 0.92))
    return np.clip((big - level) / 0.25 + 0.5, 0, 1)


def stroke_ink(strokes, pen: float = 1.0) -> np.ndarray:
    """Unit-box strokes (tests/digit_strokes.py) as ink coverage at 112 px, with a given pen width multiple."""
    from digit_strokes import place

    placed = place(strokes, 20, 8, 96)
    return render_strokes(placed, (112, 112), pen_width=9.0 * pen).astype(np.float32) / 255.0


def photo(ink: np.ndarray, look: Look, rng: np.random.Generator) -> Image.Image:
    """The ink (a coverage image, any size) photographed on paper as `look` says; an RGB PIL image."""
    width, height = look.size
    unit = width / 800
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    paper = np.array(PAPERS[look.paper] if not look.board else (38, 52, 45), np.float32)
    image = np.broadcast_to(paper, (height, width, 3)).copy()
    if look.lines and not look.board:
        image = _lines(image, look, rng, unit)
    coverage = _placed(ink, look, width, height)
    if look.board:
        chalk = np.array((235, 235, 225), np.float32)
        strength = coverage[..., None] * look.ink_strength * rng.uniform(0.75, 1.0, (height, width, 1)).astype(np.float32)
        image = image * (1 - strength) + chalk * strength
    else:
        strength = coverage[..., None] * look.ink_strength
        image = image * (1 - strength) + np.array(INKS[look.ink], np.float32) * strength
    light = np.ones((height, width), np.float32)
    if look.gradient:
        angle = math.radians(look.gradient_angle)
        ramp = (xs * math.cos(angle) + ys * math.sin(angle))
        ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1.0)
        light *= 1 - look.gradient * ramp
    if look.shadow:
        light *= 1 - look.shadow * _shadow(width, height, rng, unit)
    image *= light[..., None]
    if look.desk:
        image = _desk(image, look.desk, rng, xs, ys)
    if look.grain:
        image += rng.normal(0, look.grain, image.shape).astype(np.float32)
    out = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8))
    if look.blur:
        out = out.filter(ImageFilter.GaussianBlur(look.blur * unit))
    if look.rotation:  # the corners the turn uncovers show more of what the edges show (paper or desk)
        edges = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
        out = out.rotate(look.rotation, resample=Image.BILINEAR, expand=False,
                         fillcolor=tuple(int(v) for v in np.clip(np.median(edges, axis=0), 0, 255)))
    if look.jpeg:
        buffer = io.BytesIO()
        out.save(buffer, "JPEG", quality=look.jpeg)
        out = Image.open(io.BytesIO(buffer.getvalue()))
        out.load()
    return out


def save(image: Image.Image, path, look: Look) -> None:
    """Write the photo; with an EXIF orientation, store it turned the other way as a phone does."""
    if look.exif_orientation:
        undo = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}
        exif = Image.Exif()
        exif[0x0112] = look.exif_orientation
        image.transpose(undo[look.exif_orientation]).save(path, "JPEG", quality=look.jpeg or 92, exif=exif)
    elif str(path).lower().endswith((".jpg", ".jpeg")):
        image.save(path, "JPEG", quality=look.jpeg or 92)
    else:
        image.save(path)


def _placed(ink: np.ndarray, look: Look, width: int, height: int) -> np.ndarray:
    rows, cols = np.nonzero(ink > 0.05)
    if not rows.size:
        return np.zeros((height, width), np.float32)  # an empty page
    ink = ink[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]
    scale = look.digit_height * height / ink.shape[0]
    w, h = max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale))
    patch = np.asarray(Image.fromarray(ink, mode="F").resize((w, h), Image.BILINEAR))
    canvas = np.zeros((height, width), np.float32)
    left = int(round(look.place[0] * width - w / 2))
    top = int(round(look.place[1] * height - h / 2))
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + w, width), min(top + h, height)
    canvas[y0:y1, x0:x1] = patch[y0 - top: y1 - top, x0 - left: x1 - left]
    return np.clip(canvas, 0, 1)


def _lines(image, look, rng, unit):
    height, width = image.shape[:2]
    layer = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(layer)
    spacing = look.line_spacing or rng.uniform(28, 45) * unit
    thick = max(1, round(rng.uniform(1, 2.5) * unit))
    offset = rng.uniform(0, spacing) if look.line_at is None else look.line_at % spacing
    for y in np.arange(offset, height, spacing):
        draw.line([(0, y), (width, y)], fill=255, width=thick)
    if look.lines == "squared":
        across = offset if look.line_at is None else rng.uniform(0, spacing)
        for x in np.arange(across, width, spacing):
            draw.line([(x, 0), (x, height)], fill=255, width=thick)
    alpha = np.asarray(layer, np.float32)[..., None] / 255.0 * rng.uniform(0.35, 0.7)
    colour = np.array((120, 150, 210) if rng.random() < 0.7 else (150, 150, 150), np.float32)
    return image * (1 - alpha) + colour * alpha


def _shadow(width, height, rng, unit):
    """A soft-edged shadow over one side of the page (a hand, a phone, a lamp's arm)."""
    mask = Image.new("L", (width, height), 0)
    corner = rng.integers(4)
    cx, cy = [(0, 0), (width, 0), (0, height), (width, height)][corner]
    radius = rng.uniform(0.35, 0.7) * max(width, height)
    ImageDraw.Draw(mask).ellipse((cx - radius, cy - radius * 0.8, cx + radius, cy + radius * 0.8), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(rng.uniform(15, 60) * unit))
    return np.asarray(mask, np.float32) / 255.0


def _desk(image, share, rng, xs, ys):
    """A darker desk beyond a straight, slightly slanted paper edge on one side."""
    height, width = image.shape[:2]
    side = rng.integers(4)
    tilt = rng.uniform(-0.08, 0.08)
    if side == 0:
        outside = xs < share * width + tilt * (ys - height / 2)
    elif side == 1:
        outside = xs > (1 - share) * width + tilt * (ys - height / 2)
    elif side == 2:
        outside = ys < share * height + tilt * (xs - width / 2)
    else:
        outside = ys > (1 - share) * height + tilt * (xs - width / 2)
    desk = np.array(rng.choice([(90, 70, 50), (60, 60, 65), (140, 120, 95)]), np.float32)
    image[outside] = desk * rng.uniform(0.8, 1.1)
    return image


CONDITIONS = ("clean", "gradient", "shadow", "grain", "blur", "rotation", "ink colour", "pencil", "thin pen",
              "marker", "low jpeg", "small digit", "off centre", "tinted paper", "ruled", "squared", "paper edge",
              "chalkboard", "everything")


def random_look(condition: str, rng: np.random.Generator, size: tuple[int, int] = (800, 600)) -> Look:
    """A photo's choices for one condition: that condition strong, the rest of an everyday photo mild."""
    look = Look(size=size, digit_height=rng.uniform(0.3, 0.6), place=(rng.uniform(0.35, 0.65), rng.uniform(0.4, 0.6)),
                rotation=rng.uniform(-3, 3), gradient=rng.uniform(0, 0.25), gradient_angle=rng.uniform(0, 360),
                grain=rng.uniform(1, 4), blur=rng.uniform(0, 0.8), jpeg=int(rng.integers(75, 95)),
                pen=rng.uniform(0.8, 1.25), ink=str(rng.choice(["black", "blue"])))
    strong = {
        "clean": dict(gradient=0.0, grain=1.0, blur=0.0, rotation=0.0, jpeg=95),
        "gradient": dict(gradient=rng.uniform(0.4, 0.7)),
        "shadow": dict(shadow=rng.uniform(0.35, 0.65)),
        "grain": dict(grain=rng.uniform(8, 16)),
        "blur": dict(blur=rng.uniform(1.5, 3.0)),
        "rotation": dict(rotation=rng.uniform(-12, 12)),
        "ink colour": dict(ink=str(rng.choice(["red", "green", "blue"]))),
        "pencil": dict(ink="pencil", ink_strength=rng.uniform(0.45, 0.75)),
        "thin pen": dict(pen=rng.uniform(0.35, 0.55)),
        "marker": dict(pen=rng.uniform(1.8, 2.6)),
        "low jpeg": dict(jpeg=int(rng.integers(15, 35))),
        "small digit": dict(digit_height=rng.uniform(0.08, 0.15)),
        "off centre": dict(place=(rng.choice([rng.uniform(0.1, 0.25), rng.uniform(0.75, 0.9)]),
                                  rng.choice([rng.uniform(0.25, 0.35), rng.uniform(0.65, 0.75)])),
                           digit_height=rng.uniform(0.2, 0.35)),
        "tinted paper": dict(paper=str(rng.choice(["cream", "grey", "blue", "yellow"]))),
        "ruled": dict(lines="ruled"),
        "squared": dict(lines="squared"),
        "paper edge": dict(desk=rng.uniform(0.08, 0.2)),
        "chalkboard": dict(board=True, ink_strength=rng.uniform(0.6, 0.95), pen=rng.uniform(1.0, 1.6)),
        "everything": dict(gradient=rng.uniform(0.3, 0.6), shadow=rng.uniform(0.2, 0.5), grain=rng.uniform(4, 10),
                           blur=rng.uniform(0.5, 2), rotation=rng.uniform(-8, 8), jpeg=int(rng.integers(40, 80)),
                           paper=str(rng.choice(list(PAPERS))), ink=str(rng.choice(["black", "blue", "pencil"])),
                           lines=rng.choice([None, "ruled"]), pen=rng.uniform(0.5, 2.0)),
    }[condition]
    return replace(look, **strong)


EMPTY_PAGES = ("blank", "lamp gradient", "shadow", "grain", "blur and jpeg", "tinted paper", "ruled", "squared",
               "paper edge", "shadow and lines", "board", "everything")


def empty_page(kind: str, rng: np.random.Generator, size: tuple[int, int] = (800, 600)) -> tuple[Image.Image, Look]:
    """(photo, look) of a page with no digit on it: paper, light, lines and edges as `kind` says."""
    look = random_look("clean", rng, size)
    strong = {
        "blank": {},
        "lamp gradient": dict(gradient=rng.uniform(0.4, 0.8)),
        "shadow": dict(shadow=rng.uniform(0.3, 0.7), gradient=rng.uniform(0, 0.3)),
        "grain": dict(grain=rng.uniform(8, 18)),
        "blur and jpeg": dict(blur=rng.uniform(1, 3), jpeg=int(rng.integers(15, 40)), grain=rng.uniform(3, 8)),
        "tinted paper": dict(paper=str(rng.choice(["cream", "grey", "blue", "yellow"])), gradient=rng.uniform(0, 0.4)),
        "ruled": dict(lines="ruled", gradient=rng.uniform(0, 0.5)),
        "squared": dict(lines="squared", gradient=rng.uniform(0, 0.5)),
        "paper edge": dict(desk=rng.uniform(0.05, 0.25), gradient=rng.uniform(0, 0.4)),
        "shadow and lines": dict(lines=str(rng.choice(["ruled", "squared"])), shadow=rng.uniform(0.3, 0.6)),
        "board": dict(board=True, gradient=rng.uniform(0, 0.4), grain=rng.uniform(2, 8)),
        "everything": dict(gradient=rng.uniform(0.3, 0.6), shadow=rng.uniform(0.2, 0.5), grain=rng.uniform(4, 10),
                           blur=rng.uniform(0.5, 2), rotation=rng.uniform(-8, 8), jpeg=int(rng.integers(40, 80)),
                           paper=str(rng.choice(list(PAPERS))), lines=rng.choice([None, "ruled", "squared"]),
                           desk=float(rng.choice([0.0, rng.uniform(0.05, 0.2)]))),
    }[kind]
    look = replace(look, **strong)
    return photo(np.zeros((112, 112), np.float32), look, rng), look


# Desks, tables and mats a sheet is put on to be photographed, (colour, wood grain): dark to light, and matt black
DESKS = {"dark wood": ((90, 62, 40), True), "mid wood": ((140, 105, 70), True), "light wood": ((190, 160, 120), True),
         "grey laminate": ((115, 117, 122), False), "black": ((32, 32, 36), False), "green mat": ((40, 85, 62), False),
         "light grey": ((198, 196, 192), False)}


def on_a_desk(page: Image.Image, rng: np.random.Generator, desk: str | None = None, turn: float | None = None,
              page_share: float | None = None, jpeg: int | None = 88) -> Image.Image:
    """A photo of `page` (a photo of paper, tests' `photo` with jpeg=None) lying on a desk, as a phone sees a note on a
    table: the sheet turned up to 15 degrees, filling 35-85% of the frame's width, off centre and at times cut by the
    frame's edge, a soft shadow along two of its edges, the desk (DESKS) with its grain, and a lamp's light falling off
    across the whole frame."""
    desk = desk or str(rng.choice(list(DESKS)))
    colour, grain = DESKS[desk]
    turn = float(rng.uniform(-15, 15)) if turn is None else turn
    page_share = float(rng.uniform(0.35, 0.85)) if page_share is None else page_share
    width = int(page.width / page_share)
    height = int(width * rng.uniform(0.7, 0.8))
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    surface = np.broadcast_to(np.array(colour, np.float32) * rng.uniform(0.85, 1.1), (height, width, 3)).copy()
    if grain:  # long streaks along the boards, a little wavy
        angle = rng.uniform(0, np.pi)
        along = xs * np.cos(angle) + ys * np.sin(angle)
        across = -xs * np.sin(angle) + ys * np.cos(angle)
        streaks = np.sin(across / rng.uniform(3, 8) + 2 * np.sin(along / rng.uniform(80, 200)))
        surface *= (1 + 0.08 * streaks)[..., None]
    surface += rng.normal(0, 4, (height, width, 1)).astype(np.float32)
    turned = page.convert("RGB").rotate(turn, resample=Image.BILINEAR, expand=True, fillcolor=(0, 0, 0))
    sheet = Image.new("L", page.size, 255).rotate(turn, resample=Image.BILINEAR, expand=True)
    # where the sheet lies: mostly in the frame, off centre, now and then running off one edge
    left, top = (int(rng.uniform(-0.08, 1.08) * room) if room > 0 else room // 2
                 for room in (width - turned.width, height - turned.height))
    shadow = Image.new("L", (width, height), 0)
    offset = rng.integers(-12, 13, 2) * page.width / 800
    shadow.paste(sheet, (left + int(offset[0]), top + int(offset[1])))
    shadow = np.asarray(shadow.filter(ImageFilter.GaussianBlur(rng.uniform(6, 18) * page.width / 800)), np.float32)
    surface *= (1 - rng.uniform(0.2, 0.5) * shadow / 255)[..., None]
    image = Image.fromarray(np.clip(surface, 0, 255).astype(np.uint8))
    image.paste(turned, (left, top), sheet)
    ramp_angle = rng.uniform(0, 2 * np.pi)
    ramp = xs * np.cos(ramp_angle) + ys * np.sin(ramp_angle)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1.0)
    lit = np.asarray(image, np.float32) * (1 - rng.uniform(0, 0.35) * ramp)[..., None]
    out = Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8))
    if jpeg:
        buffer = io.BytesIO()
        out.save(buffer, "JPEG", quality=jpeg)
        out = Image.open(io.BytesIO(buffer.getvalue()))
        out.load()
    return out
