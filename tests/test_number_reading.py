"""Reading whole numbers: strokes on a wide pad and photos of written rows, through the public API (and the
photo reader's seam, on a drawn image)."""

import json

import numpy as np
import pytest
from digit_strokes import STYLES, place
from PIL import Image, ImageDraw
from written_numbers import pen_photo_number, photographed_number, write, written_number

from digitpad.core.image_marks import ImageMarks
from digitpad.core.ink import find_ink
from digitpad.core.number_reading import Piece, group_marks, lines_of, reading_note
from digitpad.core.stroke_marks import StrokeMarks, clip_stroke

PAD = (960, 320)


def test_four_digits_with_their_boxes_and_candidates(bundled):
    strokes = write((2, "curved"), (0, "oval"), (2, "angular"), (6, "curl"))
    reading = bundled.read_number_strokes(strokes, PAD)
    assert reading.text == "2026" and str(reading) == "2026"
    assert [d.digit for d in reading.digits] == [2, 0, 2, 6]
    lefts = [d.box[0] for d in reading.digits]
    assert lefts == sorted(lefts) and all(d.box[2] < 200 and d.box[3] > 100 for d in reading.digits)
    for d in reading.digits:
        (first, p1), (second, p2) = d.candidates
        assert first == d.digit and p1 == d.confidence >= p2 and second != first
        assert d.model_input.shape == (28, 28) and d.strokes and d.views == 1  # a pad's digit: one input


