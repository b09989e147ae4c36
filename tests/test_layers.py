"""digitpad.core must stay free of Qt so the CLI, scripts and workers use it without a GUI."""

import subprocess
import sys
from pathlib import Path

import digitpad.core

CORE = Path(digitpad.core.__file__).parent
QT_MODULES = ("PySide6", "shiboken6", "superqt", "pyqtgraph", "PyQt5", "PyQt6", "qtpy")


def test_core_modules_import_no_qt():
    modules = sorted(f"digitpad.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__")
    assert len(modules) > 10
    code = (f"import sys\nfor m in {modules!r}: __import__(m)\n"
            f"print(','.join(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"digitpad.core pulled in Qt: {result.stdout}"


def test_core_source_names_no_qt():
    offenders = [f"{p.name}: {line.strip()}" for p in CORE.glob("*.py") for line in p.read_text().splitlines()
                 if line.lstrip().startswith(("import ", "from ")) and any(q in line for q in QT_MODULES)]
    assert offenders == []


def test_importing_digitpad_does_not_load_torch():
    """The GUI shows its window before torch loads; `import digitpad` and the CLI parser must not pull it in."""
    code = "import sys, digitpad, digitpad.cli; digitpad.cli.build_parser(); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
