"""Run a service call off the GUI thread; results come back to the GUI thread by signal.

Widgets are only ever touched from the GUI thread (the success and failure callbacks).

The work runs on a plain Python thread pool, and its result travels back through one
long-lived relay object that belongs to the application. No Qt object is created,
owned or destroyed by a worker thread: an earlier design gave each job its own relay
and a ``QRunnable``, and a pool thread dropping the last reference to a relay that the
GUI thread was deleting crashed the process (seen once in CI as a segmentation fault).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

_Delivery = tuple[Callable[[Any], None], Any, QObject | None]


class _Relay(QObject):
    """Lives on the GUI thread for the life of the application; never deleted early."""

    deliver = Signal(object)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        # Auto connection: emitted on a worker thread, so queued to this object's (GUI) thread.
        # (Naming Qt.ConnectionType here would build the Qt namespace before the first window.)
        self.deliver.connect(self._call)

    @Slot(object)
    def _call(self, delivery: _Delivery) -> None:
        callback, value, owner = delivery
        if owner is not None and not shiboken6.isValid(owner):
            return  # the window that asked has gone; nobody is left to tell
        callback(value)


_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="duty-desk-work")
_relay: _Relay | None = None


def _the_relay() -> _Relay:
    global _relay
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("run_in_background needs a running application")
    if _relay is None or not shiboken6.isValid(_relay) or _relay.parent() is not app:
        _relay = _Relay(app)
    return _relay


def run_in_background(
    work: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
    owner: QObject | None = None,
) -> None:
    """Run ``work`` on a worker thread; call back on the GUI thread.

    ``owner`` (usually the asking widget): if it has been destroyed by the time the
    work finishes, the callbacks are skipped rather than called on a dead widget.
    """
    relay = _the_relay()

    def job() -> None:
        try:
            result = work()
        except Exception as error:  # every failure is reported to the GUI thread
            relay.deliver.emit((on_failure, error, owner))
        else:
            relay.deliver.emit((on_success, result, owner))

    _pool.submit(job)
