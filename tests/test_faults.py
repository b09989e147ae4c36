"""Faults from outside: a save killed half-way, an unwritable folder, no network."""

import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
from digit_strokes import STYLES, place

from digitpad.core.atomic_file import TEMP_SUFFIX
from digitpad.core.checkpoint import Checkpoint, CheckpointError
from digitpad.core.datasets import DatasetError, download_mnist
from digitpad.core.models import build_model
from digitpad.core.personal import PersonalSet, Sample

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
    while not any(p.name.endswith(TEMP_SUFFIX) and p.stat().st_size > 0 for p in tmp_path.iterdir()):
        assert child.poll() is None and time.time() < deadline, "the save finished before it could be killed"
        time.sleep(0.001)
    child.send_signal(signal.SIGKILL)
    child.wait()
    survivor = Checkpoint.load(path)
    assert survivor.name == "the good one" and survivor.arch_args == {}
    assert len(list(tmp_path.iterdir())) == 2, "the killed save left its temporary file"
    Checkpoint.from_model(build_model("simple"), "simple", {}, name="the next one").save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"], "the next save removed the stale temporary file"


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nobody may write to: a read-only tmpfs for root (who ignores permissions), else chmod 555."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("running as root without the right to mount a read-only tmpfs")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_unwritable_folder_is_reported_and_nothing_changes(read_only_folder, tmp_path):
    with pytest.raises(CheckpointError, match="could not save the model to .*read-only/m.pt: Read-only file "
                                              "system|Permission denied"):
        Checkpoint.from_model(build_model("lenet5"), "lenet5", {}).save(read_only_folder / "m.pt")
    assert list(read_only_folder.iterdir()) == []
    for fmt in ("torchscript", "onnx"):
        result = subprocess.run([sys.executable, "-m", "digitpad", "export", "resources/digitnet.pt", "--format", fmt,
                                 "--out", str(read_only_folder / "m.export")], capture_output=True, text=True)
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert "cannot be written" in result.stderr and "read-only/m.export" in result.stderr  # before any work
    result = subprocess.run([sys.executable, "-m", "digitpad", "export", "resources/digitnet.pt", "--format",
                             "torchscript", "--out", str(tmp_path / "missing" / "m.pt")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and (tmp_path / "missing" / "m.pt").is_file(), "a missing folder is made"
    assert list(read_only_folder.iterdir()) == []


def test_a_run_whose_model_could_not_be_saved_is_refused_before_it_trains(read_only_folder, tmp_path):
    """`train --out` into a folder where nothing can be written stops at once, not after the run (whose model
    would then be lost); the data folder given does not even exist, so nothing was read."""
    result = subprocess.run([sys.executable, "-m", "digitpad", "train", "--preset", "quick", "--out",
                             str(read_only_folder / "m.pt"), "--data-dir", str(tmp_path / "no-data")],
                            capture_output=True, text=True)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "read-only/m.pt: cannot be written" in result.stderr


FULL_DISK = """
import resource, signal, sys
from digitpad.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the limit, write() fails with EFBIG as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("command", [["export", "resources/digitnet.pt", "--format", "torchscript", "--out", "OUT"],
                                     ["export", "resources/digitnet.pt", "--format", "onnx", "--out", "OUT"],
                                     ["personal", "export", "OUT"]])
def test_a_full_disk_is_reported_and_leaves_nothing(tmp_path, command):
    """The disk fills up half-way (a file-size limit of 100 kB in a child process; the model is 1.3 MB)."""
    target = tmp_path / "out.file"
    target.write_bytes(b"the previous file")
    if command[0] == "personal":
        mine = tmp_path / "mine.pt"
        strokes = place(STYLES[7]["plain"], 40, 20, 200)
        PersonalSet([Sample(strokes, (280, 280), 7, 7, np.zeros((28, 28), np.uint8), created=str(i))
                     for i in range(300)]).save(mine)
        command = [*command, "--set", str(mine)]
    command = [str(target) if part == "OUT" else part for part in command]
    result = subprocess.run([sys.executable, "-c", FULL_DISK, *command], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "File too large" in result.stderr and "out.file" in result.stderr
    assert target.read_bytes() == b"the previous file"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.file"] + (["mine.pt"] if "--set" in command
                                                                                 else []))


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
