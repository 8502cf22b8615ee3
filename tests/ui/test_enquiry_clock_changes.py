"""Times on the nights the clocks change: stored exactly, and typed ones flagged, not guessed."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone

from duty_desk.domain.events import format_instant
from duty_desk.ui.enquiry_instant import InstantField


def _field(qtbot, now: datetime) -> InstantField:  # type: ignore[no-untyped-def]
    field = InstantField("Received at", lambda: now)
    qtbot.addWidget(field)
    field.set_now()
    return field


def _type(field: InstantField, year: int, month: int, day: int, hour: int, minute: int) -> None:
    utc = QTimeZone(QTimeZone.Initialization.UTC)  # the editor holds London wall time in UTC
    field.edit.setDateTime(QDateTime(QDate(year, month, day), QTime(hour, minute), utc))


def test_now_in_the_repeated_autumn_hour_is_stored_exactly(qtbot) -> None:  # type: ignore[no-untyped-def]
    second_one_thirty = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 01:30 GMT, the second one
    field = _field(qtbot, second_one_thirty)
    assert field.value() == format_instant(second_one_thirty)
    assert field.problem() is None


def test_a_typed_time_in_the_repeated_hour_is_flagged_but_not_blocking(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = _field(qtbot, datetime(2026, 10, 25, 3, 0, tzinfo=UTC))
    _type(field, 2026, 10, 25, 1, 20)
    assert field.ambiguous()
    assert "happened twice" in (field.problem() or "")
    assert field.value() == "2026-10-25T00:20:00.000000Z"  # the first 01:20, BST
    # The advice must not send the worker to a wrong time: typing 02:20 would be 02:20 GMT,
    # an hour after the second 01:20 (01:20 GMT).
    assert "type it an hour later" not in (field.problem() or "")
    assert "an hour after the time this records" in (field.problem() or "")


def test_a_typed_time_the_clocks_skipped_is_flagged(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = _field(qtbot, datetime(2026, 3, 29, 3, 0, tzinfo=UTC))
    _type(field, 2026, 3, 29, 1, 30)
    assert not field.ambiguous()
    assert "did not happen" in (field.problem() or "")


def test_ordinary_typed_times_have_no_problem(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = _field(qtbot, datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
    _type(field, 2026, 11, 22, 2, 10)
    assert field.problem() is None
    assert field.value() == "2026-11-22T02:10:00.000000Z"
