"""Digits in photos and scans of paper, read from real files through Predictor and the CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest
from digit_strokes import STYLES
from paper_photos import EMPTY_PAGES, Look, empty_page, mnist_ink, photo, save, stroke_ink
from PIL import Image

from digitpad.core.images import load_image
from digitpad.core import ink
from digitpad.core.ink import find_ink, mark_to_mnist
from digitpad.core.number_reading import percent

FIVE = STYLES[5]["two strokes"]


@pytest.fixture(scope="module")
def two(mnist):
    index = int((mnist.test_labels == 2).nonzero()[0][0])
    return mnist_ink(mnist.test_images[index].numpy())


def write(tmp_path, name, ink, look, seed=0):
    path = tmp_path / name
    save(photo(ink, look, np.random.default_rng(seed)), path, look)
    return path


def inside(box, look, margin=0.06):
    """The box (x, y, w, h) lies around where the photo placed the digit."""
    x, y, w, h = box
    width, height = look.size
    cx, cy = (x + w / 2) / width, (y + h / 2) / height
    return abs(cx - look.place[0]) < margin and abs(cy - look.place[1]) < margin and \
        abs(h / height - look.digit_height) < 0.1


def test_lamp_light_falling_off_across_the_page(bundled, tmp_path):
    look = Look(gradient=0.65, gradient_angle=20, shadow=0.4, grain=5, paper="cream", ink="blue",
                place=(0.4, 0.55), digit_height=0.35, jpeg=80)
    path = write(tmp_path, "lamp.jpg", stroke_ink(FIVE), look)
    reading = bundled.read(path)
    assert reading.prediction.digit == 5 and reading.marks == 1
    assert reading.size == (800, 600) and inside(reading.box, look)
    assert bundled.predict(str(path)).digit == 5


def test_jpeg_with_an_exif_rotation_is_read_upright(bundled, tmp_path, two):
    look = Look(exif_orientation=6, place=(0.3, 0.5), jpeg=90)  # stored sideways, EXIF says turn it
    path = write(tmp_path, "phone.jpg", two, look)
    assert Image.open(path).size == (600, 800)
    reading = bundled.read(path)
    assert reading.prediction.digit == 2
    assert reading.size == (800, 600) and inside(reading.box, look)


def test_sixteen_bit_png_of_5000_pixels(bundled, tmp_path):
    ink = stroke_ink(STYLES[4]["closed"])
    small = np.asarray(Image.fromarray(ink, mode="F").resize((900, 900), Image.BILINEAR))  # ink from (160, 64)
    paper = np.linspace(52000, 30000, 5000, dtype=np.float32)[None, :] * np.ones((4000, 1), np.float32)
    paper[1500:2400, 3000:3900] *= 1 - 0.85 * small
    Image.fromarray(paper.astype(np.uint16)).save(tmp_path / "scan16.png")
    assert Image.open(tmp_path / "scan16.png").mode.startswith("I;16")
    reading = bundled.read(tmp_path / "scan16.png")
    assert reading.prediction.digit == 4
    x, y, w, h = reading.box
    assert reading.size == (5000, 4000) and abs(x - 3160) < 80 and abs(y - 1564) < 80 and 650 < h < 900


@pytest.mark.parametrize("lines", [None, "ruled", "squared"])
def test_pages_without_a_digit_say_so(bundled, tmp_path, lines):
    ink = np.zeros((112, 112), np.float32)
    ink[0, 0] = 0.06  # no one would call it a digit
    look = Look(lines=lines, gradient=0.5, gradient_angle=120, shadow=0.3, grain=6, digit_height=0.02, jpeg=70)
    path = write(tmp_path, "page.jpg", ink, look)
    reading = bundled.read(path)
    assert not reading.found and reading.prediction is None and reading.box is None
    assert bundled.predict(str(path)) is None


def test_varied_empty_pages_say_no_digit_found(bundled, tmp_path):
    """Every kind of empty page (lamp light, shadow, grain, tinted, ruled and squared paper, the desk's edge,
    a board, all at once), two of each from a seed used neither for tuning nor for the benchmark."""
    rng = np.random.default_rng(2026)
    guesses = []
    for kind in EMPTY_PAGES:
        for k in range(2):
            image, look = empty_page(kind, rng)
            path = tmp_path / f"empty-{k}.jpg"
            save(image, path, look)
            reading = bundled.read(path)
            if reading.found:
                guesses.append(f"{kind}: {reading.prediction.digit} at {reading.box}")
    assert len(guesses) <= 1, guesses  # of 24 pages


def test_the_ends_of_faint_ruled_lines_are_no_digit(bundled):
    """Lines too faint to be found as lines, but dark where they run off the page's side (near a lamp): read as
    ink, their ends were a 1 (and, on other pages, a number of 5s and 2s)."""
    page = np.full((600, 800), 236, np.uint8)
    for y in range(40, 600, 37):
        page[y: y + 2, :] = 226  # under the ink threshold
        page[y: y + 2, :50] = 120
    page = np.clip(page + np.random.default_rng(0).normal(0, 2, page.shape), 0, 255).astype(np.uint8)
    assert not bundled.read(page).found
    assert bundled.read_number(page).text == ""


def test_digit_on_ruled_paper_is_read_without_the_lines(bundled, tmp_path):
    look = Look(lines="ruled", place=(0.5, 0.5), digit_height=0.4, jpeg=85)
    path = write(tmp_path, "ruled.jpg", stroke_ink(STYLES[7]["plain"]), look, seed=3)
    reading = bundled.read(path)
    assert reading.prediction.digit == 7 and inside(reading.box, look)


def test_digit_touching_the_edge(bundled, tmp_path):
    look = Look(place=(0.5, 0.27), digit_height=0.55)  # the top of the 3 reaches past the frame
    path = write(tmp_path, "edge.jpg", stroke_ink(STYLES[3]["round"]), look)
    reading = bundled.read(path)
    assert reading.box[1] == 0, "the ink reaches the top edge"
    assert reading.prediction.digit == 3


@pytest.mark.parametrize("left", [4, 12])
def test_a_one_written_close_to_the_side_edge_is_read(bundled, left):
    """A tight crop: the 1 has the shape of a sliver the edge leaves, but paper between it and the edge."""
    page = np.full((300, 400), 235, np.uint8)
    page[60:240, left:left + 10] = 35
    assert bundled.predict(page).digit == 1
    assert bundled.predict(np.fliplr(page).copy()).digit == 1, "close to the right edge"
    number = np.full((300, 1200), 235, np.uint8)
    number[60:240, left:left + 10] = 35
    for start, digit, style in ((300, 7, "plain"), (700, 0, "oval")):
        number[60:240, start:start + 135] = np.minimum(number[60:240, start:start + 135], 255 - np.asarray(
            Image.fromarray(stroke_ink(STYLES[digit][style]) * 255).convert("L").resize((135, 180))))
    assert bundled.read_number(number).text == "170"


def test_chalk_on_a_dark_board(bundled, tmp_path, two):
    look = Look(board=True, ink_strength=0.8, pen=1.3, gradient=0.3, grain=6)
    path = write(tmp_path, "board.jpg", two, look)
    reading = bundled.read(path)
    assert reading.prediction.digit == 2 and inside(reading.box, look)


def test_thin_pen_and_marker_reach_the_model_alike(tmp_path):
    """Stroke width is normalised: a fine ballpoint and a marker give nearly the same 28x28 input."""
    inputs = []
    for pen in (0.4, 2.4):
        image = photo(stroke_ink(FIVE, pen), Look(), np.random.default_rng(1))
        found = find_ink(image)
        inputs.append(mark_to_mnist(found, found.marks[0]))
    thin, thick = inputs
    assert abs(thin.sum() - thick.sum()) < 0.25 * thick.sum()
    assert np.abs(thin - thick).mean() < 0.12


def test_marks_api_gives_each_digit_of_a_number_with_its_box(bundled):
    """Separate marks, largest first, boxes in the original pixels; each or all become a model input."""
    page = np.full((300, 600), 240, np.uint8)
    for left, digit, style in ((60, 1, "stick"), (250, 4, "closed"), (430, 7, "plain")):
        page[60:240, left:left + 135] = np.minimum(page[60:240, left:left + 135], 255 - np.asarray(
            Image.fromarray(stroke_ink(STYLES[digit][style]) * 255).convert("L").resize((135, 180))))
    found = find_ink(Image.fromarray(page).resize((1200, 600)))
    assert len(found.marks) == 3 and found.size == (1200, 600)
    in_order = sorted(found.marks, key=lambda m: m.box[0])
    lefts = [m.box[0] for m in in_order]
    assert 120 <= lefts[0] < 300 and 500 <= lefts[1] < 680 and 860 <= lefts[2] < 1040
    digits = [p.digit for p in bundled.classify([mark_to_mnist(found, m) for m in in_order])]
    assert digits == [1, 4, 7]
    assert mark_to_mnist(found, in_order).shape == (28, 28)


def test_marks_are_grouped_until_no_two_belong_together():
    """Every ink component lands in exactly one mark, and no two marks left would belong together (the grouping
    goes on from each merge rather than starting over, which took minutes on a busy page)."""
    rng = np.random.default_rng(3)
    for _ in range(300):
        components = []
        for label in range(1, int(rng.integers(2, 60))):
            x, y, w, h = (int(v) for v in rng.integers((0, 0, 1, 1), (300, 300, 50, 70)))
            components.append([label, x, y, x + w, y + h, int(rng.integers(1, w * h + 1))])
        groups = ink._group([list(c) for c in components])
        assert sorted(c[0] for g in groups for c in g) == [c[0] for c in components]
        boxes = np.array([[min(c[1] for c in g), min(c[2] for c in g), max(c[3] for c in g), max(c[4] for c in g)]
                          for g in groups])
        areas = np.array([sum(c[5] for c in g) for g in groups])
        for i in range(len(groups)):
            others = np.arange(len(groups)) != i
            assert not ink._belong_together(boxes[i], areas[i], boxes[others], areas[others]).any()


def test_twelve_megapixel_array(bundled):
    image = photo(stroke_ink(STYLES[6]["curl"]), Look(size=(4000, 3000), gradient=0.4, place=(0.7, 0.6),
                                                       digit_height=0.2), np.random.default_rng(2))
    reading = bundled.read(np.asarray(image))
    assert reading.prediction.digit == 6 and reading.size == (4000, 3000)
    assert inside(reading.box, Look(size=(4000, 3000), place=(0.7, 0.6), digit_height=0.2))


@pytest.mark.parametrize("side", [900, 1500])
def test_an_rgba_array_drawn_on_nothing_is_read(bundled, side):
    """Ink drawn on a transparent layer (black, alpha only): what is transparent is paper, as in a PNG file."""
    coverage = np.asarray(Image.fromarray((stroke_ink(STYLES[3]["round"]) * 255).astype(np.uint8)).resize(
        (side, side), Image.BILINEAR))
    rgba = np.zeros((side, side, 4), np.uint8)
    rgba[..., 3] = coverage
    reading = bundled.read(rgba)
    assert reading.prediction is not None and reading.prediction.digit == 3


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_arrays_with_an_alpha_channel_read_their_transparency_as_paper(bundled, dtype):
    """RGBA and grey-and-alpha arrays of bytes or floats (matplotlib's imread gives floats): ink drawn on nothing."""
    coverage = np.asarray(Image.fromarray((stroke_ink(STYLES[3]["round"]) * 255).astype(np.uint8)).resize((300, 300)))
    scale = 255 if dtype == np.uint8 else 1 / 255
    for channels in (2, 4):
        layer = np.zeros((300, 300, channels), np.float32)
        layer[..., -1] = coverage * scale if dtype != np.uint8 else coverage
        assert bundled.predict(layer.astype(dtype)).digit == 3


def test_an_image_with_one_channel_is_one_image(bundled):
    """(H, W, 1), as Keras keeps MNIST, is one grey image, not H images one pixel wide; (N, H, W, 1) is N."""
    ink = (stroke_ink(STYLES[4]["closed"]) * 255).astype(np.uint8)
    grey = 255 - np.asarray(Image.fromarray(ink).resize((200, 200)))[..., None]
    assert bundled.predict(grey).digit == 4
    assert [p.digit for p in bundled.predict(np.stack([grey, grey]))] == [4, 4]


@pytest.mark.parametrize("shape", [(0, 0), (0, 50), (40, 0), (0, 0, 3)])
def test_an_empty_array_holds_no_digit(bundled, shape):
    assert bundled.read(np.zeros(shape, np.uint8)).prediction is None
    assert bundled.read_number(np.zeros(shape, np.uint8)).text == ""


def test_a_pil_image_is_turned_upright_as_its_exif_says(bundled, tmp_path):
    """A phone photo opened with PIL and handed over reads as the same file does: upright."""
    upright = Image.fromarray(255 - (stroke_ink(STYLES[7]["plain"]) * 255).astype(np.uint8)).resize((300, 300))
    sideways = upright.transpose(Image.Transpose.ROTATE_90)  # what orientation 6 turns back
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways.convert("RGB").save(tmp_path / "sideways.jpg", exif=exif, quality=95)
    with Image.open(tmp_path / "sideways.jpg") as opened:
        assert bundled.predict(opened).digit == 7
        assert bundled.read_number(opened).text == "7"


@pytest.mark.parametrize("seed", [0, 2])
def test_the_desk_in_the_corners_of_a_tilted_photo_is_no_ink(bundled, seed):
    """A photo turned 3 degrees leaves the desk as long thin wedges along its edges: they were read as digits
    ("2026" as "702", "7022"), where a wedge lined under half the edge and was too deep for a sliver."""
    from written_numbers import pen_photo_number

    page = pen_photo_number("2026", np.random.default_rng(seed), touch_share=0)
    page = page.crop((0, round(0.14 * page.height), page.width, round(0.86 * page.height)))  # a wide crop
    tilted = page.rotate(3.0, resample=Image.BICUBIC, fillcolor=80)
    reading = bundled.read_number(tilted)
    assert reading.text == "2026"
    assert all(0 < x and x + w < tilted.width for x, _, w, _ in (d.box for d in reading.digits)), "none at an edge"
    seven = pen_photo_number("7", np.random.default_rng(seed), touch_share=0)
    single = bundled.read(seven.crop((0, 59, 1000, 361)).rotate(-3.0, resample=Image.BICUBIC, fillcolor=80))
    assert single.marks == 1 and single.prediction.digit == 7, "the digit, not a wedge, is read"


def test_a_number_written_small_in_the_frame_is_looked_at_again_finer(bundled, tmp_path):
    from written_numbers import pen_photo_number

    from digitpad.core.ink import SMALL_INK

    small = pen_photo_number("2026", np.random.default_rng(10), touch_share=0, height_share=0.12)  # 1000 x 420
    small.save(tmp_path / "far.jpg", quality=90)
    for image in (small, str(tmp_path / "far.jpg")):  # in memory and from a file: both keep the pixels for it
        found = find_ink(small) if image is small else find_ink(load_image(image))
        assert found.scale == pytest.approx(1.0, abs=0.05), "read at the photo's own size, not shrunk to 512"
        assert max(m.working_box[3] for m in found.marks) >= SMALL_INK
        assert bundled.read_number(image).text == "2026"  # at 512 px alone its thin strokes read as "6716126"
    usual = pen_photo_number("2026", np.random.default_rng(10), touch_share=0)
    assert find_ink(usual).scale == pytest.approx(1000 / 512, abs=0.05), "writing of a usual size: one look"


def test_digits_grouped_into_one_mark_are_said_to_look_like_several_and_single_digits_are_not(bundled):
    """Two lines of writing close together, or two touching digits, are one mark to the ink finder: read as one digit
    (a "26" over a "35" as a 3 at 99.7%) with nothing to say so. The digit read is the same; the Reading says it."""
    from paper_photos import CONDITIONS, random_look
    from written_numbers import pen_photo_number

    stacked = bundled.read(pen_photo_number("26\n35", np.random.default_rng(0), touch_share=0))
    touching = bundled.read(pen_photo_number("47", np.random.default_rng(1), touch_share=1, join_share=0))
    assert (stacked.marks, stacked.prediction.digit, stacked.several) == (1, 3, True)
    assert (touching.marks, touching.prediction.digit, touching.several) == (1, 4, True)
    rng = np.random.default_rng(0)
    singles = [(strokes, random_look(CONDITIONS[i % len(CONDITIONS)], rng))
               for i, strokes in enumerate(s for styles in STYLES.values() for s in styles.values())]
    readings = [bundled.read(photo(stroke_ink(strokes, look.pen), look, rng)) for strokes, look in singles]
    assert len(readings) >= 30 and not any(r.several for r in readings), "a digit alone looks like one"


def test_small_writing_beside_a_dark_shadow_is_not_taken_for_chalk(bundled, tmp_path):
    """A shadow's long edge outweighs the few ink pixels of small writing, so the whole image looks like chalk on
    a board; the writing is found with the other polarity. A shadow on an empty page stays no digit: what the
    other polarity finds there lies at the image's edge."""
    from written_numbers import pen_photo_number

    from digitpad.core.preprocess import resized, to_float_gray

    shaded = pen_photo_number("6127", np.random.default_rng(42), height_share=0.12)  # a shadow over the right half
    gray = to_float_gray(np.asarray(shaded.convert("L")))
    assert ink._polarity(resized(gray, ink.WORKING_SIDE / max(gray.shape))) == "light", "it looks like chalk"
    shaded.save(tmp_path / "shaded.jpg", quality=90)
    for image in (shaded, str(tmp_path / "shaded.jpg")):
        assert find_ink(shaded if image is shaded else load_image(image)).polarity == "dark"
        assert bundled.read_number(image).text == "6127"  # before: "" (no digit found)
    page, _ = empty_page("everything", np.random.default_rng(29))  # ruled, a shadow in a corner, the desk beyond
    assert find_ink(page).polarity == "dark" and find_ink(page, ink="light").marks, "the shadow's rim, as chalk"
    assert not bundled.read(page).found and not bundled.read_number(page).digits


@pytest.mark.parametrize("size", [(1, 500), (500, 1), (1, 1), (2, 300)])
def test_white_images_one_pixel_thick_hold_no_digit(bundled, tmp_path, size):
    for color in (255, 0):
        Image.new("L", size, color).save(tmp_path / "thin.png")
        assert bundled.predict(str(tmp_path / "thin.png")) is None


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "digitpad", *args], capture_output=True, text=True, timeout=120)


