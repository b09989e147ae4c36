"""File dialogs open in the last folder used (remembered across sessions), else Documents or home."""

import os
from pathlib import Path

from dialog_answers import answer_dialog
from drawing import pause

from digitpad.core.checkpoint import Checkpoint
from digitpad.core.paths import bundled_model_path
from digitpad.ui.file_dialogs import open_file, save_file, start_folder
from digitpad.ui.train_tab import suggested_file_name

ROOT = Path(__file__).resolve().parents[2]


def test_dialogs_open_in_the_last_folder_used_else_documents_or_home(qtbot, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # as when run from the source checkout
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    first = start_folder()
    assert first.resolve() != ROOT and first.resolve() in {(tmp_path / "home").resolve(),
                                                           (tmp_path / "home" / "Documents").resolve()}
    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "five.png").write_bytes(b"")
    seen = []
    answer_dialog(folder / "five.png", seen)
    assert open_file(None, "Open an image of a digit", "Images (*.png)") == str(folder / "five.png")
    assert seen == [first]

    answer_dialog(None, seen)  # the next dialog, even in a later session, opens where the last file was
    assert open_file(None, "Load a digitpad checkpoint", "*.pt") == ""
    assert seen[1] == folder and start_folder() == folder

    os.rename(folder, tmp_path / "moved")  # a folder that is gone: back to Documents or home
    assert start_folder() == first
    pause(10)


def test_the_suggested_model_name_has_no_percent_sign():
    checkpoint = Checkpoint.load(bundled_model_path())
    name = suggested_file_name(checkpoint, finetuned=False)
    assert name == f"digitnet-{checkpoint.accuracy * 100:.2f}pct.pt" and "%" not in name and " " not in name
    assert suggested_file_name(checkpoint, finetuned=True).startswith("digitnet-mine-")


def test_a_save_dialog_with_a_suffix_adds_it_to_a_name_typed_without_one(qtbot, tmp_path):
    """Added by the dialog, so its "replace it?" question is about the file that will be written."""
    answer_dialog(tmp_path / "backup", [])
    chosen = save_file(None, "Export your digits", "my-digits.npz", "(*.npz)", suffix="npz")
    assert chosen == str(tmp_path / "backup.npz")
