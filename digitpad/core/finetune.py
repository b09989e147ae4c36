"""Fine-tune a model on the person's own digits without forgetting MNIST.

The person's samples are re-rendered from their strokes at other pen widths and sizes, oversampled
to a share of every batch (the ones the model misreads drawn most often: `by_difficulty`) and mixed
with MNIST and with pen-drawn digits and dots like those the bundled model last learnt
(`pen_digits.pen_stage_set`), then trained by the one training loop (`trainer.train`, started from
the model in use). Some samples of each digit are held out, so the report can say honestly whether
the person's style is now read better, and MNIST test accuracy is measured before and after, so
forgetting is caught (`FinetuneReport.forgot`); a model that reads the held-out digits worse than the
start is caught too (`FinetuneReport.reads_yours_worse`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import torch

from .checkpoint import Checkpoint
from .config import HOLD_OUT_FROM, FinetuneConfig, TrainingError
from .datasets import DigitData
from .device import resolve_device
from .metrics import predict_logits, recorded_accuracy, recording_accuracy, scores, test_results
from .pen_digits import pen_stage_set
from .personal import PersonalSet, Sample
from .preprocess import to_uint8
from .strokes import drawing_input, model_pen_width
from .styles import variant_share
from .trainer import Event, Finished, Message, Step, Stopped, TrainControl, score_in_chunks, train

RENDER_CHUNK = 16  # drawings rendered between two checks for a stop
# Of each epoch's images that are not the person's, the share drawn by synthetic pen writers (a tenth of them
# dots and dashes, a tenth scribbles and a tenth letters and doodles, with random labels; MNIST's part gets the
# trainer's style variants).
# Without them a fine-tune on MNIST and one person's digits forgot what the bundled model's pen stage taught: it
# misread other pen writers more, grew surer of lone dots, and could read more of a writer's own ones as 7 than
# before; without the scribbles, or the letters and doodles, it grew surer of those too, the scribble stage's lesson
# (training/README.md, Rounds 26 and 27).
PEN_SHARE, NON_DIGIT_SHARE, SCRIBBLE_SHARE, DOODLE_SHARE = 0.3, 0.1, 0.1, 0.1
PEN_SEED = 20_000  # their writers' seeds start here, apart from every benchmark's
PEN_CHUNK = 200  # pen drawings made between two checks for a stop
# A rendering the start model reads right for sure weighs this much; one it misreads for sure weighs 1 + this, so
# is drawn about four times as often (tuning writers, 60 steps: 36 misreads left of 237 with all alike, 30 with
# this; 24 and 21 when each writer keeps the misread drawings first; 0.1 left 28 and 20 but forgot more MNIST).
EASY_WEIGHT = 0.3
MAX_EPOCHS = 1000  # the trainer's limit, reached only by a tiny dataset and many steps
PEN_FACTORS = (0.7, 1.0, 1.4)  # pen widths, relative to the pad's model pen (strokes.model_pen_width)
SCALES = (0.35, 1.0)  # drawing sizes, relative to the size drawn
KEPT_SHARES = (0.75, 0.5, 0.25)  # of a fine-tune's change to the weights, tried in turn when all of it forgets
CHECK_IMAGES = 5000  # the last training images, which no fine-tune uses: forgetting is judged on them, not the test
# The check is a sample, and the test set another: a model that loses just the allowed drop on the check often
# loses more on the test, which then reports it as forgetting. The guard aims at this share of the allowed drop.
CHECK_AIM = 2 / 3
# Fewer held-out digits than this, or none misread before, cannot show whether the model reads the
# person's style better; the report then says so, and how the digits it learnt from fare.
MIN_HELD_OUT_TO_TELL = 3


@dataclass
class FinetuneReport:
    """Before and after: the held-out personal digits and MNIST test accuracy."""

    start_name: str  # the model fine-tuned
    test_name: str  # the test set scored before and after ("MNIST", or the CSV's)
    held_out_images: np.ndarray  # (N, 28, 28) uint8, as a drawing on the pad is read (strokes.drawing_input)
    held_out_labels: list[int]
    before: list[int]  # the start model's readings of the held-out digits
    after: list[int]  # the fine-tuned model's readings
    mnist_before: float
    mnist_after: float
    max_mnist_drop: float
    learnt: list[str]  # sample_id of every personal sample this model (or one it was fine-tuned from) learnt
    renderings: int  # distinct images made from the samples learnt this time
    # the digits learnt from this time: labels and readings before and after (not a fair check: it saw them)
    learn_images: np.ndarray = field(default_factory=lambda: np.zeros((0, 28, 28), np.uint8))
    learn_labels: list[int] = field(default_factory=list)
    learn_before: list[int] = field(default_factory=list)
    learn_after: list[int] = field(default_factory=list)
    kept_share: float = 1.0  # of the fine-tune's change to the weights (less when all of it forgot too much)

    @staticmethod
    def _share_right(readings: list[int], labels: list[int]) -> float | None:
        return sum(r == t for r, t in zip(readings, labels)) / len(labels) if labels else None

    @property
    def personal_before(self) -> float | None:
        return self._share_right(self.before, self.held_out_labels)

    @property
    def personal_after(self) -> float | None:
        return self._share_right(self.after, self.held_out_labels)

    @property
    def held_out_right(self) -> tuple[int, int]:
        """How many held-out digits were read right (before, after)."""
        return (sum(r == t for r, t in zip(self.before, self.held_out_labels)),
                sum(r == t for r, t in zip(self.after, self.held_out_labels)))

    @property
    def mnist_drop(self) -> float:
        return self.mnist_before - self.mnist_after

    @property
    def forgot(self) -> bool:
        """True when MNIST test accuracy fell by more than the allowed points: not offered for drawing."""
        return self.mnist_drop > self.max_mnist_drop + 1e-12

    @property
    def reads_yours_worse(self) -> bool:
        """True when fewer of the held-out personal digits are read right after than before: the one fair check
        of the person's own style says it got worse, so, as for forgetting, it is not offered for drawing."""
        return bool(self.held_out_labels) and self.personal_after < self.personal_before

    @property
    def withheld(self) -> bool:
        """Not offered for drawing (used only if the person insists): it forgot, or reads their digits worse."""
        return self.forgot or self.reads_yours_worse

    @property
    def too_small_to_tell(self) -> str | None:
        """Why the held-out check cannot show a change (None when it can), as the end of a sentence."""
        n = len(self.held_out_labels)
        if n == 0:
            return "no digits were held out"
        if self.personal_before == 1.0:
            return f"{'it was' if n == 1 else 'both were' if n == 2 else f'all {n} were'} already read right before"
        if n < MIN_HELD_OUT_TO_TELL:
            return f"{n} held-out digit{'s' if n > 1 else ''} cannot say much; keep more of the digits it misreads"
        return None

    def summary(self) -> dict:
        """Plain data for the checkpoint's metrics; `learnt` keeps later fine-tunes from holding those out."""
        return {"from": self.start_name, "held_out": len(self.held_out_labels),
                "personal_before": self.personal_before, "personal_after": self.personal_after,
                "test_before": self.mnist_before, "test_after": self.mnist_after, "forgot": self.forgot,
                "reads_yours_worse": self.reads_yours_worse, "learnt": list(self.learnt)}

    def lines(self) -> list[str]:
        """The report in sentences, for the CLI."""
        return [text for _, text in self.parts()]

    def parts(self) -> list[tuple[str, str]]:
        """The report as (kind, sentence), kind one of "title", "personal" (how the person's digits fared),
        "note", "learnt", "test" and "withheld" (why it is not offered), so a view can style each part by what it
        says."""
        n = len(self.held_out_labels)
        if n:
            right_before, right_after = self.held_out_right
            personal = (f"Your {n} held-out digit{'s' if n > 1 else ''}: {right_before} of {n} read right before "
                        f"({self.personal_before:.0%}), {right_after} of {n} after ({self.personal_after:.0%})")
        else:
            personal = ("No digits were held out to check the result: a digit is held out only when you kept it at "
                        "least twice and this model has not learnt it before")
        change = self.mnist_after - self.mnist_before
        test = (f"{self.test_name} test accuracy: {self.mnist_before:.2%} before, {self.mnist_after:.2%} after "
                f"({change * 100:+.2f} points)")
        lines = [("title", f"Fine-tuned {self.start_name}"), ("personal", personal)]
        reason = self.too_small_to_tell
        if reason:
            if n and not self.reads_yours_worse:  # a loss it does show, small as it is
                lines.append(("note", f"That check is too small to show a change: {reason}"))
            m = len(self.learn_labels)
            if m:
                right_before = sum(r == t for r, t in zip(self.learn_before, self.learn_labels))
                right_after = sum(r == t for r, t in zip(self.learn_after, self.learn_labels))
                lines.append(("learnt", f"The {m} digit{'s' if m > 1 else ''} it learnt from (learnt, so not a fair "
                              f"check): {right_before} of {m} read right before, {right_after} of {m} after"))
        if self.kept_share < 1:
            lines.append(("note", f"Fine-tuned all the way, the model forgot more {self.test_name} than allowed "
                                  f"(checked on images the test does not use), so {self.kept_share:.0%} of the "
                                  "change was kept: a model that far from the one it started from, towards the "
                                  "fully fine-tuned one"))
        lines.append(("test", test))
        if self.reads_yours_worse:
            lines.append(("withheld", "Fewer of your held-out digits are read right than before: the model reads "
                                      "your writing worse, so it is not used unless you insist"))
        if self.forgot:
            lines.append(("withheld", f"{self.test_name} accuracy fell by more than {self.max_mnist_drop * 100:.1f} "
                                      "points: the model forgot some of what it knew, so it is not used unless you "
                                      "insist"))
        return lines


