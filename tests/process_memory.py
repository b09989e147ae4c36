"""How much memory this process holds, for the tests that check nothing leaks (Linux: /proc)."""

import os


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
