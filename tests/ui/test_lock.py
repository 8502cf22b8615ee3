"""Idle lock: hides every piece of personal data, keeps the typing, only the same person unlocks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from duty_desk.store.event_log import EventLog
from duty_desk.ui.about import AboutDialog
from duty_desk.ui.lock import IdleWatcher
from duty_desk.ui.main_window import MainWindow
from tests.conftest import ADMIN_PASSWORD


def _visible_text(root: QWidget) -> str:
    parts = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QLineEdit):
            parts.append(widget.text())
    return "\n".join(parts)


def _event_types(session) -> list[str]:  # type: ignore[no-untyped-def]
    with session.uow() as uow:
        return [e.type for e in EventLog(uow.session, session.desk.device_id).all()]


def test_idle_lock_hides_everything_and_unlock_keeps_the_typing(qtbot, admin, people, settings):  # type: ignore[no-untyped-def]
    window = MainWindow(admin, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_place("admin")
    assert "Test Senior practitioner" in [
        window.people_page.model.person(r).display_name
        for r in range(window.people_page.model.rowCount())
    ]
    qtbot.keyClicks(window.people_page.filter, "half-typed note")
    about = AboutDialog(window)
    about.show()
    window.idle.interval_ms = 150
    window.idle.tick.setInterval(30)
    window.idle.reset()

    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    assert not window.people_page.isVisible()
    assert not window.people_page.table.isVisible()
    assert not about.isVisible()
    assert not window.statusBar().isVisible()
    assert window.windowTitle() == "Duty Desk — locked"
    shown = _visible_text(window)
    assert "half-typed note" not in shown
    assert "Test Senior practitioner" not in shown

    qtbot.keyClicks(window.lock_screen.password, "somebody else's password")
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(window.lock_screen.error.isVisible, timeout=15000)
    assert "not the password" in window.lock_screen.error.text()
    assert window.locked

    qtbot.keyClicks(window.lock_screen.password, ADMIN_PASSWORD)
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=15000)
    assert window.people_page.isVisible()
    assert window.people_page.filter.text() == "half-typed note"
    assert about.isVisible()
    assert window.statusBar().isVisible()
    types = _event_types(admin)
    assert types[-3:] == ["session.locked", "session.unlock_failed", "session.unlocked"]
    about.close()


def test_activity_postpones_the_lock(qtbot, admin, settings):  # type: ignore[no-untyped-def]
    window = MainWindow(admin, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.idle.interval_ms = 400
    window.idle.tick.setInterval(30)
    window.idle.reset()
    for _ in range(6):
        qtbot.wait(150)
        qtbot.keyClick(window.pages.currentWidget(), Qt.Key.Key_Shift)
    assert not window.locked
    qtbot.waitUntil(lambda: window.locked, timeout=3000)


def test_lock_now_from_the_keyboard(qtbot, admin, settings):  # type: ignore[no-untyped-def]
    window = MainWindow(admin, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked
    assert window.lock_screen.password.hasFocus()


def test_time_asleep_counts_towards_the_idle_lock(qtbot):  # type: ignore[no-untyped-def]
    """A QTimer's clock stops while a laptop is suspended; the watcher's clock must not."""
    now = [1000.0]
    watcher = IdleWatcher(10 * 60_000, clock=lambda: now[0])
    watcher.tick.stop()  # drive it by hand
    fired: list[bool] = []
    watcher.idle.connect(lambda: fired.append(True))
    now[0] += 2 * 60
    watcher.check()
    assert fired == []
    now[0] += 60 * 60  # the lid was shut for an hour; the first check after waking locks
    watcher.check()
    assert fired == [True]
    watcher.check()
    assert fired == [True]  # once, until the next quiet spell


def test_wrong_passwords_at_the_lock_screen_pause_too(qtbot, admin, settings):  # type: ignore[no-untyped-def]
    from duty_desk.security.errors import SignInPaused, WrongCredentials
    from duty_desk.services.desk import unlock

    for _ in range(5):
        with pytest.raises(WrongCredentials):
            unlock(admin, "a guess at the password")
    with pytest.raises(SignInPaused):
        unlock(admin, ADMIN_PASSWORD)


def test_the_touch_that_wakes_the_laptop_locks_and_goes_no_further(qtbot):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QLineEdit

    now = [1000.0]
    watcher = IdleWatcher(10 * 60_000, clock=lambda: now[0])
    watcher.tick.stop()  # asleep: no ticks arrive
    fired: list[bool] = []
    watcher.idle.connect(lambda: fired.append(True))
    field = QLineEdit()
    qtbot.addWidget(field)
    key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    now[0] += 60 * 60
    assert watcher.eventFilter(field, key) is True  # swallowed
    assert fired == [True]
    watcher.pause()  # the desk is locked now: typing the password is not swallowed
    now[0] += 60 * 60
    assert watcher.eventFilter(field, key) is False
    assert fired == [True]
