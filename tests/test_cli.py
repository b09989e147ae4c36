"""The `digitpad` command end to end, as a user runs it (a real subprocess on real files)."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_runner import digitpad
from PIL import Image, ImageDraw

from digitpad.core.checkpoint import Checkpoint


@pytest.fixture(scope="module")
def digit_files(tmp_path_factory, mnist):
    folder = tmp_path_factory.mktemp("digits")
    files = []
    for i in range(4):
        pixels = mnist.test_images[i].numpy()
        path = folder / f"digit{i}.png"
        Image.fromarray(255 - pixels if i % 2 else pixels).resize((112, 112)).save(path)  # both ink colours
        files.append((str(path), int(mnist.test_labels[i])))
    return files


def test_predict_prints_digit_and_confidence(digit_files):
    out = digitpad("predict", *[f for f, _ in digit_files]).stdout.splitlines()
    for line, (path, label) in zip(out, digit_files):
        assert line.startswith(f"{path}: {label} (") and line.endswith("%)")
    assert out[0] == f"{digit_files[0][0]}: 7 (>99.9%)", "as the app says it: rounded, it read 100.0%"


def test_predict_json(digit_files):
    out = digitpad("predict", "--json", *[f for f, _ in digit_files]).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["digit"] for r in rows] == [label for _, label in digit_files]
    assert all(set(r) == {"file", "digit", "confidence", "probabilities", "box", "marks", "unsure", "several_digits"}
               for r in rows)
    assert not any(r["several_digits"] for r in rows)
    assert abs(sum(rows[0]["probabilities"]) - 1) < 1e-4
    out = digitpad("predict", "--json", "--number", *[f for f, _ in digit_files]).stdout
    keys = {"file", "number", "shown", "digits", "separators", "lines", "numbers", "looks_like_words"}
    assert all(set(json.loads(line)) == keys for line in out.splitlines())


def test_predict_json_gives_one_object_per_file_even_for_a_bad_one(digit_files, tmp_path):
    """A script pairs the lines with its files: a file that cannot be read gets a line with its error."""
    (tmp_path / "text.png").write_text("hello")
    for number in ([], ["--number"]):
        result = digitpad("predict", "--json", *number, digit_files[0][0], str(tmp_path / "text.png"),
                          digit_files[1][0], check=False)
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert result.returncode == 1 and [r["file"] for r in rows] == [digit_files[0][0], str(tmp_path / "text.png"),
                                                                         digit_files[1][0]]
        assert "not an image file" in rows[1]["error"] and "error" not in rows[0]


def test_predict_bad_files_fail_cleanly_and_good_ones_still_print(digit_files, tmp_path):
    (tmp_path / "text.png").write_text("hello")
    Image.new("L", (64, 64), 255).save(tmp_path / "blank.png")
    result = digitpad("predict", str(tmp_path / "text.png"), digit_files[0][0], str(tmp_path / "blank.png"),
                      str(tmp_path / "missing.png"), check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "text.png: not an image file" in result.stderr and "missing.png: no such file" in result.stderr
    assert f"{digit_files[0][0]}: {digit_files[0][1]}" in result.stdout and "blank.png: no digit found" in result.stdout


def test_predict_writes_a_kaggle_submission_for_a_csv_of_digits_and_train_says_it_has_no_labels(tmp_path, mnist,
                                                                                                   digit_files):
    """Kaggle's Digit Recognizer: train on train.csv, then `digitpad predict test.csv > submission.csv`."""
    from hostile_files import labelled_csv

    labels = mnist.test_labels[:200].tolist()
    lines = labelled_csv(mnist.test_images[:200], labels).splitlines()
    (tmp_path / "test.csv").write_text("".join(line.split(",", 1)[1] + "\n" for line in lines))  # pixels only
    out = digitpad("predict", str(tmp_path / "test.csv")).stdout.splitlines()
    assert out[0] == "ImageId,Label" and [int(line.split(",")[0]) for line in out[1:]] == list(range(1, 201))
    read = [int(line.split(",")[1]) for line in out[1:]]
    assert sum(a == b for a, b in zip(read, labels)) >= 196, "MNIST test digits, read as the model reads MNIST"

    rows = [json.loads(line) for line in digitpad("predict", "--json", str(tmp_path / "test.csv")).stdout.splitlines()]
    assert [r["digit"] for r in rows] == read and set(rows[0]) == {"file", "image_id", "digit", "confidence", "unsure"}

    mixed = digitpad("predict", str(tmp_path / "test.csv"), digit_files[0][0], check=False)  # a review's submission
    assert mixed.returncode != 0 and mixed.stdout == "" and "which the lines of other files would spoil" in \
        mixed.stderr, "the submission ended with the image's line"
    (tmp_path / "notes.csv").write_text("name,phone\nAda,12345\n")
    result = digitpad("predict", "--json", str(tmp_path / "notes.csv"), digit_files[0][0], check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "notes.csv: expected a header 'label,pixel0,...,pixel783' or 'pixel0,...,pixel783'" in result.stderr
    assert [json.loads(line).get("digit") for line in result.stdout.splitlines()] == [None, digit_files[0][1]]

    result = digitpad("train", "--csv", str(tmp_path / "test.csv"), "--out", str(tmp_path / "m.pt"), check=False)
    assert result.returncode == 1 and "test.csv: no 'label' column, only the 784 pixels" in result.stderr
    assert not (tmp_path / "m.pt").exists()


def test_predict_reads_an_image_from_standard_input_given_as_a_dash(digit_files, tmp_path):
    """`curl ... | digitpad predict -`: the bytes on stdin are read as a file is, and called "stdin"."""
    def predict(*args, stdin: bytes) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "digitpad", "predict", *args], input=stdin, capture_output=True,
                              timeout=600)

    (path, label), (other, other_label) = digit_files[:2]
    read = predict(other, "-", stdin=Path(path).read_bytes())
    assert read.returncode == 0, read.stderr
    assert read.stdout.decode().splitlines()[0].startswith(f"{other}: {other_label} (")
    assert read.stdout.decode().splitlines()[1].startswith(f"stdin: {label} (")
    assert json.loads(predict("--json", "-", stdin=Path(path).read_bytes()).stdout)["file"] == "stdin"
    piped = predict(stdin=Path(path).read_bytes())  # `digitpad predict < digit.png`: "IMAGE is required" it said
    assert piped.returncode == 0 and piped.stdout.decode().startswith(f"stdin: {label} (")
    import pty

    terminal, typed_at = pty.openpty()  # `digitpad predict` typed with no file: nothing piped in to wait for
    try:
        nothing = subprocess.run([sys.executable, "-m", "digitpad", "predict"], stdin=typed_at, capture_output=True,
                                 timeout=600)
    finally:
        os.close(terminal)
        os.close(typed_at)
    assert nothing.returncode == 1 and nothing.stderr.decode().strip() == (
        "digitpad: error: name an image file to read (or pipe one in, or give - to read one from standard input)")

    (tmp_path / "notes.png").write_text("these are words, not pixels")
    as_file = predict(str(tmp_path / "notes.png"), stdin=b"")
    as_stdin = predict("-", other, stdin=(tmp_path / "notes.png").read_bytes())
    assert as_stdin.returncode == 1 and as_stdin.stdout.decode().startswith(f"{other}: {other_label} (")
    assert as_stdin.stderr.decode() == as_file.stderr.decode().replace(str(tmp_path / "notes.png"), "stdin")
    assert as_stdin.stderr.decode().startswith("digitpad: error: stdin: not an image file digitpad can read")