def test_cli_reads_photos_gives_boxes_and_goes_on_past_a_bad_file(tmp_path, two):
    lamp = Look(gradient=0.6, shadow=0.3, place=(0.4, 0.5), digit_height=0.4)
    a = write(tmp_path, "a.jpg", stroke_ink(FIVE), lamp)
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    c = write(tmp_path, "c.jpg", two, Look(exif_orientation=8, place=(0.6, 0.5)))
    blank = tmp_path / "blank.png"
    Image.new("L", (4097, 1), 255).save(blank)
    result = run_cli("predict", "--json", str(a), str(tmp_path / "bad.png"), str(c), str(blank))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and "bad.png" in errors[0]
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in rows] == [str(a), str(tmp_path / "bad.png"), str(c), str(blank)]  # one line a file
    assert "bad.png" in rows[1]["error"] and "digit" not in rows[1]
    rows.pop(1)
    assert [r["digit"] for r in rows] == [5, 2, None]
    assert inside(rows[0]["box"], lamp) and rows[2]["box"] is None

    plain = run_cli("predict", str(a), str(blank))
    assert plain.returncode == 0
    assert plain.stdout.splitlines() == [f"{a}: 5 ({percent(json.loads(result.stdout.splitlines()[0])['confidence'])})",
                                         f"{blank}: no digit found"]


