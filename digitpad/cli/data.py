"""`digitpad personal` and `digitpad download`: the person's digit set and MNIST."""

from __future__ import annotations

import sys

from ..core.personal import PersonalSet, PersonalSetError, default_path, edit, export_path, stored_at
from .common import check_outputs


def _named_set(name: str | None) -> PersonalSet:
    """The set `--set` names, which must exist (a mistyped name is not an empty set to report or export over a
    good file), or the person's own, empty until they keep a digit."""
    if name is not None and not stored_at(name).exists():
        raise PersonalSetError(f"{name}: no such personal set")
    return PersonalSet.load(stored_at(name), missing_ok=name is None)


def cmd_personal(args) -> int:
    if args.action == "stats":
        kept_in = stored_at(args.personal_set)  # personal.pt until the first change writes personal.npz
        counts = _named_set(args.personal_set).counts()
        print(f"{sum(counts)} digits in {kept_in}")
        print("  ".join(f"{digit}: {n}" for digit, n in enumerate(counts)))
        return 0
    if args.action == "export":
        target = export_path(args.path)
        if target.resolve() in {stored_at().resolve(), default_path().resolve()}:  # either format's file
            raise PersonalSetError(f"{target}: that is your own kept set, which an export would replace; "
                                   "`digitpad personal import FILE` adds digits to it")
        # the name given too: the bundled model's name is refused as it is; the set exported is never written over
        check_outputs(args.path, str(target), inputs=(str(stored_at(args.personal_set)),))
        mine = _named_set(args.personal_set)
        print(f"exported {len(mine.samples)} digits to {mine.save(target)}")
        return 0
    incoming = PersonalSet.load(args.path)  # a bad file raises here, before anything is written
    added, mine = edit(args.personal_set, lambda personal: personal.merge(incoming))
    print(f"imported {added} new digits; {len(mine.samples)} in all")
    return 0


def cmd_download(args) -> int:
    from ..core.dataset_files import DatasetError, mnist_raw_dir
    from ..core.datasets import download_mnist
    from ..core.mnist_download import damaged

    problems = damaged(mnist_raw_dir(args.data_dir))  # checked first: a damaged file is never fetched again
    if problems:
        raise DatasetError(f"{'; '.join(problems)}. digitpad does not replace files it did not write: mend or remove "
                           f"{'it' if len(problems) == 1 else 'them'} and run `digitpad download` again")
    print(f"MNIST is in {download_mnist(args.data_dir, _print_download_progress)}")
    return 0


def _print_download_progress(name: str, received: int, total: int | None) -> None:
    """One line per file on stderr, redrawn in place on a terminal."""
    if received != total and not sys.stderr.isatty():
        return
    size = f"{received / 1e6:.1f} of {total / 1e6:.1f} MB" if total else f"{received / 1e6:.1f} MB"
    end = "\n" if received and received == total else "\r"
    print(f"downloading {name}.gz: {size}", end=end, file=sys.stderr, flush=True)
