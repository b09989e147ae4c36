"""What a finished run produced: test accuracy, per-class scores, confusion matrix, misread digits.

Everything shown is computed in the training worker (the checkpoint's metrics and the misread
test digits); this view only lays it out.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.per_digit import per_digit_shares
from .digit_gallery import CORRECT_COLOR, ERROR_COLOR, DigitGallery
from .failure_style import FAILED_COLOR, failure_style
from .train_monitor import duration

EARLIER_BACKGROUND = "#fdebd0"  # a light amber strip, dark text: readable in light and dark themes
CELL_PADDING = 4  # px between a count and its cell's edges
MIN_COUNT_POINTS = 5.0
NO_SHARE = "—"  # a precision or recall with nothing to count (core.per_digit)


class ConfusionMatrixView(QWidget):
    """A 10x10 heatmap of counts (rows: true digit, columns: predicted), shaded by share of the row.

    Correct reads are blue on the diagonal, confusions red, so the mistakes stand out at a glance.
    """

    LABEL = 22

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.matrix: list[list[int]] | None = None
        self.setMinimumSize(300, 300)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAccessibleName("Confusion matrix")

    def set_matrix(self, matrix: list[list[int]] | None) -> None:
        self.matrix = matrix
        self.setToolTip("Rows: the true digit; columns: what the model read" if matrix else "")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(380, 380)

    def _cell_color(self, count: int, row_total: int, diagonal: bool) -> QColor:
        share = count / row_total if row_total else 0.0
        strength = share if diagonal else min(1.0, share * 10)  # a 10% confusion is already alarming
        base = CORRECT_COLOR if diagonal else ERROR_COLOR
        color = QColor(base)
        color.setAlphaF(0.08 + 0.92 * strength if count else 0.0)
        return color

    @staticmethod
    def _text_color(cell: QColor, background: QColor, text: QColor) -> QColor:
        """White on cells that came out dark once blended with the background, else the palette's text colour."""
        a = cell.alphaF()
        blended = [cell.redF() * a + background.redF() * (1 - a), cell.greenF() * a + background.greenF() * (1 - a),
                   cell.blueF() * a + background.blueF() * (1 - a)]
        luminance = 0.2126 * blended[0] + 0.7152 * blended[1] + 0.0722 * blended[2]
        return QColor(Qt.white) if luminance < 0.55 else text

    def _cell_side(self) -> float:
        return min(self.width() - self._margin(), self.height() - self._margin()) / 10

    def _margin(self) -> float:
        return 2 * self.LABEL  # room for the axis title and the digits

    def cell_rect(self, row: int, column: int) -> QRectF:
        side, margin = self._cell_side(), self._margin()
        return QRectF(margin + column * side, margin + row * side, side, side)

    def count_font(self) -> QFont:
        """The widget's font, made smaller until the widest count fits inside a cell with a little room."""
        font = QFont(self.font())
        if not self.matrix:
            return font
        widest = max((str(count) for counts in self.matrix for count in counts), key=len)
        room = self._cell_side() - CELL_PADDING
        size = min(font.pointSizeF(), self._cell_side() / 2.2)
        font.setPointSizeF(size)
        while size > MIN_COUNT_POINTS and QFontMetricsF(font).horizontalAdvance(widest) > room:
            size -= 0.5
            font.setPointSizeF(size)
        return font

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.WindowText)
        left = top = self._margin()
        cell_side = self._cell_side()
        font = QFont(self.font())
        painter.setPen(text)
        painter.setFont(font)
        painter.drawText(QRectF(left, 0, cell_side * 10, self.LABEL), Qt.AlignCenter, "predicted")
        painter.save()
        painter.translate(0, top + cell_side * 5)
        painter.rotate(-90)
        painter.drawText(QRectF(-cell_side * 5, 0, cell_side * 10, self.LABEL), Qt.AlignCenter, "true")
        painter.restore()
        for digit in range(10):
            painter.drawText(QRectF(left + digit * cell_side, self.LABEL, cell_side, self.LABEL), Qt.AlignCenter,
                             str(digit))
            painter.drawText(QRectF(self.LABEL, top + digit * cell_side, self.LABEL, cell_side), Qt.AlignCenter,
                             str(digit))
        if not self.matrix:
            painter.end()
            return
        painter.setFont(self.count_font())
        for row, counts in enumerate(self.matrix):
            total = sum(counts)
            for column, count in enumerate(counts):
                rect = self.cell_rect(row, column)
                color = self._cell_color(count, total, row == column)
                painter.fillRect(rect.adjusted(1, 1, -1, -1), color)
                if count:
                    painter.setPen(self._text_color(color, palette.color(QPalette.Window), text))
                    painter.drawText(rect, Qt.AlignCenter, str(count))
        painter.end()


