"""`digitpad predict` and `digitpad explain`: read digits and numbers in image files, show how a model reads one."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from ..core.atomic_file import write_atomically
from ..core.dataset_files import DatasetError, read_digit_csv
from ..core.errors import UserError
from ..core.images import LOOKS_LIKE_SEVERAL, ImageError, load_image, load_image_from, nothing_found
from ..core.number_reading import is_unsure, percent, reading_note, two_likeliest
from ..core.paths import bundled_model_path
from .common import EXIT_ERROR, check_outputs, load_predictor

FIGURE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".bmp": "BMP", ".tif": "TIFF",
                  ".tiff": "TIFF"}  # by the name given: a PNG under a .jpg name was written before

STDIN = "-"  # the IMAGE that means standard input, as for most command-line tools (`curl ... | digitpad predict -`)


def stdin_image():
    """The image on standard input, called "stdin" in messages; refused in words when there is no input to read."""
    if sys.stdin is None:  # closed (`digitpad predict - <&-`): Python has no stream for it
        raise ImageError("stdin: no input to read (standard input is closed)")
    try:
        return load_image_from(sys.stdin.buffer, "stdin")
    except OSError as e:  # open for writing only (`0>file`), say
        raise ImageError(f"stdin: cannot be read ({e.strerror or e})") from None


def _piped_input() -> list[str]:
    """[STDIN] when standard input is a file or a pipe, not the terminal; else the error of no image named."""
    if sys.stdin is None or sys.stdin.isatty():
        raise UserError("name an image file to read (or pipe one in, or give - to read one from standard input)")
    return [STDIN]


def cmd_predict(args) -> int:
    """One line per file; a file that cannot be read gets a one-line error naming it and the rest go on. No file
    named reads standard input when an image is piped in (`digitpad predict < digit.png`)."""
    images = args.images or _piped_input()
    if len(images) > 1 and not args.json and any(Path(given).suffix.lower() == ".csv" for given in images):
        raise UserError("a digit CSV is read into a submission (ImageId,Label), which the lines of other files would "
                        "spoil: read it on its own, or give --json (each line names its file)")
    predictor = load_predictor(args.model, args.device)
    failures = 0
    for given in images:
        name = "stdin" if given == STDIN else given
        if Path(given).suffix.lower() == ".csv":
            failures += not _predict_rows(predictor, given, args.json)
            continue
        try:
            image = stdin_image() if given == STDIN else given
            reading = (predictor.read_number if args.number else predictor.read)(image, ink=args.ink)
        except (ImageError, OSError, ValueError, MemoryError) as e:  # what one file can do must not stop the batch
            message = str(e) if isinstance(e, ImageError) else f"{name}: cannot be read ({e or type(e).__name__})"
            print(f"digitpad: error: {message}", file=sys.stderr)
            if args.json:  # still one object per file, so a script can pair the lines with its files
                print(json.dumps({"file": name, "error": message}))
            failures += 1
            continue
        if args.number:
            _print_number(name, reading, args.json)
            continue
        prediction = reading.prediction
        if args.json:
            row = {"file": name, "digit": None, "confidence": None, "probabilities": None, "box": None,
                   "marks": reading.marks, "unsure": None, "several_digits": None}
            if prediction:
                row.update(digit=prediction.digit, confidence=round(prediction.confidence, 6),
                           probabilities=[round(p, 6) for p in prediction.probabilities], box=list(reading.box),
                           unsure=is_unsure(prediction.probabilities), several_digits=reading.several)
            print(json.dumps(row))
        elif prediction is None:
            print(f"{name}: {nothing_found(reading.size)}")
        else:
            more = f"; {reading.marks} separate marks, read the largest" if reading.marks > 1 else ""
            more += (f"; {'it ' * (reading.marks > 1)}{LOOKS_LIKE_SEVERAL}: try --number" if reading.several
                     else ": --number reads them all" if reading.marks > 1 else "")
            sure = percent(prediction.confidence)
            print(f"{name}: {prediction.digit} ({sure}{more}){_doubt(prediction.probabilities)}")
    return EXIT_ERROR if failures else 0


def _predict_rows(predictor, path: str, as_json: bool) -> bool:
    """The digit of each row of a digit CSV, as Kaggle's Digit Recognizer takes a submission (ImageId from 1); False
    (and one line on stderr) when the file cannot be read."""
    try:
        images, _ = read_digit_csv(path, min_rows=1, labels_needed=False)
    except DatasetError as e:
        print(f"digitpad: error: {e}", file=sys.stderr)
        if as_json:
            print(json.dumps({"file": path, "error": str(e)}))
        return False
    probabilities = predictor.read_rows(images)
    if not as_json:
        print("ImageId,Label")
    for image_id, p in enumerate(probabilities, start=1):
        digit = int(p.argmax())
        print(json.dumps({"file": path, "image_id": image_id, "digit": digit, "confidence": round(float(p[digit]), 6),
                          "unsure": bool(is_unsure(p))}) if as_json else f"{image_id},{digit}")
    return True


def _doubt(probabilities) -> str:
    """What the Draw tab shows as "?" (core.number_reading.is_unsure), said after the likeliest digit."""
    if not is_unsure(probabilities):
        return ""
    _, (second, chance) = two_likeliest(probabilities)
    return f"; not sure: it may be {second} ({chance:.1%})"


def _print_number(name: str, reading, as_json: bool) -> None:
    """One line for the number read in one file: its digits, each sure one with its confidence."""
    if as_json:
        print(json.dumps({"file": name, "number": reading.text, "shown": reading.display, "digits": [
            {"digit": d.digit, "confidence": round(d.confidence, 6), "box": list(d.box), "line": d.line,
             "number_in_line": d.number_in_line, "candidates": [[c, round(p, 6)] for c, p in d.candidates]}
            for d in reading.digits],
            "separators": [{"char": s.char, "box": list(s.box), "line": s.line, "before": s.before}
                           for s in reading.separators], "lines": reading.lines, "numbers": reading.numbers,
            "looks_like_words": reading.looks_like_words}))
    elif not reading.digits:
        print(f"{name}: no digit found")
    else:
        sure = ", ".join(f"{d.digit} {d.confidence:.0%}" if not d.unsure else
                         f"{d.candidates[0][0]} or {d.candidates[1][0]}?" for d in reading.digits)
        note = reading_note(reading)
        print(f"{name}: {reading.display} ({sure}){f'; {note}' if note else ''}")


def cmd_explain(args) -> int:
    from ..core.checkpoint import Checkpoint
    from ..core.digital_drawing import read_drawn
    from ..core.ink import find_ink, largest_mark_views
    from ..core.inside import SALIENCY_METHOD, Probe, ink_fraction
    from ..core.inside_figure import render_figure
    from ..core.predictor import Predictor
    from ..core.preprocess import shown_view

    from_stdin = args.image == STDIN
    name = "stdin" if from_stdin else args.image
    check_outputs(args.out, inputs=(None if from_stdin else args.image, args.model))
    suffix = Path(args.out).suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise UserError(f"{args.out}: explain writes a picture; name it .png (or .jpg, .webp, .bmp, .tiff)")
    checkpoint = Checkpoint.load(args.model or bundled_model_path())
    try:
        image = stdin_image() if from_stdin else load_image(args.image)
    except ImageError as e:
        print(f"digitpad: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    drawn = read_drawn(image, args.ink)  # the ink `predict` reads: a drawing's whole, a photo's largest mark
    views = drawn.model_input if drawn is not None else largest_mark_views(find_ink(image, args.ink))
    if views is None:
        print(f"digitpad: error: {name}: no digit found, nothing to explain", file=sys.stderr)
        return EXIT_ERROR
    model_input = shown_view(views)  # the view shown; `predict` also averages in the ink as found (core.ink)
    reading = Probe.from_checkpoint(checkpoint).read(model_input, args.why_not)
    predictor = Predictor(checkpoint, device="cpu", path=args.model or bundled_model_path())
    predicted = int(predictor.probabilities(views[None]).argmax())  # `predict`'s answer
    buffer = io.BytesIO()
    figure = render_figure(reading, f"{Path(name).name} read by {predictor.shown_name(detail=True)}")
    figure.save(buffer, FIGURE_FORMATS[suffix])
    try:
        write_atomically(args.out, buffer.getbuffer())
    except OSError as e:
        print(f"digitpad: error: could not write {args.out}: {e.strerror or e}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps({
            "file": name, "model": checkpoint.display_name, "figure": args.out, "answer": reading.answer,
            "confidence": round(float(reading.probabilities[reading.answer]), 6), "predict_answer": predicted,
            "probabilities": [round(float(p), 6) for p in reading.probabilities],
            "layers": [{"name": layer.name, "kind": layer.kind, "shape": list(layer.shape)} for layer in reading.layers],
            "saliency": {"method": SALIENCY_METHOD, "share_on_ink": round(reading.saliency_on_ink(), 4),
                         "ink_share_of_image": round(ink_fraction(model_input), 4), "why_not": reading.other},
        }))
    else:
        print(f"{name}: {reading.answer} ({percent(reading.probabilities[reading.answer])})"
              f"{_doubt(reading.probabilities)}; wrote {args.out}")
        if predicted != reading.answer:
            print(f"`digitpad predict` answers {predicted}: it reads a photo from this input and from its ink as "
                  "found, and averages the two. The figure shows the network at work on this input alone.")
        if args.why_not == reading.answer:  # nothing to compare it with: the runner-up is shown
            print(f"--why-not {args.why_not} is the answer itself: the figure shows why {reading.answer}, not "
                  f"{reading.other} (the runner-up)")
    return 0
