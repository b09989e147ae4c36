"""The personal digit set: kept safely, exported and imported whole, never damaged by a bad file."""

import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from cli_runner import digitpad
from digit_strokes import STYLES
from hostile_files import (npz_claiming_huge_labels, personal_arrays, personal_set_dict, refused_in_one_line,
                           spoiled_personal_arrays, spoiled_personal_sets, write_npz, zip_of_text)
from personal_samples import sample

from digitpad.core.personal import PersonalSet, PersonalSetError, Sample, default_path, edit


@pytest.fixture
def three(tmp_path):
    mine = PersonalSet([sample(7, "crossbar", 7), sample(1, "flag", 7), sample(0, "slashed", 8)])
    return mine.save(tmp_path / "three.npz")


def test_round_trip_keeps_strokes_inputs_and_labels(three):
    loaded = PersonalSet.load(three)
    original = PersonalSet([sample(7, "crossbar", 7), sample(1, "flag", 7), sample(0, "slashed", 8)])
    assert [s.label for s in loaded.samples] == [7, 1, 0] and [s.predicted for s in loaded.samples] == [7, 7, 8]
    assert loaded.samples[1].strokes == original.samples[1].strokes
    assert np.array_equal(loaded.samples[2].model_input, original.samples[2].model_input)
    assert loaded.counts() == [1, 1, 0, 0, 0, 0, 0, 1, 0, 0]


def test_a_reading_shown_as_unsure_is_kept_and_a_set_from_before_has_none(tmp_path):
    from dataclasses import replace

    path = PersonalSet([replace(sample(3, "round", 3), unsure=True), sample(7, "plain", 7)]).save(tmp_path / "a.npz")
    assert [s.unsure for s in PersonalSet.load(path).samples] == [True, False]
    write_npz(tmp_path / "before.npz", {k: v for k, v in personal_arrays().items() if k != "unsure"})
    assert [s.unsure for s in PersonalSet.load(tmp_path / "before.npz").samples] == [False, False]


def test_a_missing_set_is_empty_only_when_allowed(tmp_path):
    assert PersonalSet.load(tmp_path / "none.pt", missing_ok=True).counts() == [0] * 10
    with pytest.raises(PersonalSetError, match="no such file"):
        PersonalSet.load(tmp_path / "none.pt")
    assert default_path().name == "personal.npz"


def test_merge_adds_only_new_drawings(three):
    mine = PersonalSet.load(three)
    again = PersonalSet.load(three)
    again.samples.append(sample(4, "open", 9))
    assert mine.merge(again) == 1 and len(mine.samples) == 4


class RunsCode:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


MARKER = None


@pytest.mark.parametrize("kind", ["garbage", "runs code", "checkpoint", "bad label", "bad input"])
def test_corrupt_or_foreign_files_are_refused(tmp_path, kind):
    global MARKER
    MARKER = tmp_path / "pwned"
    path = tmp_path / "other.pt"
    raw = personal_set_dict()  # the first format's dict, as torch.save wrote it
    if kind == "garbage":
        path.write_bytes(b"\x00\x01 not a set")
    elif kind == "runs code":
        torch.save({"format": "digitpad-personal", "samples": [RunsCode()]}, path)
    elif kind == "checkpoint":
        torch.save({"format": "digitpad-checkpoint"}, path)
    elif kind == "bad label":
        raw["samples"][0]["label"] = 12
        torch.save(raw, path)
    else:
        raw["samples"][0]["model_input"] = torch.zeros(10, 10)
        torch.save(raw, path)
    with pytest.raises(PersonalSetError) as info:
        PersonalSet.load(path)
    assert "other.pt" in str(info.value)
    assert not MARKER.exists()


