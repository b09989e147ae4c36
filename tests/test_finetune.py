"""Fine-tuning on a person's digits: it learns their style, reports honestly, and catches forgetting."""

import random
import re
import threading
from dataclasses import replace

import numpy as np
import pytest
import torch
from cli_runner import digitpad
from digit_strokes import BOXY_EIGHT, STYLES, jittered, place
from hostile_files import labelled_csv

from digitpad.core import pen_digits
from digitpad.core.checkpoint import Checkpoint
from digitpad.core.config import FinetuneConfig, TrainingError
from digitpad.core.finetune import (
    CHECK_AIM,
    CHECK_IMAGES,
    PEN_FACTORS,
    PEN_SHARE,
    SCALES,
    FinetuneReport,
    by_difficulty,
    finetune,
    model_inputs,
    renderings,
    sample_id,
    split_held_out,
)
from digitpad.core.metrics import evaluate, recorded_accuracy
from digitpad.core.number_reading import UNSURE_BELOW
from digitpad.core.personal import PersonalSet, Sample
from digitpad.core.trainer import Finished, Message, Step, Stopped, TrainControl

PAD = (280, 280)
QUICK = FinetuneConfig(steps=40, device="cpu")
BRIEF = FinetuneConfig(steps=10, device="cpu")  # where what is learnt does not matter


def kept(strokes, label, predictor):
    """A sample as the Draw tab keeps it: the drawing, its label and the model's reading. Kept at a fixed time:
    the time is part of a drawing's fingerprint, which decides the digits a fine-tune holds out, so every run of
    a test holds out the same ones."""
    prediction = predictor.predict_drawings([(strokes, PAD)])[0]
    return replace(Sample.of_reading(strokes, PAD, label, prediction), created="2026-01-01T00:00:00+00:00")


@pytest.fixture(scope="module")
def boxy_eights(bundled):
    """Eight boxy 8s, most read as 0 by the bundled model, and a few ordinary digits read right."""
    rng = random.Random(1)
    samples = [kept(jittered(BOXY_EIGHT, rng), 8, bundled) for _ in range(8)]
    samples += [kept(place(STYLES[d][style], 50, 20, 240), d, bundled)
                for d, style in ((7, "plain"), (1, "stick"), (5, "two strokes"))]
    return PersonalSet(samples)


def test_held_out_digits_come_from_each_digit_with_two_or_more(boxy_eights):
    learn, held = split_held_out(boxy_eights.samples, 0.25)
    assert sorted(s.label for s in held) == [8, 8]  # a quarter of eight 8s; the single 7, 1 and 5 are all learnt
    assert len(learn) + len(held) == len(boxy_eights.samples) and not {s.key() for s in learn} & {s.key() for s in held}
    assert split_held_out(boxy_eights.samples, 0.0)[1] == []
    # the choice depends on the drawings alone: not on their order, nor on other digits kept since
    shuffled = random.Random(0).sample(boxy_eights.samples, len(boxy_eights.samples))
    more = shuffled + [replace(s, label=4) for s in boxy_eights.samples if s.label == 7]
    assert {s.key() for s in split_held_out(more, 0.25)[1]} == {s.key() for s in held}
    # and a drawing an earlier fine-tune learnt from is never held out to check a later one
    learnt = {sample_id(s) for s in learn if s.label == 8}
    _, later_held = split_held_out(boxy_eights.samples, 0.5, learnt)
    assert {s.key() for s in later_held} == {s.key() for s in held}, "the ones not learnt, and no others"
    every_eight = {sample_id(s) for s in boxy_eights.samples if s.label == 8}
    assert split_held_out(boxy_eights.samples, 0.25, every_eight)[1] == []


