"""My digits as a person uses it: digits drawn and kept on the Draw tab, then reviewed, deleted, cleared and shared."""

import numpy as np
from dialog_answers import answer_dialog
from digit_strokes import STYLES, place
from drawing import drop, keep, wait_for
from message_boxes_shown import shown_box
from personal_samples import sample
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from digitpad.ui.failure_style import FAILED_COLOR
from digitpad.ui.train_results import CORRECT_COLOR, ERROR_COLOR


def read(view) -> bool:
    return "read right by" in view.summary.text() or "No digits" in view.summary.text()


def shown(view) -> dict:
    """What each visible section shows: its header and its thumbnails' captions, newest first."""
    return {digit: (header.text(), [gallery.item(row).text() for row in range(gallery.count())])
            for digit, (header, gallery) in view.sections.items() if gallery.isVisible()}


def kept_keys(window) -> list:
    from digitpad.core.personal import PersonalSet

    return [sample.key() for sample in PersonalSet.load(window.personal.path).samples]


def click_item(gallery, row: int, modifier=Qt.NoModifier) -> None:
    QTest.mouseClick(gallery.viewport(), Qt.LeftButton, modifier, gallery.visualItemRect(gallery.item(row)).center())


def test_kept_digits_are_grouped_by_digit_with_the_current_models_reading(window, qtbot, tmp_path):
    from digitpad.core.checkpoint import Checkpoint
    from digitpad.core.paths import bundled_model_path

    keep(window, qtbot, place(STYLES[7]["crossbar"], 60, 30, 250), 1)  # a 7 said to be a 1: the model reads it wrong
    keep(window, qtbot, place(STYLES[1]["flag"], 60, 30, 250), 1)
    keep(window, qtbot, place(STYLES[3]["round"], 60, 30, 250), 3)
    keep(window, qtbot, place(STYLES[7]["plain"], 60, 30, 250), 7)
    qtbot.mouseClick(window.draw_tab.my_digits_button, Qt.LeftButton)
    view = window.my_digits
    assert view.isVisible() and view.windowTitle() == "My digits"
    wait_for(lambda: read(view), 10)
    assert shown(view) == {1: ("1 · 2 kept · 1 read right now", ["✓ 1", "✗ read 7"]),
                           3: ("3 · 1 kept · 1 read right now", ["✓ 3"]),
                           7: ("7 · 1 kept · 1 read right now", ["✓ 7"])}
    assert view.summary.text() == "4 digits kept: 2 × 1, 1 × 3, 1 × 7 · 3 read right by the current model".replace(
        " × ", "\u00a0×\u00a0"), "as the fine-tune form counts them"
    assert str(window.personal.path) in view.path_label.text()
    ones = view.sections[1][1]
    right, wrong = ones.item(0), ones.item(1)
    assert right.foreground().color() == CORRECT_COLOR and wrong.foreground().color() == ERROR_COLOR
    assert wrong.toolTip().startswith("A 1 kept 20") and wrong.toolTip().endswith("read as 7 then; read as 7 now")
    assert [(s.width(), s.height()) for s in wrong.icon().availableSizes()] == [(56, 56)]

    keep(window, qtbot, place(STYLES[4]["open"], 60, 30, 250), 4)  # kept while the view is open: it shows at once
    wait_for(lambda: 4 in shown(view) and read(view), 10)
    assert shown(view)[4] == ("4 · 1 kept · 1 read right now", ["✓ 4"])
    assert view.summary.text().startswith("5 digits kept")

    view.close()
    action = next(a for a in window.findChildren(QAction) if a.text() == "My &digits...")
    assert action.shortcut().toString() == "Ctrl+D"
    action.trigger()
    assert window.my_digits is view and view.isVisible(), "one view per window, opened again"

    checkpoint = Checkpoint.load(bundled_model_path())  # a model that reads everything as 0
    [*checkpoint.state_dict.values()][-1][0] += 1000
    checkpoint.save(tmp_path / "zeros.pt")
    with qtbot.waitSignal(window.models.changed, timeout=10_000):
        window.load_model(str(tmp_path / "zeros.pt"))
    wait_for(lambda: read(view), 10)
    assert shown(view)[1] == ("1 · 2 kept · 0 read right now", ["✗ read 0", "✗ read 0"])
    assert view.summary.text().endswith("0 read right by the current model")
    with qtbot.waitSignal(window.models.changed, timeout=10_000):
        window.load_model(None)  # back to the bundled model (the window remembers its model for the next test)
    wait_for(lambda: read(view), 10)
    assert shown(view)[1] == ("1 · 2 kept · 1 read right now", ["✓ 1", "✗ read 7"])


