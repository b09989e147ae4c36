"""The personal digit set: kept safely, exported and imported whole, never damaged by a bad file."""

import json
import os
import shlex
import subprocess
import sys

import numpy as np
import pytest
import torch
from digit_strokes import STYLES, place
from hostile_files import spoiled_personal_sets, unclear

from digitpad.core.personal import PersonalSet, PersonalSetError, Sample, default_path
from digitpad.core.preprocess import to_mnist
from digitpad.core.strokes import render_strokes


def sample(digit, style, predicted=None):
    strokes = place(STYLES[digit][style], 60, 30, 240)
    model_input = (to_mnist(render_strokes(strokes, (320, 320))) * 255).astype(np.uint8)
    return Sample(strokes, (320, 320), digit, predicted, model_input)


@pytest.fixture
def three(tmp_path):
    mine = PersonalSet([sample(7, "crossbar", 7), sample(1, "flag", 7), sample(0, "slashed", 8)])
    mine.save(tmp_path / "mine.pt")
    return tmp_path / "mine.pt"


def test_round_trip_keeps_strokes_inputs_and_labels(three):
    loaded = PersonalSet.load(three)
    original = PersonalSet([sample(7, "crossbar", 7), sample(1, "flag", 7), sample(0, "slashed", 8)])
    assert [s.label for s in loaded.samples] == [7, 1, 0] and [s.predicted for s in loaded.samples] == [7, 7, 8]
    assert loaded.samples[1].strokes == original.samples[1].strokes
    assert np.array_equal(loaded.samples[2].model_input, original.samples[2].model_input)
    assert loaded.counts() == [1, 1, 0, 0, 0, 0, 0, 1, 0, 0]


def test_a_missing_set_is_empty_only_when_allowed(tmp_path):
    assert PersonalSet.load(tmp_path / "none.pt", missing_ok=True).counts() == [0] * 10
    with pytest.raises(PersonalSetError, match="no such file"):
        PersonalSet.load(tmp_path / "none.pt")
    assert default_path().name == "personal.pt"


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
    raw = {"format": "digitpad-personal", "format_version": 1, "samples": [sample(3, "round").to_dict()]}
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


def digitpad(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "digitpad", *args], capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_cli_stats_export_import(tmp_path, three):
    mine = tmp_path / "user-set.pt"
    assert digitpad("personal", "stats", "--set", str(mine)).stdout.startswith("0 digits")
    assert "imported 3 new digits; 3 in all" in digitpad("personal", "import", str(three), "--set", str(mine)).stdout
    assert "imported 0 new digits; 3 in all" in digitpad("personal", "import", str(three), "--set", str(mine)).stdout
    out = digitpad("personal", "stats", "--set", str(mine)).stdout
    assert out.startswith("3 digits") and "7: 1" in out and "1: 1" in out
    digitpad("personal", "export", str(tmp_path / "shared.pt"), "--set", str(mine))
    assert len(PersonalSet.load(tmp_path / "shared.pt").samples) == 3


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
    with pytest.raises(PersonalSetError) as info:
        PersonalSet.load(path)
    assert str(info.value).startswith(f"{path}") and not unclear(str(info.value), path), str(info.value)


def test_two_imports_at_once_lose_nothing(tmp_path):
    """Two real `digitpad personal import` processes into one set: the lock makes the second wait for the first."""
    sources = []
    for n in range(2):
        sources.append(tmp_path / f"from-{n}.pt")
        PersonalSet([Sample([[(float(i), float(n))]], (280, 280), i % 10, None, np.zeros((28, 28), np.uint8),
                            created=f"{n}-{i}") for i in range(300)]).save(sources[-1])
    mine = tmp_path / "mine.pt"
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
    assert result.stderr == "" and result.stdout.strip() == "1"