def test_a_digits_only_corrected_drawing_is_learnt_and_corrected_ones_are_held_out_in_proportion(boxy_eights):
    eights = [replace(s, unsure=False) for s in boxy_eights.samples if s.label == 8]  # none shown as "?" here
    five = eights[:5]
    for i in range(5):  # whichever of five drawings the model misread when it was kept, it is learnt from
        drawings = [replace(s, predicted=0 if j == i else 8) for j, s in enumerate(five)]
        learn, held = split_held_out(drawings, 0.25)
        assert len(held) == 1 and held[0].predicted == 8 and drawings[i] in learn
    all_corrected = [replace(s, predicted=0) for s in five]
    assert len(split_held_out(all_corrected, 0.25)[1]) == 1, "all misread: one of them checks the result"
    half = [replace(s, predicted=0 if j % 2 else 8) for j, s in enumerate(eights)]  # 4 of 8 corrected
    learn, held = split_held_out(half, 0.5)
    assert sorted(s.predicted for s in held) == [0, 0, 8, 8], "half of the held-out ones were corrected, as kept"
    assert sorted(s.predicted for s in learn) == [0, 0, 8, 8]
    one_of_two = [replace(eights[0], predicted=0), replace(eights[1], predicted=8)]
    assert split_held_out(one_of_two, 0.25)[1] == [one_of_two[1]]
    shown_unsure = [replace(eights[0], predicted=8, unsure=True), replace(eights[1], predicted=8)]
    assert split_held_out(shown_unsure, 0.25)[1] == [shown_unsure[1]], "a \"?\" told what it was is corrected too"


def test_each_drawing_is_rendered_again_at_other_pen_widths_and_sizes(boxy_eights):
    images, labels, owners = renderings(boxy_eights.samples[:2])
    per_sample = len(PEN_FACTORS) * len(SCALES)
    assert images.shape == (2 * per_sample, 28, 28) and images.dtype == torch.uint8 and labels.tolist() == [8] * 12
    assert owners.tolist() == [0] * per_sample + [1] * per_sample
    ink = images[:per_sample].float().sum((1, 2)).view(len(SCALES), len(PEN_FACTORS))
    assert (ink[:, 1:] > ink[:, :-1]).all(), "a wider pen puts more ink on the digit"
    assert len({bytes(image.numpy()) for image in images}) == len(images), "every rendering differs"
    # the default rendering is what the Draw tab shows the model
    assert np.abs(model_inputs(boxy_eights.samples[:1]).astype(int) - boxy_eights.samples[0].model_input).max() <= 1


def test_the_renderings_the_model_misreads_are_drawn_most_often():
    labels = torch.tensor([1, 1, 1, 7])
    sure = torch.nn.functional.one_hot(labels, 10).float()  # read right, for sure
    counts = torch.bincount(by_difficulty(sure, labels, 4000, seed=0), minlength=4)
    assert counts.sum() == 4000 and (counts - 1000).abs().max() < 100, "read right alike: drawn alike"
    misread = sure.clone()
    misread[3] = torch.nn.functional.one_hot(torch.tensor(1), 10)  # the 7 read as 1
    counts = torch.bincount(by_difficulty(misread, labels, 4000, seed=0), minlength=4)
    assert counts[3] > 3 * counts[:3].max(), "the misread one most"
    for seed in range(5):  # with room for one more than the renderings: each once, whatever the weights
        assert sorted(set(by_difficulty(misread, labels, 5, seed).tolist())) == [0, 1, 2, 3]
    assert torch.equal(by_difficulty(misread, labels, 4000, seed=0), by_difficulty(misread, labels, 4000, seed=0))
    fewer = by_difficulty(misread, labels, 2, seed=0)  # less room than renderings: no repeats
    assert len(fewer) == 2 and len(set(fewer.tolist())) == 2


def test_a_negative_seed_gets_a_clear_message(bundled, mnist, boxy_eights):
    with pytest.raises(TrainingError, match="the seed must be 0 or more"):  # rather than numpy's error, mid-run
        next(finetune(bundled.checkpoint, boxy_eights, mnist, replace(QUICK, seed=-1)))


@pytest.mark.parametrize("count, message", [(0, "kept no digits"), (1, "needs at least 2")])
def test_too_few_digits_get_a_clear_message(bundled, mnist, boxy_eights, count, message):
    with pytest.raises(TrainingError, match=message):
        next(finetune(bundled.checkpoint, PersonalSet(boxy_eights.samples[:count]), mnist, QUICK))