def test_a_closed_standard_input_is_said_in_one_line_and_explain_reads_a_dash_too(digit_files, tmp_path):
    """`digitpad predict - <&-` as typed in a shell: no stdin to read is an error like a missing file's (it was an
    AttributeError traceback); `explain -` reads the image on stdin as `predict -` does (it said "-: no such file")."""
    def shell(command: str, stdin=None) -> subprocess.CompletedProcess:
        return subprocess.run(f"{shlex.quote(sys.executable)} -m digitpad {command}", shell=True, stdin=stdin,
                              capture_output=True, text=True, timeout=600)

    (path, label), (other, other_label) = digit_files[:2]
    closed = shell(f"predict - {shlex.quote(other)} <&-")
    assert closed.returncode == 1 and closed.stdout.startswith(f"{other}: {other_label} (")
    assert closed.stderr == "digitpad: error: stdin: no input to read (standard input is closed)\n"

    figure = tmp_path / "inside.png"
    with open(path, "rb") as image:
        explained = shell(f"explain - --out {shlex.quote(str(figure))}", stdin=image)
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith(f"stdin: {label} (") and Image.open(figure).size[0] > 500
    explained = digitpad("explain", path, "--out", str(tmp_path / "inside.jpg"))  # written as it is named
    assert Image.open(tmp_path / "inside.jpg").format == "JPEG" and Image.open(figure).format == "PNG"
    misnamed = digitpad("explain", path, "--out", str(tmp_path / "inside.txt"), check=False)
    assert misnamed.returncode == 1 and "name it .png" in misnamed.stderr and not (tmp_path / "inside.txt").exists()
    closed = shell(f"explain - --out {shlex.quote(str(tmp_path / 'none.png'))} <&-")
    assert closed.returncode == 1 and not (tmp_path / "none.png").exists()
    assert closed.stderr == "digitpad: error: stdin: no input to read (standard input is closed)\n"


