"""The person's kept digits as one shared Qt object: the Draw tab adds, My digits edits, Train reads.

Every change reads the file, changes it and writes it back atomically under a lock shared with the
CLI (core.personal.edit), so the file is always the truth and a `digitpad personal import` running
meanwhile loses nothing. The folder is watched: a change made outside the app also fires `changed`,
which tells every view to refresh. An unreadable file is never overwritten: each change fails with
its message.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Signal

from ..core.personal import PersonalSet, PersonalSetError, default_path, export_path, stored_at
from ..core.personal import edit as edit_locked


class PersonalDigits(QObject):
    """Signal `changed()` fires after every successful change; errors raise core PersonalSetError."""

    changed = Signal()

    def __init__(self, path: str | os.PathLike | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._path = Path(path) if path else None
        self._cache = None  # (the file's stamp, the set read from it): every view asks after each change
        self._known = None  # the file's stamp when the views last heard of it
        self._watcher: QFileSystemWatcher | None = None  # made at the first read

    @property
    def path(self) -> Path:
        return self._path or default_path()

    @property
    def file(self) -> Path:
        """The file that holds the digits now (personal.pt until the first change writes personal.npz)."""
        return stored_at(self.path)

    def _stamp(self) -> tuple | None:
        """The identity of the file holding the digits now (None when there is none): every save replaces the
        file, so all of it changes."""
        file = self.file
        try:
            stat = file.stat()
        except OSError:
            return None
        return file, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino

    def load(self):
        """The set as it is on disk now (empty when nothing was kept yet), in a new list the caller may change
        (the samples in it are shared: replace one rather than change it).

        Reading hundreds of samples takes a noticeable fraction of a second, so a file known unchanged
        is not read again.
        """
        self._watch()
        stamp = self._stamp()
        self._known = stamp  # seen, if unreadable too: the lock file of a failed keeping then changes nothing
        if self._cache is None or stamp is None or self._cache[0] != stamp:
            self._cache = stamp, PersonalSet.load(self.file, missing_ok=True)
        return PersonalSet(list(self._cache[1].samples))

    def _watch(self) -> None:
        """Watch the set's folder (a save replaces the file, so watching the file alone would stop at the first)."""
        if self._watcher is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._watcher = QFileSystemWatcher([str(self.path.parent)], self)
            self._watcher.directoryChanged.connect(self._on_folder_changed)

    def _on_folder_changed(self) -> None:
        stamp = self._stamp()
        if stamp != self._known:  # not a lock file or another file coming and going, nor our own save
            self._known = stamp
            self.changed.emit()

    def _change(self, edit: Callable) -> object:
        self._watch()
        try:
            result, personal = edit_locked(self.path, edit)
        except PersonalSetError:
            self._known = self._stamp()  # seen: its lock file coming and going is no change (it cleared "Not kept")
            raise
        self._cache = self._stamp(), PersonalSet(list(personal.samples))
        self._known = self._cache[0]
        self.changed.emit()
        return result

    def add(self, sample, replacing: tuple | None = None) -> tuple[int, list]:
        """Keep one sample, in place of the one whose `Sample.key()` is `replacing` (a correction corrected again)
        if it is still kept, and of any with the same points (the same drawing kept again: once, with the label
        given last); returns how many are kept now, and the samples it took the place of (for `take_back`)."""
        drawing = sample.drawing()

        def edit(personal) -> tuple[int, list]:
            def replaced(s) -> bool:
                return (replacing is not None and s.key() == replacing) or s.drawing() == drawing

            gone = [s for s in personal.samples if replaced(s)]
            personal.samples = [s for s in personal.samples if not replaced(s)] + [sample]
            return len(personal.samples), gone

        return self._change(edit)

    def take_back(self, key: tuple, replaced: list) -> int:
        """Undo an `add`: the sample whose key is `key` goes and the samples it replaced come back; returns how
        many are kept now."""

        def edit(personal) -> int:
            kept = {s.key() for s in personal.samples}
            personal.samples = [s for s in personal.samples if s.key() != key] + [s for s in replaced
                                                                                    if s.key() not in kept]
            return len(personal.samples)

        return self._change(edit)

    def remove(self, keys: Iterable[tuple]) -> int:
        """Delete the samples with these `Sample.key()`s; returns how many were deleted."""
        doomed = set(keys)

        def edit(personal) -> int:
            before = len(personal.samples)
            personal.samples = [s for s in personal.samples if s.key() not in doomed]
            return before - len(personal.samples)

        return self._change(edit)

    def clear(self) -> None:
        self._change(lambda personal: personal.samples.clear())

    def import_file(self, path: str | os.PathLike) -> int:
        """Merge a set exported earlier; a bad file raises before anything is written. Returns how many are new."""
        incoming = PersonalSet.load(path)
        return self._change(lambda personal: personal.merge(incoming))

    def export_file(self, path: str | os.PathLike) -> Path:
        """Write the set to `path` named as its content is (core.personal.export_path: mine.pt becomes mine.npz)."""
        return self.load().save(export_path(path))
