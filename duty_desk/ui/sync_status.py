"""Sync in the background, and where it stands, in words, in the status bar.

A sync runs off the GUI thread every minute while the desk is unlocked, and at once on
F9 (Desk → Sync now). The app never waits for it: offline is a state, not an error. The
label says what a worker needs at a glance: all sent, or how many records wait to go and
why; how many conflicts need a person.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from duty_desk.domain.clock import show_local
from duty_desk.services.context import SignedIn
from duty_desk.ui.operations import run_in_background

EVERY_MS = 60_000


class _Progress(QObject):
    """Made on the GUI thread; emitted from the worker, delivered queued to the GUI."""

    moved = Signal(str, int, int)


class SyncStatus(QObject):
    """Runs the background sync and keeps a status-bar label up to date."""

    synced = Signal()  # something may have arrived: pages re-read
    failed = Signal(str)

    def __init__(self, session: SignedIn, label: QLabel, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.label = label
        self.running = False
        self.paused = False
        self._progress = _Progress(self)
        self._progress.moved.connect(self._moved)
        self.timer = QTimer(self)
        self.timer.setInterval(EVERY_MS)
        self.timer.timeout.connect(self.sync_now)
        self.timer.start()
        # The words follow syncs made elsewhere too (Submit the night, the command line).
        self.reread = QTimer(self)
        self.reread.setInterval(15_000)
        self.reread.timeout.connect(self._reread)
        self.reread.start()
        self._show_status()

    def _reread(self) -> None:
        if not (self.running or self.paused):
            self._show_status()

    def _waiting_for_password(self) -> bool:
        """An administrator's password is replaced before anything else is read."""
        if self.session.person.must_change_password:
            self._say(self.tr("Day service: waits until you choose your own password"))
            return True
        return False

    def sync_now(self) -> None:
        if self.running or self.paused or self._waiting_for_password():
            return
        from duty_desk.services import sync

        self.running = True
        self._say(self.tr("Day service: syncing…"))
        session, moved = self.session, self._progress.moved

        def work() -> object:
            return sync.sync_now(session, lambda phase, done, of: moved.emit(phase, done, of))

        run_in_background(
            work,
            self._done,
            self._refused,
            owner=self,
        )

    def pause(self) -> None:
        """Locked: nothing runs under the lock screen."""
        self.paused = True
        self.timer.stop()
        self.reread.stop()

    def resume(self) -> None:
        self.paused = False
        self.timer.start()
        self.reread.start()

    def _moved(self, phase: str, done: int, of: int) -> None:
        if phase == "push":
            text = self.tr("Day service: sending %1 of %2 records…")
            self._say(text.replace("%1", str(done)).replace("%2", str(of)))
        else:
            self._say(self.tr("Day service: received %1 records…").replace("%1", str(done)))

    def _done(self, _report: object) -> None:
        self.running = False
        self._show_status()
        self.synced.emit()

    def _refused(self, error: Exception) -> None:
        self.running = False
        self._show_status(str(error))
        self.failed.emit(str(error))

    def _show_status(self, error: str = "") -> None:
        from duty_desk.services import sync

        if self._waiting_for_password():
            return
        try:
            found = sync.status(self.session)
        except Exception as problem:  # a bad config file: say so, keep working
            self._say(self.tr("Day service: %1").replace("%1", str(problem)), warn=True)
            return
        if found.last_sync_at is None and not error:
            text = self.tr("Day service: not synced yet — %1 records to send")
            self._say(text.replace("%1", str(found.unsent)))
            return
        parts = []
        if error or found.last_error:
            text = self.tr("Offline — %1 records wait to be sent")
            parts.append(text.replace("%1", str(found.unsent)))
        elif found.unsent:
            parts.append(self.tr("%1 records to send").replace("%1", str(found.unsent)))
        else:
            parts.append(self.tr("all sent"))
        if found.last_sync_at is not None:
            when = show_local(found.last_sync_at)
            parts.append(self.tr("last synced %1").replace("%1", when))
        if found.open_conflicts:
            text = self.tr("%1 conflicts to look at (Desk → Conflicts)")
            parts.append(text.replace("%1", str(found.open_conflicts)))
        warn = bool(error or found.last_error or found.open_conflicts)
        self._say(self.tr("Day service: ") + " · ".join(parts), warn=warn,
                  tip=error or found.last_error)  # fmt: skip

    def _say(self, text: str, *, warn: bool = False, tip: str = "") -> None:
        self.label.setText(("⚠ " if warn else "") + text)
        self.label.setAccessibleName(text)
        self.label.setToolTip(tip or text)
