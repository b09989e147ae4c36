"""The one red the app says a failure in: a file not read, a crashed run, a fine-tune withheld, a set that cannot be
read, settings Start refuses."""

FAILED_COLOR = "#c0392b"


def failure_style(failed: bool, rest: str = "") -> str:
    """A label's style sheet: its text in the failure red when `failed`, and `rest` (say, bold) either way."""
    return (f"color: {FAILED_COLOR}; " if failed else "") + rest