def open_with(window, qtbot, drawings):
    """Keep (digit, style, label) drawings from the Draw tab, then open My digits once they are read."""
    for digit, style, label in drawings:
        keep(window, qtbot, place(STYLES[digit][style], 60, 30, 250), label)
    window.show_my_digits()
    view = window.my_digits
    wait_for(lambda: read(view), 10)
    return view


def test_delete_selected_and_clear_all(window, qtbot):
    view = open_with(window, qtbot, [(0, "oval", 0), (1, "stick", 1), (1, "flag", 1), (7, "plain", 7)])
    before = kept_keys(window)
    assert not view.delete_button.isEnabled(), "nothing selected yet"
    assert "4 of your digits kept" in window.draw_tab.kept_note.text()

    ones = view.sections[1][1]
    click_item(ones, 0)  # the newest 1, the flagged one
    assert view.delete_button.isEnabled()
    qtbot.mouseClick(view.delete_button, Qt.LeftButton)
    question = shown_box(view)  # asked first, as Clear all does: a stray Delete key lost kept digits
    assert question.text() == "Delete 1 selected digit? This cannot be undone; Export first to keep a copy."
    assert question.defaultButton() is question.button(QMessageBox.No)
    qtbot.mouseClick(question.button(QMessageBox.No), Qt.LeftButton)
    assert kept_keys(window) == before and len(ones.selectedItems()) == 1 and view.message.text() == ""
    qtbot.mouseClick(view.delete_button, Qt.LeftButton)
    qtbot.mouseClick(shown_box(view).button(QMessageBox.Yes), Qt.LeftButton)
    assert kept_keys(window) == [before[0], before[1], before[3]]
    assert shown(view)[1][0].startswith("1 · 1 kept") and view.message.text() == "Deleted 1 digit"
    assert window.draw_tab.kept_note.text() == "", "the Draw tab's note of 4 kept digits is gone, not left stale"

    zeros, sevens = view.sections[0][1], view.sections[7][1]
    click_item(zeros, 0)
    click_item(sevens, 0, Qt.ControlModifier)  # Ctrl adds a digit of another section
    assert len(zeros.selectedItems()) == len(sevens.selectedItems()) == 1
    click_item(sevens, 0)  # a plain click starts a new selection
    assert not zeros.selectedItems() and len(sevens.selectedItems()) == 1
    view.activateWindow()
    wait_for(view.isActiveWindow, 10)
    QTest.keyClick(sevens, Qt.Key_Delete)
    assert kept_keys(window) == [before[0], before[1], before[3]], "the key asks too"
    question = shown_box(view)
    assert question.text().startswith("Delete 1 selected digit?")
    qtbot.mouseClick(question.button(QMessageBox.Yes), Qt.LeftButton)
    assert kept_keys(window) == [before[0], before[1]]
    assert sorted(shown(view)) == [0, 1]

    qtbot.mouseClick(view.clear_button, Qt.LeftButton)
    question = shown_box(view)
    assert question.isVisible() and "Delete all 2 kept digits" in question.text()
    qtbot.mouseClick(question.button(QMessageBox.No), Qt.LeftButton)
    assert kept_keys(window) == [before[0], before[1]] and sorted(shown(view)) == [0, 1]

    qtbot.mouseClick(view.clear_button, Qt.LeftButton)
    qtbot.mouseClick(shown_box(view).button(QMessageBox.Yes), Qt.LeftButton)
    assert kept_keys(window) == []
    assert view.pages.currentWidget() is view.empty_label and view.empty_label.isVisible()
    assert view.empty_label.text().startswith("No digits kept yet: draw a digit on the Draw tab")
    assert not view.clear_button.isEnabled() and not view.export_button.isEnabled() and view.import_button.isEnabled()


