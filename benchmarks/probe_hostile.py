"""Try hostile files and faults against the CLI and Predictor; print a JSON count of what held and what failed.

A probe holds when digitpad refuses the input with one line naming the file (no Python internals),
exits non-zero where the CLI failed, writes nothing where it must not, loses nothing, and its
resident memory grows by less than MAX_GROWTH_MB. Classes: checkpoints, datasets, personal sets,
saving and exporting, concurrent imports, closed pipes. Run from the project root:
    python benchmarks/probe_hostile.py   (writes benchmarks/probe_hostile.json)
With PYTHONPATH naming an older digitpad and --json elsewhere, it counts what that version failed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files as hostile  # noqa: E402

from digitpad.cli import main  # noqa: E402
from digitpad.core import atomic_file  # noqa: E402
from digitpad.core.checkpoint import CheckpointError  # noqa: E402
from digitpad.core.dataset_files import read_idx  # noqa: E402
from digitpad.core.datasets import DatasetError, load_digit_csv, load_mnist  # noqa: E402
from digitpad.core.paths import bundled_model_path  # noqa: E402
from digitpad.core.personal import PersonalSet, PersonalSetError  # noqa: E402
from digitpad.core.predictor import Predictor  # noqa: E402

MAX_GROWTH_MB = 200
# child processes run the digitpad this probe imported (whatever their working folder)
CHILD_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    [str(Path(sys.modules["digitpad"].__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}
TEMP_SUFFIX = getattr(atomic_file, "TEMP_SUFFIX", ".tmp")  # so the probe also runs on older digitpads
results: dict[str, dict[str, list[str]]] = {}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def record(kind: str, name: str, problem: str | None) -> None:
    entry = results.setdefault(kind, {"held": [], "failed": []})
    entry["failed" if problem else "held"].append(name if not problem else f"{name}: {problem}")


def refused(kind: str, name: str, action, error: type[Exception], path) -> None:
    """`action()` must raise `error` with a clear message, within the memory bound."""
    before = peak_mb()
    try:
        action()
        problem = "accepted"
    except error as e:
        problem = hostile.unclear(str(e), path)
    except BaseException as e:  # noqa: BLE001 - every other escape is what the probe looks for
        problem = f"{type(e).__name__}: {str(e)[:120]}"
    if not problem and peak_mb() - before > MAX_GROWTH_MB:
        problem = f"memory grew by {peak_mb() - before:.0f} MB"
    record(kind, name, problem)


def cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main([os.fsdecode(a) for a in argv])
        except SystemExit as e:
            status = e.code
        except BaseException as e:  # noqa: BLE001
            status, err = -1, io.StringIO(f"{type(e).__name__}: {e}")
    return status, out.getvalue(), err.getvalue()


def cli_refused(kind: str, name: str, argv: list, path, unchanged: Path | None = None) -> None:
    before = unchanged.read_bytes() if unchanged and unchanged.exists() else None
    status, _, err = cli(*argv)
    problem = None if status == 1 else f"exit status {status}: {err.strip()[:200]}"
    problem = problem or hostile.unclear(err.removeprefix("digitpad: error: "), path)
    if not problem and unchanged is not None and (unchanged.read_bytes() if unchanged.exists() else None) != before:
        problem = f"{unchanged} was changed"
    record(kind, name, problem)


def probe_checkpoints(folder: Path, image: Path) -> None:
    files = {}
    for name, raw in hostile.spoiled_checkpoints().items():
        files[name] = folder / f"{name.replace(' ', '-').replace('^', '')}.pt"
        torch.save(raw, files[name])
    good = bundled_model_path().read_bytes()
    raw_files = {"empty": b"", "garbage": b"GIF89a not a model", "truncated": good[: len(good) // 2],
                 "compressed zip": hostile.compressed_torch_zip(good)}
    for name, content in raw_files.items():
        files[name] = folder / f"{name.replace(' ', '-')}.pt"
        files[name].write_bytes(content)
    files["legacy pickle"] = folder / "legacy.pt"
    with open(files["legacy pickle"], "wb") as f:
        pickle.dump({"format": "digitpad-checkpoint"}, f)
    files["a folder"] = folder / "folder.pt"
    files["a folder"].mkdir()
    files["a non-UTF-8 name"] = Path(os.fsdecode(bytes(folder) + b"/\xff\xfe.pt"))
    files["a non-UTF-8 name"].write_bytes(b"junk")
    for name, path in files.items():
        refused("checkpoints", f"Predictor.load: {name}", lambda: Predictor.load(path, device="cpu"),
                CheckpointError, path)
    for name in ("width 10^9", "complex weights holding NaN", "stride-0 weights claiming 10^12 values",
                 "format_version as text", "metrics as text", "garbage", "a non-UTF-8 name"):
        cli_refused("checkpoints", f"predict --model: {name}", ["predict", "--model", files[name], image], files[name])
    cli_refused("checkpoints", "export: sparse weights", ["export", files["sparse weights"], "--format", "torchscript",
                                                          "--out", folder / "x.ts"], files["sparse weights"])


def probe_datasets(folder: Path) -> None:
    for rows in (1, 2):
        path = folder / f"rows{rows}.csv"
        path.write_text(hostile.digit_csv(rows))
        refused("datasets", f"CSV of {rows} rows", lambda: load_digit_csv(path), DatasetError, path)
    no_newline = folder / "one-line.csv"
    no_newline.write_text(hostile.CSV_HEADER.strip() + ",0" * 5_000_000)  # 10 MB without a newline
    refused("datasets", "CSV of 10 MB without a newline", lambda: load_digit_csv(no_newline), DatasetError, no_newline)
    body = folder / "no-header-newline.csv"
    body.write_text("0," * 5_000_000)
    refused("datasets", "CSV of 10 MB without a header", lambda: load_digit_csv(body), DatasetError, body)
    raw = folder / "one" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte").write_bytes(hostile.idx_images(1))
    (raw / "train-labels-idx1-ubyte").write_bytes(hostile.idx_labels(1))
    (raw / "t10k-images-idx3-ubyte").write_bytes(hostile.idx_images(1))
    (raw / "t10k-labels-idx1-ubyte").write_bytes(hostile.idx_labels(1))
    refused("datasets", "IDX with one image", lambda: load_mnist(folder / "one"), DatasetError,
            raw / "train-images-idx3-ubyte")
    bomb = folder / "bomb-images-idx3-ubyte.gz"
    hostile.gzip_bomb(bomb, announced=10, payload=1 << 30)  # 1 GB of zeros in about 1 MB
    refused("datasets", "gzip bomb (1 GB announced as 10 images)", lambda: read_idx(bomb, 2051), DatasetError, bomb)
    huge = folder / "huge-images-idx3-ubyte.gz"
    hostile.gzip_bomb(huge, announced=2**31, payload=1 << 20)
    refused("datasets", "IDX header announcing 2^31 images", lambda: read_idx(huge, 2051), DatasetError, huge)
    cli_refused("datasets", "train --csv of 2 rows", ["train", "--csv", folder / "rows2.csv", "--out",
                                                      folder / "m.pt"], folder / "rows2.csv", folder / "m.pt")


def probe_personal(folder: Path) -> None:
    """Each hostile set in both formats (a torch file as older digitpads wrote, and the .npz), through `load` and
    `personal import` (the person's set unchanged)."""
    mine = folder / "mine.npz"
    PersonalSet.load(mine, missing_ok=True).save(mine)
    files = {}
    for name, raw in hostile.spoiled_personal_sets().items():
        files[f"torch file, {name}"] = folder / f"{name.replace(' ', '-')}.pt"
        torch.save(raw, files[f"torch file, {name}"])
    for name, arrays in hostile.spoiled_personal_arrays().items():
        files[f"npz, {name}"] = folder / f"{name.replace(' ', '-')}.npz"
        hostile.write_npz(files[f"npz, {name}"], arrays)
    files["npz, a header claiming 10^12 labels"] = folder / "huge-header.npz"
    hostile.npz_claiming_huge_labels(files["npz, a header claiming 10^12 labels"])
    files["npz, a zip of text"] = folder / "text.npz"
    hostile.zip_of_text(files["npz, a zip of text"])
    for name, path in files.items():
        refused("personal sets", f"load: {name}", lambda: PersonalSet.load(path), PersonalSetError, path)
        cli_refused("personal sets", f"personal import: {name}", ["personal", "import", path, "--set", mine], path,
                    unchanged=mine)
    cli_refused("personal sets", "finetune --personal: strokes at 1e300",
                ["finetune", "--personal", folder / "strokes-at-1e300.pt", "--out", folder / "f.pt"],
                folder / "strokes-at-1e300.pt", unchanged=folder / "f.pt")


def probe_saving(folder: Path) -> None:
    model = bundled_model_path()
    bundled_before = model.read_bytes()
    targets = {"a folder": folder / "a-folder", "a named pipe": folder / "pipe",
               "a symbolic link": folder / "link.pt", "the bundled model": model}
    if os.geteuid() == 0:  # a device file: a copy of /dev/null (the real one is never risked)
        targets["a device file"] = folder / "null"
        os.mknod(targets["a device file"], 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.mkfifo(targets["a named pipe"])
    targets["a folder"].mkdir()
    (folder / "victim").write_bytes(b"victim")
    targets["a symbolic link"].symlink_to(folder / "victim")
    for name, target in targets.items():
        cli_refused("saving", f"export --out {name}", ["export", model, "--format", "torchscript", "--out", target],
                    target)
        cli_refused("saving", f"personal export to {name}", ["personal", "export", target, "--set",
                                                              folder / "p.npz"], target)
        cli_refused("saving", f"train --out {name}", ["train", "--out", target, "--csv", folder / "none.csv"], target)
    cli_refused("saving", "train --metrics-csv naming a folder (refused before training)",
                ["train", "--out", folder / "t.pt", "--metrics-csv", targets["a folder"], "--csv", folder / "none.csv"],
                targets["a folder"], unchanged=folder / "t.pt")
    problem = None if (folder / "victim").read_bytes() == b"victim" and model.read_bytes() == bundled_before else \
        "a refused target was changed"
    record("saving", "refused targets unchanged (victim of the link, bundled model)", problem)

    planted = folder / ".planted.ts.tmp"
    planted.symlink_to(folder / "victim")
    status, _, err = cli("export", model, "--format", "torchscript", "--out", folder / "planted.ts")
    record("saving", "a symbolic link planted at the old fixed temporary name is not followed",
           None if status == 0 and (folder / "victim").read_bytes() == b"victim" else f"{status} {err}")
    stale = folder / f".planted.ts.999999999-0{TEMP_SUFFIX}"  # pid 999999999 never runs
    stale.write_bytes(b"left by a killed save")
    status, _, err = cli("export", model, "--format", "torchscript", "--out", folder / "planted.ts")
    record("saving", "a killed save's temporary file is removed by the next save",
           None if status == 0 and not stale.exists() else f"{status} {err} {stale.exists()}")
    odd = Path(os.fsdecode(bytes(folder) + b"/\xff-model.ts"))
    status, out, err = cli("export", model, "--format", "torchscript", "--out", odd)
    record("saving", "export to a non-UTF-8 file name", None if status == 0 and odd.is_file() else f"{status} {err}")
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith((TEMP_SUFFIX, ".tmp")) and p != planted]
    record("saving", "no temporary file left by any probe", f"left {leftovers}" if leftovers else None)

    full = """import resource, signal, sys
from digitpad.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
sys.exit(main(sys.argv[1:]))"""
    target = folder / "full-disk.ts"
    result = subprocess.run([sys.executable, "-c", full, "export", str(model), "--format", "torchscript", "--out",
                             str(target)], capture_output=True, text=True, cwd=folder, env=CHILD_ENV)
    left = [p.name for p in folder.iterdir() if "full-disk" in p.name]
    problem = None if result.returncode == 1 and not left else f"exit {result.returncode}, left {left}"
    record("saving", "TorchScript export to a full disk", problem or hostile.unclear(
        result.stderr.removeprefix("digitpad: error: "), target))


def probe_processes(folder: Path) -> None:
    """Two `digitpad personal import` at once lose nothing; `personal stats | head -1` ends quietly."""
    from digitpad.core.personal import Sample

    import numpy as np
    sets = []
    for n in range(2):
        path = folder / f"import{n}.npz"
        PersonalSet([Sample([[(float(i), float(n))]], (280, 280), i % 10, None, np.zeros((28, 28), np.uint8),
                            created=f"{n}-{i}") for i in range(2000)]).save(path)
        sets.append(path)
    mine = folder / "shared.npz"
    command = [sys.executable, "-m", "digitpad", "personal", "import"]
    children = [subprocess.Popen([*command, str(p), "--set", str(mine)], cwd=folder, env=CHILD_ENV,
                                 stdout=subprocess.DEVNULL)
                for p in sets]
    statuses = [c.wait() for c in children]
    count = len(PersonalSet.load(mine).samples)
    record("concurrency", "two `personal import` at once keep every digit",
           None if statuses == [0, 0] and count == 4000 else f"exit {statuses}, {count} of 4000 digits kept")
    pipe = subprocess.run(f"{shlex_quote(sys.executable)} -m digitpad personal stats --set {shlex_quote(str(mine))} "
                          "| true", shell=True, capture_output=True, text=True, cwd=folder, env=CHILD_ENV)
    record("concurrency", "`personal stats | head` ends without a traceback",
           None if "Traceback" not in pipe.stderr and "Error" not in pipe.stderr else pipe.stderr[-300:])


def shlex_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def run() -> dict:
    folder = Path(tempfile.mkdtemp(prefix="digitpad-probe-"))
    try:
        image = folder / "digit.png"
        from PIL import Image, ImageDraw

        picture = Image.new("L", (64, 64), 255)
        ImageDraw.Draw(picture).line([(32, 8), (32, 56)], fill=0, width=6)
        picture.save(image)
        for probe in (probe_checkpoints, probe_datasets, probe_personal, probe_saving, probe_processes):
            sub = folder / probe.__name__
            sub.mkdir()
            probe(sub, image) if probe is probe_checkpoints else probe(sub)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    held = sum(len(r["held"]) for r in results.values())
    failed = sum(len(r["failed"]) for r in results.values())
    return {"held": held, "failed": failed, "peak_rss_mb": round(peak_mb(), 1),
            "classes": {kind: {"held": len(r["held"]), "failed": len(r["failed"])} for kind, r in results.items()},
            "failures": [f for r in results.values() for f in r["failed"]],
            "probes": {kind: r["held"] for kind, r in results.items()}}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default=str(Path(__file__).with_suffix(".json")), help="where to save the report")
    out = Path(parser.parse_args().json)
    report = run()
    text = json.dumps(report, indent=1)
    print(text)
    out.write_text(text + "\n", encoding="utf-8")
    sys.exit(1 if report["failed"] else 0)
