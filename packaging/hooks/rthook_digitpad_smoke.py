# PyInstaller run-time hook of the digitpad bundle (packaging code, not part of the digitpad package).
#
# Inert unless DIGITPAD_SMOKE_SCRIPT names a Python file: then that file (packaging/smoke_gui.py) runs
# inside the frozen interpreter before the app starts, so the build script and tests/test_packaging.py
# can time the window and drive the real bundled GUI without any test hook in digitpad's own code.
import os

if os.environ.get("DIGITPAD_SMOKE_SCRIPT"):
    import runpy

    runpy.run_path(os.environ["DIGITPAD_SMOKE_SCRIPT"], run_name="digitpad_smoke")
