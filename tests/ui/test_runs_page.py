"""The Train tab's Runs page as a person uses it: real short trainings, then the recorded runs compared.

Runs are LeNet-5 (the quick preset) for one epoch on 600 training and 300 test images.
"""

from pathlib import Path

from drawing import pause
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from test_train_tab import (
    LONG_RUN_EPOCHS,
    RUN_TIMEOUT_MS,
    choose,
    set_up_small_run,
    start,
    tab,  # noqa: F401 (a fixture)
    wait_until_ended,
)

from digitpad.core.runs import RunStore
from digitpad.ui.dataset_choice import CSV, DatasetChoice
from digitpad.ui.runs_page import CHOOSE_A_RUN, COLUMNS, NO_RUNS

ACCURACY_COLUMN, SAVED_COLUMN, STATUS_COLUMN = (COLUMNS.index(name) for name in ("Accuracy", "Saved model",
                                                                                 "Status"))


def set_up_tiny_run(form, epochs=1):
    set_up_small_run(form, epochs)
    form.train_limit.setValue(600)
    form.test_limit.setValue(300)


def click_row(qtbot, table, row, modifier=Qt.NoModifier):
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, modifier, rect.center())


def test_two_runs_are_recorded_and_compared_on_the_runs_page(tab, qtbot, tmp_path):  # noqa: F811
    page = tab.runs_page
    assert page.table.rowCount() == 0 and page.no_runs.text() == NO_RUNS and not page.no_runs.isHidden()
    set_up_tiny_run(tab.form)
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)
    assert page.table.rowCount() == 1, "the page refreshes when a run ends"
    assert tab.save_model(tmp_path / "first.pt")

    tab.form.lr.setText("0.001")
    qtbot.mouseClick(tab.tensorboard, Qt.LeftButton, Qt.NoModifier, QPoint(8, tab.tensorboard.height() // 2))
    assert tab.tensorboard.isChecked()
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)
    records = RunStore().records()[0]
    assert len(records) == 2 and all(r.status == "finished" and r.front == "app" for r in records)
    second, first = records  # newest first
    tab.pages.setCurrentWidget(page)
    header = page.table.horizontalHeader()
    data = COLUMNS.index("Data")
    assert header.sectionViewportPosition(data) + header.sectionSize(data) <= page.table.viewport().width(), \
        "what the runs trained on is in view, not scrolled off to the right"
    assert first.checkpoint == str((tmp_path / "first.pt").resolve()) and first.tensorboard is None
    assert second.config["lr"] == 0.001 and Path(second.tensorboard).is_dir()

    tab.pages.setCurrentWidget(page)
    table = page.table
    assert table.rowCount() == 2 and table.item(0, 0).data(Qt.UserRole) == second.id, "newest first"
    assert page.no_runs.isHidden()
    assert page.legend.text().startswith("Select a run in the table to see its curves"), "the empty charts say why"
    assert table.item(1, SAVED_COLUMN).text() == "first.pt" and table.item(0, SAVED_COLUMN).text() == "—"
    assert table.item(0, ACCURACY_COLUMN).text() == f"{second.accuracy:.2%} of 300", "not MNIST's 10,000: said"
    assert table.item(0, STATUS_COLUMN).text() == "finished"

    numbered = [chart.getPlotItem().getAxis("bottom").style["showValues"]
                for chart in (page.loss_chart, page.accuracy_chart)]
    assert numbered == [False, False], "no epoch numbers over no runs"
    click_row(qtbot, table, 0)
    click_row(qtbot, table, 1, Qt.ControlModifier)
    assert {r.id for r in page.selected()} == {first.id, second.id}
    assert all(chart.getPlotItem().getAxis("bottom").style["showValues"]
               for chart in (page.loss_chart, page.accuracy_chart)), "the runs' epochs are numbered"
    legend = page.legend.text()
    for chart in (page.loss_chart, page.accuracy_chart):
        assert len(chart.run_curves) == 4
        colors = [curve.opts["pen"].color().name() for curve in chart.run_curves[::2]]
        assert len(set(colors)) == 2, "each run in its own colour"
        same_minute = first.started[:16] == second.started[:16]  # then told apart by their seconds
        for color, record in zip(colors, page.selected()):
            assert f'color:{color}">━━</span>&nbsp;{record.label(same_minute).replace(" ", "&nbsp;")}' in legend, \
                "named under the charts in its colour"
        training = chart.run_curves[0]
        assert len(training.xData) == len(second.steps) > 1
    assert list(page.accuracy_chart.run_curves[1].yData) == [100 * h["val_accuracy"] for h in second.history]

    header = table.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(ACCURACY_COLUMN) + 10, header.height() // 2)
    shown_in_order = []
    for _ in range(2):  # a click sorts by the column, a second click the other way round
        qtbot.mouseClick(header.viewport(), Qt.LeftButton, Qt.NoModifier, where)
        shown_in_order.append([table.item(row, ACCURACY_COLUMN).text() for row in range(2)])
    by_accuracy = [f"{a:.2%} of 300" for a in sorted([first.accuracy, second.accuracy])]
    assert sorted(shown_in_order) == sorted([by_accuracy, by_accuracy[::-1]])

    row_of = {table.item(row, 0).data(Qt.UserRole): row for row in range(2)}
    click_row(qtbot, table, row_of[first.id])
    assert page.use_button.isEnabled() and page.results_button.isEnabled()
    qtbot.mouseClick(page.results_button, Qt.LeftButton)
    assert page.views.currentWidget() is page.results
    assert page.results.accuracy.text() == f"Test accuracy {first.accuracy:.2%}"
    assert page.results.confusion.matrix == first.metrics["confusion"]
    assert page.results.per_class.item(3, 1).text() == f"{first.metrics['recall'][3]:.1%}"
    with qtbot.waitSignal(tab.models.changed, timeout=10_000):
        qtbot.mouseClick(page.use_button, Qt.LeftButton)
        assert page.note.text() == "Loading first.pt for the Draw tab..."
    assert Path(tab.models.predictor.path) == (tmp_path / "first.pt").resolve()
    assert page.note.text() == "The Draw tab now reads with first.pt.", "not still loading"
    with qtbot.waitSignal(tab.models.changed, timeout=30_000):
        tab.models.load(None)  # Model ▸ Revert to the bundled model
    assert page.note.isHidden(), "the note about first.pt goes with it"
    with qtbot.waitSignal(tab.models.changed, timeout=10_000):
        qtbot.mouseClick(page.use_button, Qt.LeftButton)

    click_row(qtbot, table, row_of[second.id])
    assert page.results.accuracy.text() == f"Test accuracy {second.accuracy:.2%}", "it follows the row chosen"
    assert not page.use_button.isEnabled(), "the second model was never saved"
    assert page.use_button.toolTip() == ("This run's model is on the Results page, not saved yet: use it for drawing "
                                         "or save it there"), "not 'there is none to use': the tab holds it"
    tab.form.epochs.setValue(7)
    tab.form.lr.setText("0.05")
    choose(tab.form.dataset_kind, CSV)
    tab.form.dataset_path.setText(str(tmp_path / "digits.csv"))
    tab.form.test_limit.setValue(0)
    page.say("")
    pause(50)
    buttons_at, table_height = page.again_button.mapTo(page, QPoint(0, 0)), table.height()
    qtbot.mouseClick(page.again_button, Qt.LeftButton)
    pause(50)
    assert page.note.isVisible() and page.again_button.mapTo(page, QPoint(0, 0)) == buttons_at, \
        "the note under the buttons moved them up (a review)"
    assert table.height() == table_height
    assert tab.form.config() == second.train_config() and tab.form.preset.currentData() == "custom"
    assert tab.form.dataset() == DatasetChoice() and tab.form.test_images() == 300, "the run's data, as it was"
    assert tab.start_button.isEnabled(), tab.problems.text()

    (RunStore().folder / "damaged.json").write_text('{"format": "digitpad-run", "id": ')
    tab.resize(700, 700)  # the table wider than its pane, scrolled to its last columns
    scroll = table.horizontalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0, timeout=5_000)
    scroll.setValue(scroll.maximum())
    page.refresh()
    assert scroll.value() == 0, "after a refresh (a run ended), the runs' dates are in view, not their last columns"
    assert table.rowCount() == 2 and page.notes.isVisible() and "damaged.json" in page.notes.text()

    row_of = {table.item(row, 0).data(Qt.UserRole): row for row in range(2)}
    click_row(qtbot, table, row_of[second.id])
    qtbot.mouseClick(page.delete_button, Qt.LeftButton)
    assert page.delete_question.text() == f"Forget the run of {second.label()}? Saved models stay where they are."
    page.delete_question.button(QMessageBox.Yes).click()
    assert table.rowCount() == 1 and table.item(0, 0).data(Qt.UserRole) == first.id
    assert (tmp_path / "first.pt").is_file()
    assert page.results.accuracy.text() == CHOOSE_A_RUN and page.results.confusion.matrix is None, \
        "the deleted run's scores go with it"


