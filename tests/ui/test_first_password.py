"""A password set by an administrator must be replaced at first sign-in, or sign out."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from duty_desk.domain.roles import Role
from duty_desk.services.desk import sign_in
from duty_desk.services.people import add_person
from duty_desk.services.settings import Settings
from duty_desk.ui.app import DeskController
from tests.conftest import PASSWORD
from tests.ui.conftest import press_ok


def _first_sign_in(qtbot, admin, paths):  # type: ignore[no-untyped-def]
    add_person(admin, "newbie", "New Starter", Role.DUTY_SOCIAL_WORKER, PASSWORD)
    session = sign_in(paths, "newbie", PASSWORD)
    assert session.person.must_change_password
    controller = DeskController(paths, Settings())
    window = controller.show_main(session)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    return controller, window


def test_choosing_a_new_password_clears_the_flag(qtbot, admin, paths):  # type: ignore[no-untyped-def]
    _controller, window = _first_sign_in(qtbot, admin, paths)
    dialog = window.dialog
    assert "cancelling signs you out" in "\n".join(
        w.text() for w in dialog.findChildren(QWidget) if hasattr(w, "text") and callable(w.text)
    )
    dialog.current.setText(PASSWORD)
    dialog.password.setText("my very own phrase")
    dialog.confirm.setText("my very own phrase")
    press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert window.session.person.must_change_password is False
    sign_in(paths, "newbie", "my very own phrase").desk.close()


def test_cancelling_signs_out(qtbot, admin, paths):  # type: ignore[no-untyped-def]
    controller, window = _first_sign_in(qtbot, admin, paths)
    with qtbot.waitSignal(window.signed_out, timeout=5000):
        window.dialog.reject()
    assert window.session is None
    qtbot.waitUntil(lambda: type(controller.window).__name__ == "SignInWindow")
    qtbot.addWidget(controller.window)


def test_an_administrators_people_page_fills_once_their_own_password_is_chosen(qtbot, admin, paths):  # type: ignore[no-untyped-def]
    from duty_desk.services.people import reset_password

    add_person(admin, "second", "Second Admin", Role.ADMINISTRATOR, PASSWORD)
    reset_password(admin, "second", "a temporary phrase")
    session = sign_in(paths, "second", "a temporary phrase")
    window = DeskController(paths, Settings()).show_main(session)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    page = window.people_page
    assert page.model.rowCount() == 0 and "choose your own" in page.error.text()
    dialog = window.dialog
    dialog.current.setText("a temporary phrase")
    dialog.password.setText("a phrase all my own")
    dialog.confirm.setText("a phrase all my own")
    press_ok(qtbot, dialog)
    assert page.model.rowCount() == 2
