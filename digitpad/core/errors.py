"""The base of every error a person can fix (a bad file, a bad option, a full disk): the CLI prints its message
as one line; anything else is a bug and keeps its traceback."""


class UserError(ValueError):
    """Bad input or an environment problem; the message names the file and says what is wrong."""
