import pytest
import torch
import torch.nn.functional as F

from digitpad.core.checkpoint import Checkpoint
from digitpad.core.config import TrainConfig, TrainingError
from digitpad.core.distill import distillation_loss, soft_targets
from digitpad.core.paths import bundled_model_path
from digitpad.core.trainer import Finished, train

SMALL = dict(arch="lenet5", epochs=1, batch_size=64, train_limit=2000, augment=0.0, styles=False, device="cpu")


def test_soft_targets_average_the_teachers_softened_probabilities(mnist):
    images = mnist.test_images[:64].float().div(255).unsqueeze(1)
    bundled = Checkpoint.load(bundled_model_path())
    logits = bundled.build_model().eval()(bundled.normalization.apply(images)).detach()
    # a second teacher, of another architecture and barely trained, that often disagrees with the first
    other = list(train(TrainConfig(**{**SMALL, "train_limit": 200}), mnist.subset(test=10)))[-1].checkpoint
    other_logits = other.build_model().eval()(other.normalization.apply(images)).detach()
    targets = soft_targets([bundled, other], temperature=2.0)(images)
    expected = (F.softmax(logits / 2, 1) + F.softmax(other_logits / 2, 1)) / 2
    assert torch.allclose(targets, expected, atol=1e-5)
    assert torch.allclose(targets.sum(1), torch.ones(64), atol=1e-5)
    assert distillation_loss(logits, F.softmax(logits / 2, 1), 2.0) == pytest.approx(0, abs=1e-5)
    assert distillation_loss(other_logits, F.softmax(logits / 2, 1), 2.0) > 0.1


def test_distilling_learns_the_teachers_answers_not_the_labels(mnist):
    """A teacher that calls every image a 3 wins over the labels when the whole loss is on its targets."""
    def always_three(images):
        return F.one_hot(torch.full((len(images),), 3), 10).float()

    answers = {}
    for share in (0.0, 1.0):
        config = TrainConfig(**{**SMALL, "distill": share})
        finished = list(train(config, mnist.subset(test=300), teacher=always_three))[-1]
        assert isinstance(finished, Finished)
        answers[share] = torch.tensor(finished.checkpoint.metrics["confusion"]).sum(0)  # how often each digit is said
    assert answers[1.0][3] == 300 and answers[0.0][3] < 100


def test_distilling_without_a_teacher_or_with_bad_settings_is_refused(mnist):
    with pytest.raises(TrainingError, match="needs a teacher"):
        next(train(TrainConfig(**{**SMALL, "distill": 0.5}), mnist))
    problems = " ".join(TrainConfig(distill=1.5, temperature=0).problems())
    assert "distillation share" in problems and "temperature" in problems