def test_pad_drawings_do_not_take_the_photo_path(bundled):
    """The pad's strokes are rendered with the MNIST-like pen and placed as before, never re-thresholded."""
    from digit_strokes import place

    from digitpad.core.strokes import drawing_input

    strokes = place(STYLES[7]["crossbar"], 40, 30, 220)
    drawn = bundled.predict_drawings([(strokes, (320, 320)), ([], (320, 320))])
    assert np.array_equal(drawn[0].model_input, drawing_input(strokes, (320, 320)))  # (test_strokes: the pad render)
    assert drawn[0].digit == 7 and drawn[1] is None


def test_bold_digits_whose_loops_the_ink_fills_keep_their_shape(bundled, mnist):
    """Bold MNIST 8s and a 9 whose loops the ink nearly fills: redrawn at one stroke width, a filled loop became a
    line (the 9 read as 1, the 8s as 4, 6 or 9: 3 of these 12 read right); redrawn as wide as the ink is, they read
    as the model reads them from MNIST itself."""
    images, labels = mnist.test_images.numpy(), mnist.test_labels.numpy()
    digits = [(int(labels[i]), mnist_ink(images[i])) for i in (2548, 4731, 4839, 1033)]
    reads = [(label, bundled.read(photo(ink, Look(), np.random.default_rng(seed))).prediction.digit)
             for seed in range(3) for label, ink in digits]
    assert sum(label == digit for label, digit in reads) >= 10, reads


