"""Training threads follow the idle cores: all of them on a quiet machine, fewer when others are busy."""

import json
import os
import subprocess
import sys

import pytest
import torch

from digitpad.core.cpu_threads import available_cores, threads_advice, threads_for_free_cores, use_free_cores


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


APP_START = """
import json, os, sys
os.getloadavg = lambda: ({load}, {load}, {load})  # the machine as busy as the test says
{before}
from digitpad.core.cpu_threads import available_cores, use_free_cores_from_start
chosen = use_free_cores_from_start()
import torch
print(json.dumps({{"chosen": chosen, "env": os.environ.get("OMP_NUM_THREADS"), "threads": torch.get_num_threads(),
                  "cores": available_cores()}}))
"""


def app_start(load: float, before: str = "", omp: str | None = None) -> dict:
    """The app's thread choice in a fresh process (torch reads OMP_NUM_THREADS when it loads)."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    if omp:
        env["OMP_NUM_THREADS"] = omp
    done = subprocess.run([sys.executable, "-c", APP_START.format(load=load, before=before)], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_app_trains_with_the_idle_cores_it_finds_at_start_by_setting_them_before_torch_loads():
    busy = app_start(load=50.0)
    if busy["cores"] == 1:
        pytest.skip("one core: there is never a fewer to choose")
    assert busy["chosen"] and busy["env"] == "1" and busy["threads"] == 1, "torch took the count set before it loaded"
    quiet = app_start(load=0.0)
    assert quiet["chosen"] and quiet["env"] is None, "a quiet machine keeps torch's own choice"
    assert not app_start(load=50.0, omp="2")["chosen"], "the person's OMP_NUM_THREADS stands"
    late = app_start(load=50.0, before="import torch")
    assert not late["chosen"] and late["env"] is None, "once torch is loaded, setting it would not take"


def test_a_run_is_told_why_it_has_fewer_threads_or_that_a_restart_would_choose_better():
    assert threads_advice(2, False, 2, 0.3) is None, "all the cores, and they are idle"
    fewer = threads_advice(1, True, 2, 3.1)
    assert fewer.startswith("other work keeps the CPU busy (load 3.1 on 2 cores): training with 1 thread, which")
    too_many = threads_advice(2, False, 2, 3.1)  # the app started on a quiet machine; others came since
    assert "2 threads compete for the cores, where 1 would train faster" in too_many
    assert too_many.endswith("The thread count is set as digitpad starts: restart it to train with 1")
    too_few = threads_advice(1, True, 2, 0.2)  # it started on a busy machine, now quiet
    assert "chosen when digitpad started on a busy CPU" in too_few and "restart digitpad to train with 2" in too_few
    assert threads_advice(4, False, 8, 0.0) is None, "torch's own count (its physical cores) is never questioned"