def test_cli_stats_export_import(tmp_path, three):
    mine = tmp_path / "user-set.npz"
    missing = digitpad("personal", "stats", "--set", str(mine), check=False)  # a set named is one that exists
    assert missing.returncode == 1 and f"{mine}: no such personal set" in missing.stderr
    assert "imported 3 new digits; 3 in all" in digitpad("personal", "import", str(three), "--set", str(mine)).stdout
    assert "imported 0 new digits; 3 in all" in digitpad("personal", "import", str(three), "--set", str(mine)).stdout
    out = digitpad("personal", "stats", "--set", str(mine)).stdout
    assert out.startswith("3 digits") and "7: 1" in out and "1: 1" in out
    digitpad("personal", "export", str(tmp_path / "shared.npz"), "--set", str(mine))
    assert len(PersonalSet.load(tmp_path / "shared.npz").samples) == 3
    for name, written in (("backup.pt", "backup.npz"), ("backup", "backup.npz")):  # named as its content is
        out = digitpad("personal", "export", str(tmp_path / name), "--set", str(mine)).stdout
        assert out == f"exported 3 digits to {tmp_path / written}\n" and not (tmp_path / name).exists()
        assert len(PersonalSet.load(tmp_path / written).samples) == 3


def test_cli_import_of_a_bad_file_loses_nothing(tmp_path, three):
    before = three.read_bytes()
    (tmp_path / "junk.pt").write_text(json.dumps({"not": "a set"}))
    result = digitpad("personal", "import", str(tmp_path / "junk.pt"), "--set", str(three), check=False)
    assert result.returncode == 1 and "not a digitpad personal set" in result.stderr
    assert "Traceback" not in result.stderr and three.read_bytes() == before


@pytest.mark.parametrize("name", sorted(spoiled_personal_sets()))
def test_hostile_sets_are_refused_with_one_clear_line(tmp_path, name):
    """Bounded strokes and pad size, checked types: what would crash fine-tuning later is refused at import."""
    path = tmp_path / "hostile.pt"
    torch.save(spoiled_personal_sets()[name], path)
    refused_in_one_line(PersonalSet.load, path, PersonalSetError)


