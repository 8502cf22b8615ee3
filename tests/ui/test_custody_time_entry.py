"""Times typed into a custody case's timeline on the nights the clocks change, 2025 to 2027.

01:30 on the last Sunday of October happened twice: the window asks which (BST, the
first, is 00:30 UTC; GMT, the second, is 01:30 UTC) and stores the one chosen. 01:30 on
the last Sunday of March never happened: it is refused and nothing is stored. A young
person charged before a change and leaving custody after it has the time in the cell
counted in real hours. Each desk's clock is set to November of the year tested.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from duty_desk.domain.clock import LONDON
from duty_desk.domain.events import format_instant
from duty_desk.services import custody
from tests.conftest import FakeClock
from tests.ui.test_custody_case import (
    CTRL,
    KEY,
    OPENING,
    add_step,
    back_to,
    open_window,
    press,
    stored,
)

OCTOBER = {2025: 26, 2026: 25, 2027: 31}  # the last Sunday: the clocks go back at 02:00 BST
MARCH = {2025: 30, 2026: 29, 2027: 28}  # the last Sunday: the clocks go forward at 01:00 GMT
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture(params=[2025, 2026, 2027])
def year(request) -> int:  # type: ignore[no-untyped-def]
    return int(request.param)


@pytest.fixture
def clock(year: int) -> FakeClock:
    """The desk's clock in November of the year tested: after both changes."""
    return FakeClock(datetime(year, 11, 20, 12, 0, tzinfo=UTC))


def timeline(qtbot, session):  # type: ignore[no-untyped-def]
    case = custody.open_case(session, OPENING)
    window = open_window(qtbot, session, case.id)
    press(qtbot, KEY.Key_3, CTRL)
    return window


def ask(qtbot, window):  # type: ignore[no-untyped-def]
    """The question the entry row asks about a repeated time, open and active."""
    qtbot.waitUntil(lambda: window.entry.question is not None)
    box = window.entry.question
    qtbot.waitUntil(box.isVisible)
    box.activateWindow()
    qtbot.waitUntil(box.isActiveWindow)
    return box


@pytest.mark.parametrize(
    ("which", "key", "utc", "in_the_cell"),
    [("first", KEY.Key_F, "00:30", "3 h 00 min"), ("second", KEY.Key_C, "01:30", "2 h 00 min")],
)
def test_0130_on_the_last_sunday_of_october_asks_which_one(  # type: ignore[no-untyped-def]
    qtbot, on_shift, year, which, key, utc, in_the_cell
) -> None:
    day = OCTOBER[year]
    window = timeline(qtbot, on_shift)
    add_step(qtbot, window, "Ch", f"{day}10{year}0130")
    box = ask(qtbot, window)
    assert box.text() == (
        "01:30 happened twice that night: the clocks went back from 02:00 to 01:00."
    )
    assert window.entry.first_button.text() == "&First 01:30 (BST, before the clocks went back)"
    assert stored(on_shift, window.case_id).steps == ()  # nothing until it is answered
    qtbot.keyClick(box, key, ALT)
    qtbot.waitUntil(lambda: window.timeline.rowCount() == 1)
    (step,) = stored(on_shift, window.case_id).steps
    assert step["kind"] == "charge"
    assert step["at"] == f"{year}-10-{day}T{utc}:00.000000Z"
    zone = "BST" if which == "first" else "GMT"
    assert window.timeline.index(0, 0).data() == f"{day}/10/{year} 01:30 {zone}"
    # Leaving at 03:30 (GMT): the first 01:30 was three hours before, the second two.
    back_to(qtbot, window)
    window.entry.kind.setFocus()
    add_step(qtbot, window, "Le", f"{day}10{year}0330")
    assert window.header.clock_text().startswith(f"Since charge: {in_the_cell}  ")


def test_the_question_can_be_cancelled_and_nothing_is_stored(qtbot, on_shift, year) -> None:  # type: ignore[no-untyped-def]
    window = timeline(qtbot, on_shift)
    add_step(qtbot, window, "Ar", f"{OCTOBER[year]}10{year}0115")
    box = ask(qtbot, window)
    qtbot.keyClick(box, KEY.Key_Escape)
    qtbot.waitUntil(lambda: window.entry.question is None)
    assert stored(on_shift, window.case_id).steps == ()
    assert window.entry.kind.value() == "arrest"  # what was typed is still there


def test_0130_on_the_last_sunday_of_march_is_refused(qtbot, on_shift, year) -> None:  # type: ignore[no-untyped-def]
    window = timeline(qtbot, on_shift)
    add_step(qtbot, window, "Ch", f"{MARCH[year]}03{year}0130")
    assert window.entry.question is None  # nothing to ask: it did not happen
    assert window.entry.problem.text() == (
        "01:30 did not happen that night: the clocks went forward from 01:00 to 02:00."
    )
    assert window.entry.when.edit.hasFocus()
    assert stored(on_shift, window.case_id).steps == ()
    assert window.timeline.rowCount() == 0


@pytest.mark.parametrize(
    ("month", "days", "in_the_cell"),
    [(10, OCTOBER, "5 h 00 min"), (3, MARCH, "3 h 00 min")],
    ids=["october", "march"],
)
def test_charged_before_the_change_and_leaving_after_it(  # type: ignore[no-untyped-def]
    qtbot, on_shift, year, month, days, in_the_cell
) -> None:
    """Charged 23:30 on the Saturday, left 03:30 on the Sunday: four hours on the clock
    face, five real hours in October (an hour repeated), three in March (an hour skipped)."""
    sunday = days[year]
    window = timeline(qtbot, on_shift)
    add_step(qtbot, window, "Ch", f"{sunday - 1}{month:02d}{year}2330")
    add_step(qtbot, window, "Le", f"{sunday}{month:02d}{year}0330")
    case = stored(on_shift, window.case_id)
    assert [s["kind"] for s in case.steps] == ["charge", "left_custody"]
    assert window.header.clock_text().startswith(f"Since charge: {in_the_cell}  ")
    assert window.timeline.index(0, 0).data() == f"{sunday - 1}/{month:02d}/{year} 23:30"
    assert window.timeline.index(1, 0).data() == f"{sunday}/{month:02d}/{year} 03:30"


def test_31_typed_on_a_november_night_is_31_october(qtbot, on_shift, clock, year) -> None:  # type: ignore[no-untyped-def]
    """November has no 31st: Qt alone would make it the 30th, silently. Times are in the
    past, so it is the latest month that has one: October."""
    clock.now = datetime(year, 11, 1, 0, 20, tzinfo=UTC)  # 00:20 on 1 November
    window = timeline(qtbot, on_shift)
    add_step(qtbot, window, "Ar", "31")  # only the day, then Return
    (step,) = stored(on_shift, window.case_id).steps
    local = datetime(year, 10, 31, 0, 20, tzinfo=LONDON)  # 2027: the change day, still BST
    assert step["at"] == format_instant(local.astimezone(UTC))
