"""Run records and TensorBoard logs, kept from real (tiny) training runs on real MNIST."""

import json
import subprocess
import sys

import pytest
from missing_modules import env_without
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from digitpad.core.checkpoint import Checkpoint
from digitpad.core.config import TrainingError, preset
from digitpad.core.runs import CRASHED, FINISHED, STOPPED, RunRecorder, RunRecordError, RunStore, compare, preset_of
from digitpad.core.trainer import Epoch, Message, Step, TrainControl, train

TRAIN_IMAGES = 600  # 4 steps of 128 per epoch
STEPS_PER_EPOCH = (TRAIN_IMAGES - TRAIN_IMAGES // 12) // 128


@pytest.fixture(scope="module")
def small(mnist):
    return mnist.subset(train=TRAIN_IMAGES, test=300)


def config(**changes):
    return preset("quick", device="cpu", train_limit=TRAIN_IMAGES, **{"epochs": 2, **changes})


def run(recorder, events, data):
    return list(recorder.watch(events, data.source))


def test_a_finished_run_is_recorded_with_its_history_scores_and_saved_model(small, tmp_path):
    store = RunStore(tmp_path / "runs")
    settings = config()
    recorder = RunRecorder.for_training(settings, name="tiny", store=store)
    events = run(recorder, train(settings, small), small)
    assert f"recording this run as {recorder.id}" in [e.text for e in events if isinstance(e, Message)]

    (record,), notes = store.records()
    assert notes == [] and record.id == recorder.id and record.status == FINISHED and record.front == "cli"
    assert record.config == settings.to_dict() and record.arch == "lenet5" and record.preset == "custom"
    assert record.data.startswith("MNIST") and record.data_summary() == f"MNIST, first {TRAIN_IMAGES:,}"
    assert record.device == "cpu" and record.epochs_done == record.epochs == 2
    epochs = [e for e in events if isinstance(e, Epoch)]
    assert [h["val_accuracy"] for h in record.history] == [e.val_accuracy for e in epochs]
    assert record.metrics["count"] == 300 and 0 < record.accuracy <= 1
    assert sum(map(sum, record.metrics["confusion"])) == 300 and len(record.metrics["recall"]) == 10
    assert record.seconds > 0 and record.checkpoint is None and record.error is None
    assert [s[0] for s in record.steps] == pytest.approx([(i + 1) / STEPS_PER_EPOCH for i in range(2 * STEPS_PER_EPOCH)])

    model = tmp_path / "tiny.pt"
    model.write_bytes(b"a model")
    store.set_checkpoint(record.id[:12], model)
    assert store.find(record.id).checkpoint == str(model.resolve())

    trained = events[-1].checkpoint  # what `digitpad train` and the Train tab keep, through the same call
    assert store.keep_model(record.id, trained, tmp_path / "kept.pt") is None
    assert store.find(record.id).checkpoint == str((tmp_path / "kept.pt").resolve())
    assert Checkpoint.load(tmp_path / "kept.pt").accuracy == record.accuracy
    problem = store.keep_model("no-such-run", trained, tmp_path / "other.pt")  # the model is kept all the same
    assert "no run 'no-such-run'" in problem and Checkpoint.load(tmp_path / "other.pt").accuracy == record.accuracy


def test_preset_of_ignores_where_and_on_what_a_recipe_runs():
    assert preset_of(preset("quick", device="cpu", train_limit=500)) == "quick"
    assert preset_of(preset("full")) == "full"
    assert preset_of(preset("quick", lr=1e-3)) == "custom"


def test_a_stopped_run_says_so(small, tmp_path):
    store = RunStore(tmp_path)
    control = TrainControl()
    settings = config(epochs=3)
    recorder = RunRecorder.for_training(settings, store=store)
    for event in recorder.watch(train(settings, small, control), small.source):
        if isinstance(event, Step) and event.epoch == 2 and event.step == 1:
            control.stop()
    record = store.find(recorder.id)
    assert record.status == STOPPED and record.stopped_at == "in epoch 2 after step 1"
    assert record.status_text() == "stopped in epoch 2 after step 1"
    assert record.epochs_done == 1 and record.metrics is None


def test_an_interrupt_between_events_is_recorded_as_stopped(small, tmp_path):
    store = RunStore(tmp_path)
    settings = config()
    recorder = RunRecorder.for_training(settings, store=store)
    events = recorder.watch(train(settings, small), small.source)
    for event in events:
        if isinstance(event, Step):
            break  # as Ctrl+C in the CLI's loop body leaves it
    events.close()
    record = store.find(recorder.id)
    assert record.status == STOPPED and record.stopped_at == "when interrupted"


def test_a_crash_is_recorded_with_its_error(small, tmp_path):
    store = RunStore(tmp_path)
    settings = config(lr=10, weight_decay=0.5, optimizer="sgd", schedule="none")  # certain to diverge
    recorder = RunRecorder.for_training(settings, store=store)
    with pytest.raises(TrainingError, match="diverged"):
        run(recorder, train(settings, small), small)
    record = store.find(recorder.id)
    assert record.status == CRASHED and "diverged" in record.error and record.ended
    assert record.status_text().startswith("crashed: the loss became")


def test_a_run_whose_process_died_shows_as_crashed(small, tmp_path):
    store = RunStore(tmp_path)
    recorder = RunRecorder.for_training(config(), store=store)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    recorder.record.pid = int(dead.stdout)
    store.save(recorder.record)  # as left by a process killed mid-run
    record = store.find(recorder.id)
    assert record.status == "running" and record.shown_status == CRASHED
    assert record.status_text() == "crashed: the program ended during the run"


def test_an_unwritable_record_does_not_stop_training(small, tmp_path):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    settings = config(epochs=1)
    recorder = RunRecorder.for_training(settings, store=RunStore(blocked / "runs"))
    events = run(recorder, train(settings, small), small)
    warnings = [e.text for e in events if isinstance(e, Message) and "could not be written" in e.text]
    assert len(warnings) == 1 and str(blocked / "runs") in warnings[0] and "training goes on" in warnings[0]
    assert not any(isinstance(e, Message) and "recording this run" in e.text for e in events), "it is not"
    assert type(events[-1]).__name__ == "Finished" and not recorder.recording


def test_damaged_records_are_skipped_with_a_note(small, tmp_path):
    store = RunStore(tmp_path)
    settings = config(epochs=1)
    good = RunRecorder.for_training(settings, store=store)
    run(good, train(settings, small), small)
    (tmp_path / "truncated.json").write_text('{"format": "digitpad-run", "id": "x", "kin')
    raw = json.loads(store.path(good.id).read_text())
    raw["id"] = "bad-confusion"
    raw["metrics"]["confusion"] = [[1, 2], [3]]
    (tmp_path / "bad-confusion.json").write_text(json.dumps(raw))
    (tmp_path / "foreign.json").write_text("[1, 2, 3]")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00garbage")

    records, notes = store.records()
    assert [r.id for r in records] == [good.id]
    assert len(notes) == 4 and all(n.startswith("skipped ") for n in notes)
    joined = "\n".join(notes)
    for name in ("truncated.json", "bad-confusion.json", "foreign.json", "binary.json"):
        assert name in joined
    assert "confusion matrix" in joined and "not a digitpad run record" in joined
    with pytest.raises(RunRecordError, match="no run 'nope'"):
        store.find("nope")


def test_an_id_is_found_as_written_not_as_a_pattern_or_a_path(small, tmp_path):
    """`digitpad runs show/delete` take an id or its start: a glob pattern or a path finds no run, and a record
    naming another id (a file edited by hand) is skipped, so deleting it cannot remove a file elsewhere."""
    store = RunStore(tmp_path / "runs")
    settings = config(epochs=1)
    good = RunRecorder.for_training(settings, store=store)
    run(good, train(settings, small), small)
    victim = tmp_path / "victim.json"
    victim.write_text("a file outside the runs folder")
    raw = json.loads(store.path(good.id).read_text())
    (tmp_path / "runs" / "20260101-000016-trav.json").write_text(json.dumps({**raw, "id": "../victim"}))

    assert store.find(good.id[:9]).id == good.id
    for asked in ("?", "*", f"*{good.id[-4:]}", "[0-9]*", "/etc/passwd", "../victim", "**"):
        with pytest.raises(RunRecordError, match="no run"):
            store.find(asked)
    records, notes = store.records()
    assert [r.id for r in records] == [good.id] and "is not its file's name" in notes[0]
    assert "`digitpad runs delete 20260101-000016-trav` removes it" in notes[0]
    assert store.delete("20260101-000016-trav") == ("20260101-000016-trav", None), "the damaged file, as named"
    assert victim.read_text() == "a file outside the runs folder"
    assert [r.id for r in store.records()[0]] == [good.id] and store.records()[1] == []


def test_compare_puts_differences_first(small, tmp_path):
    store = RunStore(tmp_path)
    ids = []
    for lr in (4e-3, 1e-3):
        settings = config(epochs=1, lr=lr)
        recorder = RunRecorder.for_training(settings, store=store)
        run(recorder, train(settings, small), small)
        ids.append(recorder.id)
    rows = compare([store.find(i) for i in ids])
    differing = [key for key, _, differs in rows if differs]
    assert rows[:len(differing)] == [r for r in rows if r[2]] and "config.lr" in differing
    assert "config.epochs" not in differing and ("config.lr", ["0.004", "0.001"], True) in rows
    assert ("config.val_fraction", ["0.0833333", "0.0833333"], False) in rows, "a twelfth, not 17 digits of it"
    assert ("trained for", ["1/1", "1/1"], False) in rows
    store.delete(ids[0])
    assert [r.id for r in store.records()[0]] == [ids[1]]


def test_tensorboard_log_holds_per_step_and_per_epoch_scalars_the_confusion_image_and_hparams(small, tmp_path):
    settings = config()
    recorder = RunRecorder.for_training(settings, store=RunStore(tmp_path / "runs"), tensorboard=tmp_path / "tb")
    events = run(recorder, train(settings, small), small)
    record = RunStore(tmp_path / "runs").find(recorder.id)
    assert record.tensorboard == str(tmp_path / "tb" / recorder.id)

    log = EventAccumulator(record.tensorboard, size_guidance={"scalars": 0, "images": 0, "tensors": 0})
    log.Reload()
    epochs = [e for e in events if isinstance(e, Epoch)]
    for name in ("train_loss", "val_loss", "train_accuracy", "val_accuracy", "lr"):
        scalars = log.Scalars(f"epoch/{name}")
        assert [s.step for s in scalars] == [1, 2]
        assert [s.value for s in scalars] == pytest.approx([getattr(e, name) for e in epochs], rel=1e-6)
    steps = [e for e in events if isinstance(e, Step)]
    for name in ("loss", "accuracy", "lr"):
        scalars = log.Scalars(f"step/{name}")
        assert [s.step for s in scalars] == list(range(1, 2 * STEPS_PER_EPOCH + 1))
        assert [s.value for s in scalars] == pytest.approx([getattr(e, name) for e in steps], rel=1e-6)
    assert log.Scalars("test/accuracy")[0].value == pytest.approx(record.accuracy)
    (image,) = log.Images("test/confusion_matrix")
    assert image.width == image.height > 280
    hparams = log.PluginTagToContent("hparams")
    assert {"_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info"} <= set(hparams)
    assert b"lr" in hparams["_hparams_/session_start_info"] and b"batch_size" in hparams["_hparams_/experiment"]


def test_without_tensorboard_the_cli_says_how_to_get_it(tmp_path):
    env = env_without(tmp_path, "tensorboard")
    check = subprocess.run([sys.executable, "-c", "import tensorboard"], env=env, capture_output=True, text=True)
    assert check.returncode != 0, "the blocker must hide tensorboard"
    for command in (["train", "--out", str(tmp_path / "m.pt")], ["finetune", "--out", str(tmp_path / "m.pt")]):
        result = subprocess.run([sys.executable, "-m", "digitpad", *command, "--tensorboard", str(tmp_path / "tb")],
                                env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.strip() == ("digitpad: error: TensorBoard logging needs the tensorboard package, an "
                                         "optional extra: pip install 'digitpad[tensorboard]'")
    assert not (tmp_path / "m.pt").exists() and not (tmp_path / "tb").exists()
    available = subprocess.run([sys.executable, "-c", "from digitpad.core.tensorboard_log import available; "
                                "print(available())"], env=env, capture_output=True, text=True, check=True)
    assert available.stdout.strip() == "False"


def test_the_data_column_says_what_a_run_trained_on():
    from digitpad.core.runs import FINETUNE, TRAIN, RunRecord

    def record(kind, data, limit):
        return RunRecord("x", kind, "n", "2026-12-06T10:00:00", "cli", {"train_limit": limit}, "digitnet", "quick", 1,
                         data=data)

    assert record(TRAIN, "MNIST (/d/MNIST/raw)", 600).data_summary() == "MNIST, first 600"
    assert record(TRAIN, "CSV (/home/me/train.csv)", None).data_summary() == "train.csv"
    assert record(FINETUNE, "MNIST (/d/MNIST/raw)", 1915).data_summary() == \
        "MNIST, first 1,915 + pen drawings + your digits"
    assert record(FINETUNE, "", None).data_summary() == "pen drawings + your digits", "failed before its data loaded"
    small = record(TRAIN, "CSV (/home/me/train500.csv)", 5000)
    small.metrics = {"accuracy": 0.9, "subset_images": 600}
    assert small.data_summary() == "train500.csv", "a limit above the file's 600 rows: all of them were used"
    small.metrics["subset_images"] = 5000
    assert small.data_summary() == "train500.csv, first 5,000"


def test_records_with_fields_of_the_wrong_kind_are_skipped_not_raised(small, tmp_path):
    """A review edited a record's version, process id or fine-tune settings by hand: `digitpad runs` raised a
    TypeError, OverflowError or AttributeError, and the app's Train tab was left blank."""
    store = RunStore(tmp_path)
    settings = config(epochs=1)
    good = RunRecorder.for_training(settings, store=store)
    run(good, train(settings, small), small)
    raw = json.loads(store.path(good.id).read_text())
    changes = {"version-text": {"format_version": "1"}, "version-null": {"format_version": None},
               "pid-text": {"status": "running", "pid": "12"}, "pid-huge": {"status": "running", "pid": 2 ** 70},
               "lr-text": {"config": {**raw["config"], "lr": "fast"}},
               "finetune-text": {"kind": "fine-tune", "config": {**raw["config"], "finetune": "x"}},
               "summary-text": {"finetune": {"from": "bundled", "test_before": "high", "test_after": 0.99}}}
    for name, change in changes.items():
        (tmp_path / f"{name}.json").write_text(json.dumps({**raw, **change, "id": name}))
    records, notes = store.records()
    assert [r.id for r in records] == [good.id]
    assert sorted(n.split(": ")[0].rsplit("/", 1)[1] for n in notes) == sorted(f"{n}.json" for n in changes)


def test_a_model_that_could_not_be_saved_is_noted_in_its_run(small, tmp_path):
    """A review filled the disk: `digitpad train` said the save failed, and `runs show` said plain "finished"."""
    store = RunStore(tmp_path / "runs")
    settings = config(epochs=1)
    recorder = RunRecorder.for_training(settings, store=store)
    events = run(recorder, train(settings, small), small)
    checkpoint = events[-1].checkpoint
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(Exception, match="a-file"):
        store.keep_model(recorder.id, checkpoint, tmp_path / "a-file" / "model.pt")
    record = store.find(recorder.id)
    assert record.status_text().startswith("finished; not saved: ") and record.checkpoint is None
    assert store.keep_model(recorder.id, checkpoint, tmp_path / "model.pt") is None
    record = store.find(recorder.id)
    assert record.status_text() == "finished" and record.checkpoint == str((tmp_path / "model.pt").resolve())
