import pytest
import torch

from digitpad.core.config import TrainConfig
from digitpad.core.models import ARCHITECTURES, build_model, parameter_count
from digitpad.core.trainer import Epoch, Finished, train


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_architecture_maps_digits_to_ten_logits(arch):
    model = build_model(arch).eval()
    assert model(torch.rand(5, 1, 28, 28)).shape == (5, 10)
    assert 10_000 < parameter_count(model) < 2_000_000


def test_required_architectures_are_registered():
    assert {"simple", "lenet5", "lenet-avg", "digitnet"} <= set(ARCHITECTURES)
    with pytest.raises(ValueError, match="known: "):
        build_model("nope")


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_short_training_run_lowers_the_loss(arch, mnist):
    config = TrainConfig(arch=arch, epochs=2, batch_size=64, lr=2e-3, train_limit=3000, augment=0.5,
                         styles=False, device="cpu")
    events = list(train(config, mnist.subset(test=500)))
    epochs = [e for e in events if isinstance(e, Epoch)]
    assert epochs[1].train_loss < epochs[0].train_loss
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.checkpoint.metrics["accuracy"] > 0.75
