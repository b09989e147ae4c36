import os
import pickle
import resource
from pathlib import Path

import pytest
import torch
from hostile_files import compressed_torch_zip, refused_in_one_line, spoiled_checkpoints

from digitpad.core.checkpoint import Checkpoint, CheckpointError
from digitpad.core.models import build_model


def make_checkpoint(arch="lenet5", **metrics):
    torch.manual_seed(1)
    return Checkpoint.from_model(build_model(arch), arch, {}, metrics={"accuracy": 0.5, **metrics}, name="test")


def test_round_trip_rebuilds_the_same_model(tmp_path):
    checkpoint = make_checkpoint(confusion=[[1, 2], [3, 4]])
    path = checkpoint.save(tmp_path / "m.pt")
    loaded = Checkpoint.load(path)
    assert (loaded.arch, loaded.name, loaded.metrics) == ("lenet5", "test", checkpoint.metrics)
    x = torch.rand(3, 1, 28, 28)
    torch.testing.assert_close(loaded.build_model()(x), checkpoint.build_model()(x))
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~current_umask())
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"], "no temporary file is left behind"


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Hostile:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


MARKER = None


def test_pickle_that_runs_code_is_refused_and_never_runs(tmp_path):
    global MARKER
    MARKER = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    torch.save({"format": "digitpad-checkpoint", "payload": Hostile()}, path)
    with pytest.raises(CheckpointError, match="refused"):
        Checkpoint.load(path)
    assert not MARKER.exists()
    with open(path, "wb") as f:  # a plain pickle (not a torch zip) as well
        pickle.dump(Hostile(), f)
    with pytest.raises(CheckpointError):
        Checkpoint.load(path)
    assert not MARKER.exists()


@pytest.mark.parametrize("content,message", [
    (b"", "not a readable PyTorch checkpoint"),
    (b"GIF89a not a model at all", "not a readable PyTorch checkpoint"),
])
def test_non_checkpoint_bytes(tmp_path, content, message):
    path = tmp_path / "bad.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=message):
        Checkpoint.load(path)


def test_truncated_checkpoint(tmp_path):
    path = make_checkpoint().save(tmp_path / "m.pt")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="bad.pt|m.pt"):
        Checkpoint.load(path)


def test_wrong_architecture_is_named(tmp_path):
    checkpoint = make_checkpoint()
    checkpoint.arch = "simple"
    checkpoint.save(tmp_path / "m.pt")
    with pytest.raises(CheckpointError, match="do not match the 'simple' architecture"):
        Checkpoint.load(tmp_path / "m.pt")


def test_unknown_architecture_and_missing_keys(tmp_path):
    raw = make_checkpoint().to_dict()
    torch.save({**raw, "arch": "transformer9000"}, tmp_path / "a.pt")
    with pytest.raises(CheckpointError, match="unknown architecture 'transformer9000'"):
        Checkpoint.load(tmp_path / "a.pt")
    del raw["state_dict"]
    torch.save(raw, tmp_path / "b.pt")
    with pytest.raises(CheckpointError, match="missing state_dict"):
        Checkpoint.load(tmp_path / "b.pt")


def test_nan_weights_are_refused(tmp_path):
    checkpoint = make_checkpoint()
    next(iter(checkpoint.state_dict.values())).fill_(float("nan"))
    checkpoint.save(tmp_path / "m.pt")
    with pytest.raises(CheckpointError, match="NaN"):
        Checkpoint.load(tmp_path / "m.pt")


def test_bare_state_dict_gets_a_hint(tmp_path):
    torch.save(build_model("lenet5").state_dict(), tmp_path / "sd.pt")
    with pytest.raises(CheckpointError, match="bare state dict"):
        Checkpoint.load(tmp_path / "sd.pt")


def test_digitpad_s_several_digits_gate_is_named_when_loaded_as_a_model():
    """Model ▸ Load checkpoint on resources/several_digits.pt said "not a digitpad checkpoint", as of a stranger's."""
    from digitpad.core.paths import resources_dir

    with pytest.raises(CheckpointError, match="not a digitpad checkpoint \\(it is digitpad's several-digits gate, "
                                              "which helps read photos, not a model of digits\\)"):
        Checkpoint.load(resources_dir() / "several_digits.pt")


def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    good = make_checkpoint().save(tmp_path / "m.pt")
    before = good.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(CheckpointError, match="No space left on device.*untouched"):
        make_checkpoint(accuracy=0.9).save(good)
    assert good.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]


