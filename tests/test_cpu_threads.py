"""Training threads follow the idle cores: all of them on a quiet machine, fewer when others are busy."""

import json
import os
import subprocess
import sys

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


APP_START = """
import json, os, sys
os.getloadavg = lambda: ({load}, {load}, {load})  # the machine as busy as the test says
{before}
from digitpad.core.cpu_threads import available_cores, use_free_cores_from_start
note = use_free_cores_from_start()
import torch
print(json.dumps({{"note": note, "env": os.environ.get("OMP_NUM_THREADS"), "threads": torch.get_num_threads(),
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
    assert busy["env"] == "1" and busy["threads"] == 1, "torch took the thread count set before it loaded"
    assert f"load 50.0 on {busy['cores']} cores" in busy["note"] and "restart" in busy["note"]

    quiet = app_start(load=0.0)
    assert quiet["note"] is None and quiet["env"] is None, "a quiet machine keeps torch's own choice"
    assert app_start(load=50.0, omp="2")["note"] is None, "the person's OMP_NUM_THREADS stands"
    late = app_start(load=50.0, before="import torch")
    assert late["note"] is None and late["env"] is None, "once torch is loaded, setting it would not take"
