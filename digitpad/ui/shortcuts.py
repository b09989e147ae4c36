"""The window's keyboard shortcuts and what they do, in one table: the shortcuts are made from it and Help ▸
Keyboard shortcuts shows it, so the keys listed are the keys bound (the platform's own for undo, open, quit...).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

DIGITS = tuple(str(digit) for digit in range(10))


@dataclass(frozen=True)
class Keys:
    keys: tuple[str | QKeySequence.StandardKey, ...]  # a standard key stands for all of its bindings here
    does: str

    def sequences(self) -> list[QKeySequence]:
        """The key sequences bound on this platform, each once (Qt fires neither of two shortcuts on one key)."""
        found: list[QKeySequence] = []
        for key in self.keys:
            standard = isinstance(key, QKeySequence.StandardKey)
            bindings = QKeySequence.keyBindings(key) if standard else [QKeySequence(key)]
            found += [b for b in bindings if b.toString() not in {f.toString() for f in found}]
        return found

    def shown(self) -> str:
        """The keys as a person reads them, leaving out keys few keyboards have ("" when none is bound here)."""
        names = [s.toString(QKeySequence.NativeText) for s in self.sequences() if _on_most_keyboards(s)]
        if tuple(names) == DIGITS:
            return "0 to 9"
        return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


# Keys of their own on some keyboards (Sun's, multimedia ones), which the platform binds beside Ctrl+Z and the like
DEDICATED = {Qt.Key_Undo, Qt.Key_Redo, Qt.Key_Open, Qt.Key_Save, Qt.Key_Paste, Qt.Key_Copy, Qt.Key_Cut, Qt.Key_Help,
             Qt.Key_Exit, Qt.Key_Find}


def _on_most_keyboards(sequence: QKeySequence) -> bool:
    key = sequence[0].key()
    return key not in DEDICATED and not Qt.Key_F13.value <= key.value <= Qt.Key_F35.value


UNDO = Keys((QKeySequence.Undo,), "undo the last stroke, or a drawing just kept")
REDO = Keys((QKeySequence.Redo, "Ctrl+Shift+Z"), "redo it")
CLEAR = Keys(("Esc", "Del", "Backspace"), "clear the pad (undo brings the drawing back)")
KEEP_AS = Keys(DIGITS, "keep the drawing as that digit (in My digits)")
KEEP_AS_READ = Keys(("Return", "Enter"), "keep it as the digit it was read as")
TABS = (Keys(("Ctrl+1",), "the Draw tab"), Keys(("Ctrl+2",), "the Train tab"), Keys(("Ctrl+3",), "the Inside tab"))
OPEN_IMAGE = Keys((QKeySequence.Open,), "open an image of a digit or a number")
PASTE_IMAGE = Keys((QKeySequence.Paste,), "read the image in the clipboard")
COPY_ANSWER = Keys((QKeySequence.Copy,), "copy the answer: the digit, or the number as read")
SAVE_DRAWING = Keys((QKeySequence.Save,), "save the drawing as a PNG")
LOAD_MODEL = Keys(("Ctrl+L",), "load a checkpoint")
MY_DIGITS = Keys(("Ctrl+D",), "My digits: the digits you kept")
HELP = Keys((QKeySequence.HelpContents,), "this list")
QUIT = Keys((QKeySequence.Quit,), "quit")
# Not QKeySequence.Delete, which also binds Ctrl+D on Linux: there Ctrl+D is what opens My digits
DELETE_DIGITS = Keys(("Del", "Backspace"), "delete the selected digits")

TABLE = (("Drawing (Draw tab)", (UNDO, REDO, CLEAR, KEEP_AS, KEEP_AS_READ)),
         ("The window", (*TABS, OPEN_IMAGE, PASTE_IMAGE, COPY_ANSWER, SAVE_DRAWING, LOAD_MODEL, MY_DIGITS, HELP, QUIT)),
         ("My digits", (DELETE_DIGITS,)))

# Keys a part of the window answers while it has the focus (Tab reaches it), not shortcuts: listed, not bound here
MAP_MOVE = Keys(("Left", "Right", "Up", "Down"), "move from map to map")
MAP_ENDS = Keys(("Home", "End"), "the first or the last map")
MAP_CHOOSE = Keys(("Return", "Enter", "Space"), "lay the map over the input, or take it away")
FOCUSED_TABLE = (("A layer's feature maps (Inside tab; Tab reaches each layer)", (MAP_MOVE, MAP_ENDS, MAP_CHOOSE)),)


def drawing_keys() -> str:
    """The pad's keys in a sentence, for its tooltips."""
    return f"{UNDO.shown()} undoes a stroke, {REDO.shown()} redoes, {CLEAR.shown()} clears."


def table_html() -> str:
    rows = []
    for where, entries in (*TABLE, *FOCUSED_TABLE):
        rows.append(f"<tr><td colspan='2'><br><b>{html.escape(where)}</b></td></tr>")
        rows += [f"<tr><td style='padding-right: 16px'>{html.escape(keys.shown())}</td>"
                 f"<td>{html.escape(keys.does)}</td></tr>" for keys in entries if keys.shown()]
    return f"<table>{''.join(rows)}</table>"


def show_table(parent: QWidget) -> QMessageBox:
    """The table in a window-modal box, open until closed; returns the box at once (no event loop of its own)."""
    box = QMessageBox(QMessageBox.NoIcon, "Keyboard shortcuts", table_html(), QMessageBox.Close, parent)
    box.setTextFormat(Qt.RichText)
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()
    return box