def test_fine_tuning_learns_the_style_without_forgetting_mnist(bundled, mnist, boxy_eights, tmp_path):
    events = list(finetune(bundled.checkpoint, boxy_eights, mnist, QUICK))
    assert isinstance(events[-1], Finished) and not any(isinstance(e, Finished) for e in events[:-1])
    report, checkpoint = events[-1].finetune, events[-1].checkpoint
    assert report.held_out_labels == [8, 8] and report.held_out_images.shape == (2, 28, 28)
    assert report.personal_after == 1.0 > report.personal_before
    # the bundled model records its accuracy on these very test images: not scored again before
    assert report.mnist_before == bundled.accuracy
    assert not any(isinstance(e, Message) and "before fine-tuning" in e.text for e in events)
    # the model kept records its accuracies on the test and the check images, for a fine-tune of it in turn
    weights = checkpoint.state_dict
    assert recorded_accuracy(checkpoint.metrics, weights, mnist.test_images, mnist.test_labels) == checkpoint.accuracy
    check = mnist.train_images[-CHECK_IMAGES:], mnist.train_labels[-CHECK_IMAGES:]
    assert recorded_accuracy(checkpoint.metrics, weights, *check) == evaluate(checkpoint.build_model(), *check,
                                                                               checkpoint.normalization)["accuracy"]
    assert abs(report.mnist_drop) <= 0.003 and not report.forgot
    lines = report.lines()
    assert lines[0] == "Fine-tuned digitnet (bundled)" and "2 of 2 after (100%)" in lines[1]
    # two held-out digits are too few to say much: the report says so, and how the digits it learnt from fare
    assert lines[2].startswith("That check is too small to show a change: 2 held-out digits")
    assert report.learn_labels.count(8) == 6 and len(report.learn_labels) == 9  # and the single 7, 1 and 5
    right_after = sum(a == t for a, t in zip(report.learn_after, report.learn_labels))
    assert "(learnt, so not a fair check)" in lines[3] and f"{right_after} of 9 after" in lines[3] and right_after >= 8
    assert lines[4].startswith(f"MNIST test accuracy: {bundled.accuracy:.2%} before") and len(lines) == 5
    assert len(report.learnt) == len(boxy_eights.samples) - 2

    checkpoint.save(tmp_path / "mine.pt")
    loaded = Checkpoint.load(tmp_path / "mine.pt")
    assert loaded.metrics["finetune"]["personal_after"] == 1.0 and loaded.metrics["finetune"]["forgot"] is False
    assert loaded.metrics["finetune"]["learnt"] == report.learnt  # a later fine-tune will not hold these out
    assert loaded.train_config["finetune"]["from"] == "digitnet (bundled)" and loaded.arch == "digitnet"

    from digitpad import Predictor

    tuned = Predictor(loaded, device="cpu")
    rng = random.Random(99)  # new drawings of the style, never seen in training
    fresh = [(jittered(BOXY_EIGHT, rng), PAD) for _ in range(20)]
    before = sum(p.digit == 8 for p in bundled.predict_drawings(fresh))  # 11 since Round 25's model (Round 21's: 6)
    assert before <= 12 and sum(p.digit == 8 for p in tuned.predict_drawings(fresh)) >= 19
    # nor what the bundled model's pen stage taught: it is hardly surer of lone dots and dashes than it was (the
    # width-32 model of Round 3, sure of 61% of these, was sure of 66% after a fine-tune without the pen drawings
    # mixed in, and of no more with them; the width-48 model is sure of 15%, and of 16% after this fine-tune)
    marks = pen_digits.non_digit_set(400, seed=77).astype(np.float32) / 255
    sure = [float((p.probabilities(marks).max(1) >= UNSURE_BELOW).mean()) for p in (bundled, tuned)]
    assert sure[1] <= sure[0] + 0.02, sure
    # nor of scribbles, letters and doodles, which fine-tunes that mixed none of them in grew surer of
    for kinds, seed in ((pen_digits.SCRIBBLES, 78), (pen_digits.DOODLES, 79)):
        drawings = pen_digits.non_digit_set(400, seed=seed, kinds=kinds).astype(np.float32) / 255
        sure = [float((p.probabilities(drawings).max(1) >= UNSURE_BELOW).mean()) for p in (bundled, tuned)]
        assert sure[1] <= sure[0] + 0.02, (list(kinds), sure)


