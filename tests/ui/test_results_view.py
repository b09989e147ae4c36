"""The Train tab's charts and tables read as a person sees them: axis labels and ranges, cell text."""

import pytest
from drawing import wait_for
from PySide6.QtGui import QFontMetricsF

from digitpad.core.trainer import Step
from digitpad.ui.train_charts import TrainingCharts


@pytest.fixture
def charts(qtbot):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    charts = TrainingCharts(parent)
    for chart in (charts.loss, charts.accuracy):
        chart.resize(300, 240)
        chart.show()
    yield charts  # (the parent, which owns the charts, lives until the test ends)


def left_axis(chart):
    return chart.getPlotItem().getAxis("left")


def test_the_empty_accuracy_chart_runs_to_100_percent(charts):
    charts.accuracy.grab()
    assert "%" in left_axis(charts.accuracy).labelString()
    assert charts.accuracy.getPlotItem().viewRange()[1] == pytest.approx([0, 100])


def test_the_empty_charts_number_no_epochs_until_a_run_has_a_step(charts):
    """Over no data the epoch axis showed a lone "0.5" (or nothing, in a narrower chart)."""
    def epoch_numbers_shown(chart):
        chart.grab()
        return chart.getPlotItem().getAxis("bottom").style["showValues"]

    assert not epoch_numbers_shown(charts.loss) and not epoch_numbers_shown(charts.accuracy)
    charts.add_step(Step(1, 1, 1, 40, 0.05, 0.91, 1e-3, 1000.0, 1, 0.0))
    charts.redraw()
    assert epoch_numbers_shown(charts.loss) and epoch_numbers_shown(charts.accuracy)
    charts.clear()
    assert not epoch_numbers_shown(charts.loss), "a new run's empty charts again"


def test_the_axes_keep_to_the_metrics_bounds_from_the_first_step(charts):
    """One step is a point, not yet a line: the axes stay as they were (they ran from 42 to 140% around it); from
    the second, they follow the data, never past 100% nor under a loss of 0."""
    charts.add_step(Step(1, 1, 1, 40, 0.05, 0.91, 1e-3, 1000.0, 1, 0.0))
    charts.redraw()
    charts.loss.grab(), charts.accuracy.grab()
    assert charts.accuracy.getPlotItem().viewRange()[1] == pytest.approx([0, 100])
    assert charts.loss.getPlotItem().viewRange()[1] == pytest.approx([0, 1])
    for step in range(2, 41):  # a run from 10% to 100% and a loss from 2 to 0: the automatic range's padding
        done = (step - 1) / 39  # would run from 7 to 107% and from -0.16
        charts.add_step(Step(1, 1, step, 40, 2 * (1 - done), 0.1 + 0.9 * done, 1e-3, 1000.0, step, 0.0))
    charts.redraw()
    charts.loss.grab(), charts.accuracy.grab()
    low, high = charts.accuracy.getPlotItem().viewRange()[1]
    assert 100 <= high <= 102 and low < 20, "the data's own range, up to 100% and a margin"
    assert -0.02 <= charts.loss.getPlotItem().viewRange()[1][0] <= 0.1


def test_small_losses_are_shown_as_they_are_not_scaled_by_a_thousand(charts):
    for step in range(1, 41):  # a fine-tune's losses: 0.24 falling to 0.09
        loss = 0.24 - 0.15 * step / 40
        charts.add_step(Step(1, 1, step, 40, loss, 0.95, 1e-3, 1000.0, step, 0.0))
    charts.redraw()
    charts.loss.grab(), charts.accuracy.grab()  # painted, as on screen (the axes settle when painted)
    axis = left_axis(charts.loss)
    assert "x0.001" not in axis.labelString() and "cross-entropy" in axis.labelString()
    low, high = charts.loss.getPlotItem().viewRange()[1]
    assert 0.05 < low < 0.1 and 0.2 < high < 0.3, "the y axis follows the data once it arrives"
    ticks = [value for level in axis.tickValues(low, high, axis.height()) for value in level[1]]
    labels = axis.tickStrings(ticks, axis.autoSIPrefixScale, 0.05)
    assert ticks and all(float(label) < 1 for label in labels), labels
    accuracy_low, accuracy_high = charts.accuracy.getPlotItem().viewRange()[1]
    assert 80 < accuracy_high < 110, "accuracy is plotted in percent"


def test_the_epoch_axis_numbers_its_ends(charts):
    """A 2-epoch run's axis showed only "1": pyqtgraph hides a label reaching past the axis's ends, as "0" and the
    last epoch's do."""
    from PySide6.QtGui import QImage, QPainter

    for epoch in (1, 2):
        for step in range(1, 41):
            charts.add_step(Step(epoch, 2, step, 40, 1.0, 0.5, 1e-3, 1000.0, step, 0.0))
    charts.redraw()
    charts.accuracy.grab()
    image = QImage(10, 10, QImage.Format_RGB32)
    painter = QPainter(image)
    drawn = [text for *_, text in charts.accuracy.getPlotItem().getAxis("bottom").generateDrawSpecs(painter)[2]]
    painter.end()
    assert float(drawn[0]) == 0 and float(drawn[-1]) == 2, drawn


