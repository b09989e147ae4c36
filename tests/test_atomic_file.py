"""The one atomic-write helper: what it refuses, what it never follows, and what it never leaves behind."""

import os
import stat
import subprocess
import sys

import pytest

from digitpad.core.atomic_file import TEMP_SUFFIX, write_atomically
from digitpad.core.paths import bundled_model_path


def test_replaces_the_file_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    write_atomically(target, b"new")
    write_atomically(tmp_path / "sub" / "b.bin", lambda f: f.write(b"written by a function"))
    assert target.read_bytes() == b"new" and (tmp_path / "sub" / "b.bin").read_bytes() == b"written by a function"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "sub"]


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX permissions")
def test_the_replaced_file_s_permissions_are_kept(tmp_path):
    private, fresh = tmp_path / "personal.npz", tmp_path / "new.npz"
    private.write_bytes(b"a person's digits")
    private.chmod(0o600)
    write_atomically(private, b"more of them")
    write_atomically(fresh, b"a new file")
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600, "a private file stays private"
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask, "a new file is made as open() makes it"


def test_non_regular_targets_and_the_bundled_model_are_refused(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "victim").write_bytes(b"victim")
    (tmp_path / "link").symlink_to(tmp_path / "victim")
    os.mkfifo(tmp_path / "pipe")
    if os.geteuid() == 0:  # a copy of /dev/null (the real one must not be risked if this ever regressed)
        os.mknod(tmp_path / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    bundled = bundled_model_path().read_bytes()
    cases = {tmp_path / "folder": "is a folder", tmp_path / "link": "symbolic link", tmp_path / "pipe": "special file",
             tmp_path / "null": "device", bundled_model_path(): "bundled model",
             tmp_path / "victim" / "inside": "part of its folder is a file"}
    for target, reason in cases.items():
        if not os.path.lexists(target) and target.name == "null":
            continue
        with pytest.raises(OSError, match=reason) as info:
            write_atomically(target, b"overwritten")
        assert info.value.filename == str(target)
    assert (tmp_path / "victim").read_bytes() == b"victim" and bundled_model_path().read_bytes() == bundled
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["folder", "link", "pipe", "victim"] +
                                                                 (["null"] if os.geteuid() == 0 else []))


def test_a_link_planted_where_a_temporary_could_go_is_never_followed(tmp_path):
    """Temporary names are unique (pid and random) and opened with O_EXCL: a planted name is never written through."""
    (tmp_path / "victim").write_bytes(b"victim")
    (tmp_path / ".model.pt.tmp").symlink_to(tmp_path / "victim")  # the old fixed name of export
    for pid in (os.getpid(), 1):
        (tmp_path / f".model.pt.{pid}-000000000000{TEMP_SUFFIX}").symlink_to(tmp_path / "victim")
    for _ in range(20):
        write_atomically(tmp_path / "model.pt", b"model")
    assert (tmp_path / "victim").read_bytes() == b"victim" and (tmp_path / "model.pt").read_bytes() == b"model"


def test_a_failed_or_interrupted_write_removes_its_temporary_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")

    def fails(error):
        def write(f):
            f.write(b"half")
            raise error
        return write

    for error in (OSError(28, "No space left on device"), KeyboardInterrupt(), RuntimeError("a bug")):
        with pytest.raises(type(error)):
            write_atomically(target, fails(error))
        assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_temporaries_of_killed_saves_are_removed_by_the_next_save_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".a.bin.{dead.stdout.strip()}-0123456789ab{TEMP_SUFFIX}"
    live = tmp_path / f".a.bin.{os.getppid()}-0123456789ab{TEMP_SUFFIX}"  # a save still running elsewhere
    other = tmp_path / f".b.bin.{dead.stdout.strip()}-0123456789ab{TEMP_SUFFIX}"  # another target's: not ours
    for path in (stale, live, other):
        path.write_bytes(b"partial")
    write_atomically(tmp_path / "a.bin", b"new")
    assert not stale.exists() and live.exists() and other.exists()


def test_names_that_are_not_utf8_or_very_long(tmp_path):
    odd = os.fsdecode(bytes(tmp_path) + b"/\xff\xfe.bin")
    long_name = tmp_path / ("n" * 250)
    for target in (odd, long_name):
        write_atomically(target, b"x")
        assert open(target, "rb").read() == b"x"
    assert len(list(tmp_path.iterdir())) == 2
