"""Live training curves, drawn with pyqtgraph.

pyqtgraph rather than Matplotlib: it draws straight into Qt's graphics scene, and `setData` on a
curve of thousands of points costs well under a millisecond (with clip-to-view and automatic
downsampling), while Matplotlib's Qt canvas re-renders the whole figure, tens of milliseconds,
on every update. The charts therefore redraw a few times a second during training without the
UI thread noticing.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..core.inside_pictures import filter_colors
from .activation_views import MapGrid

TRAINING_COLOR = "#1f77b4"
VALIDATION_COLOR = "#e6550d"


def legend_html(entries: list[tuple[str, str, str]]) -> str:
    """(colour, mark, name) entries on a line that wraps between entries, never inside one."""
    return " &nbsp; ".join(f'<span style="color:{color}">{mark}</span>&nbsp;{html.escape(name).replace(" ", "&nbsp;")}'
                           for color, mark, name in entries)


def legend_label(text: str = "") -> QLabel:
    """A legend shown under charts, centred; it wraps in a narrow window rather than widening it."""
    label = QLabel(text)
    label.setTextFormat(Qt.RichText)
    label.setAlignment(Qt.AlignCenter)
    label.setWordWrap(True)
    return label


# One legend under both charts: inside a small plot a legend always ends up covering a curve.
LEGEND_HTML = legend_html([(TRAINING_COLOR, "━━", "training, smoothed per step"),
                           (TRAINING_COLOR, "●", "training, epoch mean"),
                           (VALIDATION_COLOR, "━■━", "validation, per epoch")])


class SmoothedSeries:
    """A running exponential moving average, bias-corrected so the first steps are not pulled to zero."""

    def __init__(self, span: int):
        self.alpha = 2 / (span + 1)
        self._average = self._weight = 0.0

    def add(self, value: float) -> float:
        self._average = (1 - self.alpha) * self._average + self.alpha * value
        self._weight = (1 - self.alpha) * self._weight + self.alpha
        return self._average / self._weight


class EpochAxis(pg.AxisItem):
    """The epoch axis, its labels never run together: pyqtgraph spaces ticks by the axis's length alone, and in a
    narrow chart "0.2", "0.4"... sat 30 px apart and ran into "0.20.40.60.8". Ticks stay at 1, 2 or 5 times a power
    of ten, at least LABEL_ROOM pixels apart."""

    LABEL_ROOM = 40  # pixels per label: "0.25" and the gap before the next
    END_ROOM = 12  # pixels a label may reach past the axis's ends: "0" and the last epoch were hidden there

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setStyle(hideOverlappingLabels=self.END_ROOM)

    def tickSpacing(self, minVal: float, maxVal: float, size: float):
        levels = super().tickSpacing(minVal, maxVal, size)
        span = abs(maxVal - minVal)
        if not levels or size <= 0 or levels[0][0] * size / span >= self.LABEL_ROOM:
            return levels
        needed = span * self.LABEL_ROOM / size
        power = 10.0 ** np.floor(np.log10(needed))
        spacing = next(f * power for f in (1, 2, 5, 10) if f * power >= needed)
        return [(spacing, 0.0)]


CHART_MIN_WIDTH = 130  # its title, its axis and a plot a few epochs wide: narrower, "Loss" was cut to "Los"


class MetricChart(pg.PlotWidget):
    """One metric over epochs: training per step (smoothed line) and per epoch (dots), validation per epoch."""

    def __init__(self, title: str, unit: str = "", scale: float = 1.0, empty_range: tuple[float, float] = (0.0, 1.0),
                 ceiling: float | None = None, parent: QWidget | None = None):
        palette = parent.palette() if parent is not None else QPalette()
        super().__init__(parent, background=palette.color(QPalette.Base), axisItems={"bottom": EpochAxis("bottom")})
        self.scale = scale
        self.empty_range = empty_range  # the y axis before the first point: the metric's own range
        text = palette.color(QPalette.Text)
        self.setAccessibleName(f"{title} chart")
        self.setMinimumWidth(CHART_MIN_WIDTH)
        # a picture, not a control: Tab passes it by (the log and the Results page hold the same numbers)
        self.setFocusPolicy(Qt.NoFocus)
        self.viewport().setFocusPolicy(Qt.NoFocus)
        item = self.getPlotItem()
        item.setTitle(title, color=text.name(), size="11pt")
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(text)
            axis.setTextPen(text)
            # Values as they are: no "(x0.001)" scaling of the axis that would show a loss of 0.2 as 200
            axis.enableAutoSIPrefix(False)
        item.setLabel("bottom", "epoch")
        item.layout.setContentsMargins(0, 0, EpochAxis.END_ROOM, 0)  # room for the last epoch's number, whole
        if unit:
            item.setLabel("left", unit)
        # No grid: its lines belong to the axes, which then repaint over the whole plot on every update,
        # doubling the cost of a redraw.
        item.enableAutoRange(x=False)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        # The metric's own bounds (no loss under 0, no accuracy over 100%), whatever the automatic range's padding
        margin = 0.02 * (empty_range[1] - empty_range[0])
        item.getViewBox().setLimits(yMin=empty_range[0] - margin, yMax=None if ceiling is None else ceiling + margin)
        self.step_curve = item.plot(pen=pg.mkPen(TRAINING_COLOR, width=1.5))
        self.train_epochs = item.plot(pen=None, symbol="o", symbolSize=7, symbolPen=None, symbolBrush=TRAINING_COLOR)
        self.validation_epochs = item.plot(pen=pg.mkPen(VALIDATION_COLOR, width=2), symbol="s", symbolSize=7,
                                           symbolPen=None, symbolBrush=VALIDATION_COLOR)
        self.clear_points()

    def clear_points(self) -> None:
        self._smoothed: SmoothedSeries | None = None
        self._x_limit = 0.0
        self._step_x: list[float] = []
        self._step_y: list[float] = []
        self._epoch_x: list[float] = []
        self._train_y: list[float] = []
        self._validation_y: list[float] = []
        self.getPlotItem().setYRange(*self.empty_range, padding=0)  # until data arrives (then: auto range)
        self.number_epochs(False)
        self.redraw()

    def number_epochs(self, shown: bool) -> None:
        """Number the epoch axis, or not: over no data its numbers were a lone "0.5", or none in a narrower chart."""
        self.getPlotItem().getAxis("bottom").setStyle(showValues=shown)

    def add_step(self, x: float, value: float, span: int, epochs: int) -> None:
        """A training step's value; `span` (in steps) sets the smoothing when the run's first step arrives."""
        if self._smoothed is None:
            self._smoothed = SmoothedSeries(span)
        if x > self._x_limit:
            self.number_epochs(True)
            # Widen the x axis by doubling up to the run's length: detail early on, and the axis (whose
            # ticks are slow to redraw) changes only a few times a run instead of on every update.
            self._x_limit = min(float(epochs), max(1.0, 2 * self._x_limit))
            self.getPlotItem().setXRange(0, self._x_limit, padding=0.02)
        self._step_x.append(x)
        self._step_y.append(self._smoothed.add(value * self.scale))

    def add_epoch(self, epoch: int, train_value: float, validation_value: float) -> None:
        """The epoch's training mean sits in its middle, where the steps it averages lie (drawn at the epoch's end it
        stood well off the curve early on, when the model learns fast); validation, measured then, at its end."""
        self._epoch_x.append(epoch)
        self._train_y.append(train_value * self.scale)
        self._validation_y.append(validation_value * self.scale)

    def redraw(self) -> None:
        # From the second point: around one the automatic range ran from 41 to 141% with no line to see
        if len(self._step_y) + len(self._epoch_x) > 1 and not self.getPlotItem().getViewBox().autoRangeEnabled()[1]:
            self.getPlotItem().enableAutoRange(y=True)
        self.step_curve.setData(np.asarray(self._step_x), np.asarray(self._step_y))
        self.train_epochs.setData(np.asarray(self._epoch_x) - 0.5, np.asarray(self._train_y))
        self.validation_epochs.setData(np.asarray(self._epoch_x), np.asarray(self._validation_y))


class FiltersPanel(QWidget):
    """The first layer's filters as they stand after each epoch: watch them turn from noise into stroke detectors.

    `set_compact(True)` draws them smaller, in rows of six (of three when there are a few), for a narrow window: at
    full size they took a third of the charts' row and squeezed the charts' titles and ticks together."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignCenter)
        self.title.setWordWrap(True)
        self.grid = MapGrid(22, columns=8)
        self.compact = False
        self.filters: np.ndarray | None = None
        self.grid.setToolTip("Each filter is one of the first layer's pattern detectors: warm weights add the ink "
                             "under them, blue ones subtract it")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.grid, 0, Qt.AlignHCenter)
        layout.addStretch(1)
        self.epoch = 0
        self.show_filters(None, 0)

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self.show_filters(self.filters, self.epoch)

    def show_filters(self, filters: np.ndarray | None, epoch: int) -> None:
        self.epoch, self.filters = epoch, filters
        few = filters is not None and len(filters) <= 8  # LeNet-5's six filters get room to be seen
        self.grid.cell, self.grid.columns = ((28, 3) if few else (16, 6)) if self.compact else ((40 if few else 22), 8)
        self.grid.set_maps(None if filters is None else filter_colors(filters))
        self.title.setText(f"First-layer filters\nafter epoch {epoch}" if filters is not None
                           else "First-layer filters\n(after each epoch)")