def test_a_check_that_cannot_show_a_change_says_so_and_shows_the_learnt_digits():
    """The case a person met: one held-out 3 that the start model already read right."""
    image = np.zeros((1, 28, 28), np.uint8)
    report = FinetuneReport("digitnet (bundled)", "MNIST", image, [3], [3], [3], 0.9965, 0.9962, 0.003, [], 42,
                            np.zeros((7, 28, 28), np.uint8), [3] * 7, [7, 7, 7, 3, 7, 7, 3], [3] * 7)
    lines = report.lines()
    assert "1 of 1 read right before (100%), 1 of 1 after (100%)" in lines[1]
    assert lines[2] == "That check is too small to show a change: it was already read right before"
    assert lines[3] == ("The 7 digits it learnt from (learnt, so not a fair check): 2 of 7 read right before, "
                        "7 of 7 after")
    assert lines[4].startswith("MNIST test accuracy")
    two = FinetuneReport("digitnet (bundled)", "MNIST", np.zeros((2, 28, 28), np.uint8), [3, 5], [3, 5], [3, 5],
                         0.9965, 0.9962, 0.003, [], 42)
    assert two.too_small_to_tell == "both were already read right before", "not 'all 2 were'"


def test_a_fine_tune_that_would_forget_keeps_only_as_much_of_its_change_as_mnist_allows(bundled, mnist, boxy_eights):
    """A hasty fine-tune (a high learning rate, half of each batch the person's digits) forgets MNIST beyond the
    allowed drop; the model kept moves only part of the way from the start, losing no more than CHECK_AIM of the
    allowed drop on training images no fine-tune uses, so that it stays within the allowed drop on the test set;
    and it still reads the person's style."""
    from digitpad import Predictor

    hasty = FinetuneConfig(steps=40, lr=1e-2, personal_share=0.5, device="cpu")
    unguarded = [e for e in finetune(bundled.checkpoint, boxy_eights, mnist, replace(hasty, max_mnist_drop=1.0))
                 if isinstance(e, Finished)][-1]
    assert unguarded.finetune.mnist_drop > 0.003 and "kept_share" not in unguarded.checkpoint.metrics
    guarded = [e for e in finetune(bundled.checkpoint, boxy_eights, mnist, hasty) if isinstance(e, Finished)][-1]
    assert guarded.checkpoint.metrics["kept_share"] < 1 and not guarded.finetune.forgot
    check = mnist.train_images[-CHECK_IMAGES:], mnist.train_labels[-CHECK_IMAGES:]
    kept_on_check = recorded_accuracy(guarded.checkpoint.metrics, guarded.checkpoint.state_dict, *check)
    start_on_check = evaluate(bundled.checkpoint.build_model(), *check, bundled.checkpoint.normalization)["accuracy"]
    assert CHECK_AIM < 1 and start_on_check - kept_on_check <= hasty.max_mnist_drop * CHECK_AIM  # room for the test
    assert guarded.finetune.mnist_after == guarded.checkpoint.accuracy
    share = guarded.checkpoint.metrics["kept_share"]
    assert f"so {share:.0%} of the change was kept" in " ".join(guarded.finetune.lines())
    rng = random.Random(99)
    fresh = [(jittered(BOXY_EIGHT, rng), PAD) for _ in range(20)]
    assert sum(p.digit == 8 for p in Predictor(guarded.checkpoint, device="cpu").predict_drawings(fresh)) >= 18


