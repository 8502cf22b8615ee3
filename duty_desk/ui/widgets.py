"""Small shared widgets: the protective-marking banner, the error line, icons."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QWidget

from duty_desk.resources import resource


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(resource("icons", f"{name}.svg")))


class MarkingBanner(QLabel):
    """OFFICIAL-SENSITIVE (or the configured text), always visible, top and bottom."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("marking")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName(self.tr("Protective marking: %1").replace("%1", text))


class ErrorLine(QLabel):
    """A plain-words error under a form; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error")
        self.setWordWrap(True)
        self.setAccessibleName(self.tr("Error message"))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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


def heading(text: str, size: float = 1.5) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * size)
    font.setBold(True)
    label.setFont(font)
    return label