def test_a_photographed_digit_is_read_from_its_redrawn_strokes_and_its_ink_as_found(bundled, mnist):
    """Strokes redrawn from their skeleton at MNIST's width mend a fine pen's or a broad one's, but can bend a shape:
    this 3 (MNIST test 450), redrawn, reads 5. The ink as found keeps its shape. The reader averages the model's
    answers over the two views and shows the first. (Another 3, test 1114, redrawn reads 2; averaged, Round 21's
    model read it 3 at 49% and Round 25's reads it 2 at 49%: too close to call either way.)"""
    from written_numbers import photographed_number

    images, labels = mnist.test_images.numpy(), mnist.test_labels.numpy()
    for index in (450,):
        image = photographed_number([images[index]], np.random.default_rng(index))
        found = find_ink(image)
        views = ink.mark_views(found, found.marks[0])
        assert views.shape == (2, 28, 28) and np.array_equal(views[0], mark_to_mnist(found, found.marks[0]))
        redrawn, averaged = bundled.probabilities(views[:1])[0], bundled.probabilities(views[None])[0]
        assert redrawn.argmax() != labels[index] and averaged.argmax() == labels[index]
        prediction = bundled.read(image).prediction
        assert prediction.digit == labels[index] and np.array_equal(prediction.model_input, views[0])
        number = bundled.read_number(image)
        assert number.text == str(labels[index]) and np.array_equal(number.digits[0].model_input, views[0])
        assert prediction.views == number.digits[0].views == 2


