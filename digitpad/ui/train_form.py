"""The Train tab's setup form: data, recipe, augmentation and run settings, read as a TrainConfig.

The form never second-guesses the rules: invalid values can be typed, and `problems()` reports
them with `TrainConfig.problems()`'s own reasons (plus the dataset's), so the form, the CLI and the
trainer agree on what is valid. Choosing a preset fills the fields; editing any field switches the
preset to "custom".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import create_worker

from ..core.config import DEVICES, OPTIMIZERS, PRESETS, SCHEDULES, TrainConfig, preset
from ..core.dataset_files import MNIST_FILES, csv_rows, csv_test_rows
from .dataset_choice import CSV, DEFAULT, KINDS, DatasetChoice
from .file_dialogs import open_file, open_folder
from .form_fields import field_value, form_group, number_edit, show_value

CUSTOM = "custom"
PRESET_LABELS = {"quick": "Quick: LeNet-5, 3 epochs, under a minute",
                 "full": "Full: the bundled model's first stage (long)", CUSTOM: "Custom"}
MAX_IMAGES = 10_000_000
ALL = "all"  # an image count's 0: every image
MNIST_TRAIN_IMAGES = MNIST_FILES["train"][2]


@dataclass(frozen=True)
class Architecture:
    name: str
    parameters: int
    summary: str


def prepare_training() -> tuple[list[Architecture], str | None]:
    """Every registered architecture with its parameter count, and why CUDA is unavailable (None when it is not).

    Runs in a worker thread when the tab opens: torch is imported here, each model is built once,
    and one optimizer is made, because the first optimizer imports torch._dynamo (some 900 modules,
    about a second of imports that hold the GIL in long stretches). Paid now, that stall stays out
    of the first run, where it would freeze the progress display.
    """
    import torch

    from ..core.device import cuda_unavailable_reason
    from ..core.models import ARCHITECTURES, build_model, parameter_count

    catalog = []
    for name, factory in ARCHITECTURES.items():
        model = build_model(name)
        catalog.append(Architecture(name, parameter_count(model), (factory.__doc__ or name).strip().splitlines()[0]))
    torch.optim.SGD(model.parameters(), lr=0.1)
    return catalog, cuda_unavailable_reason()


class ImageCountBox(QSpinBox):
    """A count of images whose 0 shows as "all", and takes "all" typed too (a plain spin box takes only the 0)."""

    def _typed(self, text: str) -> str:
        return text.removesuffix(self.suffix()).strip().lower()

    def validate(self, text: str, pos: int):
        typed = self._typed(text)
        if typed and not typed[0].isdigit() and ALL.startswith(typed):
            return QValidator.Acceptable if typed == ALL else QValidator.Intermediate, text, pos
        return super().validate(text, pos)

    def valueFromText(self, text: str) -> int:
        return self.minimum() if self._typed(text) == ALL else super().valueFromText(text)


def _image_count(tip: str) -> QSpinBox:
    box = ImageCountBox()
    box.setRange(0, MAX_IMAGES)
    box.setSingleStep(1000)
    box.setSpecialValueText(ALL)
    box.setSuffix(" images")
    box.setToolTip(tip)
    return box


class TrainForm(QWidget):
    """Signals: `changed` after any edit, `ready` once the architectures are known (torch has loaded)."""

    changed = Signal()
    ready = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.is_ready = False
        self.catalog_error: str | None = None
        self._base = PRESETS["quick"]  # the preset last chosen: supplies what the form does not show (arch_args)
        self._filling = False

        data, data_form = form_group("Data")
        self.dataset_kind = QComboBox()
        for kind, label in KINDS.items():
            self.dataset_kind.addItem(label, kind)
        self.dataset_path = QLineEdit()
        self.dataset_path.setPlaceholderText("folder holding MNIST/raw")
        self._location_kind = self.dataset_kind.currentData()  # whose Location the box shows
        self._locations: dict[str, str] = {}  # each source's Location as last typed or chosen
        self.browse_button = QToolButton()
        self.browse_button.setText("Browse...")
        self.browse_button.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.setContentsMargins(0, 0, 0, 0)
        path_row.addWidget(self.dataset_path, 1)
        path_row.addWidget(self.browse_button)
        self.path_widget = QWidget()
        self.path_widget.setLayout(path_row)
        self.dataset_status = QLabel("")
        self.dataset_status.setWordWrap(True)
        self.train_limit = _image_count("Train on only the first N training images (validation comes out of "
                                        "them): for quick tries")
        self.test_limit = _image_count("Score the model on only the first N test images")
        self._data_form = data_form
        data_form.addRow("Source", self.dataset_kind)
        data_form.addRow("Location", self.path_widget)
        data_form.addRow(self.dataset_status)
        data_form.addRow("Training subset", self.train_limit)
        data_form.addRow("Test subset", self.test_limit)

        recipe, recipe_form = form_group("Recipe")
        self.preset = QComboBox()
        for name, label in PRESET_LABELS.items():
            self.preset.addItem(label, name)
        self.arch = QComboBox()
        self.arch.addItem("Loading architectures...")
        self.arch.setEnabled(False)
        self.epochs = QSpinBox()
        self.epochs.setRange(0, 100_000)
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, 1_000_000)
        self.lr = number_edit("Learning rate (the peak rate with the one-cycle schedule), e.g. 3e-3")
        self.optimizer = QComboBox()
        self.optimizer.addItems(OPTIMIZERS)
        self.schedule = QComboBox()
        self.schedule.addItems(SCHEDULES)
        self.schedule.setToolTip("onecycle: warm up then anneal; step: divide by 10 twice; none: constant")
        self.weight_decay = number_edit("L2 penalty on the weights, e.g. 5e-4")
        self.dropout = QDoubleSpinBox()
        self.dropout.setRange(-0.05, 0.95)
        self.dropout.setSingleStep(0.05)
        self.dropout.setSpecialValueText("default")
        self.dropout.setToolTip("Share of activations dropped in training; \"default\" (the lowest step) keeps "
                                "the architecture's own")
        self.label_smoothing = QDoubleSpinBox()
        self.label_smoothing.setRange(0, 0.99)
        self.label_smoothing.setSingleStep(0.05)
        for label, widget in (("Preset", self.preset), ("Architecture", self.arch), ("Epochs", self.epochs),
                              ("Batch size", self.batch_size), ("Learning rate", self.lr),
                              ("Optimizer", self.optimizer), ("Schedule", self.schedule),
                              ("Weight decay", self.weight_decay), ("Dropout", self.dropout),
                              ("Label smoothing", self.label_smoothing)):
            recipe_form.addRow(label, widget)

        augmentation, augmentation_form = form_group("Augmentation")
        self.augment = QCheckBox("Random distortions")
        self.augment.setToolTip("Slant, rotation, size, shift and stroke width, drawn anew for each image each time "
                                "it is seen; Strength scales them")
        self.augment_strength = QDoubleSpinBox()
        self.augment_strength.setRange(0.05, 2)
        self.augment_strength.setSingleStep(0.25)
        self.augment.toggled.connect(self.augment_strength.setEnabled)
        self.elastic = QCheckBox("Elastic distortions (wobbly shapes)")
        self.styles = QCheckBox("Add slashed 0, flagged 1, crossed 7")
        self.styles.setToolTip("Add variants of MNIST's zeros, ones and sevens written as many people write them "
                               "today")
        augmentation_form.addRow(self.augment)
        augmentation_form.addRow("Strength", self.augment_strength)
        augmentation_form.addRow(self.elastic)
        augmentation_form.addRow(self.styles)

        run, run_form = form_group("Run")
        self.val_fraction = QDoubleSpinBox()
        self.val_fraction.setRange(0, 0.95)
        self.val_fraction.setDecimals(4)
        self.val_fraction.setSingleStep(0.01)
        self.val_fraction.setToolTip("Share of the training images held out to validate after each epoch")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.device = QComboBox()
        for name, label in DEVICES.items():
            self.device.addItem(label, name)
        run_form.addRow("Validation fraction", self.val_fraction)
        run_form.addRow("Seed", self.seed)
        run_form.addRow("Device", self.device)

        # the settings shown as they are, each by the field named as the TrainConfig field it edits
        self._plain_fields = {"epochs": self.epochs, "batch_size": self.batch_size, "lr": self.lr,
                              "optimizer": self.optimizer, "schedule": self.schedule,
                              "weight_decay": self.weight_decay, "label_smoothing": self.label_smoothing,
                              "elastic": self.elastic, "styles": self.styles, "seed": self.seed, "device": self.device}
        self._run_form = run_form
        self._recipe_groups = (recipe, augmentation)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for group in (data, recipe, augmentation, run):
            layout.addWidget(group)
        layout.addStretch(1)

        self.set_config(self._base)
        self.preset.setCurrentIndex(self.preset.findData("quick"))
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.dataset_kind.currentIndexChanged.connect(self._kind_chosen)
        self.dataset_path.textChanged.connect(self._dataset_edited)
        for widget in (self.train_limit, self.test_limit):  # where and on what a recipe runs is not the recipe
            widget.valueChanged.connect(self.changed)
        self.device.currentIndexChanged.connect(self.changed)
        for widget in (self.arch, self.optimizer, self.schedule):
            widget.currentIndexChanged.connect(self._recipe_edited)
        for widget in (self.epochs, self.batch_size, self.seed, self.dropout, self.label_smoothing,
                       self.augment_strength, self.val_fraction):
            widget.valueChanged.connect(self._recipe_edited)
        for widget in (self.lr, self.weight_decay):
            widget.textChanged.connect(self._recipe_edited)
        for widget in (self.augment, self.elastic, self.styles):
            widget.toggled.connect(self._recipe_edited)
        self._dataset_edited()

        create_worker(prepare_training, _start_thread=True,
                      _connect={"returned": self._catalog_loaded, "errored": self._catalog_failed})

    # --- reading and filling ---------------------------------------------------------------------
    def config(self) -> TrainConfig:
        """The configuration the fields describe; a preset left untouched comes back exactly."""
        arch = self.arch.currentData() or self._base.arch
        arch_args = dict(self._base.arch_args) if arch == self._base.arch else {}
        arch_args.pop("dropout", None)
        if self.dropout.value() != self.dropout.minimum():  # the minimum reads "default"
            arch_args["dropout"] = self.dropout.value()
        # The spin box shows 1/12 as 0.0833: keep the preset's exact fraction while the field still shows it.
        val_fraction = self.val_fraction.value()
        if val_fraction == round(self._base.val_fraction, self.val_fraction.decimals()):
            val_fraction = self._base.val_fraction
        return replace(
            self._base, **{name: field_value(widget) for name, widget in self._plain_fields.items()},
            arch=arch, arch_args=arch_args, dropout=None, val_fraction=val_fraction,
            augment=self.augment_strength.value() if self.augment.isChecked() else 0.0,
            train_limit=self.train_limit.value() or None)

    def set_config(self, config: TrainConfig) -> None:
        """Show a configuration in the fields (without turning the preset to custom)."""
        self._filling = True
        self._base = config
        index = self.arch.findData(config.arch)
        if index >= 0:
            self.arch.setCurrentIndex(index)
        for name, widget in self._plain_fields.items():
            show_value(widget, getattr(config, name))
        dropout = config.dropout if config.dropout is not None else config.arch_args.get("dropout")
        self.dropout.setValue(self.dropout.minimum() if dropout is None else dropout)
        self.augment.setChecked(config.augment > 0)
        self.augment_strength.setValue(config.augment or 1.0)
        self.augment_strength.setEnabled(config.augment > 0)
        self.val_fraction.setValue(config.val_fraction)
        self.train_limit.setValue(config.train_limit or 0)
        self._filling = False
        self.changed.emit()

    def set_finetuning(self, on: bool) -> None:
        """Show only what a fine-tune uses (the data, seed and device): it brings its own recipe."""
        for group in self._recipe_groups:
            group.setVisible(not on)
        self._data_form.setRowVisible(self.train_limit, not on)
        self._run_form.setRowVisible(self.val_fraction, not on)

    def set_data(self, choice: DatasetChoice, test_images: int | None) -> None:
        """Show this data source, and score on the first `test_images` test images (None: all)."""
        self.dataset_kind.setCurrentIndex(self.dataset_kind.findData(choice.kind))
        self.dataset_path.setText(choice.path)
        self.test_limit.setValue(test_images or 0)

    def dataset(self) -> DatasetChoice:
        return DatasetChoice(self.dataset_kind.currentData(), self.dataset_path.text().strip())

    def test_images(self) -> int | None:
        """How many test images to score the model on (None: all)."""
        return self.test_limit.value() or None

    def warnings(self) -> list[str]:
        """What would make a run that can start learn or tell little (core TrainConfig.warnings), as sentences, asked
        once the data has no problem (`problems`); a CSV's rows are counted (less those held out to test on), where
        they were said only after the run."""
        if not self.is_ready:
            return []
        images = MNIST_TRAIN_IMAGES
        if self.dataset_kind.currentData() == CSV:
            rows = csv_rows(Path(self.dataset().path).expanduser())  # None: it cannot be read (said by `problems`)
            images = rows - csv_test_rows(rows) if rows else None  # 0: lines ended otherwise (CR alone), not counted
        return self.config().warnings(images)

    def problems(self) -> list[str]:
        """Why Start cannot run now, as sentences; empty when it can."""
        if self.catalog_error:
            return [f"the architectures could not be loaded: {self.catalog_error}"]
        if not self.is_ready:
            return ["loading the architectures..."]
        dataset_problem = self.dataset().problem()
        return ([dataset_problem] if dataset_problem else []) + self.config().problems()

    # --- edits -----------------------------------------------------------------------------------
    def _preset_chosen(self) -> None:
        name = self.preset.currentData()
        if name != CUSTOM:
            # the device and the training subset say where and on what to run, not how: they stay
            self.set_config(preset(name, device=self.device.currentData(),
                                   train_limit=self.train_limit.value() or None))

    def _recipe_edited(self) -> None:
        if self._filling:
            return
        if self.preset.currentData() != CUSTOM:
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(self.preset.findData(CUSTOM))
            self.preset.blockSignals(False)
        self.changed.emit()

    def _kind_chosen(self) -> None:
        """Each source keeps its own Location: a CSV's path left in the box read as a folder without MNIST."""
        kind = self.dataset_kind.currentData()
        self._locations[self._location_kind] = self.dataset_path.text()
        self._location_kind = kind
        with QSignalBlocker(self.dataset_path):
            self.dataset_path.setText(self._locations.get(kind, ""))
        self._dataset_edited()

    def _dataset_edited(self) -> None:
        kind = self.dataset_kind.currentData()
        self._data_form.setRowVisible(self.path_widget, kind != DEFAULT)
        self.dataset_path.setPlaceholderText("a CSV with label,pixel0..pixel783" if kind == CSV
                                             else "folder holding MNIST/raw")
        self.refresh_dataset_status()
        self.changed.emit()

    def refresh_dataset_status(self) -> None:
        """Where the data is and how big; a problem instead is said once, by Start, with the other reasons it
        cannot run (shown here too, it stood twice on the form)."""
        choice = self.dataset()
        usable = choice.problem() is None
        self._data_form.setRowVisible(self.dataset_status, usable)
        if usable:
            self.dataset_status.setText(choice.status().replace("/", "/\u200b"))  # long paths wrap at the slashes

    def browse(self) -> None:
        if self.dataset_kind.currentData() == CSV:
            path = open_file(self, "Choose a digits CSV", "CSV files (*.csv);;All files (*)")
        else:
            path = open_folder(self, "Choose the folder holding MNIST")
        if path:
            self.dataset_path.setText(path)

    # --- the architecture catalog ----------------------------------------------------------------
    def _catalog_loaded(self, result: tuple[list[Architecture], str | None]) -> None:
        catalog, cuda_unavailable = result
        self._filling = True
        self.arch.clear()
        for arch in catalog:
            self.arch.addItem(f"{arch.name}  ({arch.parameters:,} parameters)", arch.name)
            self.arch.setItemData(self.arch.count() - 1, arch.summary, Qt.ToolTipRole)
        self.arch.setCurrentIndex(self.arch.findData(self._base.arch))
        self.arch.setEnabled(True)
        self._filling = False
        if cuda_unavailable:
            cuda = self.device.model().item(self.device.findData("cuda"))
            cuda.setEnabled(False)
            cuda.setToolTip(f"Unavailable: {cuda_unavailable}")
        self.is_ready = True
        self.changed.emit()
        self.ready.emit()

    def _catalog_failed(self, error: Exception) -> None:
        self.catalog_error = str(error) or type(error).__name__
        self.changed.emit()
