"""Service calls run off the GUI thread and report back on it."""

from __future__ import annotations

import threading

from duty_desk.ui.operations import run_in_background


def test_work_runs_in_a_worker_and_results_return_to_the_gui_thread(qtbot):  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}

    def done(value: str) -> None:
        seen["work"], seen["callback"] = value, threading.current_thread().name

    run_in_background(lambda: threading.current_thread().name, done, lambda e: None)
    qtbot.waitUntil(lambda: "callback" in seen)
    assert seen["work"] != threading.main_thread().name
    assert seen["callback"] == threading.main_thread().name


def test_failures_come_back_as_the_exception(qtbot):  # type: ignore[no-untyped-def]
    errors: list[Exception] = []

    def fail() -> None:
        raise ValueError("the day service said no")

    run_in_background(fail, lambda v: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert str(errors[0]) == "the day service said no"
