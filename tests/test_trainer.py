import threading

import pytest
import torch

from digitpad.core.config import PRESETS, TrainConfig, TrainingError, preset
from digitpad.core.metrics import recorded_accuracy
from digitpad.core.trainer import Epoch, Finished, Message, Step, Stopped, TrainControl, train

PAUSE_S = 1.5
SMALL = dict(arch="lenet5", epochs=2, batch_size=64, train_limit=2000, augment=0.0, styles=False, device="cpu")


def test_events_describe_progress_and_end_with_an_evaluated_checkpoint(mnist):
    events = list(train(TrainConfig(**SMALL), mnist.subset(test=1000)))
    steps = [e for e in events if isinstance(e, Step)]
    epochs = [e for e in events if isinstance(e, Epoch)]
    assert len(epochs) == 2 and len(steps) == 2 * steps[0].steps_per_epoch
    assert steps[-1].progress == 1.0 and steps[-1].eta == 0 and steps[0].images_per_second > 0
    assert all(0 <= e.val_accuracy <= 1 for e in epochs)
    finished = events[-1]
    assert isinstance(finished, Finished)
    metrics = finished.checkpoint.metrics
    assert metrics["count"] == 1000 and len(metrics["confusion"]) == 10 and len(metrics["precision"]) == 10
    assert sum(map(sum, metrics["confusion"])) == 1000
    assert finished.checkpoint.train_config["train_limit"] == 2000 and len(finished.checkpoint.history) == 2
    assert metrics["subset_images"] == 2000 and metrics["train_images"] == TrainConfig(**SMALL).split_sizes(60_000)[0]
    wrong = metrics["misclassified"]
    assert len(wrong) == min(100, 1000 - round(metrics["accuracy"] * 1000))
    assert all(int(mnist.test_labels[i]) == true != predicted for i, true, predicted in wrong)
    test = mnist.subset(test=1000)
    weights = finished.checkpoint.state_dict
    assert recorded_accuracy(metrics, weights, test.test_images, test.test_labels) == metrics["accuracy"]
    assert recorded_accuracy(metrics, weights, mnist.test_images, mnist.test_labels) is None, "only the images scored"


def test_tiny_runs_train_without_a_warm_up_phase(mnist):
    config = TrainConfig(**{**SMALL, "epochs": 1, "train_limit": 200})  # 2 steps: too few for one-cycle
    assert isinstance(list(train(config, mnist.subset(test=100)))[-1], Finished)


def test_stop_during_test_scoring(mnist):
    control = TrainControl()
    events = train(TrainConfig(**{**SMALL, "epochs": 1}), mnist, control)
    for event in events:
        if isinstance(event, Epoch):
            break
    control.stop()  # the next thing the loop does is score the 10,000 test images
    assert isinstance(next(events), Stopped)


def test_stop_during_validation(mnist):
    control = TrainControl()
    events = train(TrainConfig(**{**SMALL, "epochs": 3}), mnist, control)
    for event in events:
        if isinstance(event, Step) and event.step == event.steps_per_epoch:
            break
    control.stop()  # the next thing the loop does is score the validation images (5,000 of MNIST: 0.8 s)
    stopped = next(events)
    assert isinstance(stopped, Stopped) and (stopped.epoch, stopped.step) == (1, event.steps_per_epoch)
    assert stopped.where(event.steps_per_epoch, 0, 3) == "at the end of epoch 1, while scoring its validation images", \
        "not 'in epoch 1 after step 28' of 28, as if it had not finished its steps"
    assert Stopped(2, 5).where(28, 1, 3) == "in epoch 2 after step 5" and Stopped(3, 28).where(28, 3, 3) == \
        "while scoring the test set" and Stopped(0, 0).where(None, 0, 3) == "before training began"


def test_a_stop_before_the_style_variants_are_made_ends_the_run_without_them(mnist):
    control = TrainControl()
    control.stop()  # as Stop pressed at once: the variants of all of MNIST take seconds to make
    events = list(train(TrainConfig(**{**SMALL, "styles": True}), mnist, control))
    assert events[-1] == Stopped(0, 0)
    assert not any(isinstance(e, Message) and "style variants" in e.text for e in events)


def test_same_seed_same_model(mnist):
    first, second = ([e for e in train(TrainConfig(**SMALL, seed=3), mnist.subset(test=200))][-1] for _ in range(2))
    for key, value in first.checkpoint.state_dict.items():
        torch.testing.assert_close(value, second.checkpoint.state_dict[key])


def test_stop_is_honoured_within_one_step(mnist):
    control = TrainControl()
    seen = []
    for event in train(TrainConfig(**{**SMALL, "epochs": 50}), mnist, control):
        seen.append(event)
        if isinstance(event, Step) and event.step == 3:
            control.stop()
    assert isinstance(seen[-1], Stopped) and seen[-1].step == 3
    assert not any(isinstance(e, Finished) for e in seen)


def test_finish_now_ends_the_training_at_the_next_step_and_keeps_the_model_tested(mnist):
    """Stop ▸ Keep the model: the epochs done so far are a model worth having, scored like a finished one."""
    control = TrainControl()
    seen = []
    for event in train(TrainConfig(**{**SMALL, "epochs": 4}), mnist.subset(test=500), control):
        seen.append(event)
        if isinstance(event, Step) and event.epoch == 3 and event.step == 3:
            control.pause()
            control.finish_now()  # also ends a pause: a paused run asked to finish would wait for ever
    finished = seen[-1]
    assert isinstance(finished, Finished) and not any(isinstance(e, Stopped) for e in seen)
    steps_per_epoch = seen[-2].steps_per_epoch
    assert [e for e in seen if isinstance(e, Step)][-1].step == 3, "no step after the request"
    metrics = finished.checkpoint.metrics
    assert metrics["ended_early"] == {"epoch": 3, "step": 3, "steps_per_epoch": steps_per_epoch}
    assert len(finished.checkpoint.history) == 2 and metrics["count"] == 500 and metrics["accuracy"] > 0.8
    assert finished.checkpoint.train_config["epochs"] == 4, "the recipe as asked for"

    control = TrainControl()
    control.finish_now()
    control.pause()  # ignored once the run is to end
    assert not control.paused
    control.stop()  # a stop after it still discards the model
    events = list(train(TrainConfig(**SMALL), mnist.subset(test=200), control))
    assert isinstance(events[-1], Stopped)