def test_predict_reads_ink_on_a_transparent_png_whatever_its_colour(tmp_path, mnist):
    """A digit exported from a drawing app or a web canvas: ink where the alpha is, white as often as black."""
    index = int((mnist.test_labels == 7).nonzero()[0][0])
    coverage = Image.fromarray(mnist.test_images[index].numpy()).resize((140, 140))
    files = []
    for name, mode, colour in (("white", "RGBA", (255, 255, 255)), ("yellow", "RGBA", (255, 220, 0)),
                               ("black", "RGBA", (0, 0, 0)), ("white-grey", "LA", (255,))):
        layer = Image.new(mode, coverage.size, (*colour, 0))
        layer.putalpha(coverage)
        layer.save(tmp_path / f"{name}.png")
        files.append(str(tmp_path / f"{name}.png"))
    rows = [json.loads(line) for line in digitpad("predict", "--json", *files).stdout.splitlines()]
    assert [r["digit"] for r in rows] == [7, 7, 7, 7] and min(r["confidence"] for r in rows) > 0.9

    opaque = Image.fromarray(255 - np.asarray(coverage)).convert("RGB")  # no transparency: read as it always was
    opaque.save(tmp_path / "opaque.png")
    opaque.convert("RGBA").save(tmp_path / "opaque-rgba.png")
    rows = [json.loads(line) for line in digitpad("predict", "--json", str(tmp_path / "opaque.png"),
                                                  str(tmp_path / "opaque-rgba.png")).stdout.splitlines()]
    assert rows[0]["digit"] == 7 and rows[0]["probabilities"] == rows[1]["probabilities"]


def test_evaluate_names_the_file_given_with_the_name_inside_it(tmp_path):
    """Two files trained alike carry one name inside: the file named is the one the person gave."""
    from digitpad.core.models import build_model

    Checkpoint.from_model(build_model("simple"), "simple", {}, name="mine").save(tmp_path / "copy.pt")
    digits = tmp_path / "digits.csv"  # 20 blank digits: enough to score, quick to read
    digits.write_text("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n"
                      + "".join(f"{i % 10}" + ",0" * 784 + "\n" for i in range(20)))
    first = digitpad("evaluate", str(tmp_path / "copy.pt"), "--csv", str(digits)).stdout.splitlines()[0]
    assert first.startswith("copy.pt (mine) on 20 test images of CSV"), "every row scored, not a seventh: " + first


def test_evaluate_scores_a_csv_whole_but_the_one_the_model_learnt_from_in_its_held_out_rows(tmp_path, mnist):
    from hostile_files import labelled_csv

    text = labelled_csv(mnist.test_images[:140], mnist.test_labels[:140])
    (tmp_path / "mine.csv").write_text(text)
    (tmp_path / "other.csv").write_text(text)  # the same rows in another file
    digitpad("train", "--csv", str(tmp_path / "mine.csv"), "--preset", "quick", "--epochs", "1",
             "--out", str(tmp_path / "m.pt"))
    held_out = digitpad("evaluate", str(tmp_path / "m.pt"), "--csv", str(tmp_path / "mine.csv")).stdout
    assert " on 20 test images of CSV" in held_out and "the rows its training held out" in held_out
    assert json.loads(digitpad("evaluate", str(tmp_path / "m.pt"), "--csv", str(tmp_path / "mine.csv"),
                               "--json").stdout)["count"] == 20
    whole = digitpad("evaluate", str(tmp_path / "m.pt"), "--csv", str(tmp_path / "other.csv")).stdout
    assert " on 140 test images of CSV" in whole and "held out" not in whole


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:FutureWarning")
def test_train_evaluate_export(tmp_path, mnist_root):
    model = tmp_path / "quick.pt"
    result = digitpad("train", "--preset", "quick", "--epochs", "1", "--limit", "4000", "--out", str(model),
                      "--metrics-csv", str(tmp_path / "metrics.csv"), "--tensorboard", str(tmp_path / "tb"))
    assert "test accuracy" in result.stdout and model.is_file()
    checkpoint = Checkpoint.load(model)
    assert checkpoint.arch == "lenet5" and checkpoint.train_config["train_limit"] == 4000
    assert (tmp_path / "metrics.csv").read_text().startswith("epoch,epochs,train_loss")
    (run,) = json.loads(digitpad("runs", "--json").stdout)
    assert run["status"] == "finished" and run["checkpoint"] == str(model) and run["name"] == "quick"
    assert run["metrics"]["accuracy"] == pytest.approx(checkpoint.accuracy) and len(run["history"]) == 1
    assert run["tensorboard"] == str(tmp_path / "tb" / run["id"]) and any((tmp_path / "tb" / run["id"]).iterdir())

    report = json.loads(digitpad("evaluate", str(model), "--json").stdout)
    assert report["accuracy"] == pytest.approx(checkpoint.accuracy, abs=1e-9) and report["count"] == 10000
    text = digitpad("evaluate", str(model)).stdout
    assert "confusion matrix" in text and "precision" in text

    import torch

    digitpad("export", str(model), "--format", "torchscript")
    scripted = torch.jit.load(str(tmp_path / "quick.torchscript.pt"))
    digitpad("export", str(model), "--format", "onnx", "--out", str(tmp_path / "q.onnx"))
    import onnxruntime

    x = np.random.default_rng(0).random((3, 1, 28, 28), dtype=np.float32)
    onnx_logits = onnxruntime.InferenceSession(str(tmp_path / "q.onnx")).run(None, {"image": x})[0]
    expected = checkpoint.build_model()((torch.from_numpy(x) - 0.1307) / 0.3081).detach().numpy()
    np.testing.assert_allclose(onnx_logits, expected, atol=1e-4)
    np.testing.assert_allclose(scripted(torch.from_numpy(x)).detach().numpy(), expected, atol=1e-4)
    taken_for_a_model = digitpad("evaluate", str(tmp_path / "quick.torchscript.pt"), check=False)
    assert taken_for_a_model.returncode == 1 and "it is a TorchScript export" in taken_for_a_model.stderr
    taken_for_a_model = digitpad("evaluate", str(tmp_path / "q.onnx"), check=False)
    assert taken_for_a_model.returncode == 1 and "it is an ONNX export" in taken_for_a_model.stderr
    taken_for_digits = digitpad("personal", "import", str(tmp_path / "q.onnx"), check=False)
    assert taken_for_digits.returncode == 1 and taken_for_digits.stderr.strip().endswith(
        "(it is an ONNX export, made for other programs to read, not for digitpad)")


