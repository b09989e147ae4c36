"""How many CPU threads torch should train with: the cores that other work leaves free.

torch starts one intra-op (OpenMP) thread per core, and every operation waits for all of them at
its end. When other programs keep the cores busy, one of those threads is always waiting for a
time slice and the others spin at the barrier: on two shared cores the quick preset then trained
at 34-56 images/s with two threads against 291-353 with one (benchmarks/train_under_load.py).
So training uses as many threads as there are idle cores, judged by the one-minute load average,
and never fewer than one. OMP_NUM_THREADS, when set, wins.

The CLI sets torch's threads when a command starts. The app cannot set them later: once
torch.set_num_threads has been called, every thread's first torch operation calls it again (ATen's
init_num_threads), clearing oneDNN's cache under the threads already at work; a Draw-tab reader crashed
beside a training run that had set them, most likely so. The app therefore chooses once, by setting
OMP_NUM_THREADS before torch is imported, by the load when it starts.
"""

from __future__ import annotations

import os
import sys


def available_cores() -> int:
    """The cores this process may run on (its affinity), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads_for_free_cores(cores: int, load: float) -> int:
    """One thread per core that a load average of `load` leaves idle, at least one and at most `cores`."""
    return max(1, min(cores, int(cores - load + 0.5)))


def _busy_note(threads: int, cores: int, load: float) -> str:
    return (f"other work keeps the CPU busy (load {load:.1f} on {cores} cores): training with {threads} "
            f"thread{'s' if threads > 1 else ''}, which is faster than {cores} competing for the cores")


def use_free_cores() -> str | None:
    """Set torch's intra-op threads to the idle cores; a sentence saying so when that is fewer than all.

    Does nothing (returns None) when OMP_NUM_THREADS is set: the person chose. Call it before any thread
    but the caller's runs torch.
    """
    if os.environ.get("OMP_NUM_THREADS"):
        return None
    import torch

    cores, load = available_cores(), os.getloadavg()[0]
    threads = threads_for_free_cores(cores, load)
    torch.set_num_threads(threads)
    return f"{_busy_note(threads, cores, load)} (set OMP_NUM_THREADS to choose)" if threads < cores else None


def use_free_cores_from_start() -> bool:
    """The app's choice, made once before torch loads: OMP_NUM_THREADS set to the idle cores when that is fewer
    than all. False, doing nothing, when the person set OMP_NUM_THREADS or torch is loaded already."""
    if os.environ.get("OMP_NUM_THREADS") or "torch" in sys.modules:
        return False
    cores = available_cores()
    threads = threads_for_free_cores(cores, os.getloadavg()[0])
    if threads < cores:
        os.environ["OMP_NUM_THREADS"] = str(threads)
    return True


def threads_advice(threads: int, chosen_at_start: bool, cores: int, load: float) -> str | None:
    """What the Train tab says as a run starts with `threads` torch threads on `cores` cores at a load average of
    `load`: why fewer than the cores (`chosen_at_start`: the app set them so as it started), or that another count
    would now train faster (the app cannot change it once torch runs); None for torch's own count when right."""
    best = threads_for_free_cores(cores, load)
    if best < threads:
        return (f"other work keeps the CPU busy (load {load:.1f} on {cores} cores): {threads} threads compete for "
                f"the cores, where {best} would train faster. The thread count is set as digitpad starts: restart it "
                f"to train with {best}")
    if best > threads and chosen_at_start:
        return (f"training with {threads} thread{'s' if threads > 1 else ''}, chosen when digitpad started on a "
                f"busy CPU; it is quieter now (load {load:.1f} on {cores} cores): restart digitpad to train with "
                f"{best}")
    return _busy_note(threads, cores, load) if chosen_at_start else None