class PerClassTable(QTableWidget):
    """Precision and recall of each digit on the test set."""

    COLUMNS = ("Precision", "Recall", "Test images")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(10, len(self.COLUMNS), parent)
        self.setHorizontalHeaderLabels(self.COLUMNS)
        self.setVerticalHeaderLabels([str(d) for d in range(10)])
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        # widths set here (_fit_columns): with the last column stretched by Qt, a table narrowed after being wide
        # kept the wider last column and scrolled sideways
        self.horizontalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # the minimum width holds every column
        self.verticalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self._fit_columns()
        self.setToolTip("Precision: of the images read as this digit, the share that were it.\n"
                        "Recall: of the images of this digit, the share read correctly.")

    def set_metrics(self, metrics: dict) -> None:
        """A dash where a share has nothing to count (core.per_digit)."""
        counts = [sum(row) for row in metrics["confusion"]]
        for digit, shares in enumerate(per_digit_shares(metrics)):
            for column, text in enumerate([NO_SHARE if s is None else f"{s:.1%}" for s in shares]
                                          + [f"{counts[digit]:,}"]):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.setItem(digit, column, item)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Each column as wide as its header and numbers need, the last one taking the room left: the minimum width
        holds them all, so the layout never squeezes them into "99..."."""
        header = self.horizontalHeader()
        needs = [max(self.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(self.columnCount())]
        self.setMinimumWidth(self.verticalHeader().sizeHint().width() + sum(needs) + 2 * self.frameWidth() + 2)
        needs[-1] += max(0, self.viewport().width() - sum(needs))
        for column, width in enumerate(needs):
            header.resizeSection(column, width)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()


class ResultsView(QWidget):
    """Results of the last finished run, with Save and Use buttons (the tab handles what they do)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.earlier = QLabel("")  # says so when a later run was stopped or failed: these results are older
        self.earlier.setWordWrap(True)
        self.earlier.setStyleSheet(f"background: {EARLIER_BACKGROUND}; color: #000000; padding: 6px; "
                                   "border-radius: 3px;")
        self.earlier.setAccessibleName("Which run these results are from")
        self.earlier.hide()
        self.accuracy = QLabel("No finished run yet")
        font = QFont(self.accuracy.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.accuracy.setFont(font)
        self.accuracy.setAccessibleName("Test accuracy, or why there is none")
        self.accuracy.setWordWrap(True)  # "Select a run...", "Run ... is still running...": not a sideways scroll
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.save_button = QPushButton("Save model...")
        self.save_button.setToolTip("Save the checkpoint (with its metrics) and a CSV of its per-epoch metrics")
        self.use_button = QPushButton("Use for drawing")
        self.use_button.setToolTip("Let the Draw tab read with this model now")
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.confusion = ConfusionMatrixView()
        self.per_class = PerClassTable()
        self.gallery = DigitGallery("Misread test digits")
        self.gallery_title = QLabel("Misread test digits")
        self.finetune_summary = QLabel("")
        self.finetune_summary.setWordWrap(True)
        self.finetune_summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.finetune_summary.setAccessibleName("Fine-tuning before and after")
        self.held_out = DigitGallery("Your held-out digits, before and after")
        self.held_out.setFixedHeight(self.held_out.one_row_height())
        self.finetune_box = QWidget()
        finetune_layout = QVBoxLayout(self.finetune_box)
        finetune_layout.setContentsMargins(0, 0, 0, 0)
        finetune_layout.addWidget(self.finetune_summary)
        finetune_layout.addWidget(self.held_out)
        self.finetune_box.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.note, 1)
        matrix_column, table_column = QVBoxLayout(), QVBoxLayout()
        matrix_column.addWidget(QLabel("Confusion matrix (test set)"))
        matrix_column.addWidget(self.confusion, 1)
        table_column.addWidget(QLabel("Per digit"))
        table_column.addWidget(self.per_class, 1)
        self.tables = QBoxLayout(QBoxLayout.LeftToRight)  # side by side, or one above the other when narrow
        self.tables.addLayout(matrix_column, 3)
        self.tables.addLayout(table_column, 2)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.earlier)
        layout.addWidget(self.accuracy)
        layout.addWidget(self.details)
        layout.addWidget(self.finetune_box)
        layout.addLayout(buttons)
        layout.addLayout(self.tables, 3)
        layout.addWidget(self.gallery_title)
        self.gallery.setMinimumHeight(self.gallery.one_row_height())
        layout.addWidget(self.gallery, 1)
        # In a small window (or at 200% scaling) the page scrolls instead of squeezing the matrix and table, sideways
        # too: narrower than the matrix at the smallest window, it cut off its last columns and the headline
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setFocusPolicy(Qt.NoFocus)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def resizeEvent(self, event) -> None:
        side_by_side = (self.confusion.minimumWidth() + self.per_class.minimumWidth() + 3 * self.tables.spacing()
                        + 24) <= event.size().width()
        self.tables.setDirection(QBoxLayout.LeftToRight if side_by_side else QBoxLayout.TopToBottom)
        super().resizeEvent(event)

    def show_outcome(self, outcome) -> None:
        wrong = self.show_scores(outcome.checkpoint.metrics, outcome.checkpoint.arch, outcome.seconds)
        self.gallery.set_digits([(m.image, f"{m.true} → {m.predicted}", f"A {m.true} that the model read as "
                                                                        f"{m.predicted}") for m in outcome.misread])
        shown = len(outcome.misread)  # the trainer keeps the first misread test digits of every finished run
        self.gallery_title.setText(f"Misread test digits (true → read): all {wrong}" if shown == wrong else
                                   f"Misread test digits (true → read): the first {shown} of {wrong:,}")
        self.show_finetune(outcome.finetune)
        self.set_note("")
        self.set_earlier("")

    def set_earlier(self, text: str) -> None:
        """Warn that these results belong to an earlier run than the one last started (empty: they do not)."""
        self.earlier.setText(text)
        self.earlier.setVisible(bool(text))

    def show_scores(self, metrics: dict, arch: str, seconds: float) -> int:
        """The test scores (a finished run's checkpoint metrics, or a past run's record); returns the misread count."""
        wrong = metrics["count"] - sum(metrics["confusion"][d][d] for d in range(10))
        self.accuracy.setText(f"Test accuracy {metrics['accuracy']:.2%}")
        self.details.setText(
            f"{metrics['count']:,} test images, {wrong:,} misread · test loss {metrics['loss']:.4f} · "
            f"trained in {duration(seconds)} on {metrics['train_images']:,} images "
            f"({metrics['device'].upper()}) · {arch}, {metrics['parameters']:,} parameters")
        self.confusion.set_matrix(metrics["confusion"])
        self.per_class.set_metrics(metrics)
        return wrong

    def show_nothing(self, text: str) -> None:
        """No run's scores, and `text` in the headline's place (no run chosen, or one without a test)."""
        self.accuracy.setText(text)
        self.details.setText("")
        self.confusion.set_matrix(None)
        self.per_class.clearContents()
        self.finetune_box.hide()
        self.set_note("")

    def show_finetune(self, report) -> None:
        """A fine-tune's before and after (hidden for a model trained from scratch)."""
        self.finetune_box.setVisible(report is not None)
        if report is None:
            return
        styles = {"personal": "<b>{}</b>", "withheld": f'<span style="color: {FAILED_COLOR};"><b>{{}}</b></span>'}
        self.finetune_summary.setText("<br>".join(styles.get(kind, "{}").format(html.escape(text))
                                                  for kind, text in report.parts()))
        held = [(image, f"{true}: {before} → {after} {'✓' if after == true else '✗'}\nheld out",
                 f"Your {true}, held out from fine-tuning: read as {before} before and as {after} after")
                for image, true, before, after in zip(report.held_out_images, report.held_out_labels, report.before,
                                                      report.after)]
        # when the held-out check cannot tell, the digits it learnt from too, marked as trained on
        learnt = [(image, f"{true}: {before} → {after} {'✓' if after == true else '✗'}\ntrained on",
                   f"Your {true}, one it learnt from (so not a fair check): read as {before} before and as "
                   f"{after} after")
                  for image, true, before, after in zip(report.learn_images, report.learn_labels, report.learn_before,
                                                        report.learn_after)] if report.too_small_to_tell else []
        self.held_out.set_digits(held + learnt)
        self.held_out.setFixedHeight(self.held_out.one_row_height())  # two-line captions make taller cells
        self.held_out.setVisible(bool(held or learnt))

    def set_note(self, text: str, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setStyleSheet(failure_style(error))
