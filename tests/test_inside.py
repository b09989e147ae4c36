"""Looking inside models: the stages every architecture shows, saliency on the ink, `digitpad explain`."""

import json

import numpy as np
import pytest
import torch
from cli_runner import digitpad
from PIL import Image

from digitpad.core.checkpoint import Checkpoint
from digitpad.core.inside import Probe, first_layer_filters, ink_fraction, share_on_ink
from digitpad.core.models import ARCHITECTURES, build_model
from digitpad.core.normalization import Normalization

EXPECTED = {
    "simple": ["conv1 · 32 × 26 × 26", "pool1 · 32 × 13 × 13", "dense1 · 100", "output · 10"],
    "lenet5": ["conv1 · 6 × 28 × 28", "pool1 · 6 × 14 × 14", "conv2 · 16 × 10 × 10", "pool2 · 16 × 5 × 5",
               "dense1 · 120", "dense2 · 84", "output · 10"],
    "lenet-avg": ["conv1 · 36 × 28 × 28", "pool1 · 36 × 14 × 14", "conv2 · 36 × 10 × 10", "pool2 · 36 × 5 × 5",
                  "dense1 · 120", "dense2 · 84", "output · 10"],
    "digitnet": ["conv1 · 32 × 26 × 26", "conv2 · 32 × 24 × 24", "conv3 · 32 × 12 × 12", "conv4 · 64 × 10 × 10",
                 "conv5 · 64 × 8 × 8", "conv6 · 64 × 4 × 4", "conv7 · 128 × 1 × 1", "output · 10"],
}
# the bundled model is digitnet at width 48 (training/README.md)
BUNDLED = ["conv1 · 48 × 26 × 26", "conv2 · 48 × 24 × 24", "conv3 · 48 × 12 × 12", "conv4 · 96 × 10 × 10",
           "conv5 · 96 × 8 × 8", "conv6 · 96 × 4 × 4", "conv7 · 192 × 1 × 1", "output · 10"]


def test_every_registered_architecture_is_covered():
    assert set(EXPECTED) == set(ARCHITECTURES)


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_layers_and_activations_of_every_architecture(arch, mnist):
    model = build_model(arch)
    checkpoint = Checkpoint.from_model(model, arch, {})  # as a run in the Train tab hands it over
    probe = Probe.from_checkpoint(checkpoint)
    assert [layer.title for layer in probe.layers] == EXPECTED[arch]
    image = mnist.test_images[0].numpy() / 255.0
    reading = probe.read(image)
    assert [a.shape for a in reading.activations] == [layer.shape for layer in probe.layers]
    logits = reading.activations[-1]
    with torch.inference_mode():
        expected = model.eval()(checkpoint.normalization.apply(torch.from_numpy(image[None]).float()))[0].numpy()
    np.testing.assert_allclose(logits, expected, rtol=1e-4, atol=1e-4)  # the hooks saw the real forward pass
    np.testing.assert_allclose(reading.probabilities, torch.softmax(torch.from_numpy(expected), 0).numpy(),
                               atol=1e-5)
    convs = [layer for layer in probe.layers if layer.kind == "conv"]
    assert reading.filters.shape[0] == convs[0].shape[0]
    np.testing.assert_array_equal(reading.filters, first_layer_filters(model))  # as learned (BatchNorm not folded in)
    assert all(a.min() >= 0 for a, layer in zip(reading.activations, probe.layers) if layer.kind != "output"), \
        "conv, pool and dense stages show what follows their activation (ReLU)"


def test_answer_and_why_not(bundled, mnist):
    probe = Probe.from_checkpoint(bundled.checkpoint)
    image = mnist.test_images[0].numpy() / 255.0
    reading = probe.read(image)
    order = np.argsort(reading.probabilities)[::-1]
    assert (reading.answer, reading.other) == (int(mnist.test_labels[0]), int(order[1]))
    chosen = next(d for d in range(10) if d not in (reading.answer, reading.other))
    why_not = probe.read(image, other=chosen)
    assert why_not.other == chosen
    np.testing.assert_allclose(why_not.saliency, reading.saliency, atol=1e-5)  # the answer's own map is the same
    assert not np.allclose(why_not.contrast, reading.contrast)
    assert probe.read(image, other=reading.answer).other == reading.other  # "why not 7?" of a 7: the runner-up