def test_a_model_that_reads_the_persons_held_out_digits_worse_is_withheld(bundled, mnist):
    """Digits the model read right, and a fine-tune so hasty that it reads them all as one digit: the MNIST guard is
    set not to mind here, but the held-out digits catch it."""
    rng = random.Random(5)
    samples = [kept(jittered(STYLES[d][style], rng), d, bundled)
               for d, style in ((7, "plain"), (1, "stick"), (5, "two strokes")) for _ in range(4)]
    hasty = FinetuneConfig(steps=12, epochs=1, lr=0.3, personal_share=0.95, max_mnist_drop=1.0, device="cpu")
    report = list(finetune(bundled.checkpoint, PersonalSet(samples), mnist.subset(test=2000), hasty))[-1].finetune
    assert report.personal_before == 1.0 > report.personal_after and not report.forgot
    assert report.reads_yours_worse and report.withheld and report.summary()["reads_yours_worse"] is True
    assert report.lines()[-1] == ("Fewer of your held-out digits are read right than before: the model reads your "
                                  "writing worse, so it is not used unless you insist")
    assert not any("too small to show a change" in line for line in report.lines()), "it shows this loss"


def test_as_many_held_out_digits_read_right_after_is_not_worse():
    image = np.zeros((3, 28, 28), np.uint8)
    # one misread mended and another made: as many right as before
    report = FinetuneReport("digitnet (bundled)", "MNIST", image, [3, 7, 1], [3, 7, 7], [3, 1, 1], 0.9965, 0.9962,
                            0.003, [], 42)
    assert not report.reads_yours_worse and not report.withheld and "worse" not in " ".join(report.lines())


def test_forgetting_mnist_is_reported(bundled, mnist, boxy_eights):
    reckless = FinetuneConfig(steps=12, epochs=1, lr=0.3, personal_share=0.95, device="cpu")
    events = list(finetune(bundled.checkpoint, boxy_eights, mnist.subset(test=2000), reckless))
    report = events[-1].finetune
    assert report.forgot and report.withheld and report.mnist_drop > 0.003
    assert "forgot some of what it knew, so it is not used unless you insist" in report.lines()[-1]


@pytest.mark.parametrize("stop_after", ["learning from", "scoring", "drawing"])
def test_stop_while_preparing(bundled, mnist, boxy_eights, stop_after):
    control = TrainControl()
    unrecorded = {k: v for k, v in bundled.checkpoint.metrics.items() if k != "accuracies"}  # scored before, then
    events = finetune(replace(bundled.checkpoint, metrics=unrecorded), boxy_eights, mnist, QUICK, control)
    for event in events:
        if isinstance(event, Message) and event.text.startswith(stop_after):
            break
    control.stop()
    rest = list(events)
    assert rest == [Stopped(0, 0)], "stopped before any rendering or scoring went on, and before training"


def test_stop_while_drawing_the_pen_digits(bundled, mnist, boxy_eights):
    control = TrainControl()
    many = FinetuneConfig(steps=600, device="cpu")  # about 8,600 pen drawings: seconds of drawing, in 43 chunks
    events = finetune(bundled.checkpoint, boxy_eights, mnist, many, control)
    for event in events:
        if isinstance(event, Message) and event.text.startswith("drawing"):
            break
    stopper = threading.Timer(0.5, control.stop)  # while the chunks are being drawn, as Stop in the window would
    stopper.start()
    rest = list(events)
    stopper.join()
    assert rest == [Stopped(0, 0)], "stopped between two chunks: nothing more drawn, mixed or trained"


def test_a_start_without_a_recorded_accuracy_is_scored_before(bundled, mnist, boxy_eights):
    unrecorded = {k: v for k, v in bundled.checkpoint.metrics.items() if k != "accuracies"}
    small = mnist.subset(train=1200, test=500)
    events = list(finetune(replace(bundled.checkpoint, metrics=unrecorded), boxy_eights, small, BRIEF))
    assert any(isinstance(e, Message) and e.text.startswith("scoring digitnet (bundled) on 500 test images before")
               for e in events)
    assert events[-1].finetune.mnist_before == evaluate(bundled.checkpoint.build_model(), small.test_images,
                                                        small.test_labels, bundled.checkpoint.normalization)["accuracy"]