def sample_id(sample: Sample) -> str:
    """A short fingerprint of a drawing, stable across runs, sessions and exports."""
    return hashlib.sha256(repr(sample.key()).encode()).hexdigest()[:16]


def split_held_out(samples: list[Sample], fraction: float,
                   learnt: set[str] = frozenset()) -> tuple[list[Sample], list[Sample]]:
    """(to learn from, held out): `fraction` (at least one) of each digit kept at least HOLD_OUT_FROM times.

    The drawings the model misread or showed as "?" when they were kept (corrected ones) and the ones it read right
    are held out in proportion (stratified), rounded down for the corrected ones and never all of them: a digit's
    only corrected drawing, often the very one kept to teach the model, is learnt from, not set aside. The choice
    depends on the drawings alone (their fingerprints and readings when kept), not on a seed or on which other
    digits were kept, and never holds out a drawing in `learnt` (one an earlier fine-tune of the model learnt), so
    the before/after check stays honest across repeated fine-tunes.
    """
    learn, held = [], []
    for label in range(10):
        group = sorted((s for s in samples if s.label == label), key=sample_id)
        candidates = [s for s in group if sample_id(s) not in learnt]
        k = (min(len(candidates), max(1, int(len(group) * fraction)))
             if len(group) >= HOLD_OUT_FROM and fraction > 0 else 0)
        was_corrected = [s.unsure or s.predicted not in (None, label) for s in candidates]
        corrected = [s for s, c in zip(candidates, was_corrected) if c]
        confirmed = [s for s, c in zip(candidates, was_corrected) if not c]
        in_proportion = k * len(corrected) // max(1, len(candidates))
        from_corrected = max(k - len(confirmed), min(len(corrected) - 1, in_proportion), 0)
        chosen = {id(s) for s in corrected[:from_corrected] + confirmed[:k - from_corrected]}
        held += [s for s in group if id(s) in chosen]
        learn += [s for s in group if id(s) not in chosen]
    return learn, held


