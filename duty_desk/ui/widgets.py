"""Small shared widgets: the protective-marking banner, the error line, icons."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from duty_desk.resources import resource
from duty_desk.ui.theme import ERROR_STYLE, MARKING_STYLE

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon


@cache
def icon(name: str) -> QIcon:
    from PySide6.QtGui import QIcon  # imported on first use: the sign-in window needs none

    return QIcon(str(resource("icons", f"{name}.svg")))


def logo_pixmap(size: int) -> QPixmap:
    """The logo from a PNG: the first window shows it without loading Qt's SVG plugin."""
    pixmap = QPixmap(str(resource("icons", "app-96.png")))
    pixmap.setDevicePixelRatio(pixmap.width() / size)
    return pixmap


class MarkingBanner(QLabel):
    """OFFICIAL-SENSITIVE (or the configured text), always visible, top and bottom."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("marking")
        self.setStyleSheet(MARKING_STYLE)  # also centres it, without touching Qt's enums
        self.setAccessibleName(self.tr("Protective marking: %1").replace("%1", text))


class ErrorLine(QLabel):
    """A plain-words error under a form; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error")
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.setAccessibleName(self.tr("Error message"))
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


def framed(content: QWidget, marking: str, parent: QWidget | None = None) -> QWidget:
    """Content between two marking banners."""
    from PySide6.QtWidgets import QVBoxLayout

    frame = QWidget(parent)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(MarkingBanner(marking))
    layout.addWidget(content, 1)
    layout.addWidget(MarkingBanner(marking))
    return frame


def right_aligned(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    return row


def heading(text: str, size: float = 1.5) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * size)
    font.setBold(True)
    label.setFont(font)
    return label


def line_edit(accessible_name: str, *, secret: bool = False) -> QLineEdit:
    """A text field with the name a screen reader announces; ``secret`` hides the typing."""
    field = QLineEdit()
    field.setAccessibleName(accessible_name)
    if secret:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def add_row(form: QFormLayout, label: str, field: QWidget) -> None:
    """A form row whose label's mnemonic (the ``&`` letter) moves focus to ``field``."""
    buddy = QLabel(label)
    buddy.setBuddy(field)
    form.addRow(buddy, field)