class TrainingCharts:
    """The loss and accuracy charts, and the first layer's filters, fed from the trainer's Step and Epoch events."""

    def __init__(self, parent: QWidget):
        self.loss = MetricChart("Loss", "cross-entropy", parent=parent)
        self.accuracy = MetricChart("Accuracy", "% right", scale=100, empty_range=(0.0, 100.0), ceiling=100.0,
                                    parent=parent)
        self.filters = FiltersPanel(parent)

    def clear(self) -> None:
        for chart in (self.loss, self.accuracy):
            chart.clear_points()
        self.filters.show_filters(None, 0)

    def add_step(self, step) -> None:
        """Plot at fractional epochs, so steps and epoch means share the x axis."""
        x = step.epoch - 1 + step.step / step.steps_per_epoch
        span = min(50, max(5, step.steps_per_epoch // 10))  # about a tenth of an epoch
        self.loss.add_step(x, step.loss, span, step.epochs)
        self.accuracy.add_step(x, step.accuracy, span, step.epochs)

    def add_epoch(self, epoch) -> None:
        self.loss.add_epoch(epoch.epoch, epoch.train_loss, epoch.val_loss)
        self.accuracy.add_epoch(epoch.epoch, epoch.train_accuracy, epoch.val_accuracy)
        if epoch.filters is not None:
            self.filters.show_filters(epoch.filters, epoch.epoch)

    def redraw(self) -> None:
        self.loss.redraw()
        self.accuracy.redraw()