def test_save_into_a_path_that_cannot_exist(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(CheckpointError, match="could not save"):
        make_checkpoint().save(tmp_path / "file" / "m.pt")
    assert (tmp_path / "file").read_text() == "x"


@pytest.mark.parametrize("name", sorted(spoiled_checkpoints()))
def test_hostile_checkpoints_are_refused_clearly_before_anything_is_built(tmp_path, name):
    """Each part of a file from anywhere is checked (types, bounds, dtypes, layouts, storage, NaN) with one line."""
    path = tmp_path / "hostile.pt"
    torch.save(spoiled_checkpoints()[name], path)
    assert refused_in_one_line(Checkpoint.load, path, CheckpointError).startswith(f"{path}: ")


def test_memory_stays_bounded_by_the_file(tmp_path):
    """A stride-0 tensor claiming 10^12 values and a width of 10^9 are refused without allocating them."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for name in ("stride-0 weights claiming 10^12 values", "width 10^9", "hidden 100,000"):
        torch.save(spoiled_checkpoints()[name], tmp_path / "m.pt")
        with pytest.raises(CheckpointError):
            Checkpoint.load(tmp_path / "m.pt")
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100


@pytest.mark.parametrize("content,message", [
    (lambda good: compressed_torch_zip(good), "compressed"),
    (lambda good: pickle.dumps({"format": "digitpad-checkpoint"}), "refused; it is a bare pickle"),
    (lambda good: good[: len(good) // 2], "another kind of file|damaged"),
    (lambda good: good[:-30], "damaged"),
    (lambda good: good[: len(good) // 2] + bytes(4096) + good[len(good) // 2 + 4096:], "checksum does not match"),
])
def test_files_that_are_not_plain_torch_zips_are_refused_in_words(tmp_path, content, message):
    path = tmp_path / "m.pt"
    path.write_bytes(content(make_checkpoint().save(tmp_path / "good.pt").read_bytes()))
    with pytest.raises(CheckpointError, match=message) as info:
        Checkpoint.load(path)
    assert "m.pt" in str(info.value) and "Error" not in str(info.value)


def test_a_non_utf8_file_name_loads_and_is_named(tmp_path):
    odd = os.fsdecode(bytes(tmp_path) + b"/\xff-model.pt")
    make_checkpoint().save(odd)
    assert Checkpoint.load(odd).name == "test"
    Path(odd).write_bytes(b"junk")
    with pytest.raises(CheckpointError, match="-model.pt: not a readable PyTorch checkpoint"):
        Checkpoint.load(odd)


def test_a_recorded_accuracy_counts_only_for_the_same_weights_and_images_and_only_when_plausible(mnist, tmp_path):
    """A fine-tune takes its start's recorded accuracy instead of scoring again: a record beside other weights (a
    blend keeps its first model's metrics) or other images does not count, nor does an odd record (a foreign or
    hostile file's), and the file still loads."""
    from dataclasses import replace

    from digitpad.core.metrics import recorded_accuracy, recording_accuracy

    images, labels = mnist.test_images[:50], mnist.test_labels[:50]
    checkpoint = Checkpoint.from_model(build_model("lenet5"), "lenet5", {})
    weights = checkpoint.state_dict
    metrics = recording_accuracy({"accuracy": 0.9}, weights, images, labels, 0.98)
    assert recorded_accuracy(metrics, weights, images, labels) == 0.98 and metrics["accuracy"] == 0.9
    path = replace(checkpoint, metrics=metrics).save(tmp_path / "recorded.pt")
    assert recorded_accuracy(Checkpoint.load(path).metrics, Checkpoint.load(path).state_dict, images, labels) == 0.98
    changed = labels.clone()
    changed[0] = (changed[0] + 1) % 10
    assert recorded_accuracy(metrics, weights, images, changed) is None
    assert recorded_accuracy(metrics, weights, mnist.test_images[1:51], mnist.test_labels[1:51]) is None
    other = {k: v + 1e-3 if v.is_floating_point() else v for k, v in weights.items()}
    assert recorded_accuracy(metrics, other, images, labels) is None
    key = next(iter(metrics["accuracies"]))
    for odd in ({key: "0.98"}, {key: 7.0}, {key: float("nan")}, [key], "0.98"):
        path = replace(checkpoint, metrics={"accuracies": odd}).save(tmp_path / "odd.pt")
        assert recorded_accuracy(Checkpoint.load(path).metrics, weights, images, labels) is None


def test_the_accuracy_note_says_what_the_accuracy_was_measured_on():
    def note(**metrics):
        return Checkpoint.from_model(build_model("lenet5"), "lenet5", {}, metrics=metrics).accuracy_note

    assert note() is None
    assert note(accuracy=0.9965, count=10_000, dataset="MNIST (/data/MNIST/raw)") == "99.65% on MNIST test"
    assert note(accuracy=0.9965) == "99.65% on MNIST test"  # checkpoints from before counts were kept
    assert note(accuracy=0.838, count=1000, dataset="MNIST (/data)") == "83.80% on 1,000 MNIST test images"
    assert note(accuracy=0.97, count=420, dataset="CSV (train.csv)") == "97.00% on 420 test images of a CSV"


def test_a_name_with_escape_codes_or_lines_is_shown_on_one_line_and_short(tmp_path, mnist):
    """A review saved a model named with a terminal's colour codes and a new line: `digitpad evaluate` printed them
    raw, and a name of 100,000 characters whole."""
    from cli_runner import digitpad
    from hostile_files import labelled_csv

    (tmp_path / "few.csv").write_text(labelled_csv(mnist.test_images[:20], mnist.test_labels[:20]))
    for name, start in (("\x1b[31mRED\x1b[0m\nfake line", " [31mRED [0m fake line"), ("x" * 100_000, "x" * 79)):
        Checkpoint.from_model(build_model("lenet5"), "lenet5", {}, name=name).save(tmp_path / "odd.pt")
        shown = Checkpoint.load(tmp_path / "odd.pt").display_name
        assert shown.isprintable() and len(shown) <= 80 and shown.startswith(start)
        first = digitpad("evaluate", str(tmp_path / "odd.pt"), "--csv", str(tmp_path / "few.csv")).stdout
        assert "\x1b" not in first and shown in first.splitlines()[0] and len(first) < 2_000
