"""`digitpad evaluate`, `export` and `info`: score a model, convert it, describe the installation."""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

from .. import __version__
from ..core.dataset_files import mnist_present
from ..core.paths import bundled_model_path, default_data_root, user_data_dir
from .common import check_outputs, load_predictor, print_scores


def cmd_evaluate(args) -> int:
    from ..core.dataset_files import CSV_SOURCE, data_source
    from ..core.datasets import load_dataset
    from ..core.metrics import evaluate

    predictor = load_predictor(args.model, args.device)
    # A CSV is scored whole, but the one the model was trained on only in its held-out rows, as its training did
    trained_on_it = bool(args.csv) and predictor.checkpoint.metrics.get("dataset") == data_source(CSV_SOURCE, args.csv)
    data = load_dataset(args.data_dir, args.csv, args.download, test_only=not trained_on_it)
    result = evaluate(predictor.model, data.test_images, data.test_labels, predictor.normalization)
    if args.json:
        print(json.dumps({"model": str(predictor.path), "trained_on_this_csv": trained_on_it, **result}))
        return 0
    rows = " (the rows its training held out: it learnt from the others)" if trained_on_it else ""
    print(f"{predictor.shown_name(detail=True)} on {result['count']:,} test images of {data.source}{rows}")
    print_scores(result)
    return 0


def cmd_export(args) -> int:
    from ..core.checkpoint import Checkpoint
    from ..core.export import ExportError, default_export_path, export, format_named

    named = format_named(args.out) if args.out else None
    fmt = args.format or named
    if fmt is None:
        raise ExportError("choose the format: --format torchscript or --format onnx"
                          + (f" ({Path(args.out).name} says neither)" if args.out else ""))
    model = args.model or bundled_model_path()
    # the bundled model lives among the installed files: its export goes where the person is, not there
    beside = model if args.model else Path.cwd() / Path(model).name
    out = default_export_path(beside, fmt) if args.out is None else args.out  # '' is refused below
    check_outputs(out, inputs=(model,))
    print(f"wrote {export(Checkpoint.load(model), fmt, out)}")
    if args.out and named != fmt and (named or fmt == "onnx"):  # once written: a refusal stays one line
        print(f"note: {args.out} is written as {fmt}, though its name does not say so", file=sys.stderr)
    return 0


def info() -> dict:
    import torch

    from ..core.checkpoint import Checkpoint
    from ..core.device import cuda_unavailable_reason
    from ..core.models import ARCHITECTURES, build_model, parameter_count

    try:
        import torchvision
        torchvision_version = torchvision.__version__
    except ImportError:
        torchvision_version = None
    try:
        from PySide6 import __version__ as pyside_version
    except ImportError:
        pyside_version = None
    try:
        from onnxruntime import __version__ as onnxruntime_version  # reads drawings where present (core.onnx_reader)
    except ImportError:
        onnxruntime_version = None
    bundled = Checkpoint.load(bundled_model_path())
    return {
        "digitpad": __version__, "python": platform.python_version(), "platform": platform.platform(),
        "torch": torch.__version__, "torchvision": torchvision_version, "pyside6": pyside_version,
        "onnxruntime": onnxruntime_version,
        "cuda": cuda_unavailable_reason() or f"available: {torch.cuda.get_device_name(0)}",
        "threads": torch.get_num_threads(),
        "bundled_model": {"path": str(bundled_model_path()), "arch": bundled.arch,
                          "test_accuracy": bundled.accuracy, "created": bundled.created,
                          "parameters": parameter_count(bundled.build_model())},
        "architectures": {name: parameter_count(build_model(name)) for name in ARCHITECTURES},
        "user_data": str(user_data_dir()), "data_root": str(default_data_root()),
        "mnist_present": mnist_present(),
    }


def cmd_info(args) -> int:
    facts = info()
    if args.json:
        print(json.dumps(facts, indent=1))
        return 0
    model = facts.pop("bundled_model")
    for key, value in facts.items():
        if key == "architectures":
            value = ", ".join(f"{name} ({n:,} parameters)" for name, n in value.items())
        print(f"{key:>14}: {value}")
    accuracy = f"{model['test_accuracy']:.2%}" if model["test_accuracy"] is not None else "unknown"
    print(f"{'bundled model':>14}: {model['arch']} ({model['parameters']:,} parameters), MNIST test accuracy "
          f"{accuracy}, {model['path']}")
    return 0
