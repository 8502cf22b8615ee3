"""The Qt binding must not leak or drop references on signal emits.

PySide6 6.12.0 dropped a reference to ``True`` on every emit of a Python-defined signal;
after a few thousand emits the interpreter aborted ("bool_dealloc: deallocating True or
False"), in CI at exit and in a long night's session at any moment. pyproject pins the
binding below that release; this test fails if an upgrade brings such a bug back.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    flag = Signal(bool)
    value = Signal(object)


def test_emitting_python_signals_keeps_true_and_false_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    received: list[object] = []
    emitter.flag.connect(received.append)
    emitter.value.connect(received.append)
    gc.collect()
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(200):
        emitter.flag.emit(True)
        emitter.flag.emit(False)
        emitter.value.emit((True, False))
    received.clear()
    gc.collect()
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