def test_the_export_dialog_writes_the_name_typed_as_an_npz(window, qtbot, tmp_path):
    """A name typed without a suffix gets .npz in the dialog itself (so the dialog's own "replace it?" names the
    file that is written), and the digits are written there."""
    view = open_with(window, qtbot, [(3, "round", 3)])
    answer_dialog(tmp_path / "backup", [])
    view.export_dialog()
    assert view.message.text() == f"Exported 1 digit to {tmp_path / 'backup.npz'}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.npz"]


def test_the_export_dialog_asks_before_replacing_the_npz_a_pt_name_becomes(window, qtbot, tmp_path):
    """A name typed with .pt is written as .npz; the dialog asked about the .pt, so the app asks about the .npz."""
    view = open_with(window, qtbot, [(3, "round", 3)])
    (tmp_path / "mine.npz").write_bytes(b"an older export")
    answer_dialog(tmp_path / "mine.pt", [])
    view.export_dialog()
    question = shown_box(view)
    assert question.text() == (f"Exports are saved as .npz, so this one goes to mine.npz; {tmp_path} already has a "
                               "file of that name. Replace it?")
    qtbot.mouseClick(question.button(QMessageBox.No), Qt.LeftButton)
    assert (tmp_path / "mine.npz").read_bytes() == b"an older export" and not (tmp_path / "mine.pt").exists()

    answer_dialog(tmp_path / "mine.pt", [])
    view.export_dialog()
    qtbot.mouseClick(shown_box(view).button(QMessageBox.Yes), Qt.LeftButton)
    assert view.message.text() == f"Exported 1 digit to {tmp_path / 'mine.npz'}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.npz"]
    assert (tmp_path / "mine.npz").read_bytes() != b"an older export"


def test_export_then_import_and_bad_files_change_nothing(window, qtbot, tmp_path):
    view = open_with(window, qtbot, [(3, "round", 3), (8, "two circles", 8), (7, "crossbar", 1)])
    mine = kept_keys(window)

    assert view.export_to(tmp_path / "mine.pt")  # written as its content is, as `digitpad personal export` does
    assert view.message.text() == f"Exported 3 digits to {tmp_path / 'mine.npz'}"
    assert not (tmp_path / "mine.pt").exists()
    window.personal.clear()
    assert view.pages.currentWidget() is view.empty_label
    assert view.import_from(tmp_path / "mine.npz") == 3
    assert kept_keys(window) == mine and view.message.text() == "Imported 3 new digits from mine.npz"
    wait_for(lambda: read(view), 10)
    assert sorted(shown(view)) == [1, 3, 8] and shown(view)[1][1] == ["✗ read 7"]
    assert view.import_from(tmp_path / "mine.npz") == 0 and "no digits that are not already here" in view.message.text()
    window.personal.clear()
    view.close()
    drop(window, tmp_path / "mine.npz")  # dragged onto the window from a file manager: imported, and shown
    assert view.isVisible() and view.message.text() == "Imported 3 new digits from mine.npz"
    assert kept_keys(window) == mine

    (tmp_path / "noise.pt").write_bytes(np.random.default_rng(0).bytes(4000))
    (tmp_path / "notes.txt").write_text("my digits, honest\n")
    for bad in ("noise.pt", "notes.txt"):
        assert view.import_from(tmp_path / bad) is None
        text = view.message.text()
        assert text.startswith("Nothing imported, your digits are unchanged.") and bad in text
        assert "not a digitpad personal set" in text and FAILED_COLOR in view.message.styleSheet()
        assert kept_keys(window) == mine and len(shown(view)) == 3

    assert not view.export_to(tmp_path / "notes.txt" / "mine.pt")  # the folder is a file
    assert "Could not save your digits" in view.message.text() and "previous file" not in view.message.text(), \
        "there was none"

    saved = window.personal.path.read_bytes()
    window.personal.path.write_bytes(b"scribbled over")  # the set itself became unreadable
    view.close()
    window.show_my_digits()
    assert view.empty_label.isVisible() and view.empty_label.text().startswith("Your kept digits cannot be read:")
    assert view.summary.text() == "Your kept digits cannot be read"
    assert view.import_from(tmp_path / "mine.pt") is None
    assert window.personal.path.read_bytes() == b"scribbled over", "an unreadable set is never overwritten"
    window.personal.path.write_bytes(saved)
    view.close()
    window.show_my_digits()
    assert view.empty_label.isHidden() and len(shown(view)) == 3