def model_inputs(samples: list[Sample]) -> np.ndarray:
    """(N, 28, 28) uint8: each sample read as a drawing on the pad is read now (core.strokes.drawing_input)."""
    images = [drawing_input(s.strokes, s.size) for s in samples]
    return np.stack([to_uint8(i) if i is not None else s.model_input for i, s in zip(images, samples)]) \
        if samples else np.zeros((0, 28, 28), np.uint8)


def renderings(samples: list[Sample]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Each sample's strokes rendered at every pen width and size: uint8 images (N, 28, 28), their labels,
    and the index in `samples` of the drawing each came from."""
    images, labels, owners = [], [], []
    for index, sample in enumerate(samples):
        pen = model_pen_width(sample.strokes)
        for scale in SCALES:
            strokes = [[(x * scale, y * scale) for x, y in stroke] for stroke in sample.strokes]
            size = (max(1, round(sample.size[0] * scale)), max(1, round(sample.size[1] * scale)))
            for factor in PEN_FACTORS:
                image = drawing_input(strokes, size, pen * scale * factor)
                if image is not None:
                    images.append(to_uint8(image))
                    labels.append(sample.label)
                    owners.append(index)
    if not images:
        none = torch.zeros(0, dtype=torch.long)
        return torch.zeros(0, 28, 28, dtype=torch.uint8), none, none
    return torch.from_numpy(np.stack(images)), torch.tensor(labels), torch.tensor(owners)


def learnt_by(checkpoint: Checkpoint) -> set[str]:
    """The sample_ids an earlier fine-tune of this checkpoint learnt (none for a foreign or odd record)."""
    record = checkpoint.metrics.get("finetune")
    learnt = record.get("learnt") if isinstance(record, dict) else None
    return {x for x in learnt if isinstance(x, str)} if isinstance(learnt, list) else set()


def _readings(model: torch.nn.Module, images: np.ndarray, norm, device) -> list[int]:
    if not len(images):
        return []
    return predict_logits(model, torch.from_numpy(images).to(device), norm).argmax(1).tolist()


def finetune(start: Checkpoint, personal: PersonalSet, data: DigitData, config: FinetuneConfig | None = None,
             control: TrainControl | None = None, name: str = "") -> Iterator[Event]:
    """Fine-tune `start` on `personal` mixed with `data`'s MNIST and pen drawings, yielding the trainer's events.

    Ends with Finished, its `finetune` the report (the checkpoint carries the report's summary in its
    metrics), or with Stopped. Raises TrainingError for an unusable set or configuration.
    """
    config = config or FinetuneConfig()
    reasons = personal.fine_tuning_problems() + config.problems()
    if reasons:
        raise TrainingError("; ".join(reasons))
    control = control or TrainControl()
    learnt_before = learnt_by(start)
    learn, held = split_held_out(personal.samples, config.holdout, learnt_before)
    counts = np.bincount([s.label for s in learn], minlength=10)
    yield Message(f"learning from {len(learn)} of your digits ("
                  + ", ".join(f"{n} × {d}" for d, n in enumerate(counts) if n)
                  + f"); {len(held)} held out to check the result")
    if np.count_nonzero(counts) == 1:
        yield Message(f"all your digits are {int(counts.argmax())}s: the {data.source} images and pen drawings in "
                      "every batch keep the other digits from being forgotten")
    parts = []
    for first in range(0, len(learn), RENDER_CHUNK):
        if control.should_stop():
            yield Stopped(0, 0)
            return
        images, labels, owners = renderings(learn[first: first + RENDER_CHUNK])
        parts.append((images, labels, owners + first))
    images, labels, owners = (torch.cat([p[i] for p in parts]) for i in range(3))
    if not len(labels):
        raise TrainingError("none of your digits to learn from has any strokes to draw again")

    device, _ = resolve_device(config.device)
    model = start.build_model().to(device)
    norm = start.normalization
    held_images, learn_images = model_inputs(held), model_inputs(learn)
    before = _readings(model, held_images, norm, device)
    learn_before = _readings(model, learn_images, norm, device)
    test_before = recorded_accuracy(start.metrics, start.state_dict, data.test_images, data.test_labels)
    if test_before is None:
        yield Message(f"scoring {start.display_name} on {len(data.test_labels):,} test images before fine-tuning...")
        logits = score_in_chunks(model, data.test_images.to(device), norm, control)
        if logits is None:
            yield Stopped(0, 0)
            return
        test_before = scores(logits, data.test_labels)["accuracy"]  # as the model after is scored

    # Each epoch: a share of the data's training images, pen drawings (PEN_SHARE of the two) and the person's
    # renderings, oversampled to `personal_share` of the mix (fewer when the dataset is small, so the shares
    # hold, and then more epochs, so the steps do).
    per_epoch = config.steps * config.batch_size / config.epochs
    train_config = config.train_config(start.arch, len(data.train_labels))
    others = per_epoch * (1 - config.personal_share)
    styled = variant_share(data.train_labels)  # the trainer's style variants, per image
    data_count = max(20, min(len(data.train_labels), math.ceil(others * (1 - PEN_SHARE) / (1 + styled)
                                                               / (1 - train_config.val_fraction))))
    train_config = replace(train_config, train_limit=data_count)
    data_train, _ = train_config.split_sizes(len(data.train_labels))  # as the trainer will split them
    data_train_styled = round(data_train * (1 + styled))
    pen_count = max(1, round(data_train_styled * PEN_SHARE / (1 - PEN_SHARE)))
    yield Message(f"drawing {pen_count:,} digits, dots, dashes, scribbles, letters and doodles by other pen writers, "
                  "as the bundled model last learnt...")
    pen = _pen_drawings(pen_count, config.seed, control)
    if pen is None:
        yield Stopped(0, 0)
        return
    personal_count = max(1, round((data_train_styled + pen_count) * config.personal_share
                                  / (1 - config.personal_share)))
    steps_per_epoch = train_config.steps_per_epoch(data_train_styled + pen_count + personal_count)
    epochs = min(MAX_EPOCHS, max(config.epochs, round(config.steps / steps_per_epoch)))
    train_config = replace(train_config, epochs=epochs)
    order = by_difficulty(predict_logits(model, images.to(device), norm).softmax(1).cpu(), labels, personal_count,
                           config.seed)
    learnt_now = {sample_id(learn[i]) for i in set(owners[order].tolist())}
    yield Message(f"{len(labels)} renderings of your digits (pen widths and sizes), oversampled to "
                  f"{personal_count:,} of every epoch's images (the ones it misreads drawn most often), mixed with "
                  f"{data_train:,} of {data.source} and {pen_count:,} drawn by other writers"
                  + (f"; {epochs} epochs make the {config.steps} steps" if epochs != config.epochs else ""))
    if len(learnt_now) < len(learn):
        yield Message(f"only {len(learnt_now)} of your {len(learn)} digits fit in this fine-tune; more steps "
                      "would take them all")

    extra = torch.cat([images[order], pen[0]]), torch.cat([labels[order], pen[1]])
    events = train(train_config, data, control, name, start=start, extra=extra, test=False)
    for event in events:
        if isinstance(event, Step):
            trained = event  # the trainer's own count of steps an epoch (the style variants are only estimated here)
        if isinstance(event, Finished):
            kept, kept_share = event.checkpoint, 1.0
            if len(data.train_labels) >= data_count + CHECK_IMAGES:  # else no training images are left to check on
                yield Message(f"checking what it forgot, on {CHECK_IMAGES:,} {data.source} training images no "
                              "fine-tune uses...")
                guarded = _forgetting_no_more(start, model, event.checkpoint, data, config, control)
                if guarded is None:
                    yield Stopped(trained.epochs, trained.steps_per_epoch)  # after its last step
                    return
                kept, kept_share = guarded
            tuned = kept.build_model().to(device)
            yield Message(f"scoring the fine-tuned model on {len(data.test_labels):,} test images...")
            logits = score_in_chunks(tuned, data.test_images.to(device), norm, control)
            if logits is None:
                yield Stopped(trained.epochs, trained.steps_per_epoch)  # after its last step
                return
            metrics = {**kept.metrics, **test_results(logits, data.test_labels.to(device))}
            metrics = recording_accuracy(metrics, kept.state_dict, data.test_images, data.test_labels,
                                         metrics["accuracy"])
            if kept_share < 1:
                metrics["kept_share"] = kept_share
            kept = replace(kept, metrics=metrics)
            test_name = "MNIST" if data.source.startswith("MNIST") else data.source
            report = FinetuneReport(start.display_name, test_name, held_images, [s.label for s in held], before,
                                    _readings(tuned, held_images, norm, device), test_before, kept.accuracy,
                                    config.max_mnist_drop, sorted(learnt_before | learnt_now), len(labels),
                                    learn_images, [s.label for s in learn], learn_before,
                                    _readings(tuned, learn_images, norm, device), kept_share)
            kept.metrics["finetune"] = report.summary()
            kept.train_config["finetune"] = {**asdict(config), "from": start.display_name}
            event = replace(event, checkpoint=kept, finetune=report)
        yield event


def by_difficulty(probabilities: torch.Tensor, labels: torch.Tensor, count: int, seed: int) -> torch.Tensor:
    """Indices of the person's renderings for `count` places in an epoch: each rendering once (as far as room
    allows), the rest drawn in proportion to how far the start model is from reading it right (1 minus its
    probability of the digit, plus EASY_WEIGHT). The drawings it misreads, most often the very ones a person kept
    because it did, so count most; when it reads them all right for sure, all count alike. Needs at least one
    rendering and a count of at least one (finetune refuses a set without either first)."""
    generator = torch.Generator().manual_seed(seed)
    weights = 1 - probabilities[torch.arange(len(labels)), labels] + EASY_WEIGHT
    if count <= len(labels):
        return torch.multinomial(weights, count, replacement=False, generator=generator)
    extra = torch.multinomial(weights, count - len(labels), replacement=True, generator=generator)
    return torch.cat([torch.randperm(len(labels), generator=generator), extra])


def _pen_drawings(count: int, seed: int, control: TrainControl) -> tuple[torch.Tensor, torch.Tensor] | None:
    """`count` pen drawings (pen_digits.pen_stage_set) as uint8 images and labels, or None when stopped meanwhile."""
    parts = []
    for first in range(0, count, PEN_CHUNK):
        if control.should_stop():
            return None
        n = min(PEN_CHUNK, count - first)
        marks, scribbles, doodles = (round(n * share) for share in (NON_DIGIT_SHARE, SCRIBBLE_SHARE, DOODLE_SHARE))
        parts.append(pen_stage_set(n - marks - scribbles - doodles, marks, scribbles=scribbles, doodles=doodles,
                                   seed=PEN_SEED + 1000 * seed + 6 * (first // PEN_CHUNK)))
    return tuple(torch.from_numpy(np.concatenate([p[i] for p in parts])) for i in range(2))


def _forgetting_no_more(start: Checkpoint, start_model: torch.nn.Module, tuned: Checkpoint, data: DigitData,
                        config: FinetuneConfig, control: TrainControl) -> tuple[Checkpoint, float] | None:
    """(the model to keep, the share of the change kept): the fine-tuned model, whole; or, when it forgets more
    than CHECK_AIM of `config.max_mnist_drop` on the last CHECK_IMAGES training images, which no fine-tune uses,
    the start's weights moved only part of the way to it: the largest share of KEPT_SHARES that
    forgets no more (the smallest when none does). Most of what was learnt stays (weight interpolation, as in
    WiSE-FT). The test set plays no part in the choice; the caller scores the model kept on it, whichever it is.
    The model kept records its accuracy on those images, so fine-tuning it in turn need not score them again.
    `start_model` is the start, built on the device to score on. None when `control` stops it meanwhile: each
    scoring of the check images takes most of two seconds on a CPU, and up to five are made."""
    device = next(start_model.parameters()).device
    check = data.train_images[-CHECK_IMAGES:], data.train_labels[-CHECK_IMAGES:]
    norm = start.normalization

    def accuracy(model: torch.nn.Module) -> float | None:
        logits = score_in_chunks(model, check[0].to(device), norm, control)
        return None if logits is None else scores(logits, check[1])["accuracy"]

    before = recorded_accuracy(start.metrics, start.state_dict, *check)
    before = accuracy(start_model) if before is None else before
    share, kept = 1.0, tuned
    after = None if before is None else accuracy(tuned.build_model().to(device))
    if after is None:
        return None
    allowed = config.max_mnist_drop * CHECK_AIM
    if before - after > allowed:
        for share in KEPT_SHARES:
            kept = replace(tuned, state_dict={
                k: v + share * (tuned.state_dict[k] - v) if v.is_floating_point() else tuned.state_dict[k]
                for k, v in start.state_dict.items()})
            after = accuracy(kept.build_model().to(device))
            if after is None:
                return None
            if before - after <= allowed:
                break
    return replace(kept, metrics=recording_accuracy(kept.metrics, kept.state_dict, *check, after)), share
