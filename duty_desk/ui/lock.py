"""The idle lock: after a quiet spell the desk hides everything until the same person
signs in again. Nothing typed is lost: the work stays in memory, only hidden."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.ui.widgets import ErrorLine, add_row, heading, icon, line_edit

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.InputMethod,
}


def awake_seconds() -> float:
    """A clock that keeps counting while the laptop sleeps (Linux's CLOCK_BOOTTIME;
    Windows' monotonic clock already does), so a lid closed for an hour locks the desk."""
    if hasattr(time, "CLOCK_BOOTTIME"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    return time.monotonic()


class IdleWatcher(QObject):
    """Application-wide event filter: ``idle`` fires once ``interval_ms`` pass with no input.

    A periodic check against ``clock`` (not a single long timer, whose clock stops while
    the machine is suspended) decides; ``reset`` starts the quiet spell again.
    """

    idle = Signal()

    def __init__(
        self,
        interval_ms: int,
        parent: QObject | None = None,
        clock: Callable[[], float] = awake_seconds,
    ) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self._clock = clock
        self._last_input = clock()
        self.paused = False
        self.tick = QTimer(self)
        self.tick.setInterval(min(5_000, max(50, interval_ms // 4)))
        self.tick.timeout.connect(self.check)
        self.tick.start()

    def reset(self) -> None:
        self._last_input = self._clock()

    def pause(self) -> None:
        """While the desk is locked there is nothing to watch."""
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        self.reset()

    def check(self) -> None:
        if self.paused:
            return
        if (self._clock() - self._last_input) * 1000 >= self.interval_ms:
            self.reset()
            self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.paused or event.type() not in _ACTIVITY:
            return False
        if (self._clock() - self._last_input) * 1000 >= self.interval_ms:
            # Idle past the limit (the laptop slept through the ticks): this is the touch
            # that wakes it. Lock, and do not let it reach the work underneath.
            self.reset()
            self.idle.emit()
            return True
        self._last_input = self._clock()
        return False


class LockScreen(QWidget):
    """Shown in place of the work; asks to unlock (with a password) or to sign out."""

    unlock_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(self, person_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.password = line_edit(self.tr("Password to unlock"), secret=True)
        self.unlock_button = QPushButton(icon("lock"), self.tr("&Unlock"))
        self.unlock_button.setAccessibleName(self.tr("Unlock"))
        self.unlock_button.setDefault(True)
        self.sign_out_button = QPushButton(icon("sign-out"), self.tr("Sign &out instead"))
        self.sign_out_button.setAccessibleName(self.tr("Sign out instead"))
        self.error = ErrorLine()
        self.unlock_button.clicked.connect(self._unlock)
        self.password.returnPressed.connect(self._unlock)
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self._panel(person_name), 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def _panel(self, person_name: str) -> QWidget:
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
        add_row(form, self.tr("&Password"), self.password)
        layout.addLayout(form)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        return panel

    def reset(self) -> None:
        self.password.clear()
        self.error.show_message("")
        self.unlock_button.setEnabled(True)
        self.password.setFocus()

    def _unlock(self) -> None:
        if not self.unlock_button.isEnabled():
            return  # a check is already running
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