def test_the_epoch_labels_of_a_narrow_chart_do_not_run_together(charts):
    """At the window's smallest the accuracy chart is about 160 px wide: its epoch labels ran into "0.20.40.60.8"."""
    for step in range(1, 21):
        charts.add_step(Step(1, 1, step, 20, 1.0, 0.5, 1e-3, 1000.0, step, 0.0))
    charts.redraw()
    for width in (160, 300, 600):
        charts.accuracy.resize(width, 240)
        charts.accuracy.grab()
        axis = charts.accuracy.getPlotItem().getAxis("bottom")
        low, high = charts.accuracy.getPlotItem().viewRange()[0]
        shown = [value for _, values in axis.tickValues(low, high, axis.width())[:1] for value in values]
        labels = axis.tickStrings(shown, 1.0, shown[1] - shown[0])
        metrics = QFontMetricsF(axis.style["tickFont"] or charts.accuracy.font())
        room = axis.width() / (high - low) * (shown[1] - shown[0])
        assert len(shown) >= 2 and max(metrics.horizontalAdvance(label) for label in labels) + 8 <= room, \
            (width, labels, room)


def test_four_digit_counts_fit_their_cells_at_the_default_window_size(window, qtbot):
    from digitpad.core.checkpoint import Checkpoint
    from digitpad.core.paths import bundled_model_path

    metrics = Checkpoint.load(bundled_model_path()).metrics
    assert max(max(row) for row in metrics["confusion"]) >= 1000
    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    wait_for(lambda: tab.form.is_ready)
    tab.pages.setTabEnabled(1, True)
    tab.pages.setCurrentWidget(tab.results)
    view = tab.results.confusion
    view.set_matrix(metrics["confusion"])
    qtbot.wait(50)
    metrics_of = QFontMetricsF(view.count_font())
    for row, counts in enumerate(metrics["confusion"]):
        for column, count in enumerate(counts):
            cell = view.cell_rect(row, column)
            assert metrics_of.horizontalAdvance(str(count)) <= cell.width() - 2, (count, cell.width())
            assert metrics_of.height() <= cell.height()
            assert view.rect().contains(cell.toAlignedRect())


def test_the_per_digit_table_never_scrolls_sideways_after_being_wide(qtbot):
    """Narrowed after being laid out wide (the tables one above the other, then side by side), it kept a wider last
    column and scrolled sideways, cutting its "Test images"."""
    from digitpad.core.checkpoint import Checkpoint
    from digitpad.core.paths import bundled_model_path
    from digitpad.ui.train_results import PerClassTable

    metrics = Checkpoint.load(bundled_model_path()).metrics
    table = PerClassTable()
    qtbot.addWidget(table)
    table.set_metrics(metrics)
    table.resize(900, 420)
    table.show()
    qtbot.wait(50)
    for width in (table.minimumWidth() + 8, table.minimumWidth()):
        table.resize(width, 420)  # laid out side by side again
        qtbot.wait(50)
        header = table.horizontalHeader()
        assert not table.horizontalScrollBar().isVisible() and header.length() <= table.viewport().width()
        table.set_metrics(metrics)  # the next run's results
        qtbot.wait(50)
        header = table.horizontalHeader()
        assert not table.horizontalScrollBar().isVisible() and header.length() <= table.viewport().width()
        for column in range(table.columnCount()):
            assert header.sectionSize(column) >= max(table.sizeHintForColumn(column), header.sectionSizeHint(column))


def test_a_new_set_of_digits_in_a_gallery_shows_from_its_start(qtbot):
    """A fine-tune's held-out strip kept the last result's place: only its last digit showed."""
    import numpy as np

    from digitpad.ui.digit_gallery import DigitGallery

    gallery = DigitGallery("Held out")
    qtbot.addWidget(gallery)
    gallery.resize(200, gallery.one_row_height() + 30)
    gallery.show()
    digits = [(np.zeros((28, 28), np.uint8), str(d % 10), "") for d in range(30)]
    gallery.set_digits(digits)
    qtbot.wait(100)  # laid out
    bars = (gallery.horizontalScrollBar(), gallery.verticalScrollBar())
    assert any(bar.maximum() > 0 for bar in bars), "more digits than fit"
    for bar in bars:
        bar.setValue(bar.maximum())
    gallery.set_digits(digits[:20])
    qtbot.wait(100)
    assert [bar.value() for bar in bars] == [0, 0]


def test_a_share_with_nothing_to_count_is_a_dash_not_zero(qtbot):
    """A digit with no test image showed recall 0.0%, and one the model never read as such precision 0.0%, as if
    the model always erred on them."""
    from digitpad.ui.train_results import PerClassTable

    confusion = [[0] * 10 for _ in range(10)]
    for digit in range(1, 10):
        confusion[digit][digit if digit != 9 else 4] = 5  # no 0 among the test images; every 9 read as a 4
    precision = [0.0, *[1.0] * 3, 0.5, *[1.0] * 4, 0.0]
    recall = [0.0, *[1.0] * 8, 0.0]
    table = PerClassTable()
    qtbot.addWidget(table)
    table.set_metrics({"confusion": confusion, "precision": precision, "recall": recall})
    row = [[table.item(digit, column).text() for column in range(3)] for digit in range(10)]
    assert row[0] == ["—", "—", "0"] and row[9] == ["—", "0.0%", "5"] and row[4] == ["50.0%", "100.0%", "5"]
