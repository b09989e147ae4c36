"""Faults from outside: a save killed half-way, an unwritable folder, no network."""

import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from digitpad.core.checkpoint import Checkpoint, CheckpointError
from digitpad.core.datasets import DatasetError, download_mnist
from digitpad.core.models import build_model

BIG_SAVE = """
import sys
from digitpad.core.checkpoint import Checkpoint
from digitpad.core.models import build_model
args = {"hidden": 20000}
Checkpoint.from_model(build_model("simple", **args), "simple", args).save(sys.argv[1])
"""


def test_process_killed_mid_save_leaves_the_previous_model_intact(tmp_path):
    path = tmp_path / "model.pt"
    Checkpoint.from_model(build_model("simple"), "simple", {}, name="the good one").save(path)
    child = subprocess.Popen([sys.executable, "-c", BIG_SAVE, str(path)])
    deadline = time.time() + 120
    while not any(p.name.endswith(".tmp") and p.stat().st_size > 0 for p in tmp_path.iterdir()):
        assert child.poll() is None and time.time() < deadline, "the save finished before it could be killed"
        time.sleep(0.001)
    child.send_signal(signal.SIGKILL)
    child.wait()
    survivor = Checkpoint.load(path)
    assert survivor.name == "the good one" and survivor.arch_args == {}


def test_unwritable_folder_is_reported_and_nothing_changes(tmp_path, monkeypatch):
    path = Checkpoint.from_model(build_model("lenet5"), "lenet5", {}).save(tmp_path / "m.pt")
    before = path.read_bytes()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    with pytest.raises(CheckpointError, match="Permission denied"):
        Checkpoint.from_model(build_model("lenet5"), "lenet5", {}).save(path)
    assert path.read_bytes() == before


def online() -> bool:
    try:
        socket.create_connection(("ossci-datasets.s3.amazonaws.com", 443), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(online(), reason="this machine is online, so the offline message cannot be shown")
def test_offline_download_says_how_to_use_a_local_copy(tmp_path):
    with pytest.raises(DatasetError) as info:
        download_mnist(tmp_path)
    message = str(info.value)
    assert "could not download MNIST" in message and "--data-dir" in message and "DIGITPAD_DATA_DIR" in message
    assert "\n" not in message
    assert not list((tmp_path / "MNIST" / "raw").glob("*-ubyte")), "nothing half-downloaded is left as data"
