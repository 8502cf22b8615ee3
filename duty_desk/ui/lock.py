"""The idle lock: after a quiet spell the desk hides everything until the same person
signs in again. Nothing typed is lost: the work stays in memory, only hidden."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.ui.widgets import ErrorLine, heading, icon

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.InputMethod,
}


class IdleWatcher(QObject):
    """Application-wide event filter: ``idle`` fires after ``interval_ms`` with no input."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.idle)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.timer.start()
        return False


class LockScreen(QWidget):
    """Shown in place of the work; asks to unlock (with a password) or to sign out."""

    unlock_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(self, person_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password to unlock"))
        self.unlock_button = QPushButton(icon("lock"), self.tr("&Unlock"))
        self.unlock_button.setAccessibleName(self.tr("Unlock"))
        self.unlock_button.setDefault(True)
        self.sign_out_button = QPushButton(icon("sign-out"), self.tr("Sign &out instead"))
        self.sign_out_button.setAccessibleName(self.tr("Sign out instead"))
        self.error = ErrorLine()
        self.unlock_button.clicked.connect(self._unlock)
        self.password.returnPressed.connect(self._unlock)
        self.sign_out_button.clicked.connect(self.sign_out_requested)

        panel = QWidget()
        panel.setFixedWidth(460)
        layout = QVBoxLayout(panel)
        title = QHBoxLayout()
        padlock = QLabel()
        padlock.setPixmap(icon("lock").pixmap(40, 40))
        padlock.setAccessibleName(self.tr("Locked"))
        title.addWidget(padlock)
        title.addWidget(heading(self.tr("This desk is locked")), 1)
        layout.addLayout(title)
        who = QLabel(
            self.tr("Signed in: %1. Only this person can unlock it; their work is kept.").replace(
                "%1", person_name
            )
        )
        who.setWordWrap(True)
        layout.addWidget(who)
        form = QFormLayout()
        label = QLabel(self.tr("&Password"))
        label.setBuddy(self.password)
        form.addRow(label, self.password)
        layout.addLayout(form)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def reset(self) -> None:
        self.password.clear()
        self.error.show_message("")
        self.unlock_button.setEnabled(True)
        self.password.setFocus()

    def _unlock(self) -> None:
        if not self.password.text():
            self.error.show_message(self.tr("Enter your password."))
            return
        self.unlock_button.setEnabled(False)
        self.unlock_requested.emit(self.password.text())

    def refused(self, message: str) -> None:
        self.password.clear()
        self.unlock_button.setEnabled(True)
        self.error.show_message(message)
        self.password.setFocus()
