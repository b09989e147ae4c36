import json
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def test_long_drawing_session_does_not_crash_or_grow():
    """Hundreds of random strokes (over 10,000 mouse events) with live prediction, in a fresh process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, str(TESTS / "long_drawing_session.py"), "800"], env=env,
                            capture_output=True, text=True, timeout=600)
    assert "none_dealloc" not in result.stderr
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["strokes"] == 800 and report["mouse_events"] > 10000 and report["answers_shown"] > 10
    assert report["rss_growth_mb"] < 50
