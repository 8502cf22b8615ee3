"""The Custody place: open cases longest-running first with clocks that tick from a
controllable clock (without reading the store each tick), the recently closed with their
outcome, the strip of live clocks seen from every place, and who gets none of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from duty_desk.domain.roles import Role
from duty_desk.domain.signoff import SignoffState
from duty_desk.services import custody
from duty_desk.services.desk import sign_in
from duty_desk.services.settings import Settings
from duty_desk.ui.custody_model import CLOSED_COLUMNS, OPEN_COLUMNS, CustodyModel, short_name
from duty_desk.ui.custody_page import CustodyPage
from duty_desk.ui.main_window import MainWindow
from tests.conftest import PASSWORD
from tests.ui.test_main_window import _unnamed_controls


def open_case(session, name: str, *, charged: int, requested: int, suite: str = "Northgate"):  # type: ignore[no-untyped-def]
    """A case charged and asked about ``charged`` and ``requested`` minutes ago."""
    fields = {
        "custody_suite": f"{suite} custody suite",
        "yp_name": name,
        "age_at_charge": 15,
        "request_type": "non_secure",
        "yp_views": "Wants to go anywhere but the cell tonight.",
    }
    case = custody.open_case(session, fields)
    now = session.desk.clock()
    for kind, ago in (("charge", charged), ("request_received", requested)):
        step = {"kind": kind, "at": now - timedelta(minutes=ago)}
        case = custody.add_step(session, case.id, step, case.updated_at)
    return case


def add_step(session, case, kind: str, minutes_ago: int = 0):  # type: ignore[no-untyped-def]
    current = custody.get_case(session, case.id, record_view=False)
    step = {"kind": kind, "at": session.desk.clock() - timedelta(minutes=minutes_ago)}
    return custody.add_step(session, case.id, step, current.updated_at)


def cells(model: CustodyModel, key: str) -> list[str]:
    column = [c.key for c in model.columns].index(key)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def page_for(qtbot, session) -> CustodyPage:  # type: ignore[no-untyped-def]
    page = CustodyPage(session, tick_ms=None, refresh_ms=None)  # ticks when the test says
    qtbot.addWidget(page)
    return page


def main_window(qtbot, paths, clock, username: str = "sam") -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(sign_in(paths, username, PASSWORD, clock), Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def afternoon(on_shift, clock):  # type: ignore[no-untyped-def]
    """The worker at 15:10 on Sunday 22 November 2026 (GMT): no night warning yet."""
    clock.advance(hours=16)
    return on_shift


def test_open_cases_run_longest_first_and_their_clocks_tick(qtbot, afternoon, clock) -> None:  # type: ignore[no-untyped-def]
    recent = open_case(afternoon, "Ava Newton", charged=40, requested=29, suite="Southbank")
    older = open_case(afternoon, "Jayden Morris", charged=192, requested=100)
    add_step(afternoon, older, "response_given", minutes_ago=90)
    add_step(afternoon, older, "detention_authorised", minutes_ago=300)
    page = page_for(qtbot, afternoon)
    model = page.model
    assert cells(model, "reference") == [older.reference, recent.reference]
    assert cells(model, "person") == ["Jayden Morris (15)", "Ava Newton (15)"]
    assert cells(model, "suite") == ["Northgate custody suite", "Southbank custody suite"]
    assert cells(model, "request") == ["Non-secure", "Non-secure"]
    assert cells(model, "since_charge") == ["3 h 12 min", "40 min"]
    assert cells(model, "since_request") == ["1 h 40 min", "29 min"]
    assert cells(model, "unanswered") == ["Answered", "29 min"]
    # Detention authorised at 10:10: the first review is due at 16:10 (UK time).
    assert cells(model, "review") == ["16:10 (in 1 h 00 min)", "—"]
    assert cells(model, "decision") == ["Not decided yet"] * 2
    assert cells(model, "warnings") == ["—", "—"]
    assert page.count.text() == "2 open"
    clock.advance(minutes=2)
    page.tick.timeout.emit()  # the 15-second timer
    assert cells(model, "since_request") == ["1 h 42 min", "31 min"]
    assert cells(model, "review") == ["16:10 (in 58 min)", "—"]
    assert cells(model, "warnings")[1] == "Request unanswered for 31 min (over 30 min)"
    assert page.count.text() == "2 open — 1 with a warning"
    tip = model.index(1, [c.key for c in OPEN_COLUMNS].index("since_request"))
    assert tip.data(Qt.ItemDataRole.ToolTipRole) == "Request received Sun 22/11 14:41 (UK time)"


def test_a_tick_reads_nothing_and_f5_reads_the_cases_again(qtbot, afternoon, clock) -> None:  # type: ignore[no-untyped-def]
    case = open_case(afternoon, "Ava Newton", charged=40, requested=10)
    page = page_for(qtbot, afternoon)
    add_step(afternoon, case, "response_given")
    clock.advance(minutes=5)
    page.tick_clocks()
    assert cells(page.model, "unanswered") == ["15 min"]  # the answer is not read yet
    page.show()
    qtbot.waitExposed(page)  # showing the page reads the cases
    assert cells(page.model, "unanswered") == ["Answered"]
    second = open_case(afternoon, "Jayden Morris", charged=20, requested=20)
    page.tick_clocks()
    assert page.model.rowCount() == 1
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert cells(page.model, "reference")[1] == second.reference  # charged after Ava
    assert page.model.rowCount() == 2


def test_closed_cases_show_their_outcome_on_request(qtbot, afternoon, clock) -> None:  # type: ignore[no-untyped-def]
    case = open_case(afternoon, "Ava Newton", charged=130, requested=120)
    add_step(afternoon, case, "left_custody")
    current = custody.get_case(afternoon, case.id, record_view=False)
    custody.close_case(afternoon, case.id, {"outcome": "bailed_released"}, current.updated_at)
    open_case(afternoon, "Jayden Morris", charged=20, requested=20)
    page = page_for(qtbot, afternoon)
    assert page.closed_table.isHidden() and page.closed_model.rowCount() == 0
    page.show_closed.setChecked(True)
    assert not page.closed_table.isHidden()
    model = page.closed_model
    assert cells(model, "reference") == [case.reference]
    assert cells(model, "outcome") == ["Bailed or released"]
    assert cells(model, "in_cell") == ["2 h 10 min"]  # charge to leaving: it stopped
    assert cells(model, "closed") == ["Sun 22/11 15:10"]
    assert page.closed_count.text() == "1 closed recently, newest first."
    assert cells(page.model, "person") == ["Jayden Morris (15)"]


def test_the_council_decision_and_its_sign_off_are_shown(qtbot, afternoon) -> None:  # type: ignore[no-untyped-def]
    case = open_case(afternoon, "Ava Newton", charged=40, requested=10)
    page = page_for(qtbot, afternoon)
    fields = {
        "decision_type": "pace_non_secure",
        "rationale": "The council must always accept a request for non-secure accommodation.",
        "risk_rating": "medium",
    }
    custody.decide(afternoon, case.id, fields)
    assert cells(page.model, "decision") == ["Not decided yet"]
    page.refresh()
    stored = custody.get_case(afternoon, case.id, record_view=False)
    assert stored.signoff_state and stored.enquiry_reference
    assert cells(page.model, "decision") == [
        "PACE transfer: non-secure accommodation provided\n"
        + SignoffState(stored.signoff_state).label
    ]
    cell = page.model.index(0, [c.key for c in OPEN_COLUMNS].index("decision"))
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith(f"\nRecorded on enquiry {stored.enquiry_reference}")


def test_a_refused_thresholds_file_is_named_and_the_defaults_used(qtbot, afternoon) -> None:  # type: ignore[no-untyped-def]
    path = afternoon.desk.paths.custody_thresholds
    path.write_text("request_unanswered_minutes = 10\nno_placement_by = 22\n", encoding="utf-8")
    open_case(afternoon, "Ava Newton", charged=40, requested=20)
    page = page_for(qtbot, afternoon)
    assert page.error.text().startswith("The custody warning thresholds in custody-thresholds")
    assert "line 2: 'no_placement_by'" in page.error.text()
    assert cells(page.model, "warnings") == ["—"]  # 20 min: under the usual 30, not 10
    path.write_text("request_unanswered_minutes = 10\n", encoding="utf-8")
    page.refresh()
    assert page.error.isHidden()
    assert cells(page.model, "warnings") == ["Request unanswered for 20 min (over 10 min)"]


@pytest.mark.parametrize("closed", [False, True])
def test_the_models_pass_the_model_tester(qtmodeltester, afternoon, clock, closed) -> None:  # type: ignore[no-untyped-def]
    cases = [
        open_case(afternoon, "Ava Newton", charged=40, requested=35),
        open_case(afternoon, "Jayden Morris", charged=192, requested=100),
    ]
    model = CustodyModel(clock, closed=closed)
    qtmodeltester.check(model)
    model.set_cases(cases)
    assert model.rowCount() == 2
    assert model.columnCount() == len(CLOSED_COLUMNS if closed else OPEN_COLUMNS)
    qtmodeltester.check(model)
    clock.advance(minutes=1)
    model.set_cases(cases)  # the same cases: only the clocks move
    qtmodeltester.check(model)
    model.set_cases([])
    qtmodeltester.check(model)


def test_names_are_cut_to_first_name_and_initial() -> None:
    assert short_name("Jayden Morris") == "Jayden M."
    assert short_name("  Ngọc Ánh  Trần ") == "Ngọc T."
    assert short_name("Siân") == "Siân"
    assert short_name("") == "(no name)"


def test_the_strip_opens_the_case_from_another_place(qtbot, afternoon, paths, clock) -> None:  # type: ignore[no-untyped-def]
    cases = [
        open_case(afternoon, name, charged=100 - n, requested=50 - n)
        for n, name in enumerate(("Jayden Morris", "Ava Newton", "Kai Olsen", "Lena Park"))
    ]
    add_step(afternoon, cases[0], "detention_authorised", minutes_ago=300)
    add_step(afternoon, cases[0], "response_given", minutes_ago=45)
    window = main_window(qtbot, paths, clock)
    assert window.pages.currentWidget() is window.enquiries_page
    strip = window.custody_strip
    assert strip.isVisible()
    shown = [line for line in strip.lines if line.isVisible()]
    assert len(shown) == 3
    # The three warned (unanswered over 30 min) come first; Jayden's was answered.
    assert [line.case_id for line in shown] == [c.id for c in cases[1:]]
    assert shown[0].text() == (
        f"{cases[1].reference} · Ava N. (15) · Northgate custody suite · charged 1 h 39 min ago"
        " · request unanswered 49 min"
    )
    assert "Newton" not in "".join(line.text() for line in strip.lines)
    assert strip.more.isVisible() and strip.more.text() == "+1 more in the Custody place"
    assert window.place_buttons["custody"].text() == "Custody (4)"
    assert window.custody_alerts.warned  # the warning sign on the place's icon
    assert shown[0].accessibleName().startswith("Warning — open custody case: CUS-")
    qtbot.mouseClick(strip.more, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.custody_page
    window.show_place("enquiries")
    add_step(afternoon, cases[1], "response_given")
    add_step(afternoon, cases[2], "response_given")
    window.custody_page.refresh()
    first = strip.lines[0]
    assert first.case_id == cases[3].id and first.warned
    assert [line.warned for line in strip.lines] == [True, False, False]
    jayden = next(line for line in strip.lines if line.case_id == cases[0].id)
    assert jayden.text().endswith(
        "request 50 min ago, answered · next review 16:10 (in 1 h 00 min)"
    )
    assert _unnamed_controls(window) == []
    with qtbot.waitSignal(strip.open_case) as opened:  # by keyboard: Tab reaches it
        first.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClick(first, Qt.Key.Key_Return)
    assert opened.args == [cases[3].id]
    with qtbot.waitSignal(strip.open_case) as opened:
        qtbot.keyClick(jayden, Qt.Key.Key_Space)
    assert opened.args == [cases[0].id]
    windows = window.custody_page.open_windows()  # one window each, on the case chosen
    assert [w.case_id for w in windows] == [cases[3].id, cases[0].id]  # type: ignore[attr-defined]
    for each in windows:
        each.close()
    window.close()


def test_the_strip_is_in_the_tab_order(qtbot, afternoon, paths, clock) -> None:  # type: ignore[no-untyped-def]
    case = open_case(afternoon, "Ava Newton", charged=40, requested=10)
    window = main_window(qtbot, paths, clock)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    line = window.custody_strip.lines[0]
    assert line.case_id == case.id
    window.place_buttons["enquiries"].setFocus(Qt.FocusReason.TabFocusReason)
    for _ in range(60):  # Tab on from the first place's button
        if QApplication.focusWidget() is line:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is line
    window.close()


def test_nothing_open_no_strip(qtbot, afternoon, paths, clock) -> None:  # type: ignore[no-untyped-def]
    window = main_window(qtbot, paths, clock)
    assert window.custody_strip.isHidden()
    assert window.place_buttons["custody"].text() == "Custody"
    assert window.custody_page.count.text() == "Nobody is waiting in police custody on this desk."
    page = window.custody_page
    window.close()  # signs out: the page reads nothing more
    assert page.stopped and not page.tick.isActive() and not page.reread.isActive()


@pytest.mark.parametrize("role", [Role.DAY_TEAM, Role.ADMINISTRATOR])
def test_the_day_team_and_administrators_get_no_strip(qtbot, people, paths, clock, role) -> None:  # type: ignore[no-untyped-def]
    worker = sign_in(paths, people[Role.DUTY_SOCIAL_WORKER], PASSWORD, clock)
    open_case(worker, "Ava Newton", charged=40, requested=35)
    worker.desk.close()
    window = MainWindow(sign_in(paths, people[role], PASSWORD, clock), Settings())
    qtbot.addWidget(window)
    window.show()
    assert not hasattr(window, "custody_page") and not hasattr(window, "custody_strip")
    window.show_place("custody")
    assert window.pages.currentWidget().objectName() == "place-custody"
    assert window.place_buttons["custody"].text() == "Custody"
    window.close()


def test_the_timers_tick_every_15_seconds_and_read_every_minute(qtbot, afternoon) -> None:  # type: ignore[no-untyped-def]
    page = CustodyPage(afternoon)
    qtbot.addWidget(page)
    assert page.tick.isActive() and page.tick.interval() == 15_000
    assert page.reread.isActive() and page.reread.interval() == 60_000
    page.stop()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen Qt cannot
def test_enter_and_ctrl_n_open_case_windows_once(qtbot, afternoon, paths, clock) -> None:  # type: ignore[no-untyped-def]
    case = open_case(afternoon, "Ava Newton", charged=40, requested=10)
    window = main_window(qtbot, paths, clock)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_place("custody")
    page = window.custody_page
    page.table.setFocus()
    page.table.selectRow(0)
    for _ in range(2):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert len(page.open_windows()) == 1
    opened = page.open_windows()[0]
    window.custody_strip.lines[0].click()  # the same case from the strip: the same window
    assert page.open_windows() == [opened]
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(page.open_windows()) == 2  # a new case, not a new enquiry
    assert page.open_windows()[1].case_id is None  # type: ignore[attr-defined]
    assert window.enquiries_page.open_windows() == []
    opened.changed.emit(case.id)  # a save reads the list again
    assert page.model.row_of(case.id) == 0
    for each in page.open_windows():
        each.close()