def test_two_imports_at_once_lose_nothing(tmp_path):
    """Two real `digitpad personal import` processes into one set: the lock makes the second wait for the first."""
    sources = []
    for n in range(2):
        sources.append(tmp_path / f"from-{n}.npz")
        PersonalSet([Sample([[(float(i), float(n))]], (280, 280), i % 10, None, np.zeros((28, 28), np.uint8),
                            created=f"{n}-{i}") for i in range(300)]).save(sources[-1])
    mine = tmp_path / "mine.npz"
    children = [subprocess.Popen([sys.executable, "-m", "digitpad", "personal", "import", str(source), "--set",
                                  str(mine)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for source in sources]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    assert len(PersonalSet.load(mine).samples) == 600
    assert sorted(out.split(";")[1].strip() for out, _ in outputs) == ["300 in all", "600 in all"]


def test_stats_into_a_closed_pipe_ends_quietly(three):
    """`true` has closed the pipe long before digitpad (importing torch) writes: like `| head -1` at its worst."""
    command = f"{shlex.quote(sys.executable)} -m digitpad personal stats --set {shlex.quote(str(three))}"
    result = subprocess.run(f"{command} | true; echo ${{PIPESTATUS[0]}}", shell=True, executable="/bin/bash",
                            capture_output=True, text=True, timeout=120)
    assert result.stderr == "" and result.stdout.strip() == "0"


FIRST_FORMAT = Path(__file__).parent / "files" / "personal-v1.pt"  # written by digitpad 0.x's torch.save


def test_a_set_of_the_first_format_opens_and_is_rewritten_in_the_new_one():
    """A set kept as personal.pt before the .npz format is read in full, and its first change writes the new file
    and sets the old one aside, so deleting personal.npz to start over does not bring the old digits back."""
    old = PersonalSet.load(FIRST_FORMAT)
    assert [(s.label, s.predicted) for s in old.samples] == [(7, 7), (1, 7), (0, None)]
    assert old.samples[2].created == "2026-11-30T10:00:02+00:00" and old.samples[0].model_input.dtype == np.uint8
    assert len(old.samples[1].strokes) == len(STYLES[1]["flag"]) and old.samples[1].size == (320, 320)

    default_path().parent.mkdir(parents=True)
    first = default_path().with_suffix(".pt")
    shutil.copy(FIRST_FORMAT, first)
    assert not default_path().exists() and PersonalSet.load().counts() == old.counts()
    assert digitpad("personal", "stats").stdout.startswith(f"3 digits in {first}\n")
    edit(None, lambda personal: personal.samples.append(sample(4, "open")))
    assert zipfile.ZipFile(default_path()).namelist()[0].endswith(".npy")
    again = PersonalSet.load()
    assert [s.key() for s in again.samples] == [s.key() for s in old.samples] + [again.samples[-1].key()]
    assert all(np.array_equal(a.model_input, b.model_input) for a, b in zip(again.samples, old.samples))
    assert digitpad("personal", "stats").stdout.startswith(f"4 digits in {default_path()}\n")
    assert not first.exists(), "the old file is set aside, under a name no digitpad reads"
    assert first.with_name("personal.pt.converted").read_bytes() == FIRST_FORMAT.read_bytes()  # and kept
    default_path().unlink()  # starting over
    assert PersonalSet.load(missing_ok=True).samples == []


def test_a_named_set_of_the_first_format_is_written_beside_it_as_npz(tmp_path, three):
    """`--set mine.pt` naming an old set: its first change writes mine.npz (mine.pt is left as it was, never
    npz content under a .pt name) and from then on `--set mine.pt` means mine.npz."""
    mine = tmp_path / "mine.pt"
    shutil.copy(FIRST_FORMAT, mine)
    assert digitpad("personal", "stats", "--set", str(mine)).stdout.startswith(f"3 digits in {mine}\n")
    digitpad("personal", "import", str(three), "--set", str(mine))
    assert mine.read_bytes() == FIRST_FORMAT.read_bytes()
    assert zipfile.ZipFile(tmp_path / "mine.npz").namelist()[0].endswith(".npy")
    assert digitpad("personal", "stats", "--set", str(mine)).stdout.startswith(f"6 digits in {tmp_path / 'mine.npz'}\n")
    assert "imported 0 new digits; 6 in all" in digitpad("personal", "import", str(three), "--set", str(mine)).stdout


def test_reading_a_set_does_not_load_torch(three):
    """The app counts the person's digits before torch has loaded."""
    code = f"import sys; from digitpad.core.personal import PersonalSet; PersonalSet.load({str(three)!r}); " \
           "print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_the_hostile_npz_cases_spoil_a_good_set(tmp_path):
    write_npz(tmp_path / "good.npz", personal_arrays())
    assert [len(s.strokes) for s in PersonalSet.load(tmp_path / "good.npz").samples] == [2, 1]


@pytest.mark.parametrize("name", sorted(spoiled_personal_arrays()))
def test_hostile_npz_sets_are_refused_with_one_clear_line(tmp_path, name):
    path = tmp_path / "hostile.npz"
    write_npz(path, spoiled_personal_arrays()[name])
    message = refused_in_one_line(PersonalSet.load, path, PersonalSetError)
    assert "damaged" not in message, "refused by a check, not by numpy failing on it"


def test_an_npz_claiming_a_huge_array_is_refused_before_it_is_read(tmp_path):
    """A .npy header announcing 10^12 labels in a small file: refused from the header, nothing allocated."""
    path = tmp_path / "huge.npz"
    npz_claiming_huge_labels(path)
    with pytest.raises(PersonalSetError, match="huge.npz: not a digitpad personal set \\(labels.npy is truncated\\)"):
        PersonalSet.load(path)


def test_a_zip_without_arrays_is_refused(tmp_path):
    path = tmp_path / "notes.npz"
    zip_of_text(path)
    refused_in_one_line(PersonalSet.load, path, PersonalSetError)


def test_a_model_and_a_set_of_digits_taken_for_each_other_are_named(tmp_path, three):
    """A My digits export loaded as a model said 'damaged or truncated'; a model imported as digits said only
    'not a digitpad personal set'."""
    from digitpad.core.checkpoint import Checkpoint, CheckpointError
    from digitpad.core.paths import bundled_model_path

    with pytest.raises(CheckpointError, match=r"not a readable PyTorch checkpoint \(it is a set of digits, as My "
                                              r"digits exports them\)"):
        Checkpoint.load(three)
    with pytest.raises(PersonalSetError, match=r"not a digitpad personal set \(it is a model checkpoint\)"):
        PersonalSet.load(bundled_model_path())
