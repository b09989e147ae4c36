"""The shared personal set: every view sees the file as it is, including changes made outside the app."""

import shutil
from pathlib import Path

import pytest
from drawing import pause
from personal_samples import sample

from digitpad.core.personal import PersonalSet, PersonalSetError, default_path
from digitpad.ui.personal_store import PersonalDigits


def test_changes_reach_every_reader_and_outside_changes_are_seen(tmp_path, qtbot):
    store = PersonalDigits(tmp_path / "mine.npz")
    assert store.load().samples == []
    with qtbot.waitSignal(store.changed):
        assert store.add(sample(7, "plain")) == (1, [])
    first = store.load()
    first.samples.clear()  # a caller's copy: changing it changes nothing else
    assert [s.label for s in store.load().samples] == [7]

    outside = PersonalSet([sample(1, "flag"), sample(4, "open")])  # e.g. `digitpad personal import` meanwhile
    outside.save(tmp_path / "mine.npz")
    assert [s.label for s in store.load().samples] == [1, 4]
    store.remove([outside.samples[0].key()])
    assert [s.label for s in PersonalSet.load(tmp_path / "mine.npz").samples] == [4]


def test_the_same_drawing_kept_again_replaces_it_though_the_pad_was_resized_between(tmp_path):
    from dataclasses import replace

    store = PersonalDigits(tmp_path / "mine.npz")
    first = sample(7, "plain")
    factor = 499 / 320  # the pad grew, and the drawing on it, as Undo brought it back
    again = replace(first, label=1, strokes=[[(x * factor, y * factor) for x, y in stroke] for stroke in first.strokes],
                    size=(499, 499), created="2026-12-07T08:30:00")
    assert store.add(first) == (1, [])
    count, replaced = store.add(again)
    assert count == 1 and [s.label for s in replaced] == [7] and [s.label for s in store.load().samples] == [1]
    assert store.take_back(again.key(), replaced) == 1 and [s.label for s in store.load().samples] == [7]


def test_an_unreadable_set_is_never_overwritten(tmp_path):
    path = tmp_path / "mine.npz"
    path.write_bytes(b"\x00garbage")
    store = PersonalDigits(path)
    for change in (lambda: store.add(sample(3, "round")), store.clear):
        with pytest.raises(PersonalSetError, match="not a digitpad personal set"):
            change()
    assert path.read_bytes() == b"\x00garbage"


def test_a_change_made_outside_the_app_is_noticed_and_its_own_saves_signal_once(tmp_path, qtbot):
    store = PersonalDigits(tmp_path / "mine.npz")
    heard = []
    store.changed.connect(lambda: heard.append(len(store.load().samples)))
    store.load()
    with qtbot.waitSignal(store.changed, timeout=5_000):
        PersonalSet([sample(1, "flag"), sample(4, "open")]).save(tmp_path / "mine.npz")  # e.g. the CLI, meanwhile
    assert heard == [2]
    store.add(sample(7, "plain"))
    (tmp_path / "unrelated.txt").write_text("another file in the folder changes nothing")
    pause(500)
    assert heard == [2, 3], "one signal for the app's own change, none for other files"


def test_a_set_of_the_first_format_is_read_once_and_named_until_it_is_converted(qtbot):
    """Only personal.pt: the store names it, and reads it (with torch) once, not at every view's refresh."""
    first = default_path().with_suffix(".pt")
    first.parent.mkdir(parents=True)
    shutil.copy(Path(__file__).parent.parent / "files" / "personal-v1.pt", first)
    store = PersonalDigits()
    assert store.file == first
    kept = store.load().samples
    assert len(kept) == 3 and all(a is b for a, b in zip(store.load().samples, kept)), "not read again"
    with qtbot.waitSignal(store.changed):
        store.add(sample(7, "plain"))
    assert store.file == default_path() and not first.exists()
    assert [s.label for s in store.load().samples] == [7, 1, 0, 7]
