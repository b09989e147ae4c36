import pytest
import torch

from digitpad.core.config import TrainConfig
from digitpad.core.models import ARCHITECTURES, build_model, for_inference, parameter_count
from digitpad.core.trainer import Epoch, Finished, train


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_architecture_maps_digits_to_ten_logits(arch):
    model = build_model(arch).eval()
    assert model(torch.rand(5, 1, 28, 28)).shape == (5, 10)
    assert 10_000 < parameter_count(model) < 2_000_000


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_the_reading_copy_folds_batchnorm_and_gives_the_same_answers(arch):
    model = build_model(arch)
    for module in model.modules():  # trained-looking statistics, so folding them in changes the weights
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-1, 1)
            module.running_var.uniform_(0.5, 2)
    model.eval()
    reader = for_inference(model)
    x = torch.rand(7, 1, 28, 28)
    with torch.no_grad():
        torch.testing.assert_close(reader(x), model(x), atol=1e-5, rtol=1e-4)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in reader.modules())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules()) == (arch == "digitnet")


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
