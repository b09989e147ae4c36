"""The `digitpad` command run as a user runs it: a real subprocess of this Python, with this environment."""

import os
import subprocess
import sys


def digitpad(*args, check: bool = True, cwd=None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `python -m digitpad ARGS`; with `check`, fail the test (showing stderr) unless it exits 0."""
    result = subprocess.run([sys.executable, "-m", "digitpad", *args], capture_output=True, text=True, cwd=cwd,
                            env={**os.environ}, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stderr
    return result
