"""Set the Train tab up for a short real run, for UI tests that need a trained model or a run's events."""


def prepare_quick_run(qtbot, tab, train_images: int, epochs: int, test_images: int = 500) -> None:
    """Wait for the tab's form, then choose the quick preset on the CPU with `train_images` training images,
    `test_images` test images and `epochs` epochs."""
    qtbot.waitUntil(lambda: tab.form.is_ready, timeout=30_000)
    form = tab.form
    form.preset.setCurrentIndex(form.preset.findData("quick"))
    form.device.setCurrentIndex(form.device.findData("cpu"))
    form.train_limit.setValue(train_images)
    form.test_limit.setValue(test_images)
    form.epochs.setValue(epochs)
