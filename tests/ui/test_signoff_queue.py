"""The Sign-off place: each approver's queue (oldest first, time left, the rule's reason),
overdue in words and by icon, the overdue alert, a worker's own waiting decisions, and the
sign-off column of the night list — against a real desk, with the clock moved on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from duty_desk.services import signoff
from duty_desk.services.desk import sign_in
from duty_desk.services.enquiries import create_enquiry, decide
from duty_desk.services.settings import Settings
from duty_desk.ui.enquiry_model import COLUMNS, EnquiryListModel
from duty_desk.ui.main_window import MainWindow
from duty_desk.ui.signoff_queue import SignoffPage
from duty_desk.ui.signoff_queue_model import QUEUE_COLUMNS, QueueModel
from tests.conftest import PASSWORD
from tests.integration.services.test_signoff_flow import BASE
from tests.ui.test_main_window import _unnamed_controls

Q = {c.key: n for n, c in enumerate(QUEUE_COLUMNS)}
SIGNOFF = [c.key for c in COLUMNS].index("signoff")


def decided(session, decision_type: str, child: str = "Siân Llŷr"):  # type: ignore[no-untyped-def]
    fields = BASE | {"decision_type": decision_type, "child_name": child}
    saved = create_enquiry(session, fields)
    return decide(session, saved.enquiry.id, fields, saved.enquiry.updated_at).enquiry


def cells(model: QueueModel, key: str) -> list[str]:
    column = model._keys.index(key)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def page_for(qtbot, session) -> SignoffPage:  # type: ignore[no-untyped-def]
    page = SignoffPage(session, refresh_ms=None)  # read when the test says
    qtbot.addWidget(page)
    return page


def main_window(qtbot, paths, clock, username: str, active: bool = False) -> MainWindow:  # type: ignore[no-untyped-def]
    """The main window as ``username`` would have it, signed in on their own."""
    window = MainWindow(sign_in(paths, username, PASSWORD, clock), Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    if active:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    return window


def test_the_queue_is_oldest_decision_first(qtbot, on_shift, approvers, clock) -> None:  # type: ignore[no-untyped-def]
    first = create_enquiry(on_shift, BASE | {"child_name": "Ann First"}).enquiry
    second = create_enquiry(on_shift, BASE | {"child_name": "Ben Second"}).enquiry
    clock.advance(minutes=5)
    late = decided(on_shift, "advice_nfa", "Cal Third")
    page = page_for(qtbot, approvers["morgan"])
    for enquiry, name, decision in (
        (second, "Ben Second", "police_protection"),
        (first, "Ann First", "advice_nfa"),
    ):
        clock.advance(minutes=10)
        fields = BASE | {"child_name": name, "decision_type": decision}
        decide(on_shift, enquiry.id, fields, enquiry.updated_at)
    assert page.queue is not None and page.queue.model.rowCount() == 1  # not read yet
    page.refresh()
    model = page.queue.model
    # Decided at 23:15, 23:25, 23:35: the order of the decisions, not of the calls.
    assert cells(model, "child") == ["Cal Third", "Ben Second", "Ann First"]
    assert cells(model, "decided") == ["21/11 23:15", "21/11 23:25", "21/11 23:35"]
    assert cells(model, "reference")[0] == late.reference
    assert cells(model, "needs") == ["Senior practitioner", "Manager", "Senior practitioner"]
    assert cells(model, "author") == ["Sam Worker"] * 3
    assert cells(model, "kind") == ["Approve or return"] * 3
    assert cells(model, "time_left") == ["1 h 40 min left", "50 min left", "2 h left"]
    assert cells(model, "why")[1].startswith("Police protection, an emergency protection order")
    why = model.index(1, Q["why"]).data(Qt.ItemDataRole.ToolTipRole)
    assert why == "Rules: legal-or-accommodation"
    assert page.queue.count.text() == "3 waiting"


def test_each_grade_sees_what_it_may_sign_off_but_never_its_own(qtbot, on_shift, approvers) -> None:  # type: ignore[no-untyped-def]
    decided(on_shift, "advice_nfa", "Nia Senior-Level")
    decided(on_shift, "police_protection", "Max Manager-Level")
    decided(approvers["priya"], "advice_nfa", "Pia Priyas-Own")
    priya, morgan = page_for(qtbot, approvers["priya"]), page_for(qtbot, approvers["morgan"])
    assert priya.queue is not None and morgan.queue is not None
    assert cells(priya.queue.model, "child") == ["Nia Senior-Level"]
    assert cells(morgan.queue.model, "child") == [
        "Nia Senior-Level",
        "Max Manager-Level",
        "Pia Priyas-Own",
    ]
    assert cells(morgan.queue.model, "author")[2] == "Priya Senior"
    # Priya's own decision waits for someone else: she sees it apart, as her own.
    assert priya.mine is not None and not priya.mine.isHidden()
    assert cells(priya.mine.model, "child") == ["Pia Priyas-Own"]
    assert morgan.mine is not None and morgan.mine.isHidden()  # nothing of his own waits


def test_overdue_is_said_in_words_and_marked_with_an_icon(
    qtbot, on_shift, approvers, clock
) -> None:  # type: ignore[no-untyped-def]
    decided(on_shift, "police_protection")
    page = page_for(qtbot, approvers["morgan"])
    assert page.queue is not None
    model = page.queue.model
    cell = model.index(0, Q["time_left"])
    assert cell.data() == "1 h left"
    assert cell.data(Qt.ItemDataRole.DecorationRole) is None
    clock.advance(minutes=85)
    page.refresh()
    cell = model.index(0, Q["time_left"])
    assert cell.data() == "OVERDUE by 25 min"
    assert cell.data(Qt.ItemDataRole.AccessibleTextRole) == "OVERDUE by 25 min"
    decoration = cell.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(decoration, QIcon) and not decoration.isNull()
    assert "Sign-off due by Sunday 22/11/2026 00:10" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert page.queue.count.text() == "1 waiting — 1 overdue"


def test_the_alert_shows_once_when_a_deadline_passes(
    qtbot, on_shift, approvers, paths, clock
) -> None:  # type: ignore[no-untyped-def]
    enquiry = decided(on_shift, "police_protection")
    window = main_window(qtbot, paths, clock, "morgan")
    alerts, banner = window.signoff_alerts, window.signoff_alerts.banner
    assert window.place_buttons["sign-off"].text() == "Sign-off (1)"
    assert banner.isHidden() and alerts.flashes == 0
    clock.advance(minutes=59)
    window.signoff_page.refresh()
    assert banner.isHidden() and alerts.flashes == 0  # a minute left
    clock.advance(minutes=2)
    window.signoff_page.refresh()
    assert banner.isVisible() and alerts.flashes == 1  # QApplication.alert was called
    assert banner.text.text() == (
        f"Sign-off overdue: {enquiry.reference} (Police protection (s.46) with accommodation)"
        " — needed a manager by 00:10"
    )
    assert "1 overdue" in window.place_buttons["sign-off"].toolTip()
    assert _unnamed_controls(window) == []
    for _ in range(2):  # the timer reads again: the same item is not announced again
        clock.advance(minutes=1)
        window.signoff_page.refresh()
    assert alerts.flashes == 1 and banner.text.text().count("Sign-off overdue") == 1
    window.show_place("enquiries")
    qtbot.mouseClick(banner.open_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.signoff_page
    assert banner.isHidden()  # read: out of the way
    window.signoff_page.refresh()
    assert banner.isHidden() and alerts.flashes == 1


def test_the_worker_is_alerted_about_their_own_decision_and_can_dismiss_it(  # type: ignore[no-untyped-def]
    qtbot, on_shift, approvers, paths, clock
) -> None:
    decided(on_shift, "police_protection")
    window = main_window(qtbot, paths, clock, "sam")
    clock.advance(minutes=61)
    window.signoff_page.refresh()
    banner = window.signoff_alerts.banner
    assert banner.isVisible() and window.signoff_alerts.flashes == 1
    assert banner.text.text().startswith("Your decision is overdue for sign-off: EDT-")
    assert banner.text.text().endswith("it needed a manager by 00:10")
    qtbot.mouseClick(banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert banner.isHidden()
    window.signoff_page.refresh()
    assert banner.isHidden()
    page = window.signoff_page
    assert page.tick.isActive() and page.tick.interval() == 30_000
    window.close()  # signs out: the page reads nothing more, whoever asks
    assert page.stopped and not page.tick.isActive()


def test_a_verbal_signoff_waits_in_its_approvers_queue_to_be_confirmed(  # type: ignore[no-untyped-def]
    qtbot, on_shift, approvers, paths, clock
) -> None:
    enquiry = decided(on_shift, "police_protection")
    signoff.record_verbal(on_shift, enquiry.id, 1, "morgan", "phone", clock.now)
    morgan, sasha = page_for(qtbot, approvers["morgan"]), page_for(qtbot, approvers["sasha"])
    assert morgan.queue is not None and sasha.queue is not None
    assert cells(morgan.queue.model, "kind") == ["Confirm your verbal sign-off"]
    assert cells(morgan.queue.model, "time_left") == ["12 h left"]
    assert sasha.queue.model.rowCount() == 0  # only Morgan can confirm what Morgan said
    worker = main_window(qtbot, paths, clock, "sam")
    assert worker.signoff_page.mine is not None
    assert cells(worker.signoff_page.mine.model, "state") == ["Verbal — awaiting confirmation"]
    clock.advance(hours=12, minutes=1)
    worker.signoff_page.refresh()
    assert worker.signoff_alerts.banner.text.text() == (
        f"Verbal sign-off not confirmed: {enquiry.reference} (Police protection (s.46) with "
        "accommodation) — the approver was to confirm it by 11:10"
    )
    morgan.refresh()
    assert cells(morgan.queue.model, "time_left") == ["OVERDUE by 1 min"]


def test_a_worker_follows_their_own_decisions_until_signed_off(  # type: ignore[no-untyped-def]
    qtbot, on_shift, approvers, paths, clock
) -> None:
    nfa = decided(on_shift, "advice_nfa", "Nia Awaiting")
    protection = decided(on_shift, "police_protection", "Max Returned")
    decided(on_shift, "welfare_visit", "Wyn Final")  # final at once: nothing to follow
    signoff.return_decision(approvers["morgan"], protection.id, 1, "Ring legal first.")
    window = main_window(qtbot, paths, clock, "sam")
    page = window.signoff_page
    assert page.queue is None and page.mine is not None  # no queue: they sign nothing off
    model = page.mine.model
    assert cells(model, "child") == ["Nia Awaiting", "Max Returned"]
    assert cells(model, "state") == ["Awaiting sign-off", "Returned to the worker"]
    assert cells(model, "time_left") == ["2 h left", "Back with you"]
    tip = model.index(1, model._keys.index("state")).data(Qt.ItemDataRole.ToolTipRole)
    assert "revise the decision" in tip
    assert window.place_buttons["sign-off"].text() == "Sign-off (2)"
    signoff.approve(approvers["priya"], nfa.id, 1, "Agreed: safe at Nan's.")
    page.refresh()
    assert cells(model, "child") == ["Max Returned"]
    assert window.place_buttons["sign-off"].text() == "Sign-off (1)"


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen Qt cannot
def test_f5_reads_again_and_enter_opens_the_decision_once(
    qtbot, on_shift, approvers, paths, clock
) -> None:  # type: ignore[no-untyped-def]
    window = main_window(qtbot, paths, clock, "priya", active=True)
    window.show_place("sign-off")
    section = window.signoff_page.queue
    assert section is not None and section.model.rowCount() == 0
    enquiry = decided(on_shift, "advice_nfa")
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert section.model.rowCount() == 1
    section.table.setFocus()
    section.table.selectRow(0)
    for _ in range(2):
        qtbot.keyClick(section.table, Qt.Key.Key_Return)
    opened = window.enquiries_page.open_windows()
    assert len(opened) == 1 and opened[0].enquiry.id == enquiry.id  # type: ignore[attr-defined]
    opened[0].close()


def test_the_day_team_and_administrators_are_told_what_the_place_is_for(qtbot, admin) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(admin, Settings())
    qtbot.addWidget(window)
    assert not hasattr(window, "signoff_page") and not hasattr(window, "signoff_alerts")
    window.show_place("sign-off")
    assert window.pages.currentWidget().objectName() == "place-sign-off"
    assert window.place_buttons["sign-off"].text() == "Sign-off"


@pytest.mark.parametrize("mine", [False, True])
def test_the_queue_model_passes_the_model_tester(qtmodeltester, on_shift, approvers, mine) -> None:  # type: ignore[no-untyped-def]
    enquiry = decided(on_shift, "police_protection")
    decided(on_shift, "advice_nfa")
    signoff.record_verbal(on_shift, enquiry.id, 1, "morgan", "in_person", on_shift.desk.clock())
    session = on_shift if mine else approvers["morgan"]
    items = signoff.my_waiting(session) if mine else signoff.queue(session)
    model = QueueModel(session.desk.clock, mine=mine)
    qtmodeltester.check(model)
    model.set_items(items)
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    model.set_items(items)  # the same rows: only the time left repaints
    model.set_items([])
    qtmodeltester.check(model)


def test_the_night_list_says_where_each_sign_off_stands(qtbot, on_shift, approvers) -> None:  # type: ignore[no-untyped-def]
    draft_id = create_enquiry(on_shift, BASE | {"child_name": "Dee Draft"}).enquiry.id
    decided(on_shift, "welfare_visit", "Fin Final")
    waiting = decided(on_shift, "police_protection", "Vera Verbal")
    signoff.record_verbal(on_shift, waiting.id, 1, "morgan", "phone", on_shift.desk.clock())
    decided(on_shift, "advice_nfa", "Aya Awaiting")
    approved = decided(on_shift, "advice_nfa", "Abe Approved")
    signoff.approve(approvers["priya"], approved.id, 1, "Agreed.")
    model = EnquiryListModel(on_shift)
    shown = {
        model.enquiry_row(row).child_name: model.index(row, SIGNOFF).data()
        for row in range(model.rowCount())
    }
    assert shown == {
        "Dee Draft": "",
        "Fin Final": "Not needed",
        "Vera Verbal": "Verbal, unconfirmed",
        "Aya Awaiting": "Awaiting sign-off",
        "Abe Approved": "Signed off",
    }
    cell = model.index(model.row_of(waiting.id), SIGNOFF)
    for role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
        assert cell.data(role) == "Verbal — awaiting confirmation"  # the label in full
    draft = model.index(model.row_of(draft_id), SIGNOFF)
    assert draft.data(Qt.ItemDataRole.AccessibleTextRole) == "none"