def test_stop_while_scoring_the_fine_tuned_model(bundled, mnist, boxy_eights):
    control = TrainControl()
    events = finetune(bundled.checkpoint, boxy_eights, mnist.subset(train=1200, test=3000), BRIEF, control)
    seen = []
    for event in events:
        seen.append(event)
        if isinstance(event, Message) and event.text.startswith("scoring the fine-tuned model on 3,000 test images"):
            break
    control.stop()
    last = [e for e in seen if isinstance(e, Step)][-1]
    assert list(events) == [Stopped(last.epochs, last.steps_per_epoch)], "stopped after training, and nothing saved"


def test_stop_while_checking_what_it_forgot(bundled, mnist, boxy_eights):
    control = TrainControl()
    events = finetune(bundled.checkpoint, boxy_eights, mnist, BRIEF, control)
    seen = []
    for event in events:
        seen.append(event)
        if isinstance(event, Message) and event.text.startswith("checking what it forgot"):
            break
    assert "5,000" in seen[-1].text and "training images no fine-tune uses" in seen[-1].text
    control.stop()  # each scoring of those images (up to five) asks whether to stop as it goes
    last = [e for e in seen if isinstance(e, Step)][-1]
    assert list(events) == [Stopped(last.epochs, last.steps_per_epoch)], "not scored on the test, nothing saved"


def test_the_share_of_personal_digits_holds_on_a_small_dataset(bundled, mnist, boxy_eights):
    small = mnist.subset(train=600, test=500)
    events = list(finetune(bundled.checkpoint, boxy_eights, small, QUICK))
    texts = [e.text for e in events if isinstance(e, Message)]
    mix = next(t for t in texts if "oversampled to" in t)
    numbers = re.findall(r"oversampled to ([\d,]+) .* with ([\d,]+) of MNIST.* and ([\d,]+) drawn by other", mix)[0]
    personal, data, pen = (int(n.replace(",", "")) for n in numbers)
    styled = int(next(re.findall(r"added (\d+) style variants", t)[0] for t in texts if "style variants" in t))
    everything = personal + data + styled + pen
    assert data == 600 - 600 // 12 and personal / everything == pytest.approx(0.25, abs=0.01)
    assert pen / (data + styled + pen) == pytest.approx(PEN_SHARE, abs=0.01)
    assert any(t.endswith(f"{everything:,} training and 50 validation images on cpu") for t in texts)
    steps = [e for e in events if isinstance(e, Step)]
    assert len(steps) == pytest.approx(QUICK.steps, abs=steps[0].steps_per_epoch), "more epochs make the steps"
    assert "epochs make the 40 steps" in mix


def test_drawings_without_strokes_and_sets_with_nothing_held_out(bundled, mnist, boxy_eights):
    blank = PersonalSet([replace(s, strokes=[]) for s in boxy_eights.samples[-3:]])  # e.g. from a foreign export
    with pytest.raises(TrainingError, match="no.* strokes"):
        list(finetune(bundled.checkpoint, blank, mnist, QUICK))

    singles = PersonalSet(boxy_eights.samples[-3:])  # one 7, one 1, one 5: nothing to hold out
    events = list(finetune(bundled.checkpoint, singles, mnist.subset(test=500), replace(QUICK, steps=10, epochs=1)))
    report = events[-1].finetune
    assert report.held_out_labels == [] and report.personal_before is None and report.personal_after is None
    assert "No digits were held out" in report.lines()[1]


