"""MNIST download without torchvision (core.mnist_download), offline: a local HTTP server on 127.0.0.1 serves
the real MNIST files gzipped, beside a mirror that cannot be reached and one that serves a damaged file.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import socket
import threading
from pathlib import Path

import pytest

from digitpad.core import mnist_download
from digitpad.core.datasets import DatasetError, download_mnist, load_dataset, load_mnist
from digitpad.core.mnist_download import FILES, DownloadError, download_mnist_files
from digitpad.ui.dataset_choice import DEFAULT, DatasetChoice


@pytest.fixture(scope="session")
def gz_folder(mnist_root, tmp_path_factory) -> Path:
    """MNIST's four files gzipped, as a mirror serves them (made from the raw files when only those exist)."""
    folder = tmp_path_factory.mktemp("mirror")
    raw = mnist_root / "MNIST" / "raw"
    for name in FILES:
        gz = raw / f"{name}.gz"
        data = gz.read_bytes() if gz.is_file() else gzip.compress((raw / name).read_bytes(), compresslevel=1)
        (folder / f"{name}.gz").write_bytes(data)
    return folder


@pytest.fixture
def serve():
    """serve(folder) -> the URL of an HTTP server on 127.0.0.1 serving that folder; stopped after the test."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def unreachable_mirror() -> str:
    """A local port nobody listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def test_downloads_the_four_files_past_an_unreachable_mirror(gz_folder, serve, tmp_path):
    seen = {}
    raw = download_mnist_files(tmp_path / "MNIST" / "raw", lambda name, got, total: seen.update({name: (got, total)}),
                               mirrors=[unreachable_mirror(), serve(gz_folder)])
    assert sorted(p.name for p in raw.iterdir()) == sorted(f"{name}.gz" for name in FILES)  # no temporary left
    assert seen == {name: ((gz_folder / f"{name}.gz").stat().st_size,) * 2 for name in FILES}
    data = load_mnist(tmp_path)
    assert (len(data.train_labels), len(data.test_labels)) == (60_000, 10_000)


def test_a_damaged_file_is_refused_and_the_next_mirror_used(gz_folder, serve, tmp_path):
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    content = bytearray(gzip.decompress((gz_folder / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    content[100] ^= 1  # one label changed: same length, wrong checksum
    (damaged / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(content)))
    files = {"t10k-labels-idx1-ubyte": FILES["t10k-labels-idx1-ubyte"]}
    raw = tmp_path / "raw"
    with pytest.raises(DownloadError) as error:
        download_mnist_files(raw, mirrors=[serve(damaged)], files=files)
    assert "t10k-labels-idx1-ubyte.gz" in str(error.value) and "checksum mismatch" in str(error.value)
    assert not raw.exists() or not any(raw.iterdir())  # nothing written
    download_mnist_files(raw, mirrors=[serve(damaged), serve(gz_folder)], files=files)
    assert [p.name for p in raw.iterdir()] == ["t10k-labels-idx1-ubyte.gz"]


def test_files_already_there_are_kept(gz_folder, serve, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in FILES:
        (raw / name).write_bytes(b"kept")  # not fetched again, whatever they hold
    download_mnist_files(raw, mirrors=[unreachable_mirror()])
    assert sorted(p.read_bytes() for p in raw.iterdir()) == [b"kept"] * 4


def test_offline_the_cli_message_names_the_folder_and_the_flag(monkeypatch, tmp_path):
    monkeypatch.setattr(mnist_download, "MIRRORS", (unreachable_mirror(),))
    with pytest.raises(DatasetError) as error:
        download_mnist(tmp_path)
    message = str(error.value)
    assert str(tmp_path / "MNIST" / "raw") in message and "unreachable" in message and "--data-dir" in message


def test_offline_the_train_tab_message_says_what_to_do_in_the_app(monkeypatch, tmp_path):
    monkeypatch.setattr(mnist_download, "MIRRORS", (unreachable_mirror(),))
    monkeypatch.setenv("DIGITPAD_DATA_DIR", str(tmp_path))
    with pytest.raises(DatasetError) as error:
        DatasetChoice(DEFAULT).load()
    message = str(error.value)
    assert "train-images-idx3-ubyte.gz" in message and "unreachable" in message
    assert '"MNIST in a local folder"' in message and "Connect to the internet" in message
    assert "--" not in message and "DIGITPAD_DATA_DIR" not in message  # no command-line flag in the app


def test_the_download_command_checks_the_files_already_there(mnist_root, tmp_path):
    """A good copy is said to be there; a damaged one (truncated here) is named, and kept for the person to remove:
    downloading fetches only missing files, so it would never be mended."""
    from cli_runner import digitpad

    assert digitpad("download", "--data-dir", str(mnist_root)).stdout.startswith("MNIST is in ")
    good, raw = mnist_root / "MNIST" / "raw", tmp_path / "MNIST" / "raw"
    if not all((good / name).is_file() for name in FILES):
        pytest.skip("the MNIST copy here is gzipped only")
    raw.mkdir(parents=True)
    for name in FILES:
        (raw / name).symlink_to(good / name)
    (raw / "t10k-images-idx3-ubyte").unlink()
    (raw / "t10k-images-idx3-ubyte").write_bytes((good / "t10k-images-idx3-ubyte").read_bytes()[:7_000_000])
    result = digitpad("download", "--data-dir", str(tmp_path), check=False)
    assert result.returncode == 1 and result.stderr.startswith(f"digitpad: error: {raw / 't10k-images-idx3-ubyte'}: "
                                                               "not MNIST's file: 7000000 bytes, expected 7840016")
    assert "mend or remove it and run `digitpad download` again" in result.stderr
    assert (raw / "t10k-images-idx3-ubyte").stat().st_size == 7_000_000


def test_evaluating_downloads_only_the_test_files(gz_folder, serve, monkeypatch, tmp_path):
    monkeypatch.setattr(mnist_download, "MIRRORS", (serve(gz_folder),))
    data = load_dataset(tmp_path, download=True, test_only=True)
    assert len(data.test_labels) == 10_000 and len(data.train_labels) == 0
    assert sorted(p.name for p in (tmp_path / "MNIST" / "raw").iterdir()) == [
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"], "not the 47 MB of training images"