def test_the_bundled_model_exports_into_the_current_folder_without_naming_it(tmp_path):
    """`digitpad export --format onnx` was refused for want of a model: the one a person most likely wants is the
    bundled one, and beside it (among the installed files) is no place to write."""
    import onnxruntime

    from digitpad.core.paths import bundled_model_path

    result = digitpad("export", "--format", "onnx", cwd=tmp_path)
    assert result.stdout.strip() == f"wrote {tmp_path / 'digitnet.onnx'}"
    assert not bundled_model_path().with_suffix(".onnx").exists()
    session = onnxruntime.InferenceSession(str(tmp_path / "digitnet.onnx"))
    assert session.run(None, {"image": np.zeros((1, 1, 28, 28), np.float32)})[0].shape == (1, 10)


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:FutureWarning")
def test_export_takes_its_format_from_the_file_name_and_notes_a_name_that_says_otherwise(tmp_path):
    """`--out model.onnx` says the format: --format was required all the same."""
    import onnxruntime
    import torch

    result = digitpad("export", "--out", "mine.onnx", cwd=tmp_path)
    assert result.stdout.strip() == "wrote mine.onnx" and result.stderr == ""
    onnxruntime.InferenceSession(str(tmp_path / "mine.onnx"))
    assert digitpad("export", "--out", "mine.torchscript.pt", cwd=tmp_path).stderr == ""
    torch.jit.load(str(tmp_path / "mine.torchscript.pt"))
    unsaid = digitpad("export", "--out", "mine.pt", cwd=tmp_path, check=False)
    assert unsaid.returncode == 1 and unsaid.stderr.strip() == (
        "digitpad: error: choose the format: --format torchscript or --format onnx (mine.pt says neither)")
    assert not (tmp_path / "mine.pt").exists()
    odd = digitpad("export", "--format", "onnx", "--out", "m.txt", cwd=tmp_path)
    assert odd.stderr.strip() == "note: m.txt is written as onnx, though its name does not say so"
    onnxruntime.InferenceSession(str(tmp_path / "m.txt"))
    dash = digitpad("export", "--format", "onnx", "--out", "-", cwd=tmp_path, check=False)  # stdin, to predict
    assert dash.returncode != 0 and dash.stderr.strip() == ("digitpad: error: -: this writes a file, not to standard "
                                                            "output: name the file")
    assert not (tmp_path / "-").exists()


