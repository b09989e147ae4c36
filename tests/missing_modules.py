"""Run digitpad as on a machine without some package: a sitecustomize that makes the modules unimportable."""

import os
import textwrap

BLOCKER = textwrap.dedent("""
    import sys

    class Missing:
        def find_spec(self, name, path=None, target=None):
            if any(name == top or name.startswith(top + ".") for top in {names!r}):
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None

    sys.meta_path.insert(0, Missing())
""")


def env_without(folder, *names: str) -> dict:
    """The environment for a subprocess in which `names` (and their submodules) cannot be imported; the
    sitecustomize doing it is written to `folder`."""
    (folder / "sitecustomize.py").write_text(BLOCKER.format(names=names))
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}