@pytest.mark.parametrize("desk, turn, share", [("dark wood", 0.0, 0.75), ("black", 4.0, 0.55),
                                               ("green mat", -12.0, 0.45), ("mid wood", 8.0, 0.35)])
def test_a_sheet_lying_on_a_desk_is_read_and_the_desk_is_no_ink(bundled, tmp_path, two, desk, turn, share):
    """A sheet on a darker desk that fills more of the frame than the sheet: the whole sheet was read as a chalk mark
    ("5 (26%) or 0", "00" in Number mode) or nothing was found ("crop closer"); the desk is painted as paper now
    (core.page_on_desk), so the writing is read and a blank sheet holds no digit."""
    from paper_photos import on_a_desk
    from written_numbers import pen_photo_number

    rng = np.random.default_rng(5)
    path = tmp_path / "desk.jpg"
    on_a_desk(photo(two, Look(jpeg=None, gradient=0.3), rng), rng, desk, turn, share).save(path)
    reading = bundled.read(path)
    assert reading.found and reading.prediction.digit == 2 and reading.marks == 1
    number = on_a_desk(pen_photo_number("2026", rng, touch_share=0), rng, desk, turn, share)
    assert bundled.read_number(number).text == "2026"
    blank = on_a_desk(photo(np.zeros((112, 112), np.float32), Look(jpeg=None, gradient=0.3), rng), rng, desk, turn,
                      share)
    assert not bundled.read(blank).found, "the sheet's edges are no digit"