def test_onnx_export_without_the_onnx_package_is_one_clear_line(tmp_path):
    """The bundle leaves onnx out: its `export --format onnx` ended in torch's traceback."""
    from missing_modules import env_without

    (tmp_path / "site").mkdir()
    result = subprocess.run([sys.executable, "-m", "digitpad", "export", "--format", "onnx"], cwd=tmp_path,
                            env=env_without(tmp_path / "site", "onnx"), capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == ("digitpad: error: exporting to onnx needs a package that is missing: onnx (pip "
                                     "install onnx; TorchScript export needs nothing more)")
    assert not (tmp_path / "digitnet.onnx").exists()


def test_train_refuses_bad_options_without_writing(tmp_path):
    """Refused before the data loads (there is none here) and before a run is recorded."""
    result = digitpad("train", "--lr", "-1", "--seed", "-1", "--out", str(tmp_path / "m.pt"),
                      "--data-dir", str(tmp_path / "no-data"), check=False)
    assert result.returncode == 1 and "learning rate" in result.stderr and "Traceback" not in result.stderr
    assert "the seed must be 0 or more" in result.stderr and "recording" not in result.stderr
    result = digitpad("train", "--seed", str(2 ** 64), "--out", str(tmp_path / "m.pt"),
                      "--data-dir", str(tmp_path / "no-data"), check=False)
    assert result.returncode == 1 and "the seed must be below 2^64" in result.stderr
    assert "Traceback" not in result.stderr
    result = digitpad("finetune", "--steps", "3", "--out", str(tmp_path / "m.pt"),
                      "--data-dir", str(tmp_path / "no-data"), check=False)
    assert result.returncode == 1 and "steps must be between" in result.stderr and "recording" not in result.stderr
    assert not (tmp_path / "m.pt").exists()
    assert digitpad("runs").stdout.startswith("no runs recorded yet"), "nothing ran, so no run was recorded"


@pytest.mark.parametrize("signum, status", [("SIGINT", 130), ("SIGTERM", 143)], ids=["ctrl+c", "kill"])
def test_interrupted_training_keeps_the_existing_file_and_is_recorded_as_stopped(tmp_path, signum, status):
    import signal
    import time

    out = tmp_path / "model.pt"
    out.write_bytes(b"the previous model")
    child = subprocess.Popen([sys.executable, "-m", "digitpad", "train", "--preset", "full", "--limit", "6000",
                              "--out", str(out)], stderr=subprocess.PIPE, text=True)
    while "parameters" not in child.stderr.readline():  # the trainer has started its first epoch
        assert child.poll() is None
    time.sleep(1)
    child.send_signal(getattr(signal, signum))
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == status, "128 + the signal's number, as the shell reports a process it ended"
    assert "nothing was saved" in stderr and "Traceback" not in stderr
    last = stderr.rstrip().split("\n")[-1].split("\r")[-1]
    assert last == "digitpad: training stopped; nothing was saved", "said last, the progress bar not drawn over it"
    assert out.read_bytes() == b"the previous model"
    (run,) = json.loads(digitpad("runs", "--json").stdout)
    assert run["status"] == "stopped", "a polite kill is no crash"


def test_errors_are_one_line(tmp_path):
    (tmp_path / "evil.pt").write_bytes(b"\x80\x04not really")
    for args in (["evaluate", str(tmp_path / "evil.pt")], ["evaluate", "--data-dir", str(tmp_path)],
                 ["export", str(tmp_path / "nope.pt"), "--format", "onnx"]):
        result = digitpad(*args, check=False)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("digitpad: error:")


def test_hostile_model_is_refused_without_running_it(tmp_path, digit_files):
    marker = tmp_path / "pwned"
    (tmp_path / "evil.pt").write_bytes(
        b"\x80\x02cos\nsystem\nq\x00X" + len(f"touch {marker}").to_bytes(4, "little")
        + f"touch {marker}".encode() + b"q\x01\x85q\x02Rq\x03.")
    result = digitpad("predict", "--model", str(tmp_path / "evil.pt"), digit_files[0][0], check=False)
    assert result.returncode == 1 and "refused" in result.stderr and "Traceback" not in result.stderr
    assert not marker.exists()


def test_an_output_that_is_the_commands_own_input_is_refused(tmp_path, digit_files):
    """An output onto the command's input (the model exported or fine-tuned, the photo explained, the training CSV,
    the personal set), or train's metrics CSV onto its model: refused before any work, every file kept."""
    from digitpad.core.paths import bundled_model_path

    model, image, csv = tmp_path / "mine.pt", tmp_path / "photo.png", tmp_path / "train.csv"
    personal = tmp_path / "personal.npz"
    model.write_bytes(bundled_model_path().read_bytes())
    image.write_bytes(open(digit_files[0][0], "rb").read())
    csv.write_text("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n" + "1" + ",0" * 784 + "\n")
    personal.write_bytes(b"a person's digits")  # never read: the output is refused first
    kept = {path: path.read_bytes() for path in (model, image, csv, personal)}
    for args, said in (
            (["export", str(model), "--format", "onnx", "--out", str(model)], "this command's input"),
            (["explain", str(image), "--out", str(image)], "this command's input"),
            (["explain", str(image), "--model", str(model), "--out", str(model)], "this command's input"),
            (["train", "--csv", str(csv), "--out", str(csv)], "this command's input"),
            (["train", "--csv", str(csv), "--out", str(tmp_path / "m.pt"), "--metrics-csv", str(csv)],
             "this command's input"),
            (["train", "--out", str(model), "--metrics-csv", str(model)], "the CSV would replace the model"),
            (["finetune", "--model", str(model), "--out", str(model)], "this command's input"),
            (["finetune", "--personal", str(personal), "--out", str(personal)], "this command's input"),
            (["finetune", "--model", str(model), "--csv", str(csv), "--out", str(csv)], "this command's input")):
        result = digitpad(*args, check=False)
        assert result.returncode == 1 and said in result.stderr and "recording" not in result.stderr, result.stderr
    assert all(path.read_bytes() == content for path, content in kept.items())


def test_training_never_writes_over_the_data_it_reads_and_checks_its_log_folder_first(tmp_path):
    """--out onto one of MNIST's files, or a TensorBoard folder that is a file: refused before the data loads."""
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (raw / name).write_bytes(b"never read: the output is refused first")
    (tmp_path / "afile").write_text("not a folder")
    data = ["--data-dir", str(tmp_path / "data")]
    for args, said in (
            (["train", "--out", str(raw / "t10k-labels-idx1-ubyte"), *data], "this command's input"),
            (["finetune", "--out", str(raw / "train-images-idx3-ubyte"), *data], "this command's input"),
            (["train", "--out", str(tmp_path / "m.pt"), "--tensorboard", str(tmp_path / "afile"), *data],
             "afile: cannot be used as a folder: it is a file")):
        result = digitpad(*args, check=False)
        assert result.returncode == 1 and said in result.stderr and "recording" not in result.stderr, result.stderr
    assert all(path.read_bytes() == b"never read: the output is refused first" for path in raw.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "data"]


def test_a_personal_set_named_that_does_not_exist_is_an_error_and_exports_never_replace_a_kept_set(tmp_path):
    """A mistyped --set is not an empty set to report, or to export over a good backup; nor is the person's own
    set the place for another set's export (`import` adds to it)."""
    from digit_strokes import STYLES
    from personal_samples import sample

    from digitpad.core.personal import PersonalSet, stored_at

    def kept(digit):
        return sample(digit, next(iter(STYLES[digit])))

    backup, other = tmp_path / "backup.npz", tmp_path / "other.npz"
    PersonalSet([kept(3), kept(4)]).save(backup)
    PersonalSet([kept(5)]).save(other)
    backup_bytes = backup.read_bytes()
    for args in (["personal", "--set", str(tmp_path / "typo.npz"), "stats"],
                 ["personal", "--set", str(tmp_path / "typo.npz"), "export", str(backup)]):
        result = digitpad(*args, check=False)
        assert result.returncode == 1 and "typo.npz: no such personal set" in result.stderr, result.stderr
    result = digitpad("personal", "--set", str(backup), "export", str(backup), check=False)
    assert result.returncode == 1 and "this command's input" in result.stderr
    assert backup.read_bytes() == backup_bytes
    digitpad("personal", "import", str(backup))  # the person's own set: two digits
    own = stored_at()
    for target in (own, own.with_suffix(".pt")):  # the set's file, or a first-format name for it
        result = digitpad("personal", "--set", str(other), "export", str(target), check=False)
        assert result.returncode == 1 and "that is your own kept set" in result.stderr, result.stderr
    assert PersonalSet.load(own).counts()[3:5] == [1, 1], "the person's own digits are as they were"
    assert "1 digits in" in digitpad("personal", "--set", str(other), "stats").stdout


def test_a_set_may_be_named_before_or_after_the_action_and_its_file(tmp_path):
    from personal_samples import sample

    from digitpad.core.personal import PersonalSet

    mine = tmp_path / "mine.npz"
    PersonalSet([sample(3, "round"), sample(4, "open")]).save(mine)
    for order in (["--set", str(mine), "export", "{out}"], ["export", "--set", str(mine), "{out}"],
                  ["export", "{out}", "--set", str(mine)]):
        out = tmp_path / f"out{len(list(tmp_path.iterdir()))}.npz"
        result = digitpad("personal", *[str(out) if a == "{out}" else a for a in order])
        assert f"exported 2 digits to {out}" in result.stdout, order
    result = digitpad("personal", "export", check=False)
    assert result.returncode == 2 and "required: FILE" in result.stderr


@pytest.mark.parametrize("args", [["predict", "--model", "", "x.png"], ["evaluate", ""], ["predict", ""],
                                  ["export", "m.pt", "--format", "onnx", "--out", ""],
                                  ["train", "--out", "m.pt", "--data-dir", ""], ["personal", "--set", "", "stats"]])
def test_an_empty_file_name_is_refused_not_taken_for_the_default(args):
    """`--model "$M"` with M unset read with the bundled model, and `--data-dir ""` used the default data."""
    result = digitpad(*args, check=False)
    assert result.returncode == 2 and "an empty name" in result.stderr, result.stderr


@pytest.mark.skipif(not sys.platform.startswith(("linux", "freebsd", "openbsd")), reason="X and Wayland only")
def test_the_window_with_no_display_to_open_it_on_says_so_in_one_line():
    """Over SSH without -X: one line and exit 1, not Qt's abort (SIGABRT) advising to reinstall."""
    no_display = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    for args in ([], ["gui"]):
        result = subprocess.run([sys.executable, "-m", "digitpad", *args], capture_output=True, text=True,
                                env=no_display, timeout=120)
        assert result.returncode == 1 and result.stderr.startswith("digitpad: error: no display to open the window")
        assert len(result.stderr.splitlines()) == 1, result.stderr


def test_predict_says_when_it_is_not_sure_as_the_draw_tab_shows_a_question_mark(tmp_path, digit_files):
    """A zigzag is read with the low confidence the Draw tab shows as "?"; the CLI said only "4 (14.9%)"."""
    zigzag = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(zigzag).line([(20, 40), (60, 160), (100, 40), (140, 160), (180, 40)], fill=0, width=12)
    zigzag.save(tmp_path / "zigzag.png")
    (path, label), = digit_files[:1]
    lines = digitpad("predict", str(tmp_path / "zigzag.png"), path).stdout.splitlines()
    assert "; not sure: it may be " in lines[0] and lines[1].startswith(f"{path}: {label} (") and "sure" not in lines[1]
    rows = [json.loads(line) for line in digitpad("predict", "--json", str(tmp_path / "zigzag.png"), path).stdout
            .splitlines()]
    assert [row["unsure"] for row in rows] == [True, False]


def test_predict_says_when_the_ink_read_as_one_digit_looks_like_several(tmp_path, digit_files):
    """Two lines of digits close together are one mark, read as one digit with nothing to say so: predict points to
    --number, in words and in --json, and reads the digit as before."""
    from written_numbers import pen_photo_number

    pen_photo_number("26\n35", np.random.default_rng(0), touch_share=0).save(tmp_path / "note.png")
    (path, label), = digit_files[:1]
    lines = digitpad("predict", str(tmp_path / "note.png"), path).stdout.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'note.png'}: 3 (") and \
        lines[0].endswith("; looks like several digits read as one: try --number)")
    assert lines[1].startswith(f"{path}: {label} (") and "several" not in lines[1]
    rows = [json.loads(line) for line in digitpad("predict", "--json", str(tmp_path / "note.png"), path).stdout
            .splitlines()]
    assert [(row["digit"], row["several_digits"]) for row in rows] == [(3, True), (label, False)]


