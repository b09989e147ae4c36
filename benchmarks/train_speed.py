"""Training speed on this machine: digitpad's `quick` preset beside the pytorch/examples MNIST recipe.

Both run in this one process, one after the other, on the same CPU threads:
- digitpad quick: the whole preset (data on the device, randperm batches), wall time from the
  raw files to an evaluated model, and its test accuracy (the preset is tuned to pass 99.0%);
- baseline: pytorch/examples mnist/main.py's `Net`, Adadelta lr 1.0, StepLR(gamma 0.7),
  torchvision MNIST through a DataLoader (ToTensor + Normalize per sample), batch 64, one epoch.
Prints one JSON object with images/second of each and their ratio. Needs torchvision.

Run: python benchmarks/train_speed.py [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import time

import torch
import torch.nn.functional as F
from torch import nn

from digitpad.core.config import preset
from digitpad.core.datasets import load_mnist
from digitpad.core.paths import default_data_root
from digitpad.core.trainer import Finished, Step, train


class Net(nn.Module):
    """pytorch/examples mnist/main.py, verbatim in structure."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def baseline_one_epoch(root: str) -> dict:
    from torchvision import datasets, transforms

    torch.manual_seed(1)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    start = time.perf_counter()
    train_set = datasets.MNIST(root, train=True, download=False, transform=transform)
    test_set = datasets.MNIST(root, train=False, download=False, transform=transform)
    loader = torch.utils.data.DataLoader(train_set, batch_size=64, shuffle=True)
    model = Net()
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    model.train()
    for data, target in loader:
        optimizer.zero_grad()
        F.nll_loss(model(data), target).backward()
        optimizer.step()
    scheduler.step()
    train_seconds = time.perf_counter() - start
    model.eval()
    correct = 0
    with torch.no_grad():
        for data, target in torch.utils.data.DataLoader(test_set, batch_size=1000):
            correct += int((model(data).argmax(1) == target).sum())
    return {"recipe": "pytorch/examples mnist Net, Adadelta lr 1.0, DataLoader, batch 64", "epochs": 1,
            "train_seconds": round(train_seconds, 1), "images_per_second": round(60000 / train_seconds),
            "test_accuracy": correct / 10000, "wall_seconds": round(time.perf_counter() - start, 1)}


def digitpad_quick(root: str) -> dict:
    start = time.perf_counter()
    config = preset("quick", device="cpu")
    data = load_mnist(root)
    rates, result = [], None
    for event in train(config, data):
        if isinstance(event, Step):
            rates.append(event.images_per_second)
        elif isinstance(event, Finished):
            result = event
    wall = time.perf_counter() - start
    return {"recipe": f"digitpad quick: {config.arch}, {config.epochs} epochs, {config.optimizer} {config.schedule}, "
                      f"batch {config.batch_size}", "epochs": config.epochs,
            "train_seconds": round(result.seconds, 1), "images_per_second": round(rates[-1]),
            "test_accuracy": result.checkpoint.accuracy, "wall_seconds": round(wall, 1),
            "reached_99_percent": result.checkpoint.accuracy >= 0.99}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    root = str(default_data_root(args.data_dir))
    ours = digitpad_quick(root)
    baseline = baseline_one_epoch(root)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "digitpad_quick": ours,
                      "baseline": baseline,
                      "images_per_second_ratio": round(ours["images_per_second"] / baseline["images_per_second"], 2),
                      "target_quick_seconds_to_99": 30}, indent=1))


if __name__ == "__main__":
    main()
