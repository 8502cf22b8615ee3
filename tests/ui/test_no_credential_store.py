"""First run on a computer without a credential store: a plain message, nothing created."""

from __future__ import annotations

import keyring
from keyring.backends import null
from PySide6.QtCore import Qt

from duty_desk.ui.first_run import FirstRunWindow


def test_first_run_without_a_credential_store_explains_and_creates_nothing(qtbot, paths):  # type: ignore[no-untyped-def]
    real = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())  # what PYTHON_KEYRING_BACKEND=...null.Keyring selects
    try:
        window = FirstRunWindow(paths, "OFFICIAL-SENSITIVE")
        qtbot.addWidget(window)
        window.show()
        window.username.setText("chris")
        window.full_name.setText("Chris Newadmin")
        window.password.setText("a long enough phrase")
        window.confirm.setText("a long enough phrase")
        qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(window.error.isVisible, timeout=10000)
    finally:
        keyring.set_keyring(real)
    assert window.error.text().startswith("No credential store is available on this computer")
    assert "Nothing has been created or saved." in window.error.text()
    assert window.create_button.isEnabled()
    assert not paths.keyfile.exists() and not paths.database.exists()