def test_no_digit_found_in_a_phone_sized_photo_hints_at_cropping(tmp_path):
    """Small writing on a whole page is lost at the working size: a big photo's "no digit found" says what to do."""
    Image.new("RGB", (4000, 3000), (240, 238, 230)).save(tmp_path / "page.jpg")
    Image.new("RGB", (4000, 480), (240, 238, 230)).save(tmp_path / "small.jpg")  # a long strip is no phone photo
    lines = digitpad("predict", str(tmp_path / "page.jpg"), str(tmp_path / "small.jpg")).stdout.splitlines()
    assert lines == [f"{tmp_path / 'page.jpg'}: no digit found; if there is writing, it may be too small in so big a "
                     "photo: crop closer", f"{tmp_path / 'small.jpg'}: no digit found"]


def test_info_and_version():
    facts = json.loads(digitpad("info", "--json").stdout)
    assert facts["bundled_model"]["test_accuracy"] >= 0.996
    assert set(facts["architectures"]) >= {"simple", "lenet5", "lenet-avg", "digitnet"}
    assert digitpad("--version").stdout.startswith("digitpad ")


def test_outputs_that_must_not_be_written_are_refused_before_any_work(tmp_path):
    """A folder for --metrics-csv or --out, a link, the bundled model: refused at once (no data is even read)."""
    from digitpad.core.paths import bundled_model_path

    (tmp_path / "folder").mkdir()
    (tmp_path / "link.pt").symlink_to(tmp_path / "elsewhere.pt")
    bundled = bundled_model_path().read_bytes()
    for args, reason in [
        (["train", "--out", str(tmp_path / "m.pt"), "--metrics-csv", str(tmp_path / "folder")], "it is a folder"),
        (["train", "--out", str(tmp_path / "link.pt")], "symbolic link"),
        (["export", str(bundled_model_path()), "--format", "onnx", "--out", str(bundled_model_path())],
         "bundled model"),
        (["personal", "export", str(bundled_model_path())], "bundled model"),
        (["train", "--out", " "], "no file name was given"),  # an empty one is refused by the parser (exit 2)
        (["export", str(bundled_model_path()), "--format", "onnx", "--out", " "], "no file name was given"),
        (["train", "--out", str(tmp_path / "new") + "/"], "ends with a slash"),
        (["personal", "export", str(tmp_path / "mine.npz") + "/"], "ends with a slash"),
    ]:
        result = digitpad(*args, "--data-dir", str(tmp_path / "no-data"), check=False) if args[0] == "train" else \
            digitpad(*args, check=False)
        assert result.returncode == 1 and reason in result.stderr and len(result.stderr.splitlines()) == 1, \
            result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "link.pt"]
    assert bundled_model_path().read_bytes() == bundled