def test_no_page_is_found_where_there_is_none():
    """Lamp light falling off across a page, chalk on a board, a shadow's edge, ruled lines, and light strips along the
    frame (a white table beside a blue sheet, a wall beside a board, the lit part beside a hard shadow): each is a light
    stretch as convex as a sheet's, which must not be taken for one (the rest would be painted over, writing and all;
    a reviewer's probe found all three strips read as "no digit")."""
    from digitpad.core.page_on_desk import page_on_desk
    from digitpad.core.preprocess import to_float_gray

    rng = np.random.default_rng(3)
    looks = [Look(gradient=0.7, gradient_angle=30), Look(board=True, gradient=0.3), Look(shadow=0.6),
             Look(gradient=0.5, shadow=0.5, lines="ruled"), Look(gradient=0.3, lines="ruled", line_spacing=30)]
    for look in looks:
        assert page_on_desk(to_float_gray(photo(stroke_ink(FIVE), look, rng))) is None, look
    for page, strip in (((220, 232, 245), (245, 245, 242)), ((38, 52, 45), (225, 222, 215)),
                        ((110, 110, 108), (240, 240, 236))):  # blue sheet, table; board, wall; shadow, lit part
        scene = np.array(photo(stroke_ink(FIVE), Look(jpeg=None), rng), np.float32) * np.array(page) / 246
        scene[:, 620:] = strip
        assert page_on_desk(to_float_gray(Image.fromarray(scene.astype(np.uint8)))) is None, strip


def test_predict_points_separate_marks_to_number_and_explain_says_when_it_is_unsure(tmp_path, mnist):
    """`predict` on a photo of separate digits named how to read them all, as the app does; `explain` left out the
    "not sure" that `predict` gives."""
    def scan(index: int) -> Image.Image:
        return Image.fromarray(255 - mnist.test_images[index].numpy()).resize((140, 140))

    pair = Image.new("L", (360, 180), 255)
    pair.paste(scan(0), (10, 20))
    pair.paste(scan(1), (200, 20))
    pair.save(tmp_path / "pair.png")
    said = run_cli("predict", str(tmp_path / "pair.png")).stdout
    assert "; 2 separate marks, read the largest: --number reads them all" in said, said
    scan(247).save(tmp_path / "unsure.png")  # a 4 the bundled model reads 31% as a 6
    assert "not sure: it may be" in run_cli("predict", str(tmp_path / "unsure.png")).stdout
    explained = run_cli("explain", str(tmp_path / "unsure.png"), "--out", str(tmp_path / "figure.png"))
    assert explained.returncode == 0 and "; not sure: it may be" in explained.stdout, explained.stdout
