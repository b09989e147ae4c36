"""Words the window puts round a digit."""


def a_digit(digit: int) -> str:
    """'a 7', 'an 8': the article as the digit is said."""
    return f"an {digit}" if digit == 8 else f"a {digit}"


def how_read(label: int, read: int, unsure: bool) -> str:
    """How the model had read a drawing kept as `label`, for the note under the pad: a "?" claimed no digit."""
    return 'shown as "?"' if unsure else "read right" if label == read else f"read as {read}"


def as_read(digit: int, unsure: bool) -> str:
    """A reading as the pad showed it, for a tooltip: 'read as 4', or 'shown as "?" (likeliest 4)'."""
    return f'shown as "?" (likeliest {digit})' if unsure else f"read as {digit}"
