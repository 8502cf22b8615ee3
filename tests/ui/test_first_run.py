"""First run: the administrator is created and the recovery key is shown once."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from duty_desk.services.desk import sign_out
from duty_desk.ui.first_run import FirstRunWindow


def test_first_run_creates_the_desk_and_shows_the_recovery_key(qtbot, paths):  # type: ignore[no-untyped-def]
    window = FirstRunWindow(paths, "OFFICIAL-SENSITIVE")
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.username, "chris")
    qtbot.keyClicks(window.full_name, "Chris Newadmin")
    qtbot.keyClicks(window.password, "a long enough phrase")
    qtbot.keyClicks(window.confirm, "a long enough phrase")
    qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(window, "recovery_dialog", None) is not None, timeout=20000)
    dialog = window.recovery_dialog
    key = dialog.key.text()
    assert not dialog.ok.isEnabled()
    dialog.reject()  # Escape must not skip the key before it is confirmed
    assert dialog.isVisible()
    with qtbot.waitSignal(window.signed_in, timeout=5000) as signal:
        qtbot.keyClick(dialog.kept, Qt.Key.Key_Space)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    session = signal.args[0]
    try:
        assert re.fullmatch(r"([A-Z2-7]{4}-){12}[A-Z2-7]{4}", key)
        assert session.person.display_name == "Chris Newadmin"
        assert paths.keyfile.exists()
    finally:
        sign_out(session)


def test_mismatched_passwords_are_caught_before_anything_is_created(qtbot, paths):  # type: ignore[no-untyped-def]
    window = FirstRunWindow(paths, "OFFICIAL-SENSITIVE")
    qtbot.addWidget(window)
    window.username.setText("chris")
    window.full_name.setText("Chris Newadmin")
    window.password.setText("a long enough phrase")
    window.confirm.setText("a long enough phrasf")
    qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
    assert window.error.text() == "The two passwords are not the same."
    assert not paths.keyfile.exists()
