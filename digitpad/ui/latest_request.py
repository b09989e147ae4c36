"""Only the newest request's answer counts: work started in the background may finish out of order."""

from __future__ import annotations


class LatestRequest:
    """Take a ticket with `new()` when starting work (or when what is shown is replaced), and check it with
    `is_current(ticket)` when the answer comes back: an older answer arriving late is dropped."""

    def __init__(self):
        self._latest = 0

    def new(self) -> int:
        self._latest += 1
        return self._latest

    @property
    def current(self) -> int:
        """The newest ticket, for work that belongs to the same request (e.g. a drawing as it grows)."""
        return self._latest

    def is_current(self, ticket: int) -> bool:
        return ticket == self._latest
