"""A run's TensorBoard log: loss, accuracy and learning rate per step and per epoch, the test set's
confusion matrix as an image, and the settings as hyperparameters (TensorBoard's HPARAMS page).

TensorBoard is an optional extra (`pip install 'digitpad[tensorboard]'`); without it, asking for a
log raises TensorBoardMissing, which says how to get it. The writer is torch's own SummaryWriter,
which writes from a background thread, so logging every step costs the training loop little.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np

from .config import TrainingError

INSTALL_HINT = "pip install 'digitpad[tensorboard]'"
CELL = 28  # pixels per cell of the confusion matrix image
METRICS = ("test/accuracy", "test/loss", "epoch/val_accuracy", "epoch/val_loss")


class TensorBoardMissing(TrainingError):
    """The tensorboard package is not installed."""


def available() -> bool:
    """True when the tensorboard package can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec("tensorboard") is not None
    except (ImportError, ValueError):
        return False


def summary_writer_class():
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        raise TensorBoardMissing(f"TensorBoard logging needs the tensorboard package, an optional extra: "
                                 f"{INSTALL_HINT}") from None
    return SummaryWriter


def flat_hparams(config: dict, prefix: str = "") -> dict:
    """Settings as TensorBoard hyperparameters: nested settings flattened, None and lists as text."""
    out = {}
    for key, value in config.items():
        if isinstance(value, dict):
            out.update(flat_hparams(value, f"{prefix}{key}."))
        elif isinstance(value, (bool, int, float, str)):
            out[f"{prefix}{key}"] = value
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


def confusion_image(matrix: list[list[int]]) -> np.ndarray:
    """The confusion matrix as an RGB image (H, W, 3) uint8: rows true digits, columns predictions,
    correct reads blue and confusions red, shaded by share of the row, counts written in."""
    from PIL import Image, ImageDraw

    margin = CELL
    side = margin + 10 * CELL
    image = Image.new("RGB", (side, side), "white")
    draw = ImageDraw.Draw(image)
    for digit in range(10):
        draw.text((margin + digit * CELL + CELL // 2, margin // 2), str(digit), fill="black", anchor="mm")
        draw.text((margin // 2, margin + digit * CELL + CELL // 2), str(digit), fill="black", anchor="mm")
    for row, counts in enumerate(matrix):
        total = max(1, sum(counts))
        for column, count in enumerate(counts):
            share = count / total if row == column else min(1.0, 10 * count / total)
            base = (31, 119, 180) if row == column else (214, 39, 40)
            color = tuple(round(255 - (255 - c) * share) for c in base)
            box = (margin + column * CELL, margin + row * CELL, margin + (column + 1) * CELL - 2,
                   margin + (row + 1) * CELL - 2)
            draw.rectangle(box, fill=color)
            if count:
                ink = "white" if share > 0.6 else "black"
                draw.text(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), str(count), fill=ink, anchor="mm")
    return np.asarray(image)


class TensorBoardLog:
    """Writes one run's events into `folder` (created), readable by `tensorboard --logdir` on its parent."""

    def __init__(self, folder: str | os.PathLike, config: dict):
        from torch.utils.tensorboard.summary import hparams

        SummaryWriter = summary_writer_class()
        self.folder = Path(folder)
        self.writer = SummaryWriter(log_dir=str(self.folder))
        experiment, start, _ = hparams(flat_hparams(config), {name: 0.0 for name in METRICS})
        self.writer.file_writer.add_summary(experiment)
        self.writer.file_writer.add_summary(start)

    def observe(self, event) -> None:
        from .trainer import Epoch, Finished, Step

        write = self.writer.add_scalar
        if isinstance(event, Step):
            step = (event.epoch - 1) * event.steps_per_epoch + event.step
            write("step/loss", event.loss, step)
            write("step/accuracy", event.accuracy, step)
            write("step/lr", event.lr, step)
        elif isinstance(event, Epoch):
            for name in ("train_loss", "val_loss", "train_accuracy", "val_accuracy", "lr"):
                write(f"epoch/{name}", getattr(event, name), event.epoch)
        elif isinstance(event, Finished):
            metrics = event.checkpoint.metrics
            last_epoch = len(event.checkpoint.history)
            write("test/accuracy", metrics["accuracy"], last_epoch)
            write("test/loss", metrics["loss"], last_epoch)
            self.writer.add_image("test/confusion_matrix", confusion_image(metrics["confusion"]), last_epoch,
                                  dataformats="HWC")

    def close(self, status: str) -> None:
        """End the hyperparameter session with the run's status ("finished", "stopped", "crashed") and flush."""
        from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
        from tensorboard.plugins.hparams import api_pb2, metadata, plugin_data_pb2

        code = api_pb2.STATUS_SUCCESS if status == "finished" else api_pb2.STATUS_FAILURE  # no "stopped" status
        content = plugin_data_pb2.HParamsPluginData(session_end_info=plugin_data_pb2.SessionEndInfo(status=code),
                                                    version=metadata.PLUGIN_DATA_VERSION)
        plugin = SummaryMetadata.PluginData(plugin_name=metadata.PLUGIN_NAME, content=content.SerializeToString())
        self.writer.file_writer.add_summary(Summary(value=[Summary.Value(
            tag=metadata.SESSION_END_INFO_TAG, metadata=SummaryMetadata(plugin_data=plugin))]))
        self.writer.close()
