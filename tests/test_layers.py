"""The layers: digitpad.core has no Qt, and a declared part of it has no torch.

core is two parts. The torch-free part (TORCH_FREE below: configuration, paths, file layouts and
formats, strokes and preprocessing, the personal set) loads in an instant, so the app and the CLI
parser use it at once. The engine (every other core module: models, trainer, fine-tune, checkpoint,
predictor) imports torch. The UI imports only the torch-free part at the top of its files and
reaches the engine through what its workers load (WORKER_SIDE), so the window shows before torch loads.
"""

import ast
import subprocess
import sys
from pathlib import Path

import digitpad.core

CORE = Path(digitpad.core.__file__).parent
UI = CORE.parent / "ui"
QT_MODULES = ("PySide6", "shiboken6", "superqt", "pyqtgraph", "PyQt5", "PyQt6", "qtpy")
TORCH_FREE = (
    "atomic_file", "calibration", "config", "cpu_threads", "dataset_files", "errors", "history_csv", "image_marks",
    "images", "ink", "inside_pictures", "mnist_download", "number_reading", "paths", "pen_digits", "per_digit",
    "personal", "plain_values", "preprocess", "runs", "stored_zip", "stroke_marks", "strokes", "tensorboard_log",
)
WORKER_SIDE = ("training_runner",)  # ui modules imported only once a worker has loaded torch


def loaded_after_import(modules: list[str], roots: tuple[str, ...]) -> str:
    """The first of `modules` whose import, in a fresh process, loads a module under `roots` ('' when none does)."""
    code = (f"import sys\nfor m in {modules!r}:\n    __import__(m)\n"
            f"    if any(n.split('.')[0] in {roots!r} for n in sys.modules):\n        print(m)\n        break")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_core_modules_import_no_qt():
    modules = sorted(f"digitpad.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__")
    assert len(modules) > 10
    assert loaded_after_import(modules, QT_MODULES) == "", "this core module pulled in Qt"


def test_core_source_names_no_qt():
    offenders = [f"{p.name}: {line.strip()}" for p in CORE.glob("*.py") for line in p.read_text().splitlines()
                 if line.lstrip().startswith(("import ", "from ")) and any(q in line for q in QT_MODULES)]
    assert offenders == []


def test_the_torch_free_part_of_core_imports_no_torch():
    assert {p.stem for p in CORE.glob("*.py")} >= set(TORCH_FREE)
    assert loaded_after_import([f"digitpad.core.{m}" for m in TORCH_FREE], ("torch",)) == "", \
        "this module is declared torch-free but loads torch"


def top_level_core_imports(path: Path) -> list[str]:
    """The digitpad.core modules (and torch) a ui file imports at its top level, not inside a function."""
    names = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.split(".")[0] == "torch"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "torch":
            names.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level == 2 and (node.module or "").startswith("core"):
            names += [node.module.split(".")[1]] if "." in node.module else [a.name for a in node.names]
    return names


def test_the_ui_imports_only_the_torch_free_core_at_its_top():
    offenders = [f"{p.name} imports {name}" for p in UI.glob("*.py") if p.stem not in WORKER_SIDE
                 for name in top_level_core_imports(p) if name not in TORCH_FREE]
    assert offenders == [], "import these inside the worker that needs them, or keep them torch-free"


def test_the_whole_window_imports_without_torch():
    modules = sorted(f"digitpad.ui.{p.stem}" for p in UI.glob("*.py") if p.stem not in WORKER_SIDE)
    assert loaded_after_import(modules, ("torch",)) == "", "this ui module loads torch when imported"


def test_importing_digitpad_does_not_load_torch():
    """The GUI shows its window before torch loads; `import digitpad` and the CLI parser must not pull it in."""
    code = "import sys, digitpad, digitpad.cli; digitpad.cli.build_parser(); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_every_cli_module_imports_without_torch():
    """Each command group imports torch inside the command that needs it, so `--help` and the GUI stay quick."""
    modules = sorted(f"digitpad.cli.{p.stem}" for p in (CORE.parent / "cli").glob("*.py") if p.stem != "__init__")
    assert len(modules) > 3
    assert loaded_after_import(modules, ("torch",)) == "", "this cli module loads torch when imported"