def test_the_file_named_is_the_one_holding_the_digits(window, qtbot):
    """A set kept by an older digitpad is in personal.pt until the first change writes personal.npz."""
    import shutil
    from pathlib import Path

    from digitpad.core.personal import default_path

    first = default_path().with_suffix(".pt")
    first.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(__file__).parent.parent / "files" / "personal-v1.pt", first)
    window.show_my_digits()
    view = window.my_digits
    wait_for(lambda: read(view), 10)
    assert view.path_label.text() == f"Kept in {first}" and view.summary.text().startswith("3 digits kept")
    keep(window, qtbot, place(STYLES[4]["open"], 60, 30, 250), 4)
    wait_for(lambda: view.summary.text().startswith("4 digits kept"), 10)
    assert view.path_label.text() == f"Kept in {default_path()}"


def test_the_status_line_says_nothing_stale_after_a_change_made_elsewhere(window, qtbot):
    """'Deleted 1 digit' told of this view's last change: once the set changes elsewhere (a digit kept on the Draw
    tab) or the view is opened again, it no longer tells what happened last."""
    view = open_with(window, qtbot, [(0, "oval", 0), (1, "stick", 1)])
    click_item(view.sections[0][1], 0)
    qtbot.mouseClick(view.delete_button, Qt.LeftButton)
    qtbot.mouseClick(shown_box(view).button(QMessageBox.Yes), Qt.LeftButton)
    assert view.message.text() == "Deleted 1 digit"
    keep(window, qtbot, place(STYLES[7]["plain"], 60, 30, 250), 7)
    wait_for(lambda: view.summary.text().startswith("2 digits kept"), 10)
    assert view.message.text() == "", "not 'Deleted 1 digit' under a set that has just grown"
    view.export_to(window.personal.path.parent / "copy.npz")
    assert view.message.text().startswith("Exported 2 digits")
    view.close()
    window.show_my_digits()
    assert view.message.text() == "", "an old message is not shown again days later"


def test_a_drawing_of_each_digit_fits_without_scrolling(window, qtbot):
    """The digits' sections stand side by side (three to a row at the view's size) in digit order: one drawing of
    each digit used to take ten full-width rows and a scroll; a narrow view falls back to one column."""
    for digit in range(10):
        window.personal.add(sample(digit, next(iter(STYLES[digit]))))
    window.show_my_digits()
    view = window.my_digits
    wait_for(lambda: read(view), 10)
    qtbot.waitUntil(lambda: view.scroll.widget().columns == 3, timeout=5_000)
    assert view.scroll.verticalScrollBar().maximum() == 0, "all ten sections in sight"
    tops = {digit: gallery.mapTo(view, gallery.rect().topLeft()) for digit, (_, gallery) in view.sections.items()}
    assert tops[0].y() == tops[1].y() == tops[2].y() < tops[3].y() == tops[5].y() < tops[9].y()
    assert tops[0].x() < tops[1].x() < tops[2].x() and tops[0].x() == tops[3].x() == tops[9].x()
    view.resize(420, 600)
    qtbot.waitUntil(lambda: view.scroll.widget().columns == 1, timeout=5_000)
    assert view.scroll.verticalScrollBar().maximum() > 0
    view.close()