def test_a_stopped_run_is_recorded_as_stopped(tab, qtbot):  # noqa: F811
    set_up_tiny_run(tab.form, epochs=LONG_RUN_EPOCHS)
    start(qtbot, tab)
    with qtbot.waitSignal(tab.run.step, timeout=RUN_TIMEOUT_MS):
        pass
    tab.runs_page.refresh()
    click_row(qtbot, tab.runs_page.table, 0)
    (running,) = RunStore().records()[0]
    assert tab.runs_page.table.item(0, STATUS_COLUMN).text() == "running"
    qtbot.mouseClick(tab.pause_button, Qt.LeftButton)
    assert tab.runs_page.table.item(0, STATUS_COLUMN).text() == "paused", "its record says running: the table did"
    qtbot.mouseClick(tab.pause_button, Qt.LeftButton)
    assert tab.runs_page.table.item(0, STATUS_COLUMN).text() == "running"
    click_row(qtbot, tab.runs_page.table, 0)
    assert tab.runs_page.results.accuracy.text() == f"Run {running.id} is still running: it is tested at its end"
    with qtbot.waitSignal(tab.run.ended, timeout=RUN_TIMEOUT_MS):  # how fast is test_train_tab's business
        qtbot.mouseClick(tab.stop_button, Qt.LeftButton)
    (record,) = RunStore().records()[0]
    assert record.status == "stopped" and record.stopped_at.startswith("in epoch ") and record.metrics is None
    assert tab.runs_page.table.item(0, STATUS_COLUMN).text() == f"stopped {record.stopped_at}"
    click_row(qtbot, tab.runs_page.table, 0)
    assert tab.runs_page.results.accuracy.text() == f"Run {record.id} has no test results: it ended before its test"