def test_a_tablets_glitch_point_is_skipped_and_an_empty_last_stroke_changes_nothing(bundled):
    """A NaN or infinite point (a tablet's glitch) is left out and its stroke goes on; an empty stroke at the end
    (a tap the tablet dropped) leaves the newest digit where the last real stroke is."""
    strokes = write((2, "curved"), (0, "oval"), (6, "curl"))
    plain = bundled.read_number_strokes(strokes, PAD)
    for bad in (float("nan"), float("inf")):
        glitched = [list(s) for s in strokes]
        glitched[0].insert(len(glitched[0]) // 2, (bad, 100.0))
        glitched[-1].insert(1, (500.0, -bad))
        assert bundled.read_number_strokes(glitched, PAD).text == "206"
        assert bundled.predict_drawings([(glitched[:len(glitched) // 3], PAD)])[0] is not None
    with_tap = bundled.read_number_strokes(strokes + [[]], PAD)
    assert with_tap.text == "206" and with_tap.newest == plain.newest == 2


def test_the_newest_digit_is_the_one_the_last_stroke_is_in(bundled):
    strokes = write((2, "curved"), (0, "oval"), (6, "curl"))
    assert bundled.read_number_strokes(strokes, PAD).newest == 2
    zero = write((0, "oval"), x=40.0 + 0.75 * 200 + 40)  # where write() put the 0
    again = bundled.read_number_strokes(strokes + [[(x, y + 5) for x, y in zero[0]]], PAD)
    assert again.text == "206" and again.newest == 1, "a stroke added to the 0 last makes the 0 the newest"
    assert bundled.read_number_strokes(strokes + [[(950, 10)]], PAD).newest is None, "a speck is in no digit"
    assert bundled.read_number_strokes(iter(strokes), PAD).newest == 2, "strokes given as a generator"
    assert bundled.read_number_strokes([], PAD).newest is None


@pytest.mark.parametrize("digit,style", [(4, "closed"), (4, "open"), (5, "two strokes"), (7, "crossbar"),
                                         (1, "flag and base"), (0, "slashed")])
def test_a_digit_in_several_strokes_is_one_digit(bundled, digit, style):
    strokes = write((3, "round"), (digit, style), (8, "two circles"))
    assert bundled.read_number_strokes(strokes, PAD).text == f"3{digit}8"


def test_specks_are_ignored(bundled):
    strokes = write((4, "closed"), (2, "curved"))
    strokes += [[(500.0, 300.0), (502.0, 301.0)], [(120.0, 20.0)]]
    assert bundled.read_number_strokes(strokes, PAD).text == "42"


ONE, TWO, FIVE, ZERO = (1, "stick"), (2, "curved"), (5, "two strokes"), (0, "oval")


@pytest.mark.parametrize("items,text", [((ONE, TWO, ".", FIVE, ZERO), "12.50"), ((ONE, ",", TWO, FIVE, ZERO), "1,250"),
                                        ((FIVE, FIVE, "-", ONE, TWO), "55-12"), ((ONE, TWO, ":", FIVE, ZERO), "12:50")],
                         ids=["amount", "thousands", "phone", "time"])
def test_a_dot_a_comma_or_a_dash_between_digits_is_part_of_the_number(bundled, items, text):
    reading = bundled.read_number_strokes(write(*items), PAD)
    assert reading.text == reading.display == text
    (separator,) = reading.separators
    digits = reading.digits
    assert [str(d.digit) for d in digits] == [c for c in text if c.isdigit()], "a separator is no digit"
    before = text.index(separator.char)
    left, right = digits[before - 1].box, digits[before].box
    assert left[0] + left[2] <= separator.box[0] and separator.box[0] + separator.box[2] <= right[0]
    assert reading.separator_before() == {before: separator.char}


@pytest.mark.parametrize("digit,slant", [((7, "plain"), 0.0), ((7, "crossbar"), 0.3), ((1, "stick"), 0.15)],
                         ids=["under a 7's bar", "under a slanted crossed 7", "after a slanted 1's foot"])
def test_a_point_tucked_under_a_digit_s_overhang_is_still_a_point(bundled, digit, slant):
    """Inside the digit's box, but beside its ink at the foot: the box alone read "7.5" as "75"."""
    first = place(STYLES[digit[0]][digit[1]], 40, 60, 200, slant=slant)
    foot = max(x for stroke in first for x, y in stroke if y > 230)
    second = place(STYLES[5]["two strokes"], max(x for stroke in first for x, _ in stroke) + 20, 60, 200, slant=slant)
    reading = bundled.read_number_strokes(first + [[(foot + 10, 257), (foot + 13, 259)]] + second, PAD)
    assert reading.text == f"{digit[0]}.5"
    assert reading.separators[0].box[0] < reading.digits[0].box[0] + reading.digits[0].box[2], "under the overhang"


@pytest.mark.parametrize("length", [24, 30, 40])
def test_a_short_dash_is_a_dash(bundled, length):
    """People draw a minus or a phone number's dash short: 12-20% of the digits' height (200 px) is a dash still
    (down to 0.2 only, "555-1234" read as "5551234"; benchmarks/short_dashes.py)."""
    dash = [[(420.0 - length / 2, 160.0), (420.0 + length / 2, 162.0)]]
    assert bundled.read_number_strokes(write(FIVE, FIVE) + dash + write(ONE, TWO, x=460), PAD).text == "55-12"
    minus = [[(30.0, 160.0), (30.0 + length, 161.0)]]
    assert bundled.read_number_strokes(minus + write(FIVE, x=40 + length + 20), PAD).text == "-5"


def test_one_separator_in_a_gap_and_none_beside_a_digit_left_out(bundled):
    two_points = bundled.read_number_strokes(write(ONE, ".", ".", TWO), PAD)
    assert two_points.text == "1.2" and len(two_points.separators) == 1
    slash = [[(270.0, 240.0), (520.0, 80.0)]]  # tall, but flat: the pad leaves it out as a dash, not a digit
    left_out = bundled.read_number_strokes(write(ONE) + [[(230.0, 254.0), (233.0, 256.0)]] + slash + write(TWO, x=560),
                                           PAD)
    assert left_out.text == "12" and left_out.separators == ()


def test_fine_pen_fragments_in_a_photo_are_no_points(bundled):
    """A 1 px pen at the working size breaks into bits at the foot of curves; a written point is solid ink."""
    image = Image.new("L", (1000, 400), 235)
    draw = ImageDraw.Draw(image)
    for i, (digit, style) in enumerate([ONE, TWO, FIVE, ZERO]):
        for stroke in place(STYLES[digit][style], 40 + 190 * i, 60, 200):
            draw.line(stroke, fill=30, width=2)
    assert bundled.read_number(image).separators == ()


def test_a_separator_written_close_to_a_digit_is_still_one(bundled):
    """A short mark near a digit joins it (the bar of a 5 written apart) unless it lies in the gap shaped as a
    separator: a dot 6 px (3% of the writing's height) after the 2."""
    one_two = write(ONE, TWO)
    two_right = max(x for stroke in one_two[1:] for x, _ in stroke)
    strokes = one_two + [[(two_right + 6, 254.0), (two_right + 9, 256.0)]] + write(FIVE, ZERO, x=two_right + 40)
    assert bundled.read_number_strokes(strokes, PAD).text == "12.50"


@pytest.mark.parametrize("mark", [[(300.0, 70.0), (303.0, 72.0)], [(270.0, 268.0), (330.0, 270.0)],
                                  [(300.0, 150.0), (303.0, 152.0)]], ids=["dot at the top", "bar at the foot",
                                                                         "dot in the middle"])
def test_a_mark_between_digits_that_is_no_separator_is_ignored(bundled, mark):
    strokes = write(ONE, TWO, FIVE) + [mark]  # the 2 ends at 265, the 5 starts at 320
    reading = bundled.read_number_strokes(strokes, PAD)
    assert reading.text == "125" and reading.separators == ()


@pytest.mark.parametrize("items,text", [(("-", ONE, TWO, "."), "-12"), (("-", FIVE, ".", ZERO), "-5.0"),
                                        (("-", (7, "plain")), "-7")], ids=["minus 12", "minus 5.0", "minus 7"])
def test_a_minus_before_the_first_digit_is_kept_and_a_point_after_the_last_left_out(bundled, items, text):
    reading = bundled.read_number_strokes(write(*items, x=10), PAD)
    assert reading.text == reading.display == text
    minus = reading.separators[0]
    assert (minus.char, minus.before, minus.line) == ("-", 0, 0)
    assert minus.box[0] + minus.box[2] <= reading.digits[0].box[0]
    assert reading.keeping([0]).separators == (minus,), "kept with its digit"
    assert reading.keeping(range(1, len(reading.digits))).separators == (), "and gone with it"


@pytest.mark.parametrize("mark", [[(10.0, 160.0), (80.0, 164.0)], [(150.0, 255.0), (220.0, 258.0)],
                                  [(150.0, 80.0), (220.0, 82.0)], [(196.0, 160.0), (199.0, 162.0)]],
                         ids=["dash far to the left", "bar at the foot", "bar at the top", "dot"])
def test_a_mark_before_the_first_digit_that_is_no_minus_is_ignored(bundled, mark):
    strokes = write(FIVE, TWO, x=260)  # the 5's ink starts at 260 + 0.1 x 200
    reading = bundled.read_number_strokes(strokes + [mark], PAD)
    assert reading.text == "52" and reading.separators == ()


@pytest.mark.parametrize("marks", [[[(300.0, 150.0)]], [[(300.0, 150.0), (420.0, 158.0)]],
                                   [[(300.0, 180.0), (335.0, 155.0), (370.0, 130.0)]],
                                   [[(300.0, 150.0)], [(380.0, 150.0), (470.0, 150.0)]]],
                         ids=["tap", "dash", "slanted dash", "a dot and a dash"])
def test_dots_and_dashes_alone_are_no_number(bundled, marks):
    assert bundled.read_number_strokes(marks, PAD).text == ""


@pytest.mark.parametrize("height", [20, 28])
def test_a_number_written_small_keeps_every_digit(bundled, height):
    """Digits a tenth of the pad's height or less are small, not dots."""
    strokes = write((4, "closed"), (2, "curved"), (1, "stick"), (7, "plain"), height=height, gap=0.4 * height)
    assert bundled.read_number_strokes(strokes, PAD).text == "4217"


def test_tablet_points_are_refused_not_read_as_other_points(bundled):
    stroke = [(100, 50, 1), (100, 250, 1)]  # (x, y, pressure)
    with pytest.raises(ValueError, match=r"\(x, y\) pairs"):
        bundled.read_number_strokes([stroke], PAD)


def test_touching_digits_drawn_in_one_stroke_are_cut(bundled):
    first, second = (place(STYLES[0]["oval"], x, 60, 200)[0] for x in (40, 160))
    reading = bundled.read_number_strokes([first + second], PAD)  # "00" without lifting the pen
    assert reading.text == "00"
    assert reading.digits[0].box[0] + reading.digits[0].box[2] <= reading.digits[1].box[0] + 2


def test_unsure_digits_are_shown_with_a_question_mark(bundled):
    blob = [[(300.0 + 40 * np.cos(t), 160 + 90 * np.sin(t)) for t in np.linspace(0, 1.4 * np.pi, 30)]]
    strokes = write((2, "curved"), x=40) + blob + write((5, "one stroke"), x=460)
    reading = bundled.read_number_strokes(strokes, PAD)
    assert len(reading.display) == len(reading.text) == 3
    for char, digit in zip(reading.display, reading.digits):
        assert char == ("?" if digit.confidence < 0.6 else str(digit.digit))


def test_nothing_written_reads_as_an_empty_number(bundled):
    assert bundled.read_number_strokes([], PAD).text == ""
    assert bundled.read_number(np.full((50, 200), 255, np.uint8)).text == ""


def test_grouping_by_horizontal_overlap():
    boxes = [(0, 0, 60, 100), (30, 0, 40, 100), (80, 0, 140, 100), (135, 0, 190, 100), (300, 90, 303, 93)]
    assert group_marks(boxes) == [(0, 1), (2,), (3,)]  # a stem inside a 4; touching neighbours; a speck
    one_touching = [(0, 0, 60, 100), (55, 0, 62, 100)]  # a 1 whose foot touches the digit before it
    assert group_marks(one_touching) == [(0,), (1,)]
    bar = [(0, 20, 60, 100), (10, 0, 70, 8)]  # the bar of a 5 written apart, a little to the right
    assert group_marks(bar) == [(0, 1)]


def test_lines_of_writing_top_to_bottom():
    row = [(0, 10, 30, 60), (40, 14, 70, 66), (80, 6, 110, 58)]  # a baseline that wanders: still one line
    below = [(0, 100, 30, 150), (40, 104, 70, 152)]
    assert lines_of(row) == [[0, 1, 2]]
    assert lines_of(below + row) == [[2, 3, 4], [0, 1]], "top to bottom, whatever order the marks come in"
    dot = [(50, 75, 56, 81)]  # alone between the lines, nearer the upper one: no line of its own
    assert lines_of(row + below + dot) == [[0, 1, 2, 5], [3, 4]]
    low_dot = [(50, 90, 56, 96)]  # nearer the lower one
    assert lines_of(row + below + low_dot) == [[0, 1, 2], [3, 4, 5]]
    rising = [(0, 100, 30, 150), (40, 40, 70, 90)]  # a 1, then a 2 written higher beside it: one line
    assert lines_of(rising) == [[0, 1]]
    broken = [(0, 100, 30, 120), (0, 119, 30, 141)]  # a faint digit in two short pieces: still a line of its own
    assert lines_of(row + broken) == [[0, 1, 2], [3, 4]]
    tail = [(0, 0, 30, 60), (40, 0, 70, 90), (0, 70, 30, 130), (200, 200, 230, 250)]  # a 9's tail reaches into
    assert lines_of(tail) == [[0, 1, 2], [3]], "the second line; a third line below still stands alone"
    far = [(0, 0, 40, 50), (200, 500, 240, 550)]  # a date at the top left, a number at the bottom right
    assert lines_of(far) == [[0], [1]], "far below is a new line, even where nothing is above it"
    assert lines_of([]) == []


def test_lines_of_writing_close_together_or_sloping_are_told_apart():
    """Lines whose heights a tall digit or a slope joins were one band, read as one line: each digit grouped with the
    one under it (a photo of "1097" over "597" read as "183"). Digits wholly above others part the lines."""
    sloping = [(0, 0, 30, 50), (40, 10, 70, 60), (80, 20, 110, 70), (120, 30, 150, 80),  # each lower than the last
               (0, 62, 30, 112), (40, 72, 70, 122), (80, 82, 110, 132)]  # the next line, as close and as sloping
    assert lines_of(sloping) == [[0, 1, 2, 3], [4, 5, 6]]
    dot = [(152, 74, 158, 80)]  # a decimal point at the foot of the first line's last digit stays with it
    assert lines_of(sloping + dot) == [[0, 1, 2, 3, 7], [4, 5, 6]]
    rising = [(0, 100, 30, 150), (40, 60, 70, 110), (80, 20, 110, 70), (120, 0, 150, 50)]  # steep, but one line
    assert lines_of(rising) == [[0, 1, 2, 3]]
    eight = [(0, 0, 30, 50), (40, 0, 70, 24), (42, 28, 72, 50)]  # a digit, an 8 faint at its waist: one line
    assert lines_of(eight) == [[0, 1, 2]]


def test_a_photo_of_two_lines_is_read_line_by_line(bundled):
    photo = pen_photo_number("2026\n315", np.random.default_rng(0), touch_share=0)  # a sticky note
    reading = bundled.read_number(photo)
    assert reading.text == "2026 315" and reading.display == "2026 315"
    assert [d.line for d in reading.digits] == [0, 0, 0, 0, 1, 1, 1]
    tops = [d.box[1] for d in reading.digits]
    assert max(tops[:4]) < min(tops[4:]), "the second line's digits lie below the first's"


def test_a_photo_of_two_lines_close_together_is_read_line_by_line(bundled):
    """The 5 of "315" starts above the foot of the "2026" over it: the two lines were one band, read as "32052"."""
    photo = pen_photo_number("2026\n315", np.random.default_rng(1), touch_share=0, line_pitch=0.6)
    reading = bundled.read_number(photo)
    assert reading.text == "2026 315" and [d.line for d in reading.digits] == [0, 0, 0, 0, 1, 1, 1]


@pytest.mark.parametrize("written, note, lines, numbers_in_lines", [
    ("2026\n315", "2 lines of writing, each read as its own number", 2, [0] * 7),
    ("315 2026", "2 numbers side by side, parted by a wide gap", 1, [0, 0, 0, 1, 1, 1, 1]),
])
def test_cli_says_a_photo_holds_several_numbers_on_lines_or_side_by_side(tmp_path, written, note, lines,
                                                                         numbers_in_lines):
    """A sticky note of two numbers was printed as "2026 315 (...)": the space was all that told of two lines; two
    numbers side by side on one line were one ("3152026")."""
    from cli_runner import digitpad

    pen_photo_number(written, np.random.default_rng(0), touch_share=0).save(tmp_path / "note.png")
    shown = written.replace("\n", " ")
    line = digitpad("predict", "--number", str(tmp_path / "note.png")).stdout.strip()
    assert line.startswith(f"{tmp_path / 'note.png'}: {shown} (") and line.endswith(f"); {note}")
    row = json.loads(digitpad("predict", "--number", "--json", str(tmp_path / "note.png")).stdout)
    assert row["number"] == shown and row["lines"] == lines and row["numbers"] == 2
    assert [d["number_in_line"] for d in row["digits"]] == numbers_in_lines and row["looks_like_words"] is False


def test_two_numbers_side_by_side_on_the_pad_are_read_as_two(bundled):
    """"12   45" written on one line was read as one number, "1245": a wide gap parts numbers as a new line does."""
    strokes = write((1, "stick"), (2, "curved"), " ", (4, "closed"), (5, "two strokes"), height=150, gap=30)
    reading = bundled.read_number_strokes(strokes, PAD)
    assert reading.text == "12 45" and reading.display == "12 45" and str(reading) == "12 45"
    assert (reading.numbers, reading.lines) == (2, 1)
    assert [(d.line, d.number_in_line) for d in reading.digits] == [(0, 0), (0, 0), (0, 1), (0, 1)]
    assert reading_note(reading) == "2 numbers side by side, parted by a wide gap"
    date = bundled.read_number_strokes(*written_number("07 12 2026", np.random.default_rng(0), touch_share=0))
    assert date.text == "07 12 2026" and date.numbers == 3 and reading_note(date).startswith("3 numbers side by side")


def test_a_wide_gap_parts_a_line_of_a_sticky_note_too(bundled):
    reading = bundled.read_number(pen_photo_number("12 45\n315", np.random.default_rng(0), touch_share=0))
    assert reading.text == "12 45 315" and (reading.numbers, reading.lines) == (3, 2)
    assert reading_note(reading) == "3 numbers on 2 lines of writing, parted by the lines and a wide gap"


@pytest.mark.parametrize("seed", range(4))
def test_a_number_written_with_uneven_gaps_stays_one_number(bundled, seed):
    """Gaps of 0.05-0.6 of a digit's height, as the benchmark's held-out hand leaves them, part no number."""
    rng = np.random.default_rng(seed)
    reading = bundled.read_number_strokes(*written_number("204517", rng, gaps=(0.05, 0.6), touch_share=0))
    assert reading.numbers == 1 and " " not in reading.text


def test_ones_and_separators_in_wide_gaps_part_no_number(bundled):
    """A 1 written in a digit's usual place leaves wide-looking gaps beside it, and a dash or a point sits in a gap
    as wide as the one between two numbers: none of them parts the number."""
    for digits, text in ((((2, "curved"), (1, "stick")), "21"), (((1, "stick"), (7, "plain")), "17")):
        spaced = bundled.read_number_strokes(write(*digits, height=150, gap=70), PAD)  # the 1 centred in its place
        assert spaced.text == text and spaced.numbers == 1
    phone = bundled.read_number_strokes(write(*[(5, "one stroke")] * 3, "-", (1, "stick"), (2, "curved"), (3, "round"),
                                              (4, "closed"), height=100, gap=30), PAD)
    assert phone.text == "555-1234" and phone.numbers == 1
    amount = write((1, "stick"), (2, "curved"), height=150, gap=30) + write(".", x=400, height=150, gap=60) + write(
        (5, "two strokes"), (0, "oval"), x=463, height=150, gap=30)  # 1.1 of a digit's height from the 2 to the 5
    assert bundled.read_number_strokes(amount, PAD).text == "12.50"


def test_a_photo_of_words_is_told_from_a_photo_of_numbers(bundled):
    """A page of words was read as lines of numbers, a third of its "digits" shown "?", and nothing said it may be
    no number at all; numbers, on one line or two, stay unasked."""
    from written_text import letters_photo

    words = bundled.read_number(letters_photo(["FARM NEAR", "HENRY KNEW"], np.random.default_rng(0)))
    assert words.looks_like_words and words.unsure_count >= 3 and reading_note(words) == (
        f"2 lines of writing, each read as its own number; {words.unsure_count} marks look like no digit: is it "
        "words rather than numbers?")
    for text in ("2026\n315", "315"):
        number = bundled.read_number(pen_photo_number(text, np.random.default_rng(0), touch_share=0))
        assert not number.looks_like_words and "words" not in reading_note(number)


def test_cli_asks_whether_a_photo_of_words_is_words(tmp_path):
    from cli_runner import digitpad
    from written_text import letters_photo

    letters_photo(["when her", "hen knew"], np.random.default_rng(0)).save(tmp_path / "list.jpg")
    line = digitpad("predict", "--number", str(tmp_path / "list.jpg")).stdout.strip()
    assert line.endswith("); 3 numbers on 2 lines of writing, parted by the lines and a wide gap; 7 marks look like "
                         "no digit: is it words rather than numbers?")  # the gap between "when" and "her"
    row = json.loads(digitpad("predict", "--number", "--json", str(tmp_path / "list.jpg")).stdout)
    assert row["looks_like_words"] is True and sum(d["confidence"] < 0.6 for d in row["digits"]) == 7


def test_clipping_a_stroke_keeps_the_parts_inside():
    square = np.array([[0, 0], [10, 0], [10, 5], [0, 5]], float)
    parts = clip_stroke(square, 0, 2, 8)
    assert [p.tolist() for p in parts] == [[[2, 0], [8, 0]], [[8, 5], [2, 5]]]
    zigzag = np.array([[0, 0], [4, 1], [12, 2], [6, 3], [6, 4], [20, 5], [21, 6]], float)
    parts = clip_stroke(zigzag, 0, 5, 10)  # in and out, and along an edge
    assert [len(p) for p in parts] == [2, 4]
    np.testing.assert_allclose(parts[0], [[5, 1.125], [10, 1.75]])
    np.testing.assert_allclose(parts[1], [[10, 2 + 1 / 3], [6, 3], [6, 4], [10, 4 + 2 / 7]])
    assert clip_stroke(zigzag, 1, 7, 9) == [] and clip_stroke(zigzag[:1], 0, 0, 1)[0].tolist() == [[0, 0]]
    marks = StrokeMarks([[(-20, 10), (50, 10)]], (40, 40))  # ink off the pad is dropped, as the pad shows it
    assert marks.boxes == [(0, 10, 41, 11)]


def test_a_live_read_runs_the_model_only_on_the_digit_that_changed(bundled):
    from digitpad.core.number_reading import read_marks
    from digitpad.core.stroke_marks import StrokeMemo

    strokes = write((2, "curved"), (0, "oval"), (2, "angular"), (4, "open"), (6, "curl"), (5, "two strokes"),
                    x=20, gap=20, height=130)
    memo, model_runs = StrokeMemo(), []

    def probabilities(inputs):
        model_runs.append(len(inputs))
        return bundled.probabilities(inputs, int8=False)  # as read_number_strokes reads

    def live_read(strokes):
        marks = StrokeMarks(strokes, PAD, memo)
        return read_marks(marks, memo.probabilities(probabilities), marks.digit_strokes)

    assert live_read(strokes[:-2]).text == "20246"
    model_runs.clear()
    for end in (10, 30, len(strokes[-2])):  # the 5's first stroke, as the pen moves
        live_read(strokes[:-2] + [strokes[-2][:end]])
    reading = live_read(strokes)  # and its bar
    assert reading.text == "202465" and len(model_runs) >= 3 and set(model_runs) == {1}, "one digit read at a time"
    from_scratch = bundled.read_number_strokes(strokes, PAD)
    np.testing.assert_allclose([d.probabilities for d in reading.digits],
                               [d.probabilities for d in from_scratch.digits], atol=1e-5)
    model_runs.clear()
    assert live_read(strokes[:-1]).text == "202465" and live_read(strokes).text == "202465"  # undo, redo
    assert model_runs == []


def test_written_and_photographed_numbers(bundled, mnist):
    """A small sample of what benchmarks/number_reading.py measures at scale."""
    rng = np.random.default_rng(7)
    texts = ["".join(str(d) for d in rng.integers(0, 10, n)) for n in (2, 3, 4, 5, 6)]
    written = [bundled.read_number_strokes(*written_number(text, rng)).text for text in texts]
    assert sum(r == t for r, t in zip(written, texts)) >= 4, written
    images, labels = mnist.test_images.numpy(), mnist.test_labels.numpy()
    right = 0
    for n in (2, 3, 4, 5, 6):
        chosen = rng.integers(0, 1000, n)
        photo = photographed_number([images[i] for i in chosen], rng, touch_share=0)
        right += bundled.read_number(photo).text == "".join(str(labels[i]) for i in chosen)
    assert right >= 4


def test_cli_reads_a_photo_of_315(mnist, tmp_path):
    from cli_runner import digitpad

    labels = mnist.test_labels.numpy()
    chosen = [int(np.flatnonzero(labels == d)[0]) for d in (3, 1, 5)]
    photo = photographed_number([mnist.test_images[i].numpy() for i in chosen], np.random.default_rng(3),
                                digit_height=90, touch_share=0)
    photo.save(tmp_path / "house.jpg", quality=90)
    Image.new("L", (300, 100), 235).save(tmp_path / "blank.png")
    (tmp_path / "notes.png").write_text("not an image")
    done = digitpad("predict", "--number", str(tmp_path / "notes.png"), str(tmp_path / "house.jpg"),
                    str(tmp_path / "blank.png"), check=False)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "notes.png" in done.stderr, "one line for it"
    out = done.stdout
    assert out.splitlines()[0].startswith(f"{tmp_path / 'house.jpg'}: 315 (") and "lines" not in out.splitlines()[0]
    assert out.splitlines()[1] == f"{tmp_path / 'blank.png'}: no digit found", "the same words as for one digit"

    row = json.loads(digitpad("predict", "--number", "--json", str(tmp_path / "house.jpg")).stdout)
    assert row["number"] == "315" and [d["digit"] for d in row["digits"]] == [3, 1, 5]
    assert all(set(d) >= {"digit", "confidence", "box"} and 0 < d["confidence"] <= 1 for d in row["digits"])
    assert [d["line"] for d in row["digits"]] == [0, 0, 0] and row["lines"] == 1
    lefts = [d["box"][0] for d in row["digits"]]
    assert lefts == sorted(lefts) and all(0 <= d["box"][0] < photo.width for d in row["digits"])

    bad = digitpad("predict", "--number", str(tmp_path / "missing.png"), check=False)
    assert bad.returncode == 1 and "missing.png: no such file" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("text", ["555-12", "1,250", "-12.50", "-7"])
def test_a_photo_keeps_a_dash_or_a_comma_between_digits_and_a_minus_before_them(bundled, text):
    photo = pen_photo_number(text, np.random.default_rng(0), touch_share=0)
    assert bundled.read_number(photo).text == text


@pytest.mark.parametrize("pen_line", ["crossing", "underline"])
def test_a_number_on_ruled_paper_with_a_pen_line_through_or_under_it_is_read_without_the_line(bundled, pen_line):
    """A line as dark as the ink through every digit, or under them all, joined them into one wide mark that was cut
    into 1s and 7s ('2026' read as '7026', and underlined as '31226')."""
    photo = pen_photo_number("2026", np.random.default_rng(1), touch_share=0, paper="ruled", pen_line=pen_line)
    reading = bundled.read_number(photo)
    assert reading.text == "2026"
    assert all(d.box[3] > 0.8 * max(d.box[3] for d in reading.digits) for d in reading.digits), "whole digits"


def test_a_short_number_underlined_is_read_without_the_line(bundled):
    """An underline under two digits is shorter than the long lines through a number, but it stands on its own under
    both (it was read as part of the 7: '47' read as '41')."""
    photo = pen_photo_number("47", np.random.default_rng(0), touch_share=0, pen_line="underline")
    assert bundled.read_number(photo).text == "47"


def test_a_photo_of_an_amount_keeps_its_decimal_point_through_the_cli(tmp_path):
    """The point is too small to be a mark of its own (core.ink keeps it aside as a speck)."""
    from cli_runner import digitpad

    photo = pen_photo_number("12.50", np.random.default_rng(0), touch_share=0)
    found = find_ink(photo)
    assert len(found.specks) == 1 and len(ImageMarks(found).boxes) == 4, "the point is no mark"
    photo.save(tmp_path / "amount.jpg", quality=90)
    row = json.loads(digitpad("predict", "--number", "--json", str(tmp_path / "amount.jpg")).stdout)
    assert row["number"] == "12.50" and [d["digit"] for d in row["digits"]] == [1, 2, 5, 0]
    (point,) = row["separators"]
    assert point["char"] == "." and point["line"] == 0 and point["before"] == 2
    two, five = row["digits"][1]["box"], row["digits"][2]["box"]
    assert two[0] + two[2] <= point["box"][0] and point["box"][0] + point["box"][2] <= five[0]
    assert two[1] + 0.6 * two[3] < point["box"][1] + point["box"][3] / 2, "at the digits' foot"


def test_fragments_of_thin_strokes_in_a_photo_are_no_separators(bundled, mnist):
    """MNIST digits photographed large have broken strokes whose bits, round and at the foot, look like points;
    they are thinner than the pen that wrote the digits."""
    images, labels = mnist.test_images.numpy(), mnist.test_labels.numpy()
    rng = np.random.default_rng(1)
    for _ in range(247):  # the 247th is an 832 whose 3 leaves a round bit at its foot: "8.32" without the pen's width
        chosen = rng.integers(0, 5000, rng.integers(2, 7))
        photo = photographed_number([images[i] for i in chosen], rng, touch_share=0.15)
    reading = bundled.read_number(photo)
    assert "".join(str(labels[i]) for i in chosen) == reading.text == "832" and reading.separators == ()


def test_touching_digits_in_photos_are_cut_in_two(bundled, mnist):
    """Two photographed MNIST digits whose ink touches: the model often reads the pair as one confident digit
    (a "94" as a 4); the photo prior finds it too wide for that digit and tries every column as the cut."""
    images, labels = mnist.test_images.numpy(), mnist.test_labels.numpy()
    rng = np.random.default_rng(4)
    readings, truths = [], []
    for _ in range(24):
        chosen = rng.integers(0, 1000, 2)
        readings.append(bundled.read_number(photographed_number([images[i] for i in chosen], rng,
                                                                touch_share=1.0)).text)
        truths.append("".join(str(labels[i]) for i in chosen))
    assert sum(len(r) == 2 for r in readings) >= 22, readings  # before the photo prior: 20 of 24
    assert sum(r == t for r, t in zip(readings, truths)) >= 22, list(zip(truths, readings))


@pytest.mark.parametrize("chosen,seed,truth", [((970, 80), 0, "57"), ((575, 641), 1, "98")])
def test_touching_digits_with_too_much_stroke_for_one_digit_are_cut(bundled, mnist, chosen, seed, truth):
    """Two touching photographed MNIST digits the model reads as one confident digit of a usual shape (this "57" as
    a 9, this "98" as an 8): their strokes are about twice as long as one digit's, which the photo prior charges.
    (Since the several-digits gate this "57" is cut further right and read "51": the 5's piece takes the 7's bar.)"""
    images = mnist.test_images.numpy()
    photo = photographed_number([images[i] for i in chosen], np.random.default_rng(seed), touch_share=1.0)
    read = bundled.read_number(photo).text
    assert len(read) == 2 and read[0] == truth[0], read


def _outline(image: np.ndarray, top: int, left: int, bottom: int, right: int, width: int = 6) -> None:
    image[top:bottom, left:right] = 0
    image[top + width: bottom - width, left + width: right - width] = 255


def _overlapping_boxes() -> tuple[ImageMarks, float, float]:
    """Two outlined boxes, the lower one further left, joined by a thin stroke: the marks, a column through both
    boxes' overlap, and how many working pixels one of the drawing's is."""
    image = np.full((240, 200), 255, np.uint8)
    _outline(image, 30, 40, 90, 84)  # upper, columns 40-83
    _outline(image, 140, 68, 200, 112)  # lower, columns 68-111
    image[90:140, 74:78] = 0  # the joining stroke
    marks = ImageMarks(find_ink(Image.fromarray(image), "dark"))
    assert len(marks.boxes) == 1
    left, top, right, bottom = marks.boxes[0]
    to_working = (right - left) / (112 - 40)
    return marks, left + round((76 - 40) * to_working) + 0.5, to_working


def test_a_seam_bends_around_digits_that_overlap_where_no_column_parts_them():
    """Every column through the boxes' overlap gives each side a piece of both; the seam passes right of the upper
    box and left of the lower one."""
    marks, x, to_working = _overlapping_boxes()
    top = marks.boxes[0][1]
    whole = Piece((0,))
    (straight, straight_is_seam), (seam, is_seam) = marks.cuts(whole, [x], reach=round(20 * to_working))
    assert straight == x and not straight_is_seam and is_seam
    upper_end, lower_start = top + 60 * to_working, top + 110 * to_working
    upper_side = marks.piece_box(Piece((0,), (-np.inf, seam)))
    lower_side = marks.piece_box(Piece((0,), (seam, np.inf)))
    assert upper_side[3] < lower_start and lower_side[1] > upper_end, (upper_side, lower_side)
    straight_left = marks.piece_box(Piece((0,), (-np.inf, x)))
    straight_right = marks.piece_box(Piece((0,), (x, np.inf)))
    assert straight_left[3] > lower_start and straight_right[1] < upper_end  # the column takes a piece of both


def test_the_sides_of_every_cut_share_out_exactly_their_piece_s_ink():
    """Cut along a seam, then each side cut again at columns and seams that reach past the first seam: the two
    sides of every cut hold all of their piece's ink, none twice, and some each (a later cut once took back ink
    an earlier seam had given the other side)."""
    marks, x, to_working = _overlapping_boxes()
    reach = round(20 * to_working)

    def ink(piece: Piece) -> np.ndarray:
        mask, _, _ = marks._mask(piece)  # the piece's ink, over its marks' whole box
        return mask

    (_, _), (seam, _) = marks.cuts(Piece((0,)), [x], reach)
    left, _, right, _ = marks.boxes[0]
    checked = 0
    for side in (Piece((0,), (-np.inf, seam)), Piece((0,), (seam, np.inf))):
        for column in np.arange(left, right) + 0.5:
            for edge, _ in marks.cuts(side, [float(column)], reach):
                low, high = side.columns
                parts = ink(Piece((0,), (low, edge))), ink(Piece((0,), (edge, high)))
                assert not (parts[0] & parts[1]).any() and ((parts[0] | parts[1]) == ink(side)).all(), column
                assert parts[0].any() and parts[1].any(), column  # a cut that leaves a side empty is no cut
                checked += 1
    assert checked > right - left


def test_no_cut_of_a_whole_piece_leaves_a_side_empty():
    """A column at the first column of a piece's ink, or past its last, parts nothing: it is not offered as a cut
    (read, it would read the whole piece again). Pieces already cut are checked above; this is a whole one."""
    marks, _, to_working = _overlapping_boxes()
    left, _, right, _ = marks.boxes[0]
    whole = Piece((0,))
    for column in (left + 0.5, float(right)):
        edges = marks.cuts(whole, [column], round(20 * to_working))
        assert column not in [edge for edge, _ in edges], column
        for edge, _ in edges:
            assert marks.piece_box(Piece((0,), (-np.inf, edge))) and marks.piece_box(Piece((0,), (edge, np.inf)))


def test_touching_pen_digits_in_photos_are_read_better_with_seams(bundled):
    """Numbers written with the pad's strokes in pen on paper, every pair of neighbours touching, read with seams
    and with straight cuts only (there: 17 of 40 right, with seams 21)."""
    rng = np.random.default_rng(32)
    truths = ["".join(str(d) for d in rng.integers(0, 10, int(rng.integers(2, 5)))) for _ in range(40)]
    photos = [pen_photo_number(t, rng, touch_share=1.0) for t in truths]

    def right(seams: bool) -> int:
        return sum(bundled.read_number(photo, seams=seams).text == truth for truth, photo in zip(truths, photos))

    assert right(seams=True) >= right(seams=False) + 3
