#!/usr/bin/env python3
"""Build digitpad's one-folder PyInstaller bundle from a clean virtual environment, smoke-test it, measure it.

    python packaging/build.py                          # CPU torch from PyTorch's CPU index, no torchvision
    python packaging/build.py --torchvision            # + the matching CPU torchvision (digitpad needs none)
    python packaging/build.py --torch torch==2.13.0    # a torch found by your pip config (local wheel, mirror)
    python packaging/build.py --flavour cuda           # CUDA torch from PyPI: a 4-5 GB bundle

Steps: (1) a fresh venv (default: <tmp>/digitpad-bundle-venv, recreated unless --reuse-venv), (2) torch [+
torchvision], PyInstaller and digitpad's other dependencies from pyproject.toml (digitpad itself is not
installed: the spec takes it from the source tree), (3) `pyinstaller packaging/digitpad.spec` into dist/digitpad,
(4) an archive (tar.xz by default, without the smoke-test executable), (5) the smoke test of packaging/smoke.py
(every tab; the build fails when one cannot be built), (6) the figures as JSON on stdout and in
benchmarks/bundle.json. Exit status 1 if a step fails or a target is missed. --reuse-bundle redoes (4)-(6) only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import blas_shim  # noqa: E402  (packaging/blas_shim.py)
import smoke  # noqa: E402  (packaging/smoke.py)

CPU_INDEX = "https://download.pytorch.org/whl/cpu"
TARGET_BUNDLE_MB = 600
TARGET_COLD_START_S = 3.0
NOT_FROM_PYPROJECT = ("torch", "torchvision")  # installed first, from the flavour's index


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(cmd: list[str], **kwargs) -> None:
    """Run a step; its output goes to stderr, so that stdout carries only the JSON figures."""
    log("+ " + " ".join(str(c) for c in cmd))
    sys.stderr.flush()
    subprocess.run([str(c) for c in cmd], check=True, stdout=sys.stderr, **kwargs)


def nice(cmd: list) -> list:
    """Builds share the machine: run heavy steps at niceness 10 where `nice` exists (not more if already niced)."""
    more = 10 - os.nice(0) if hasattr(os, "nice") else 0
    return (["nice", "-n", str(more)] + cmd) if shutil.which("nice") and more > 0 else cmd


def runtime_requirements() -> list[str]:
    """digitpad's dependencies from pyproject.toml, minus torch/torchvision."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib

        deps = tomllib.loads(text)["project"]["dependencies"]
    except ImportError:  # Python 3.10: a plain parse of the dependencies array
        block = re.search(r"^dependencies\s*=\s*\[(.*?)^\]", text, re.S | re.M).group(1)
        deps = re.findall(r'^\s*"([^"]+)"', block, re.M)
    return [d for d in deps if re.split(r"[<>=!~; \[]", d, maxsplit=1)[0].lower() not in NOT_FROM_PYPROJECT]


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def make_venv(args) -> Path:
    venv = Path(args.venv)
    if venv.exists() and not args.reuse_venv:
        shutil.rmtree(venv)
    if not venv.exists():
        run([sys.executable, "-m", "venv", venv])
        run([venv_python(venv), "-m", "pip", "install", "-q", "--upgrade", "pip"])
        python = venv_python(venv)
        torch = [args.torch] + (["torchvision"] if args.torchvision else [])
        index = args.torch_index if args.torch_index is not None else (CPU_INDEX if args.flavour == "cpu" else "")
        run(nice([python, "-m", "pip", "install", *torch] + (["--index-url", index] if index else [])))
        run(nice([python, "-m", "pip", "install", "pyinstaller>=6.11", *runtime_requirements()]))
    return venv_python(venv)


def probe(python: Path) -> dict:
    code = ("import json, torch\ntry:\n import torchvision; tv = torchvision.__version__\n"
            "except ImportError:\n tv = None\n"
            "print(json.dumps({'torch': torch.__version__, 'cuda': torch.version.cuda, 'torchvision': tv}))")
    return json.loads(subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True).stdout)


