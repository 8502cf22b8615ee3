"""The sign-in window: username, password, a plain answer when it goes wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.ui.widgets import (
    ErrorLine,
    add_row,
    framed,
    heading,
    line_edit,
    logo_pixmap,
    right_aligned,
)

if TYPE_CHECKING:
    from duty_desk.services.paths import DeskPaths


class SignInWindow(QWidget):
    """Emits ``signed_in`` with the services' ``SignedIn`` session."""

    signed_in = Signal(object)

    def __init__(self, paths: DeskPaths, marking: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paths = paths
        self.setWindowTitle(self.tr("Duty Desk — sign in"))
        self.username = line_edit(self.tr("Username"))
        self.password = line_edit(self.tr("Password"), secret=True)
        self.sign_in_button = QPushButton(self.tr("&Sign in"))
        self.sign_in_button.setAccessibleName(self.tr("Sign in"))
        self.sign_in_button.setDefault(True)
        self.error = ErrorLine()
        self.sign_in_button.clicked.connect(self.attempt)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.attempt)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(framed(self._body(), marking))
        self.resize(480, 400)
        self.username.setFocus()

    def _body(self) -> QWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(40, 24, 40, 24)
        title_row = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(logo_pixmap(48))
        logo.setAccessibleName(self.tr("Duty Desk logo"))
        title_row.addWidget(logo)
        title_row.addWidget(heading(self.tr("Duty Desk")), 1)
        layout.addLayout(title_row)
        layout.addWidget(QLabel(self.tr("Children's emergency duty — sign in to this desk.")))
        form = QFormLayout()
        add_row(form, self.tr("&Username"), self.username)
        add_row(form, self.tr("&Password"), self.password)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(right_aligned(self.sign_in_button))
        layout.addStretch(1)
        help_text = QLabel(
            self.tr(
                "Forgotten your password? An administrator can reset it. Everything on this "
                "desk is encrypted and every sign-in is recorded."
            )
        )
        help_text.setWordWrap(True)
        layout.addWidget(help_text)
        return body

    def attempt(self) -> None:
        if not self.sign_in_button.isEnabled():
            return  # a check is already running
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.error.show_message(self.tr("Enter your username and password."))
            (self.username if not username else self.password).setFocus()
            return
        self._busy(True)
        paths = self._paths

        def work() -> object:
            from duty_desk.services.desk import sign_in

            return sign_in(paths, username, password)

        from duty_desk.ui.operations import run_in_background  # not needed before the first paint

        run_in_background(work, self._succeeded, self._failed)

    def _succeeded(self, session: object) -> None:
        import shiboken6

        if not shiboken6.isValid(self) or not self.isVisible():  # closed while the check ran
            from duty_desk.services.desk import sign_out

            sign_out(session)  # type: ignore[arg-type]
            return
        self._busy(False)
        self.password.clear()
        self.error.show_message("")
        self.signed_in.emit(session)

    def _failed(self, error: Exception) -> None:
        import shiboken6

        if not shiboken6.isValid(self):
            return  # the window has gone; there is nobody to tell
        self._busy(False)
        self.password.clear()
        self.password.setFocus()
        self.error.show_message(str(error))

    def _busy(self, busy: bool) -> None:
        self.sign_in_button.setEnabled(not busy)
        self.sign_in_button.setText(self.tr("Signing in…") if busy else self.tr("&Sign in"))
        if busy:
            from PySide6.QtCore import Qt

            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()