def test_cli_finetune(tmp_path, boxy_eights, mnist):
    boxy_eights.save(tmp_path / "mine.pt")
    done = digitpad("finetune", "--personal", "mine.pt", "--out", "tuned.pt", "--steps", "40", "--device", "cpu",
                    cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 of 2 after (100%)" in done.stdout and "saved tuned.pt" in done.stdout
    assert Checkpoint.load(tmp_path / "tuned.pt").metrics["finetune"]["held_out"] == 2

    # The reckless fine-tunes learn from a small CSV of MNIST digits: scored on its 500 test rows, not on 10,000
    # (and too small for the guard's 5,000 check images, so the whole change is judged), they forget as plainly.
    (tmp_path / "small.csv").write_text(labelled_csv(mnist.train_images[:3500], mnist.train_labels[:3500]))
    forgetful = digitpad("finetune", "--personal", "mine.pt", "--out", "forgot.pt", "--steps", "12", "--lr", "0.3",
                         "--csv", "small.csv", "--device", "cpu", cwd=tmp_path, check=False)
    assert forgetful.returncode == 1 and "not saved" in forgetful.stderr and not (tmp_path / "forgot.pt").exists()

    from digitpad.core.runs import RunStore

    forgot, tuned = RunStore().records()[0]  # both fine-tunes were recorded, newest first
    assert tuned.kind == forgot.kind == "finetune" and tuned.status == forgot.status == "finished"
    assert tuned.checkpoint == str((tmp_path / "tuned.pt").resolve()) and forgot.checkpoint is None
    assert tuned.finetune["held_out"] == 2 and tuned.finetune["forgot"] is False and forgot.finetune["forgot"]
    assert tuned.config["finetune"]["steps"] == 40 and tuned.config["train_limit"] > 0, "the settings trained with"
    assert tuned.settings_summary().endswith(": 40 steps, lr 0.0005")
    assert tuned.data_summary() == f"MNIST, first {tuned.config['train_limit']:,} + pen drawings + your digits"

    insisted = digitpad("finetune", "--personal", "mine.pt", "--out", "forgot.pt", "--steps", "12", "--lr", "0.3",
                        "--csv", "small.csv", "--device", "cpu", "--force", cwd=tmp_path)
    assert insisted.returncode == 0 and "not used unless you insist" in insisted.stdout, "said, and saved all the same"
    assert Checkpoint.load(tmp_path / "forgot.pt").metrics["finetune"]["forgot"] is True


def test_interrupted_finetune_keeps_the_existing_file(tmp_path, boxy_eights):
    import os
    import signal
    import subprocess
    import sys
    import time

    boxy_eights.save(tmp_path / "mine.pt")
    out = tmp_path / "tuned.pt"
    out.write_bytes(b"the previous model")
    child = subprocess.Popen([sys.executable, "-m", "digitpad", "finetune", "--personal", "mine.pt", "--out",
                              str(out), "--steps", "400", "--device", "cpu"], cwd=tmp_path, env={**os.environ},
                             stderr=subprocess.PIPE, text=True)
    while "renderings of your digits" not in child.stderr.readline():  # the fine-tune is about to train
        assert child.poll() is None
    time.sleep(1)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130 and "fine-tuning stopped; nothing was saved" in stderr
    assert "Traceback" not in stderr and out.read_bytes() == b"the previous model"

    from digitpad.core.runs import STOPPED, RunStore

    record = RunStore().records()[0][0]  # the newest
    assert record.name == "tuned" and record.kind == "finetune" and record.status == STOPPED
    assert record.checkpoint is None
    assert record.stopped_at.startswith("in epoch"), "the loop was asked to stop, not broken into by an interrupt"


def test_cli_finetune_refuses_bad_input_and_the_bundled_model(tmp_path, boxy_eights):
    (tmp_path / "junk.pt").write_bytes(b"not a set")
    junk = digitpad("finetune", "--personal", "junk.pt", "--out", "x.pt", cwd=tmp_path, check=False)
    assert junk.returncode == 1 and "not a digitpad personal set" in junk.stderr
    nothing = digitpad("finetune", "--out", "x.pt", cwd=tmp_path, check=False)  # this user has kept no digits
    assert nothing.returncode == 1 and "kept no digits" in nothing.stderr

    from digitpad.core.paths import bundled_model_path

    boxy_eights.save(tmp_path / "mine.pt")
    before = bundled_model_path().read_bytes()
    refused = digitpad("finetune", "--personal", "mine.pt", "--out", str(bundled_model_path()), cwd=tmp_path,
                       check=False)
    assert refused.returncode == 1 and "never overwritten" in refused.stderr
    assert bundled_model_path().read_bytes() == before
    assert not list(tmp_path.glob("*.pt.tmp*")) and not (tmp_path / "x.pt").exists()
