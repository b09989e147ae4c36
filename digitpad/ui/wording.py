"""Words the window puts round a digit."""


def a_digit(digit: int) -> str:
    """'a 7', 'an 8': the article as the digit is said."""
    return f"an {digit}" if digit == 8 else f"a {digit}"
