"""Words the window puts round digits and counts."""


def a_digit(digit: int) -> str:
    """'a 7', 'an 8': the article as the digit is said."""
    return f"an {digit}" if digit == 8 else f"a {digit}"


def how_read(label: int, read: int, unsure: bool) -> str:
    """How the model had read a drawing kept as `label`, for the note under the pad: a "?" claimed no digit."""
    return 'shown as "?"' if unsure else "read right" if label == read else f"read as {read}"


def as_read(digit: int, unsure: bool) -> str:
    """A reading as the pad showed it, for a tooltip: 'read as 4', or 'shown as "?" (likeliest 4)'."""
    return f'shown as "?" (likeliest {digit})' if unsure else f"read as {digit}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def kept_counts(counts) -> str:
    """How many of each digit were kept, the ones kept only: "2 × 1, 1 × 7" (two ones, a seven), never broken
    inside a pair."""
    return ", ".join(f"{n}\u00a0×\u00a0{d}" for d, n in enumerate(counts) if n)


def ended_after(early: dict, epochs: int) -> str:
    """How much of a run ended early was trained (core.trainer's "ended_early"): "3 of 12 epochs", "3 of 12 epochs
    and 40 steps"."""
    done, steps = early["epoch"] - 1, early["step"]
    return f"{done} of {plural(epochs, 'epoch')}" + (f" and {plural(steps, 'step')}" if steps else "")
