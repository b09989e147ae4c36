"""What several commands share: exit codes, progress on stderr, output checks, options as settings."""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager
from dataclasses import fields

from ..core import cpu_threads
from ..core.atomic_file import check_target, check_writable
from ..core.errors import UserError
from ..core.per_digit import per_digit_shares


EXIT_ERROR, EXIT_INTERRUPTED = 1, 130


def with_progress(events):
    """Show a run's progress on stderr (messages, a step bar, a line per epoch) and pass every event on."""
    from tqdm import tqdm

    from ..core.trainer import Epoch, Finished, Message, Step, Stopped

    bar = None
    try:
        for event in events:
            if isinstance(event, Message):
                tqdm.write(event.text, file=sys.stderr)
            elif isinstance(event, Step):
                if bar is None:
                    bar = tqdm(total=event.epochs * event.steps_per_epoch, unit="step", file=sys.stderr,
                               dynamic_ncols=True, mininterval=0.5 if sys.stderr.isatty() else 10)
                bar.set_description(f"epoch {event.epoch}/{event.epochs}", refresh=False)
                bar.set_postfix_str(f"loss {event.loss:.3f}, {event.images_per_second:,.0f} img/s", refresh=False)
                bar.update(1)
            elif isinstance(event, Epoch):
                tqdm.write(f"epoch {event.epoch}/{event.epochs}: train loss {event.train_loss:.4f}, "
                           f"val loss {event.val_loss:.4f}, val accuracy {event.val_accuracy:.2%}", file=sys.stderr)
            elif isinstance(event, (Finished, Stopped)) and bar is not None:  # what follows is on a line of its own
                bar.close()
                bar = None
            yield event
    finally:
        if bar is not None:
            bar.close()


def load_predictor(model: str | None, device: str):
    """The model (None: the bundled one) on the device asked for; a device that cannot be used is said on stderr,
    as `train` says it, not silently replaced by the CPU."""
    from ..core.predictor import Predictor

    predictor = Predictor.load(model, device=device)
    if predictor.device_note:
        print(f"digitpad: {predictor.device_note}", file=sys.stderr)
    return predictor


def use_free_cores() -> None:
    """Train with the cores other work leaves idle (see core.cpu_threads): far faster on a busy machine."""
    note = cpu_threads.use_free_cores()
    if note:
        print(f"digitpad: {note}", file=sys.stderr)


def check_outputs(*paths: str | None, inputs: tuple[str | None, ...] = ()) -> None:
    """Refuse, before any work, an output that is a folder, a device, a link, the bundled model, one of the
    command's `inputs` (writing there would destroy it), or in a folder where no file can be made."""
    for path in (path for path in paths if path is not None):  # an empty name is refused, not skipped
        if path == "-":  # it means standard input to predict and explain: here it made a file named "-"
            raise UserError("-: this writes a file, not to standard output: name the file")
        try:
            check_target(path)
            if any(os.path.exists(path) and os.path.exists(given) and os.path.samefile(path, given)
                   for given in filter(None, inputs)):
                raise UserError(f"{path}: cannot be written: it is this command's input, which would be lost; "
                                "choose another file")
            check_writable(path)
        except OSError as e:
            raise UserError(f"{path or repr(path)}: cannot be written: {e.strerror or e}") from None


def training_inputs(args) -> tuple[str, ...]:
    """What train and finetune read, which their outputs must not replace: the CSV, or MNIST's files."""
    from ..core.dataset_files import mnist_files

    return (args.csv,) if args.csv else tuple(str(path) for path in mnist_files(args.data_dir))


def check_folder(path: str) -> None:
    """Refuse, before any work, a folder (TensorBoard's log folder) that is a file or where no file could be
    written, judged as every output is (`check_writable`); nothing is left behind, so a run refused later leaves
    no empty folder."""
    if os.path.isfile(path):
        raise UserError(f"{path}: cannot be used as a folder: it is a file")
    try:
        check_writable(os.path.join(path, "events"))
    except OSError as e:
        raise UserError(f"{path}: cannot be used as a folder: {e.strerror or e}") from None


def settings_given(args, settings) -> dict:
    """The options given on the command line that set a field of the dataclass `settings` (each option is
    named as the field it sets)."""
    names = {f.name for f in fields(settings)}
    return {k: v for k, v in vars(args).items() if v is not None and k in names}


def save_model(recorder, checkpoint, path: str) -> None:
    """Save the run's model and note it in the run's record; a record that cannot be updated is only mentioned."""
    problem = recorder.store.keep_model(recorder.id, checkpoint, path)
    if problem and recorder.recording:  # else the record's failure was said when it happened
        print(f"digitpad: the run record was not updated with the saved model: {problem}", file=sys.stderr)


def print_scores(result: dict) -> None:
    """Accuracy, loss, per-digit precision and recall, and the confusion matrix, as text."""
    print(f"accuracy {result['accuracy']:.2%}  loss {result['loss']:.4f}\n")
    print("digit  precision  recall")
    for digit, (precision, recall) in enumerate(per_digit_shares(result)):  # a dash: nothing to count
        print(f"{digit:>5}  {'-' if precision is None else f'{precision:.2%}':>9}  "
              f"{'-' if recall is None else f'{recall:.2%}':>6}")
    print("\nconfusion matrix (rows: true digit, columns: predicted)")
    print("     " + "".join(f"{d:>6}" for d in range(10)))
    for digit, row in enumerate(result["confusion"]):
        print(f"{digit:>5}" + "".join(f"{n:>6}" for n in row))


class Interruption:
    """Which signal stopped a run: its exit status is 128 + the signal's number, as the shell reports a process
    that signal ended (130 for Ctrl+C, 143 for `kill`)."""

    def __init__(self):
        self.signum = signal.SIGINT  # a KeyboardInterrupt raised by Python is Ctrl+C's

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


@contextmanager
def ctrl_c_stops(control):
    """Ctrl+C, or a polite `kill` (SIGTERM), asks the training loop to stop at its next step, so the run is
    recorded as stopped, not crashed; yields the Interruption that says which. Python's own KeyboardInterrupt is
    raised wherever the main thread happens to be, and one raised inside a finaliser is printed and swallowed: the
    run went on. A second signal acts at once, as it would without this."""
    interruption = Interruption()

    def stop(signum, frame) -> None:
        restore()
        interruption.signum = signum
        control.stop()

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield interruption
    finally:
        restore()
