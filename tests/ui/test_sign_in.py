"""The sign-in window against a real desk (SQLCipher file, real Secret Service)."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import Qt

from duty_desk.services.desk import sign_out
from duty_desk.ui.sign_in import SignInWindow
from tests.conftest import ADMIN_PASSWORD


def _window(qtbot, paths):  # type: ignore[no-untyped-def]
    window = SignInWindow(paths, "OFFICIAL-SENSITIVE")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_right_password_signs_in_with_the_keyboard(qtbot, admin, paths):  # type: ignore[no-untyped-def]
    window = _window(qtbot, paths)
    qtbot.keyClicks(window.username, "admin")
    qtbot.keyClick(window.username, Qt.Key.Key_Return)
    assert window.password.hasFocus()
    qtbot.keyClicks(window.password, ADMIN_PASSWORD)
    with qtbot.waitSignal(window.signed_in, timeout=15000) as signal:
        qtbot.keyClick(window.password, Qt.Key.Key_Return)
    session = signal.args[0]
    try:
        assert session.person.username == "admin"
        assert window.password.text() == ""
    finally:
        sign_out(session)


def test_wrong_password_is_refused_in_plain_words_and_changes_nothing(qtbot, admin, paths):  # type: ignore[no-untyped-def]
    admin.desk.close()
    before = hashlib.sha256(paths.database.read_bytes()).hexdigest()
    window = _window(qtbot, paths)
    window.username.setText("admin")
    qtbot.keyClicks(window.password, "not the password")
    qtbot.mouseClick(window.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.error.isVisible, timeout=15000)
    assert "do not match" in window.error.text()
    assert "failed attempt 1" in window.error.text()
    assert window.password.text() == ""
    assert window.sign_in_button.isEnabled()
    assert hashlib.sha256(paths.database.read_bytes()).hexdigest() == before


def test_empty_fields_ask_for_what_is_missing(qtbot, admin, paths):  # type: ignore[no-untyped-def]
    window = _window(qtbot, paths)
    qtbot.mouseClick(window.sign_in_button, Qt.MouseButton.LeftButton)
    assert window.error.text() == "Enter your username and password."
    assert window.username.hasFocus()
