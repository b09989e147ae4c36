"""Training threads follow the idle cores: all of them on a quiet machine, fewer when others are busy."""

import os

import pytest
import torch

from digitpad.core.cpu_threads import available_cores, threads_for_free_cores, use_free_cores


@pytest.mark.parametrize("cores, load, threads", [(2, 0.0, 2), (2, 0.4, 2), (2, 0.6, 1), (2, 1.0, 1), (2, 12.7, 1),
                                                  (8, 3.2, 5), (8, 0.0, 8), (1, 0.0, 1)])
def test_one_thread_per_idle_core_and_never_none(cores, load, threads):
    assert threads_for_free_cores(cores, load) == threads


def test_torch_is_set_to_the_idle_cores_unless_omp_num_threads_says_otherwise(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
        note = use_free_cores()
        expected = threads_for_free_cores(available_cores(), os.getloadavg()[0])
        assert abs(torch.get_num_threads() - expected) <= 1  # the load average may move between the two reads
        assert (note is None) == (torch.get_num_threads() == available_cores())
        if note:
            assert "OMP_NUM_THREADS" in note and f"{available_cores()} cores" in note

        torch.set_num_threads(before)
        monkeypatch.setenv("OMP_NUM_THREADS", "1")
        assert use_free_cores() is None and torch.get_num_threads() == before, "the person's choice stands"
    finally:
        torch.set_num_threads(before)