def test_runs_started_in_the_same_minute_show_their_seconds(qtbot, tmp_path):
    """To the minute alone, two runs started in one minute had the same date in the table."""
    from dataclasses import replace

    from cli_runner import digitpad

    from digitpad.ui.runs_page import RunsPage

    digitpad("train", "--out", str(tmp_path / "tiny.pt"), "--preset", "quick", "--epochs", "1", "--limit", "300")
    store = RunStore()
    (record,) = store.records()[0]
    store.delete(record.id)
    for run_id, started in (("a", "2025-03-01T10:15:07.1"), ("b", "2025-03-01T10:15:41.2"),
                            ("c", "2025-03-01T10:16:02.3")):
        store.save(replace(record, id=run_id, started=started))
    page = RunsPage(store)
    qtbot.addWidget(page)
    page.refresh()
    dates = [page.table.item(row, 0).text() for row in range(page.table.rowCount())]
    assert dates == ["2025-03-01 10:16", "2025-03-01 10:15:41", "2025-03-01 10:15:07"]
    page.table.selectAll()  # compared: the legend tells the two apart too
    assert "03-01&nbsp;10:15:41&nbsp;" in page.legend.text() and "03-01&nbsp;10:15:07&nbsp;" in page.legend.text()
    assert "03-01&nbsp;10:16&nbsp;" in page.legend.text()
