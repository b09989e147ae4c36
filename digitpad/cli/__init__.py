"""`digitpad` command line: a thin front on digitpad.core. With no subcommand it opens the GUI.

One module per command group; each is imported only when its command runs, and the parser
(cli.parser) needs no torch. Errors from bad input (core.errors.UserError) end the command with one
clear line on stderr and a non-zero exit; anything else is a bug and keeps its traceback. Output piped into a
reader that stops early (`| head -1`) ends the command quietly, with exit 0.
"""

from __future__ import annotations

import importlib
import os
import sys

from ..core.errors import UserError
from .parser import build_parser


COMMANDS = {  # command -> (module of this package, function)
    "predict": ("reading", "cmd_predict"), "explain": ("reading", "cmd_explain"),
    "train": ("training", "cmd_train"), "finetune": ("training", "cmd_finetune"),
    "evaluate": ("models", "cmd_evaluate"), "export": ("models", "cmd_export"), "info": ("models", "cmd_info"),
    "personal": ("data", "cmd_personal"), "download": ("data", "cmd_download"), "runs": ("runs", "cmd_runs"),
}


def main(argv: list[str] | None = None) -> int:
    """Run the command asked for. When the reader of its output goes away (`digitpad runs | head -1`), it stops
    quietly with exit 0, as Unix tools do (Python's "Note on SIGPIPE"), whatever it was printing, `--help` too."""
    status = 0  # a command stopped by the closed pipe ends 0; one that had already failed keeps its status
    try:
        try:
            status = _run(build_parser().parse_args(argv))
        finally:
            if sys.stdout is not None:  # None in a windowed bundle
                sys.stdout.flush()  # a closed pipe shows here, not as a warning when Python exits
    except BrokenPipeError:
        _quiet_stdout()
    return status


def _quiet_stdout() -> None:
    """The reader of our output went away: print nothing more (Python flushes stdout again when it exits)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def no_display() -> bool:
    """On Linux and the BSDs, no X or Wayland display and no Qt platform chosen: Qt would abort the process
    (SIGABRT) with advice to reinstall."""
    return (sys.platform.startswith(("linux", "freebsd", "openbsd")) and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


def _run(args) -> int:
    """The command's exit status; bad input ends it with one clear line on stderr."""
    if args.command in (None, "gui"):
        if no_display():
            print("digitpad: error: no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set; "
                  "over SSH, try ssh -X). The commands need none: see digitpad --help", file=sys.stderr)
            return 1
        from ..ui.app import run

        return run()
    from .common import EXIT_ERROR, EXIT_INTERRUPTED  # not before: `--help` and the GUI need none of it

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")  # file names that are not UTF-8 print, escaped
    try:
        module, function = COMMANDS[args.command]
        return getattr(importlib.import_module(f".{module}", __name__), function)(args)
    except BrokenPipeError:
        raise  # the reader went away: main ends quietly
    except UserError as e:  # bad input or a fixable problem (a bad file, a diverged run); anything else is a bug
        print(f"digitpad: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as e:  # a file or folder the command needed (not found, not allowed, disk full)
        where = f"{e.filename}: " if e.filename else ""
        print(f"digitpad: error: {where}{e.strerror or e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("digitpad: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
