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


def test_callbacks_are_skipped_when_the_asking_widget_has_gone(qtbot):  # type: ignore[no-untyped-def]
    import shiboken6
    from PySide6.QtWidgets import QWidget

    release = threading.Event()
    called: list[object] = []
    owner = QWidget()
    run_in_background(release.wait, called.append, called.append, owner=owner)
    shiboken6.delete(owner)
    release.set()
    finished = threading.Event()
    run_in_background(lambda: None, lambda _v: finished.set(), lambda _e: None)
    qtbot.waitUntil(finished.is_set)
    qtbot.wait(50)
    assert called == []


def test_many_jobs_with_short_lived_widgets_all_report_back(qtbot):  # type: ignore[no-untyped-def]
    """The shape that once crashed CI: results arriving while their widgets come and go."""
    from PySide6.QtWidgets import QLabel

    results: list[int] = []
    for number in range(300):
        label = QLabel()
        run_in_background(lambda n=number: n, results.append, lambda _e: None, owner=label)
        if number % 2:
            label.deleteLater()
        else:
            qtbot.addWidget(label)
    qtbot.waitUntil(lambda: len(results) >= 150, timeout=10000)
    qtbot.wait(100)
    assert set(range(0, 300, 2)) <= set(results)
