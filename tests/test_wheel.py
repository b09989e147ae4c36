"""The bundled model is found when digitpad is installed from a wheel, not only in a checkout."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import digitpad, sys
from digitpad import Predictor
from digitpad.core.paths import bundled_model_path
assert digitpad.__file__.startswith(sys.argv[1]), digitpad.__file__
assert str(bundled_model_path()).startswith(sys.argv[1]), bundled_model_path()
print(Predictor.load(device="cpu").accuracy)
"""


def test_wheel_carries_the_bundled_model(tmp_path):
    source = tmp_path / "source"  # a clean copy: an in-tree build/ could carry stale modules into the wheel
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                                                "__pycache__", ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path / "wheels"), str(source)], check=True, capture_output=True)
    wheel = next((tmp_path / "wheels").glob("digitpad-*.whl"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    assert (target / "digitpad" / "resources" / "digitnet.pt").is_file()
    result = subprocess.run([sys.executable, "-c", CHECK, str(target)], cwd=target, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) >= 0.996
