"""How many CPU threads torch should train with: the cores that other work leaves free.

torch starts one intra-op (OpenMP) thread per core, and every operation waits for all of them at
its end. When other programs keep the cores busy, one of those threads is always waiting for a
time slice and the others spin at the barrier: on two shared cores the quick preset then trained
at 34-56 images/s with two threads against 291-353 with one (benchmarks/train_under_load.py).
So training (the CLI and the Train tab) uses as many threads as there are idle cores, judged by
the one-minute load average, and never fewer than one. OMP_NUM_THREADS, when set, wins.
"""

from __future__ import annotations

import os


def available_cores() -> int:
    """The cores this process may run on (its affinity), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads_for_free_cores(cores: int, load: float) -> int:
    """One thread per core that a load average of `load` leaves idle, at least one and at most `cores`."""
    return max(1, min(cores, int(cores - load + 0.5)))


def use_free_cores() -> str | None:
    """Set torch's intra-op threads to the idle cores; a sentence saying so when that is fewer than all.

    Does nothing (returns None) when OMP_NUM_THREADS is set: the person chose.
    """
    if os.environ.get("OMP_NUM_THREADS"):
        return None
    import torch

    cores, load = available_cores(), os.getloadavg()[0]
    threads = threads_for_free_cores(cores, load)
    torch.set_num_threads(threads)
    if threads == cores:
        return None
    return (f"other work keeps the CPU busy (load {load:.1f} on {cores} cores): training with {threads} "
            f"thread{'s' if threads > 1 else ''}, which is faster than {cores} competing for the cores "
            "(set OMP_NUM_THREADS to choose)")