def test_non_utf8_file_names(tmp_path, digit_files):
    odd = os.fsencode(tmp_path) + b"/\xff-model"
    result = subprocess.run([sys.executable, "-m", "digitpad", "export", "resources/digitnet.pt", "--format",
                             "torchscript", "--out", odd + b".ts"], capture_output=True, timeout=600)
    assert result.returncode == 0 and os.path.isfile(odd + b".ts"), result.stderr
    assert b"\\udcff-model.ts" in result.stdout or b"\xff-model.ts" in result.stdout
    result = subprocess.run([sys.executable, "-m", "digitpad", "predict", "--model", odd + b".ts",
                             digit_files[0][0]], capture_output=True, timeout=600)
    assert result.returncode == 1 and b"-model.ts: not a readable PyTorch checkpoint" in result.stderr


def test_runs_list_show_compare_and_delete(tmp_path, mnist):
    from digitpad.core.config import preset
    from digitpad.core.runs import RunRecorder, RunStore
    from digitpad.core.trainer import train

    data = mnist.subset(train=600, test=300)
    ids = []
    for lr in (4e-3, 1e-3):
        config = preset("quick", epochs=1, lr=lr, train_limit=600, device="cpu")
        recorder = RunRecorder.for_training(config, name=f"lr {lr}")
        list(recorder.watch(train(config, data), data.source))
        ids.append(recorder.id)
    (RunStore().folder / "damaged.json").write_text("{not json")

    listing = digitpad("runs")
    head, *lines = listing.stdout.splitlines()
    assert head.split()[:3] == ["run", "started", "network"] and [line.split()[0] for line in lines] == ids[::-1], \
        "a header, then the newest first"
    assert len({line.index("finished") for line in lines}) == 1, "columns line up"
    assert all("lenet5" in line and "MNIST, first 600" in line and "finished" in line for line in lines)
    assert "skipped" in listing.stderr and "damaged.json" in listing.stderr
    assert [r["id"] for r in json.loads(digitpad("runs", "list", "--json").stdout)] == ids[::-1]

    # the shortest start of the id the other run's does not share is enough (two runs may start in the same second)
    unique = next(n for n in range(1, len(ids[0]) + 1) if not ids[1].startswith(ids[0][:n]))
    shown = digitpad("runs", "show", ids[0][:unique]).stdout
    assert f"run {ids[0]}" in shown and "lr=0.004" in shown and "confusion matrix" in shown
    assert json.loads(digitpad("runs", "show", ids[0], "--json").stdout)["id"] == ids[0]

    compared = digitpad("runs", "compare", *ids).stdout.splitlines()
    assert compared[0].split() == ["run", *ids]
    same = compared.index("-- the same in every run --")
    differing = [line.split()[0] for line in compared[1:same]]
    assert "config.lr" in differing and "config.epochs" not in differing
    assert not any(line.endswith(" ") for line in compared) and not any(
        line.startswith("saved model") for line in compared), "no trailing spaces, no row empty in every run"
    assert re.search(r"^started +\d{4}-\d\d-\d\d \d\d:\d\d ", next(line for line in compared
                                                                   if line.startswith("started")))
    assert compared[1 + differing.index("config.lr")].split()[1:] == ["0.004", "0.001"]
    assert "config.epochs" in [line.split()[0] for line in compared[same + 1:]]
    for args in (["runs", "compare", *ids, "--json"], ["runs", "--json", "compare", *ids]):  # as list and show take it
        table = json.loads(digitpad(*args).stdout)
        assert table["runs"] == ids and {"key": "config.lr", "values": ["0.004", "0.001"], "differs": True} in \
            table["rows"]
    one = digitpad("runs", "compare", ids[0], check=False)
    assert one.returncode == 1 and "needs two or more runs" in one.stderr

    assert digitpad("runs", "delete", ids[0]).stdout.strip() == f"deleted run {ids[0]}"
    assert [r["id"] for r in json.loads(digitpad("runs", "--json").stdout)] == [ids[1]]
    missing = digitpad("runs", "show", ids[0], check=False)
    assert missing.returncode == 1 and missing.stderr.startswith(f"digitpad: error: no run '{ids[0]}'")


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "PYTHONUNBUFFERED"])
def test_output_into_a_reader_that_stops_early_ends_quietly(tmp_path, buffered):
    """`digitpad runs | head -1`: the reader goes away while the listing is written; like Unix tools, digitpad
    stops quietly with exit 0, for every command (`--help` too); one that had failed keeps its status."""
    from digitpad.core.runs import FINISHED, TRAIN, RunRecord, RunStore

    store = RunStore()
    store.folder.mkdir(parents=True)
    ids = [f"20260101-000000-{i:04x}" for i in range(1000)]  # a listing of about 136 kB: more than a pipe holds
    for run_id in ids:
        record = RunRecord(run_id, TRAIN, "", "2026-01-01T00:00:00", "cli", {}, "lenet5", "quick", 1, status=FINISHED)
        store.path(run_id).write_text(json.dumps(record.to_dict()))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED" or not buffered}

    def into_closing_pipe(*args, lines: int):
        """Run digitpad with its output read by one that reads `lines` lines and stops: (exit status, stderr)."""
        child = subprocess.Popen([sys.executable, "-m", "digitpad", *args], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env)
        read = [child.stdout.readline() for _ in range(lines)]
        child.stdout.close()
        error = child.stderr.read()
        assert all(read) or not lines
        return child.wait(timeout=120), error

    assert into_closing_pipe("runs", lines=1) == (0, "")
    assert into_closing_pipe("--help", lines=0) == (0, "")
    if buffered:  # the line saying the first run was deleted is written after the error, as Python exits
        status, error = into_closing_pipe("runs", "delete", ids[0], "no-such-run", lines=0)
        assert status == 1 and error.startswith("digitpad: error: no run 'no-such-run'") and "Broken" not in error


def test_a_device_that_cannot_be_used_is_said_not_silently_replaced(digit_files):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a usable GPU: nothing to say")
    for args in (["predict", "--device", "cuda", digit_files[0][0]], ["evaluate", "--device", "cuda"]):
        result = digitpad(*args)
        assert result.stderr.startswith("digitpad: CUDA was requested but ") and "using the CPU" in result.stderr


def test_every_option_of_every_command_says_what_it_does():
    """`train --optimizer`, `--seed`, `export --format`, `info --json`... had no help text."""
    import argparse

    from digitpad.cli.parser import build_parser

    def unexplained(parser, name):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for command, sub in action.choices.items():
                    yield from unexplained(sub, f"{name} {command}")
            elif not action.help and not isinstance(action, argparse._HelpAction):
                yield f"{name} {'/'.join(action.option_strings) or action.dest}"

    assert list(unexplained(build_parser(), "digitpad")) == []