def shipped(path: Path, bundle: Path) -> bool:
    """Every file of the bundle folder but the smoke-test executable, which the archive leaves out."""
    return path.relative_to(bundle).parts[0] not in (smoke.SMOKE_EXE, smoke.SMOKE_EXE + ".exe")


def shipped_files(bundle: Path) -> list[Path]:
    return [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and shipped(p, bundle)]


def folder_size(path: Path) -> tuple[int, int]:
    files = shipped_files(path)
    return sum(p.stat().st_size for p in files), len(files)


def largest(path: Path, count: int = 8) -> list[dict]:
    files = sorted(shipped_files(path), key=lambda p: p.stat().st_size, reverse=True)[:count]
    return [{"file": str(p.relative_to(path)), "mb": round(p.stat().st_size / 1e6, 1)} for p in files]


def make_archive(bundle: Path, kind: str, stem: str) -> Path:
    """The shipped archive: the bundle folder without the smoke-test executable."""
    if kind == "zip":
        out = bundle.parent / f"{stem}.zip"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for p in sorted(bundle.rglob("*")):
                if shipped(p, bundle):
                    z.write(p, Path(bundle.name) / p.relative_to(bundle))
        return out
    out = bundle.parent / f"{stem}.tar.xz"
    xz = shutil.which("xz")
    if xz and shutil.which("tar") and sys.platform != "win32":  # the xz tool is much faster than Python's lzma
        with open(out, "wb") as f:
            tar = subprocess.Popen(["tar", "-C", str(bundle.parent), f"--exclude={bundle.name}/{smoke.SMOKE_EXE}",
                                    "-cf", "-", bundle.name], stdout=subprocess.PIPE)
            subprocess.run(nice([xz, "-6", "-T2", "-c"]), stdin=tar.stdout, stdout=f, check=True)
            if tar.wait():
                raise subprocess.CalledProcessError(tar.returncode, "tar")
    else:
        with tarfile.open(out, "w:xz", preset=6) as t:
            t.add(bundle, arcname=bundle.name, filter=lambda info: None if Path(info.name).parts[1:2] in (
                (smoke.SMOKE_EXE,), (smoke.SMOKE_EXE + ".exe",)) else info)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--flavour", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--torch", default="torch", help="pip requirement or wheel file for torch (default: torch)")
    parser.add_argument("--torch-index", help=f"index for torch[/torchvision] (default for cpu: {CPU_INDEX}; "
                        "'' = your pip configuration)")
    parser.add_argument("--torchvision", action="store_true", help="also bundle the matching torchvision")
    parser.add_argument("--venv", default=str(Path(tempfile.gettempdir()) / "digitpad-bundle-venv"))
    parser.add_argument("--reuse-venv", action="store_true", help="keep an existing venv (faster rebuilds)")
    parser.add_argument("--reuse-bundle", action="store_true",
                        help="keep the venv and the bundle in --dist as they are: only archive, smoke-test, report")
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    parser.add_argument("--work", default=str(ROOT / "build" / "pyinstaller"))
    parser.add_argument("--archive", choices=("xz", "zip", "none"), default="xz")
    parser.add_argument("--data-dir", default=os.environ.get("DIGITPAD_DATA_DIR"),
                        help="MNIST root (with MNIST/raw) so the smoke test also trains (default: $DIGITPAD_DATA_DIR)")
    parser.add_argument("--no-smoke", action="store_true")
    parser.add_argument("--shots", default=str(ROOT / "build" / "smoke-shots"),
                        help="folder for the smoke test's screenshots of the Train tab (default: build/smoke-shots)")
    parser.add_argument("--json-out", default=str(ROOT / "benchmarks" / "bundle.json"))
    args = parser.parse_args()

    started = time.perf_counter()
    python = venv_python(Path(args.venv)) if args.reuse_bundle else make_venv(args)
    env_facts = probe(python)
    log(f"build venv: {env_facts}")
    if args.flavour == "cpu" and env_facts["cuda"]:
        log(f"error: the cpu flavour got a CUDA torch ({env_facts['torch']}); pass --torch/--torch-index for a "
            "CPU build, or use --flavour cuda")
        return 1

    dist, work = Path(args.dist), Path(args.work)
    bundle = dist / "digitpad"
    t0 = time.perf_counter()
    if not args.reuse_bundle:
        run(nice([python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                  "--distpath", dist, "--workpath", work, HERE / "digitpad.spec"]), cwd=ROOT)
    build_seconds = None if args.reuse_bundle else time.perf_counter() - t0
    shared_blas = blas_shim.share_openblas(bundle / "_internal", log) if sys.platform == "linux" else None
    size, files = folder_size(bundle)

    version = smoke.source_version()
    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    stem = f"digitpad-{version}-{system}-{platform.machine().lower()}-{args.flavour}"
    archive = archive_size = archive_seconds = None
    if args.archive != "none":
        t0 = time.perf_counter()
        archive = make_archive(bundle, args.archive, stem)
        archive_seconds = time.perf_counter() - t0
        archive_size = archive.stat().st_size

    facts: dict = {}
    if not args.no_smoke:
        data_dir = Path(args.data_dir) if args.data_dir and (Path(args.data_dir) / "MNIST" / "raw").is_dir() else None
        if data_dir is None:
            log("no MNIST folder given (--data-dir / $DIGITPAD_DATA_DIR): the smoke test does not train")
        Path(args.shots).mkdir(parents=True, exist_ok=True)
        facts = smoke.run_smoke(bundle, data_dir, log=log, shots=Path(args.shots))

    cold = facts.get("cold_start_s", {})
    gui = facts.get("gui", {})
    result = {
        "digitpad": version, "flavour": args.flavour, "torch": env_facts["torch"],
        "torchvision": env_facts["torchvision"], "python": platform.python_version(), "platform": platform.platform(),
        "bundle": str(bundle), "bundle_bytes": size, "bundle_mb": round(size / 1e6, 1), "files": files,
        "archive": archive.name if archive else None, "archive_bytes": archive_size,
        "archive_mb": round(archive_size / 1e6, 1) if archive_size else None,
        "archive_seconds": round(archive_seconds, 1) if archive_seconds else None,
        "cold_start_s": cold.get("first"), "cold_start_runs_s": cold.get("runs"),
        "first_window_polled_s": facts.get("first_window_polled_s"), "model_ready_s": gui.get("model_ready_s"),
        "quick_run_s": (gui.get("quick_run") or {}).get("seconds"),
        "quit_after_window_closed_s": gui.get("process_end_after_close_s"),
        "display": facts.get("display"), "steps_s": facts.get("steps_s"),
        "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "build_seconds": round(build_seconds, 1) if build_seconds else None,
        "total_seconds": round(time.perf_counter() - started, 1),
        "largest_files": largest(bundle), "one_openblas": shared_blas,
        "targets": {"bundle_mb_max": TARGET_BUNDLE_MB, "cold_start_s_max": TARGET_COLD_START_S,
                    "bundle_ok": size / 1e6 <= TARGET_BUNDLE_MB,
                    "cold_start_ok": (cold.get("max", 99) <= TARGET_COLD_START_S) if cold else None},
        "smoke": facts or None,
    }
    text = json.dumps(result, indent=1)
    print(text)
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(text + "\n", encoding="utf-8")
    missed = [k for k, v in result["targets"].items() if k.endswith("_ok") and v is False
              and not (k == "bundle_ok" and args.flavour == "cuda")]  # a CUDA bundle is 4-5 GB by nature
    if missed:
        log(f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (subprocess.CalledProcessError, smoke.SmokeError) as e:
        log(f"build failed: {e}")
        sys.exit(1)