@pytest.fixture(scope="module")
def readings(bundled, mnist):
    probe = Probe.from_checkpoint(bundled.checkpoint)
    return [probe.read(mnist.test_images[i].numpy() / 255.0) for i in range(40)]


def test_saliency_falls_mostly_on_the_ink(readings):
    on_ink = np.array([r.saliency_on_ink() for r in readings])
    ink = np.array([ink_fraction(r.model_input) for r in readings])
    assert np.median(ink) < 0.25
    assert on_ink.min() > 0.8 and (on_ink > 3 * ink).all()
    contrast = np.array([share_on_ink(r.contrast, r.model_input) for r in readings])
    assert contrast.min() > 0.8


def test_removing_the_most_salient_ink_hurts_the_answer_most(bundled, readings):
    """The map is faithful: erasing its top fifth of the ink lowers the answer's score far more than erasing
    a random fifth."""
    rng = np.random.default_rng(0)
    drops = {"salient": [], "random": []}
    for r in readings:
        ink = np.flatnonzero(r.model_input.ravel() > 0.1)
        count = max(1, len(ink) // 5)
        ranked = ink[np.argsort(r.saliency.ravel()[ink])[::-1]]
        for kind, chosen in (("salient", ranked[:count]), ("random", rng.choice(ink, count, replace=False))):
            erased = r.model_input.copy().ravel()
            erased[chosen] = 0
            p = bundled.probabilities(erased.reshape(1, 28, 28))[0]
            drops[kind].append(r.probabilities[r.answer] - p[r.answer])
    assert np.mean(drops["salient"]) > 2 * np.mean(drops["random"]) + 0.05


def test_explain_writes_a_figure_and_json(tmp_path, mnist):
    image = tmp_path / "seven.png"
    Image.fromarray(255 - mnist.test_images[0].numpy()).resize((112, 112)).save(image)  # dark ink on paper
    out = tmp_path / "figure.png"
    result = digitpad("explain", str(image), "--out", str(out), "--json", "--why-not", "9")
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["answer"] == int(mnist.test_labels[0]) == 7
    assert [(layer["name"], layer["shape"]) for layer in facts["layers"]] == [
        (title.split(" · ")[0], [int(n) for n in title.split(" · ")[1].split(" × ")]) for title in BUNDLED]
    saliency = facts["saliency"]
    assert saliency["why_not"] == 9 and saliency["method"] == "gradient × input"
    assert saliency["share_on_ink"] > 0.8 > 3 * saliency["ink_share_of_image"]
    with Image.open(out) as figure:
        figure.load()
        assert figure.format == "PNG" and figure.width >= 1000 and figure.height > 800
        pixels = np.asarray(figure.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 200, "the figure holds pictures, not just a frame"
    said = digitpad("explain", str(image), "--out", str(out), "--why-not", "7").stdout.splitlines()
    assert said[-1].startswith("--why-not 7 is the answer itself: the figure shows why 7, not "), "it said nothing"


def test_explain_explains_what_predict_reads_in_a_photo(tmp_path, mnist):
    """On a photo, explain shows the ink predict reads (the largest mark), not the whole picture with its lines."""
    from paper_photos import Look, mnist_ink, photo, save

    look = Look(lines="ruled", place=(0.35, 0.5), digit_height=0.3, jpeg=85)
    image = tmp_path / "lined.jpg"
    save(photo(mnist_ink(mnist.test_images[1].numpy()), look, np.random.default_rng(4)), image, look)
    predicted = json.loads(digitpad("predict", "--json", str(image)).stdout)
    explained = json.loads(digitpad("explain", str(image), "--out", str(tmp_path / "f.png"), "--json").stdout)
    assert predicted["digit"] == explained["answer"] == int(mnist.test_labels[1])
    assert abs(predicted["confidence"] - explained["confidence"]) < 0.02


def test_explain_explains_what_predict_reads_in_a_drawing(tmp_path):
    """A drawing (paper of one exact colour) is read whole by `predict`: explain reads it so too. Through the photo
    path, a digit running off the picture's edge was "no digit found"."""
    from digit_strokes import STYLES, place

    from digitpad.core.strokes import render_strokes

    image = tmp_path / "seven.png"
    Image.fromarray(255 - render_strokes(place(STYLES[7]["plain"], 80, -30, 300), (320, 320))).save(image)
    predicted = json.loads(digitpad("predict", "--json", str(image)).stdout)
    explained = json.loads(digitpad("explain", str(image), "--out", str(tmp_path / "f.png"), "--json").stdout)
    assert predicted["digit"] == explained["answer"] == explained["predict_answer"] == 7
    assert abs(predicted["confidence"] - explained["confidence"]) < 1e-4


def test_explain_says_when_predict_answers_a_photo_otherwise(tmp_path, mnist):
    """A 3 photographed (MNIST test 450): `predict` averages its redrawn strokes with its ink as found and answers 3;
    the figure shows the redrawn input, which alone reads 5, and explain says why the two differ. Where they agree
    (MNIST test 1, a 2) it says nothing more."""
    from written_numbers import photographed_number

    for index, shown, answered in ((450, 5, 3), (1, 2, 2)):
        image = tmp_path / f"{index}.png"
        photographed_number([mnist.test_images[index].numpy()], np.random.default_rng(index)).save(image)
        assert json.loads(digitpad("predict", "--json", str(image)).stdout)["digit"] == answered
        out = str(tmp_path / "f.png")
        facts = json.loads(digitpad("explain", str(image), "--out", out, "--json").stdout)
        assert (facts["answer"], facts["predict_answer"]) == (shown, answered)
        lines = digitpad("explain", str(image), "--out", out).stdout.splitlines()
        assert lines[0].startswith(f"{image}: {shown} (")
        assert lines[1:] == ([f"`digitpad predict` answers {answered}: it reads a photo from this input and from its "
                              "ink as found, and averages the two. The figure shows the network at work on this "
                              "input alone."] if shown != answered else [])


def test_explain_refuses_bad_input_in_one_line(tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    not_image = tmp_path / "notes.png"
    not_image.write_text("hello")
    for path, message in ((blank, "no digit found, nothing to explain"), (not_image, "not an image file")):
        result = digitpad("explain", str(path), "--out", str(tmp_path / "f.png"), check=False)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and message in result.stderr and str(path) in result.stderr
    assert not (tmp_path / "f.png").exists()


def test_epoch_events_carry_the_first_layer_filters_as_they_change(mnist):
    from digitpad.core.config import TrainConfig
    from digitpad.core.trainer import Epoch, train

    config = TrainConfig(arch="lenet5", epochs=2, batch_size=64, lr=2e-3, train_limit=1000, styles=False,
                         device="cpu")
    events = list(train(config, mnist.subset(test=200)))
    epochs = [e for e in events if isinstance(e, Epoch)]
    assert epochs[0].filters.shape == (6, 5, 5) and not np.allclose(epochs[0].filters, epochs[1].filters)
    checkpoint = events[-1].checkpoint
    np.testing.assert_allclose(epochs[-1].filters, checkpoint.state_dict["1.weight"][:, 0].numpy())
    assert all("filters" not in row for row in checkpoint.history), "checkpoints keep plain numbers only"


def test_mosaic_enlarges_each_map_into_its_cell_with_gutters():
    from digitpad.core.inside_pictures import mosaic

    maps = np.arange(3 * 2 * 2).reshape(3, 2, 2)  # three 2x2 maps, every pixel its own value
    grid = mosaic(maps, cell=4, gap=1, background=-1, columns=2)
    assert grid.shape == (9, 9)  # two rows of two cells, 4 pixels each and a 1-pixel gutter
    np.testing.assert_array_equal(grid[:4, :4], np.repeat(np.repeat(maps[0], 2, axis=0), 2, axis=1))
    np.testing.assert_array_equal(grid[5:, :4], np.repeat(np.repeat(maps[2], 2, axis=0), 2, axis=1))
    assert (grid[4] == -1).all() and (grid[:, 4] == -1).all() and (grid[5:, 5:] == -1).all()  # gutters, empty cell
    rgb = np.stack([maps, maps + 20, maps + 40], axis=-1).astype(np.uint8)
    np.testing.assert_array_equal(mosaic(rgb, 4, 1, (255, 0, 0), 2)[..., 1], np.where(grid < 0, 0, grid + 20))


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_each_map_lies_over_the_input_pixels_it_responds_to(arch):
    """Laid over the input stretched to its size, the deeper maps of unpadded convolutions fell beside the ink they
    answered to (a review: a 7's bar lit above the bar). With weights that let everything through (positive, no
    bias), a dot changes a map exactly where the dot is in its pixels' view: that patch is centred, by Layer.extent,
    on the dot (maps where the patch meets an edge cannot tell, and are left out)."""
    model = build_model(arch)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.Conv2d):
                module.weight.abs_()
                if module.bias is not None:
                    module.bias.zero_()
    probe = Probe(model, Normalization(mean=0.0, std=1.0))  # black paper stays 0: only the dot reaches a map
    blank, dot = np.zeros((28, 28), np.float32), np.zeros((28, 28), np.float32)
    dot[17, 9] = 1.0
    checked = []
    for layer, a, b in zip(probe.layers, probe.read(dot).activations, probe.read(blank).activations):
        if layer.kind not in ("conv", "pool") or min(layer.shape[1:]) == 1:
            continue
        rows, columns = np.nonzero(np.abs(a - b).sum(axis=0) > 1e-6)
        if min(rows.min(), columns.min()) == 0 or rows.max() == layer.shape[1] - 1 or \
                columns.max() == layer.shape[2] - 1:
            continue
        left, top, width, height = layer.extent
        step_y, step_x = height / layer.shape[1], width / layer.shape[2]
        centre = (top + ((rows.min() + rows.max()) / 2 + 0.5) * step_y,
                  left + ((columns.min() + columns.max()) / 2 + 0.5) * step_x)
        assert abs(centre[0] - 17.5) <= step_y / 2 and abs(centre[1] - 9.5) <= step_x / 2, (layer.name, centre)
        checked.append(layer.name)
    assert len(checked) >= 2, checked


def test_where_the_maps_of_the_registered_architectures_lie():
    """Worked by hand: an unpadded 3×3 convolution's first output pixel is centred on the input's second (1.5), a
    stride-2 5×5 with padding 2 keeps that centre and doubles the step, LeNet's 32×32 padding reaches 2 outside."""
    extents = {arch: {layer.name: layer.extent for layer in Probe(build_model(arch), Normalization()).layers}
               for arch in ("digitnet", "lenet5")}
    assert extents["digitnet"]["conv1"] == (1.0, 1.0, 26.0, 26.0) and extents["digitnet"]["conv2"] == (2, 2, 24, 24)
    assert extents["digitnet"]["conv3"] == (1.5, 1.5, 24.0, 24.0) and extents["digitnet"]["output"] is None
    assert extents["lenet5"]["conv1"] == (0.0, 0.0, 28.0, 28.0) and extents["lenet5"]["conv2"] == (4, 4, 20, 20)
    assert extents["lenet5"]["pool2"] == (4.0, 4.0, 20.0, 20.0) and extents["lenet5"]["dense1"] is None
