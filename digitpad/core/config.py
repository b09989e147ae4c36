"""Training configuration and presets; free of torch so forms and parsers load instantly."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from .errors import UserError

DEFAULT_ARCH = "digitnet"


class TrainingError(UserError):
    """Training cannot go on (diverged, bad configuration, out of memory); the message says why."""


DEVICES = {"auto": "Auto", "cpu": "CPU", "cuda": "CUDA"}  # what a run may ask for, and how forms and menus name it
OPTIMIZERS = ("adamw", "adam", "sgd")
SCHEDULES = ("onecycle", "step", "none")
FEW_STEPS = 20  # a run of fewer optimizer steps than this learns little: the form and the log say so
FEW_VALIDATION = 50  # fewer validation images than this move its accuracy in steps of 2 points or more


HIGH_LR, HIGH_SGD_LR = 0.1, 1.0  # above these, a run here most often learns nothing (a review's lr 5: 9.8%)
CHANCE_ACCURACY = 0.2  # a test accuracy below this is hardly better than guessing one of ten digits...
CHANCE_TEST_IMAGES = 100  # ...on this many test images at least (on 5, one right more or less is 20 points)


def seed_problems(seed: int) -> list[str]:
    """torch takes seeds from 0 to 2^64 - 1: outside them it raised mid-run, a recorded run crashed."""
    if seed < 0:
        return ["the seed must be 0 or more"]
    return ["the seed must be below 2^64 (18,446,744,073,709,551,616)"] if seed >= 2 ** 64 else []


@dataclass
class TrainConfig:
    arch: str = DEFAULT_ARCH
    arch_args: dict = field(default_factory=dict)
    epochs: int = 30
    batch_size: int = 128
    lr: float = 3e-3
    optimizer: str = "adamw"
    schedule: str = "onecycle"
    weight_decay: float = 5e-4
    dropout: float | None = None
    augment: float = 1.0
    elastic: bool = False
    styles: bool = True
    label_smoothing: float = 0.0
    distill: float = 0.0  # share of the loss on a teacher's soft targets (train(teacher=...)); the rest on labels
    temperature: float = 2.0  # softening of the teacher's and the student's probabilities when distilling
    val_fraction: float = 1 / 12
    seed: int = 0
    device: str = "auto"
    train_limit: int | None = None

    def problems(self) -> list[str]:
        """Every reason this configuration cannot run, as sentences for a form or the CLI."""
        out = []
        from .models import ARCHITECTURES  # torch is needed here anyway, but not to import this module

        if self.arch not in ARCHITECTURES:
            out.append(f"unknown architecture {self.arch!r}")
        if not 1 <= self.epochs <= 1000:
            out.append("epochs must be between 1 and 1000")
        if not 2 <= self.batch_size <= 65536:
            out.append("batch size must be between 2 and 65536")
        if not 0 < self.lr <= 10:
            out.append("learning rate must be above 0 and at most 10")
        if self.optimizer not in OPTIMIZERS:
            out.append(f"optimizer must be one of {', '.join(OPTIMIZERS)}")
        if self.schedule not in SCHEDULES:
            out.append(f"schedule must be one of {', '.join(SCHEDULES)}")
        if not 0 <= self.weight_decay < 1:
            out.append("weight decay must be at least 0 and below 1")
        if self.dropout is not None and not 0 <= self.dropout < 1:
            out.append("dropout must be at least 0 and below 1")
        if not 0 <= self.augment <= 2:
            out.append("augmentation strength must be between 0 and 2")
        if not 0 <= self.label_smoothing < 1:
            out.append("label smoothing must be at least 0 and below 1")
        if not 0 <= self.distill <= 1:
            out.append("the distillation share must be between 0 and 1")
        if not 0 < self.temperature <= 100:
            out.append("the distillation temperature must be above 0 and at most 100")
        if not 0 < self.val_fraction < 0.5:
            out.append("validation fraction must be above 0 and below 0.5")
        if self.train_limit is not None and self.train_limit < 20:
            out.append("a training subset needs at least 20 images")
        out += seed_problems(self.seed)
        return out

    def warnings(self, images: int | None = None) -> list[str]:
        """What would make a run that can start learn or tell little, as sentences: `images` is how many training
        images the data holds (None: not known yet, so only a subset's size counts)."""
        known = self.train_limit if images is None else images  # split_sizes takes the subset out of `images`
        if known is None:
            return []
        train, validation = self.split_sizes(known)
        steps = self.steps_per_epoch(train) * self.epochs
        out = []
        if steps < FEW_STEPS:
            out.append(f"the whole run is {steps} training step{'s' * (steps != 1)} ({train:,} training images in "
                       f"batches of {min(self.batch_size, train):,}, {self.epochs} epoch{'s' * (self.epochs != 1)}): "
                       "too few to learn much")
        if validation < FEW_VALIDATION:
            out.append(f"only {validation} validation image{'s' * (validation != 1)}: the validation accuracy "
                       "says little")
        if self.lr_far_too_high():
            usual = "what trains these networks with SGD (0.01 to 0.1)" if self.optimizer == "sgd" else \
                "the presets' (0.003 to 0.004)"
            out.append(f"a learning rate of {self.lr:g} is far above {usual}: the loss may grow instead of falling, "
                       "and the model learn nothing")
        return out

    def lr_far_too_high(self) -> bool:
        return self.lr > (HIGH_SGD_LR if self.optimizer == "sgd" else HIGH_LR)

    def split_sizes(self, images: int) -> tuple[int, int]:
        """(training, validation) image counts the trainer splits `images` training images into."""
        images = min(images, self.train_limit) if self.train_limit else images
        validation = max(1, int(images * self.val_fraction))
        return images - validation, validation

    def steps_per_epoch(self, train_images: int) -> int:
        """Optimizer steps in one epoch over `train_images` images (a last partial batch is dropped)."""
        return max(1, train_images // max(1, min(self.batch_size, train_images)))

    def model_args(self) -> dict:
        args = dict(self.arch_args)
        if self.dropout is not None:
            args["dropout"] = self.dropout
        return args

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


HOLD_OUT_FROM = 2  # a fine-tune holds out some of a digit only when the person kept it at least this many times


@dataclass
class FinetuneConfig:
    """How "Fine-tune on my digits" continues training the model in use on the person's digits, mixed with MNIST and
    pen drawings.

    Each batch holds about `personal_share` of the person's digits (oversampled and re-rendered at other pen
    widths and sizes), the rest MNIST (with the style variants of training) and pen drawings
    (`finetune.PEN_SHARE`), which keep the model from forgetting. `holdout` of each digit's
    samples are kept aside to measure the model before and after.
    """

    steps: int = 60  # 90 read the tuning writers of benchmarks/writer_learning.py a little better but lost more MNIST
    batch_size: int = 128
    lr: float = 5e-4
    personal_share: float = 0.25
    holdout: float = 0.25
    # The trainer's random slant, rotation, size, shift and stroke width, off: a fine-tune is to learn one person's
    # shapes as the pad draws them, not slanted or turned copies (nor of MNIST's). At 1.0 (as the bundled model was
    # trained) the tuning writers of seeds 7000 and 7100 were left 20 and 30 of 289 and 259 misreads, mostly their 1s
    # read as 7; at 0.0, 4 and 5; with only the person's drawings undistorted, 12 of 289 (training/README.md, Round 29).
    augment: float = 0.0
    max_mnist_drop: float = 0.003  # a fall in MNIST test accuracy beyond this is reported as forgetting
    epochs: int = 2
    seed: int = 0
    device: str = "auto"

    def problems(self) -> list[str]:
        out = []
        if not 10 <= self.steps <= 100_000:
            out.append("fine-tuning steps must be between 10 and 100000")
        if not 2 <= self.batch_size <= 65536:
            out.append("batch size must be between 2 and 65536")
        if not 0 < self.lr <= 1:
            out.append("learning rate must be above 0 and at most 1")
        if not 0 < self.personal_share < 1:
            out.append("the share of your digits in each batch must be above 0 and below 1")
        if not 0 <= self.holdout < 1:
            out.append("the held-out share must be at least 0 and below 1")
        if not 0 <= self.augment <= 2:
            out.append("augmentation strength must be between 0 and 2")
        if not 1 <= self.epochs <= self.steps:
            out.append("epochs must be between 1 and the number of steps")
        out += seed_problems(self.seed)
        return out

    def train_config(self, arch: str, mnist_images: int) -> TrainConfig:
        """The trainer's settings for a fine-tune of `arch` on the first `mnist_images` MNIST training images."""
        return TrainConfig(arch=arch, epochs=self.epochs, batch_size=self.batch_size, lr=self.lr, optimizer="adamw",
                           schedule="onecycle", weight_decay=0.0, augment=self.augment, elastic=False, styles=True,
                           seed=self.seed, device=self.device, train_limit=mnist_images)


PRESETS = {
    # Reaches 99% test accuracy in a couple of epochs on a 2-core CPU.
    "quick": TrainConfig(arch="lenet5", arch_args={"dropout": 0.0}, epochs=3, batch_size=128, lr=4e-3,
                         weight_decay=1e-4, augment=0.0, styles=False),
    # The recipe of the bundled model (see training/).
    "full": TrainConfig(elastic=True),
}


def preset(name: str, **overrides) -> TrainConfig:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r} (known: {', '.join(PRESETS)})")
    overrides.setdefault("arch_args", dict(PRESETS[name].arch_args))
    return replace(PRESETS[name], **overrides)
