"""Starting the app: one instance, the right window, and the hand-offs between them."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from duty_desk import __version__
from duty_desk.services.settings import Settings, load_settings
from duty_desk.ui.instance_lock import InstanceLock
from duty_desk.ui.theme import apply_appearance
from duty_desk.ui.widgets import icon

if TYPE_CHECKING:
    from duty_desk.services.paths import DeskPaths

EXIT_WHEN_SHOWN = "DUTY_DESK_EXIT_WHEN_SHOWN"


class DeskController:
    """Which window is showing: first run, sign-in, or the main window."""

    def __init__(self, paths: DeskPaths, settings: Settings) -> None:
        self.paths = paths
        self.settings = settings
        self.window: QWidget | None = None
        self.instance_server: QObject | None = None

    def start(self) -> QWidget:
        if self.paths.exists():
            return self.show_sign_in()
        from duty_desk.ui.first_run import FirstRunWindow

        window = FirstRunWindow(self.paths, self.settings.marking)
        window.signed_in.connect(self.show_main)
        return self._show(window)

    def show_sign_in(self) -> QWidget:
        from duty_desk.ui.sign_in import SignInWindow

        window = SignInWindow(self.paths, self.settings.marking)
        window.signed_in.connect(self.show_main)
        return self._show(window)

    def show_main(self, session: Any) -> QWidget:
        from duty_desk.ui.main_window import MainWindow

        _log().info("signed in (role %s)", session.person.role.value)
        window = MainWindow(session, self.settings)
        window.signed_out.connect(self.show_sign_in)
        shown = self._show(window)
        if session.person.must_change_password:
            QTimer.singleShot(0, window.require_password_change)
        return shown

    def _show(self, window: QWidget) -> QWidget:
        old, self.window = self.window, window
        window.show()
        if old is not None:
            old.hide()
            old.deleteLater()
        return window

    def bring_forward(self) -> None:
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()
            QApplication.alert(self.window)


def _log() -> Any:
    import logging  # not before the first window: nothing is logged until it is up

    return logging.getLogger("duty_desk.ui")


def make_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Duty Desk")
    app.setOrganizationName("DutyDesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("duty-desk")
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    return app


def run_app(paths: DeskPaths) -> int:
    """Show the first window as soon as possible; everything else waits until it is up."""
    lock = InstanceLock(paths.root)
    if not lock.acquire():
        return _forward_to_running_instance(paths)
    app = make_application()
    settings = _settings(paths)
    apply_appearance(app, settings.appearance)
    controller = DeskController(paths, settings)
    controller.start()
    if os.environ.get(EXIT_WHEN_SHOWN) == "1":
        QTimer.singleShot(0, lambda: (print("DUTY_DESK_SHOWN", flush=True), app.quit()))
    else:
        QTimer.singleShot(0, lambda: _after_first_window(paths, controller))
    try:
        return app.exec()
    finally:
        lock.release()


def _after_first_window(paths: DeskPaths, controller: DeskController) -> None:
    from duty_desk import logs
    from duty_desk.ui.single_instance import SingleInstance

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setWindowIcon(icon("app"))
    if controller.settings.appearance == "system":
        from PySide6.QtCore import Qt

        def follow(scheme: Qt.ColorScheme) -> None:
            apply_appearance(app, "dark" if scheme == Qt.ColorScheme.Dark else "light")

        app.styleHints().colorSchemeChanged.connect(follow)
    sys.excepthook = _report_unexpected
    logs.configure(paths.logs)
    _log().info("app started (version %s)", __version__)
    controller.instance_server = SingleInstance(paths.root)
    controller.instance_server.raise_requested.connect(controller.bring_forward)
    controller.instance_server.listen()
    _warm_imports()


def _report_unexpected(kind: type[BaseException], error: BaseException, tb: object) -> None:
    """A failure inside a window: logged without its message, and told to the person."""
    from PySide6.QtWidgets import QMessageBox

    from duty_desk import logs

    logs.log_unexpected(error)
    QMessageBox.critical(
        None,
        "Duty Desk",
        f"Something went wrong ({kind.__name__}). What you have saved is safe. If it "
        "happens again, tell your administrator the time it happened.",
    )


def _forward_to_running_instance(paths: DeskPaths) -> int:
    from duty_desk.ui.single_instance import SingleInstance

    make_application()
    if SingleInstance(paths.root).ask_running_instance(patience_ms=3000):
        print("Duty Desk is already open for this desk; it has been brought forward.")
        return 0
    print(
        "Duty Desk is already open for this desk but did not answer. Close it, or wait a "
        "moment and try again.",
        file=sys.stderr,
    )
    return 1


def _settings(paths: DeskPaths) -> Settings:
    from duty_desk.domain.errors import ValidationError

    try:
        return load_settings(paths.settings)
    except ValidationError as error:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, "Duty Desk settings", f"{error}\n\nUsing the default settings.")
        return Settings()


def _warm_imports() -> None:
    """Load the store and crypto modules while the person types their password."""
    import threading

    def load() -> None:
        import duty_desk.services.desk  # noqa: F401
        from duty_desk.domain.working_days import warm

        warm()  # the bank-holiday tables take most of a second to load

    threading.Thread(target=load, name="warm-imports", daemon=True).start()
