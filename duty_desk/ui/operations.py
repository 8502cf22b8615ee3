"""Run a service call off the GUI thread; results come back to the GUI thread by signal.

Widgets are only ever touched from the GUI thread (the success and failure callbacks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # every failure is reported to the GUI thread
            self._relay.failed.emit(error)
        else:
            self._relay.succeeded.emit(result)


def run_in_background(
    work: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
) -> None:
    relay = _Relay(QCoreApplication.instance())  # owned by the app until it has reported

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        relay.deleteLater()
        callback(value)

    relay.succeeded.connect(lambda value: finish(on_success, value))
    relay.failed.connect(lambda error: finish(on_failure, error))
    QThreadPool.globalInstance().start(_Job(work, relay))
