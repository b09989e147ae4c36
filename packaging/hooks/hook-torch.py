# digitpad's PyInstaller hook for torch. It replaces the generic one from pyinstaller-hooks-contrib
# (packaging/hooks comes first on the hook path) and keeps only what a CPU app needs at run time:
# the Python modules (torch imports much of itself, including _dynamo, fx, export and sympy, even to
# train and trace a small CNN, so modules are kept), the runtime libraries, and small data files.
# Dropped: C++ headers, CMake files, static libraries, the C++ test programs (torch/test, torch/bin),
# test-only shared libraries, stubs, and torch.testing._internal's test suites.
import fnmatch

from PyInstaller import compat
from PyInstaller.utils.hooks import PY_DYLIB_PATTERNS, collect_data_files, collect_dynamic_libs, collect_submodules

# Byte-code only (the contrib hook also ships all of torch's .py sources, 44 MB): digitpad traces (torch.jit.trace)
# but never scripts (torch.jit.script), which is what would need the sources. The exception are torch's config
# modules, which read their own source while they import (torch.utils._config_module), and the few modules that
# look up source lines of their functions. packaging/smoke.py checks import, training, checkpoint load,
# evaluation and TorchScript export in the bundle.
SOURCE_NEEDED = ["torch.utils._config_module", "torch._functorch.config", "torch._export.config",
                 "torch.fx.experimental._config", "torch.distributed.config", "torch._dynamo.config",
                 "torch.compiler.config", "torch.utils.serialization.config", "torch._inductor.config",
                 "torch._inductor.config_comms", "torch._jit_internal", "torch._sources", "torch.jit._check",
                 "torch.fx.node", "torch.functional", "torch.nn.functional", "torch.nn.modules.rnn"]
module_collection_mode = {"torch": "pyz", **{name: "pyz+py" for name in SOURCE_NEEDED}}
warn_on_missing_hiddenimports = False

DATA_EXCLUDES = [
    "**/*.h", "**/*.hpp", "**/*.cuh", "**/*.cpp", "**/*.c", "**/*.cu", "**/*.pyi", "**/*.cmake",
    "**/*.a", "**/*.lib", "**/*.ptl",
    "include/**", "share/**", "test/**", "bin/**", "testing/_internal/**",
]
# Shared libraries only the C++/Python test suites load.
TEST_LIBRARIES = ["libjitbackend_test.so", "libtorchbind_test.so", "libbackend_with_compiler.so",
                  "libaoti_custom_ops.so", "*_test.so", "*_test.dll", "*_test.dylib"]
# Submodules that the app never imports (directly or through torch): test suites and benchmarks.
SKIPPED_SUBMODULES = ("torch.testing._internal.opinfo",
                      "torch.testing._internal.optests", "torch.testing._internal.generated",
                      "torch.testing._internal.codegen", "torch.testing._internal.test_module",
                      "torch.utils.benchmark", "torch.utils.tensorboard", "torch.utils.bottleneck",
                      "torch.utils.hipify", "torch.distributed.benchmarks", "torch.distributed.examples",
                      "torch._inductor.kernel", "torch._inductor.codegen.cuda", "torch._inductor.codegen.rocm",
                      "torch._inductor.autoheuristic.artifacts", "torch.contrib", "torch.onnx._internal.exporter",
                      "torch.onnx._internal.fx", "torch._numpy.testing", "torch.backends._coreml")


def _keep_module(name: str) -> bool:
    return not any(name == skipped or name.startswith(skipped + ".") for skipped in SKIPPED_SUBMODULES)


def _keep_binary(dest_and_source) -> bool:
    source = dest_and_source[0]
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    return not any(fnmatch.fnmatch(name, pattern) for pattern in TEST_LIBRARIES)


datas = collect_data_files("torch", excludes=DATA_EXCLUDES)
hiddenimports = collect_submodules("torch", filter=_keep_module)
binaries = [b for b in collect_dynamic_libs("torch", search_patterns=PY_DYLIB_PATTERNS + ["*.so.*"])
            if _keep_binary(b)]
if not compat.is_win:
    # `import torch` checks that torch/bin/torch_shm_manager exists (it serves shared-memory tensors).
    import os

    from PyInstaller.utils.hooks import get_package_paths

    _manager = os.path.join(get_package_paths("torch")[1], "bin", "torch_shm_manager")
    if os.path.isfile(_manager):
        binaries.append((_manager, "torch/bin"))

if compat.is_linux:
    # As in the contrib hook: no symlinks from the top folder into torch/lib (they confuse torch's lookups).
    bindepend_symlink_suppression = ["**/torch/lib/*.so*"]