def test_pause_blocks_until_resumed(mnist):
    control = TrainControl()
    events = train(TrainConfig(**SMALL), mnist.subset(test=200), control)
    first_step = next(e for e in events if isinstance(e, Step))
    control.pause()
    got = []
    worker = threading.Thread(target=lambda: got.append(next(events)))
    worker.start()
    worker.join(0.5)
    assert worker.is_alive() and not got, "no step runs while paused"
    control.resume()
    worker.join(10)
    assert isinstance(got[0], Step) and got[0].step == first_step.step + 1


def test_time_spent_paused_counts_in_no_speed_eta_or_duration(mnist):
    control = TrainControl()
    events = train(TrainConfig(**SMALL), mnist.subset(test=200), control)
    before = next(e for e in events if isinstance(e, Step))
    control.pause()
    threading.Timer(PAUSE_S, control.resume).start()
    after = next(events)  # blocks until resumed
    assert isinstance(after, Step) and after.step == before.step + 1
    # one lenet5 step of 64 images lies between the two; the pause would add PAUSE_S to the second
    assert after.elapsed - before.elapsed < PAUSE_S
    assert after.images_per_second > 2 * 64 / PAUSE_S  # two steps' images, in less time than the pause
    rest = list(events)
    last_step, finished = [e for e in rest if isinstance(e, Step)][-1], rest[-1]
    assert isinstance(finished, Finished) and finished.seconds < last_step.elapsed + PAUSE_S, "the same clock"


def test_a_pause_after_a_stop_does_not_hold_the_run():
    control = TrainControl()
    control.stop()
    control.pause()  # Pause pressed while the run is stopping
    answered = []
    asker = threading.Thread(target=lambda: answered.append(control.should_stop()), daemon=True)  # may never end
    asker.start()
    asker.join(10)
    assert answered == [True], "the stop is seen, not waited past for ever"


def test_divergence_stops_with_a_clear_error(mnist):
    config = TrainConfig(**{**SMALL, "lr": 10.0, "optimizer": "sgd", "schedule": "none"})
    with pytest.raises(TrainingError, match="diverged.*lower learning rate"):
        for _ in train(config, mnist.subset(test=100)):
            pass


def test_invalid_configuration_lists_every_problem(mnist):
    config = TrainConfig(epochs=0, lr=-1, optimizer="rmsprop", val_fraction=0.9, arch="vgg", seed=-1)
    with pytest.raises(TrainingError) as info:  # all at once, before any work (a negative seed: not numpy's error)
        next(train(config, mnist))
    for words in ("epochs", "learning rate", "optimizer", "validation fraction", "unknown architecture 'vgg'",
                  "the seed must be 0 or more"):
        assert words in str(info.value)


def test_cuda_request_without_cuda_falls_back_with_a_message(mnist):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    first = next(train(TrainConfig(**{**SMALL, "device": "cuda"}), mnist.subset(test=100)))
    assert isinstance(first, Message) and "using the CPU" in first.text


@pytest.mark.parametrize("optimizer,schedule", [("adam", "step"), ("sgd", "onecycle"), ("adamw", "none")])
def test_optimizers_and_schedules_train(mnist, optimizer, schedule):
    config = TrainConfig(**{**SMALL, "epochs": 1, "train_limit": 8000, "optimizer": optimizer, "schedule": schedule,
                            "lr": 0.05 if optimizer == "sgd" else 2e-3})
    assert [e for e in train(config, mnist.subset(test=500))][-1].checkpoint.accuracy > 0.8


def test_styles_and_augmentation_run_in_the_loop(mnist):
    config = TrainConfig(**{**SMALL, "epochs": 1, "styles": True, "augment": 1.0, "elastic": True})
    events = list(train(config, mnist.subset(test=200)))
    assert any(isinstance(e, Message) and "style variants" in e.text for e in events)
    assert isinstance(events[-1], Finished)


def test_presets():
    assert set(PRESETS) == {"quick", "full"}
    assert preset("full", epochs=2).epochs == 2 and PRESETS["full"].epochs != 2
    with pytest.raises(ValueError, match="unknown preset"):
        preset("slow")


def test_a_learning_rate_far_too_high_is_noted_in_the_optimizer_s_own_terms():
    """A review trained at lr 5 (every digit read as a 2); SGD takes rates ten times Adam's, so its bar is higher."""
    notes = TrainConfig(lr=5).warnings(60_000)
    assert notes == ["a learning rate of 5 is far above the presets' (0.003 to 0.004): the loss may grow instead of "
                     "falling, and the model learn nothing"]
    assert TrainConfig(optimizer="sgd", lr=0.5).warnings(60_000) == []
    assert "far above what trains these networks with SGD (0.01 to 0.1)" in TrainConfig(optimizer="sgd",
                                                                                     lr=5).warnings(60_000)[0]
    assert TrainConfig().warnings(60_000) == [], "the presets' own rate says nothing"
