"""The background sync as the worker sees it: F9, the status bar's words, offline, conflicts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from duty_desk.services import sync
from duty_desk.services.settings import Settings
from duty_desk.ui.main_window import MainWindow


def _window(qtbot, session):  # type: ignore[no-untyped-def]
    window = MainWindow(session, Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_f9_syncs_in_the_background_and_says_all_sent(qtbot, worker) -> None:
    window = _window(qtbot, worker)
    label = window.sync_state
    assert "not synced yet" in label.text()
    with qtbot.waitSignal(window.sync.synced, timeout=20_000):
        qtbot.keyClick(window, Qt.Key.Key_F9)
    assert "all sent" in label.text() and "last synced" in label.text()
    assert sync.status(worker).unsent == 0
    window.sync.pause()


def test_offline_says_how_many_records_wait_and_the_desk_works_on(qtbot, admin, worker) -> None:
    sync.configure(admin, "postgresql+psycopg://duty@127.0.0.1:1/day", "edt", "pw")
    window = _window(qtbot, worker)
    with qtbot.waitSignal(window.sync.failed, timeout=20_000) as failed:
        window.sync.sync_now()
        assert window.sync.running  # the call returned while the sync runs on
        assert "syncing" in window.sync_state.text()
    assert "cannot be reached" in failed.args[0]
    text = window.sync_state.text()
    assert text.startswith("⚠ Day service: Offline — ") and "records wait to be sent" in text
    assert "cannot be reached" in window.sync_state.toolTip()
    window.show_place("enquiries")  # nothing is blocked
    window.sync.pause()


def test_locking_pauses_the_background_sync(qtbot, worker) -> None:
    window = _window(qtbot, worker)
    window.lock()
    assert not window.sync.timer.isActive()
    window.sync.sync_now()
    assert not window.sync.running  # nothing runs under the lock screen


def test_conflicts_are_listed_for_a_person(qtbot, worker) -> None:
    window = _window(qtbot, worker)
    window.show_conflicts()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog)
                  and w.windowTitle() == "Conflicts")  # fmt: skip
    assert dialog.detail.toPlainText() == "No conflicts to look at."
    assert not dialog.resolve_button.isEnabled()
    dialog.close()
    window.sync.pause()
