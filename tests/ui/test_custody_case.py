"""The custody case window, driven by the keyboard against a real desk: opening a case,
the timeline (adding, correcting, withdrawing, refusals), closing with the outcome and
Code C, the council's decision and its sign-off, the live clocks, read-only roles, and
closing with unsaved details. What is stored is checked through the services."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWidget

from duty_desk.domain.custody_choices import CODE_C_NOTE
from duty_desk.domain.events import format_instant
from duty_desk.domain.roles import Role
from duty_desk.domain.signoff import SignoffState
from duty_desk.services import custody, providers, signoff
from duty_desk.services.desk import sign_in
from duty_desk.ui.custody_case import CustodyCaseWindow
from duty_desk.ui.custody_close import CloseDialog, ReasonDialog
from duty_desk.ui.custody_decision import DecisionDialog
from duty_desk.ui.save_document_dialog import SaveDocumentDialog
from tests.conftest import PASSWORD
from tests.ui.test_main_window import _unnamed_controls

KEY = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
OPENING = {"custody_suite": "Central custody suite", "yp_name": "Kai Brown", "age_at_charge": 15}


def open_window(qtbot, session, case_id=None) -> CustodyCaseWindow:  # type: ignore[no-untyped-def]
    window = CustodyCaseWindow(session, case_id)
    # Left clean at the end of a test, so closing it does not stop to ask.
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "dirty", False))
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(focused(), text)


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(focused(), key, modifiers)


def add_step(qtbot, window, kind: str, when: str, *fields: str, stop: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Keyboard only: the first letters of the step, Tab, the time as digits
    (ddmmyyyyHHMM), then each further field after a Tab (Tab twice passes the Now button),
    and Return. ``stop``: at the first empty field, before typing in it."""
    assert window.entry.kind.hasFocus()
    type_text(qtbot, kind)
    press(qtbot, KEY.Key_Tab)
    assert window.entry.when.edit.hasFocus()
    type_text(qtbot, when)
    if fields:
        press(qtbot, KEY.Key_Tab)  # the Now button
    for text in fields:
        press(qtbot, KEY.Key_Tab)
        if stop and not text:
            return
        type_text(qtbot, text)
    press(qtbot, KEY.Key_Return)


def stored(session, case_id: str):  # type: ignore[no-untyped-def]
    return custody.get_case(session, case_id, record_view=False)


def kinds(case) -> list[str]:  # type: ignore[no-untyped-def]
    return [step["kind"] for step in sorted(case.steps, key=lambda s: s["at"])]


def dialog_of(qtbot, window, kind):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: isinstance(window.dialog, kind) and window.dialog.isVisible())
    return window.dialog


def back_to(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The window active again after its dialog (offscreen Qt does not do it by itself)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def ok(dialog):  # type: ignore[no-untyped-def]
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


# --- opening ---------------------------------------------------------------------------


def test_a_new_case_is_opened_by_keyboard(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift)
    assert window.case_id is None
    assert window.header.title.text() == "New custody case"
    assert not window.tabs.isTabEnabled(2)  # the timeline waits for the case to be opened
    editors = window.fields.editors
    assert editors["custody_suite"].hasFocus()
    for text in ("Central custody suite", "01/23456/26", "PC Jones", "07700 900999", "Kai Brown"):
        type_text(qtbot, text)
        press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "02032011")  # date of birth
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "15")
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "Ma")  # gender: Male
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "Wh")  # ethnic group: White
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "Y")  # looked after: yes
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "Northshire")
    press(qtbot, KEY.Key_S, CTRL)
    assert window.case_id is not None, window.status.text()
    case = stored(on_shift, window.case_id)
    assert case.content == {
        "custody_suite": "Central custody suite",
        "custody_number": "01/23456/26",
        "officer_name": "PC Jones",
        "officer_contact": "07700 900999",
        "yp_name": "Kai Brown",
        "yp_dob": "2011-03-02",
        "age_at_charge": 15,
        "yp_gender": "male",
        "yp_ethnicity": "white",
        "looked_after": True,
        "looked_after_by": "Northshire",
    }
    assert case.enquiry_id is not None  # a police enquiry was started for it
    assert window.header.title.text() == case.reference
    assert window.header.who.text().startswith("Kai Brown, 15 · Central custody suite")
    assert window.status.text() == "Opened at 23:10."
    assert window.tabs.isTabEnabled(2) and not window.dirty
    assert _unnamed_controls(window) == []


def test_an_age_outside_10_to_17_is_refused_at_the_field(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift)
    window.fields.editors["custody_suite"].setText("Central")
    window.fields.editors["yp_name"].setText("Kai Brown")
    window.fields.editors["age_at_charge"].setText("19")
    press(qtbot, KEY.Key_S, CTRL)
    assert window.case_id is None and custody.recent_cases(on_shift) == []
    problem = window.fields.problems["age_at_charge"]
    assert problem.isVisible()
    assert problem.text() == (
        "Age at charge is 19: PACE s.38(6) transfers are for children aged 10 to 17."
    )
    assert window.status.text().startswith("Not saved. Age at charge is 19")
    assert window.fields.editors["age_at_charge"].hasFocus()


def test_the_details_are_saved_with_ctrl_s(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    window.tabs.setCurrentIndex(4)  # Welfare
    window.fields.editors["yp_views"].setFocus()
    type_text(qtbot, "Wants to go to his nan's")
    assert window.dirty
    press(qtbot, KEY.Key_S, CTRL)
    assert stored(on_shift, case.id).content["yp_views"] == "Wants to go to his nan's"
    assert not window.dirty


def test_tabs_by_ctrl_number_and_alt_letter_and_tab_stays_on_the_page(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    press(qtbot, KEY.Key_2, CTRL)
    assert window.tabs.currentIndex() == 1
    assert focused() is window.fields.editors["bail_refused_reasons"]
    press(qtbot, KEY.Key_T, ALT)  # "&Timeline"
    assert window.tabs.currentIndex() == 2
    press(qtbot, KEY.Key_W, ALT)  # "&Welfare"
    assert window.tabs.currentIndex() == 4
    press(qtbot, KEY.Key_6, CTRL)
    assert focused() is window.fields.editors["transport_by"]
    for _ in range(3):  # transport by, court date, court: then the buttons
        press(qtbot, KEY.Key_Tab)
    assert focused() is window.save_button
    press(qtbot, KEY.Key_7, CTRL)
    assert focused() is window.outcome_button


def test_a_case_changed_elsewhere_is_not_overwritten(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    clock.advance(minutes=2)  # someone else saves it a little later
    custody.save_case(on_shift, case.id, OPENING | {"court": "Northtown"}, case.updated_at)
    window.fields.editors["officer_name"].setText("PC Jones")
    press(qtbot, KEY.Key_S, CTRL)
    assert window.error.isVisible()
    assert (
        "was changed at" in window.error.text() and "Nothing was overwritten" in window.error.text()
    )
    assert stored(on_shift, case.id).content.get("officer_name") is None
    assert window.dirty  # the typing is still there, unsaved


# --- the timeline ----------------------------------------------------------------------


def timeline_window(qtbot, session) -> CustodyCaseWindow:  # type: ignore[no-untyped-def]
    case = custody.open_case(session, OPENING)
    window = open_window(qtbot, session, case.id)
    press(qtbot, KEY.Key_3, CTRL)
    assert window.tabs.currentIndex() == 2
    return window


@pytest.mark.qt_log_ignore("does not support (raise|grabbing the keyboard)")  # the popup
def test_steps_are_added_by_keyboard_and_shown_in_time_order(  # type: ignore[no-untyped-def]
    qtbot, on_shift, admin, qtmodeltester
) -> None:
    providers.add_provider(
        admin, {"name": "Oak House", "type": "childrens_home", "accepts_pace": True}
    )
    window = timeline_window(qtbot, on_shift)
    window._load_providers()  # the directory as it is now (added after the window opened)
    changes: list[str] = []
    window.changed.connect(changes.append)
    add_step(qtbot, window, "Ar", "211120261900")
    add_step(qtbot, window, "Ch", "211120262030")
    add_step(qtbot, window, "Req", "211120262045")
    add_step(qtbot, window, "Pl", "211120262100", "", "Decl", "No beds tonight", stop=True)
    assert window.entry.placement.hasFocus()
    type_text(qtbot, "oak")  # the directory's names containing it are offered
    popup = window.entry.placement.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, KEY.Key_Down)
    qtbot.keyClick(popup, KEY.Key_Return)  # picks it (and does not add the step yet)
    assert window.entry.placement.currentText() == "Oak House"
    assert window.entry.about.text() == "Takes PACE transfers · Not secure"
    assert stored(on_shift, window.case_id).steps[-1]["kind"] == "request_received"
    for text in ("Decl", "No beds tonight"):
        press(qtbot, KEY.Key_Tab)
        type_text(qtbot, text)
    press(qtbot, KEY.Key_Return)
    add_step(qtbot, window, "Det", "211120261915")  # typed late, shown in its place
    assert window.entry.kind.hasFocus() and window.entry.kind.value() is None
    case = stored(on_shift, window.case_id)
    assert kinds(case) == [
        "arrest",
        "detention_authorised",
        "charge",
        "request_received",
        "placement_approached",
    ]
    approach = next(s for s in case.steps if s["kind"] == "placement_approached")
    assert approach["placement"] == "Oak House"
    assert approach["provider_id"] == providers.providers(on_shift)[0].id
    assert approach["answer"] == "declined_full"
    assert approach["note"] == "No beds tonight"
    model = window.timeline
    qtmodeltester.check(model)
    shown = [[model.index(r, c).data() for c in range(5)] for r in range(model.rowCount())]
    assert shown[0] == ["21/11/2026 19:00", "Arrested", "", "", ""]
    assert shown[1][:2] == ["21/11/2026 19:15", "Detention authorised"]
    assert shown[4] == [
        "21/11/2026 21:00",
        "Placement approached",
        "Oak House — Declined: no vacancy",
        "",
        "No beds tonight",
    ]
    assert window.status.text() == "Added “Detention authorised”."
    assert changes == [window.case_id] * 5  # once for each step stored


def test_the_placement_box_says_what_the_directory_knows(qtbot, on_shift, admin) -> None:  # type: ignore[no-untyped-def]
    providers.add_provider(admin, {"name": "Elm Lodge", "secure": True, "phone": "01632 960001"})
    window = timeline_window(qtbot, on_shift)
    window._load_providers()
    type_text(qtbot, "Pl")
    window.entry.placement.setEditText("elm lodge")
    assert window.entry.about.text() == "Does NOT take PACE transfers · Secure · 01632 960001"
    window.entry.placement.setEditText("Auntie's flat")
    assert window.entry.about.text() == "Not in the directory: kept as typed."
    assert "provider_id" not in window.entry.step()
    assert window.entry.answer.isVisible() and not window.entry.by.isVisible()


def test_a_step_out_of_order_is_refused_with_its_message(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = timeline_window(qtbot, on_shift)
    add_step(qtbot, window, "Ar", "211120261900")
    add_step(qtbot, window, "Ch", "211120261800")
    assert kinds(stored(on_shift, window.case_id)) == ["arrest"]
    problem = window.entry.problem
    assert problem.isVisible()
    assert problem.text() == (
        "“Charged” (21/11/2026 18:00) is before “Arrested” (21/11/2026 19:00)."
    )
    assert window.status.text() == "Not added."
    # The row keeps what was typed, so only the time needs putting right.
    assert window.entry.kind.value() == "charge"
    assert window.entry.when.edit.hasFocus()  # the time, named in the message
    press(qtbot, KEY.Key_3, CTRL)  # back to what happened
    add_step(qtbot, window, "Ar", "211120261930")
    assert "“Arrested” is already on the timeline" in problem.text()
    assert kinds(stored(on_shift, window.case_id)) == ["arrest"]


def test_a_time_in_the_future_is_refused(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = timeline_window(qtbot, on_shift)
    add_step(qtbot, window, "Ar", "221120260300")
    assert window.entry.problem.text() == "Time is in the future. Check the date and time."
    assert stored(on_shift, window.case_id).steps == ()


def test_a_step_is_corrected_with_f2_and_ctrl_e(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = timeline_window(qtbot, on_shift)
    add_step(qtbot, window, "Ar", "211120261900")
    add_step(qtbot, window, "Ch", "211120262030")
    window.table.setFocus()
    window.table.setCurrentIndex(window.timeline.index(1, 0))
    press(qtbot, KEY.Key_F2)
    entry = window.entry
    assert entry.correcting is not None and entry.kind.hasFocus()
    assert entry.title().startswith("Correcting “Charged” at 21/11/2026 20:30")
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "211120262040")
    press(qtbot, KEY.Key_Return)
    case = stored(on_shift, window.case_id)
    assert [s["at"] for s in case.steps if s["kind"] == "charge"] == ["2026-11-21T20:40:00.000000Z"]
    assert len(case.steps) == 2 and entry.correcting is None
    assert window.status.text() == "Corrected “Charged”."
    # Ctrl+E does the same; Escape leaves the step as it was.
    window.table.setFocus()
    window.table.setCurrentIndex(window.timeline.index(0, 0))
    press(qtbot, KEY.Key_E, CTRL)
    assert entry.correcting == case.steps[0]["id"]
    press(qtbot, KEY.Key_Escape)
    assert entry.correcting is None and window.status.text() == "Correction cancelled."


def test_a_step_is_withdrawn_after_saying_why(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = timeline_window(qtbot, on_shift)
    add_step(qtbot, window, "Ar", "211120261900")
    add_step(qtbot, window, "Ch", "211120262030")
    window.table.setFocus()
    window.table.setCurrentIndex(window.timeline.index(0, 0))
    press(qtbot, KEY.Key_Delete)
    dialog = dialog_of(qtbot, window, ReasonDialog)
    qtbot.waitUntil(dialog.reason.hasFocus)
    press(qtbot, KEY.Key_Return)  # no reason yet: asked again
    assert dialog.isVisible() and dialog.problem.text() == "Say why, in a few words."
    type_text(qtbot, "Wrong young person")
    press(qtbot, KEY.Key_Return)
    qtbot.waitUntil(lambda: window.timeline.rowCount() == 1)
    assert kinds(stored(on_shift, window.case_id)) == ["charge"]
    assert window.status.text() == "Took “Arrested” off the timeline."


def test_nothing_chosen_says_so(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = timeline_window(qtbot, on_shift)
    window.table.setFocus()
    press(qtbot, KEY.Key_F2)
    assert window.status.text() == "Choose a step in the timeline first (the arrow keys move)."
    press(qtbot, KEY.Key_3, CTRL)
    press(qtbot, KEY.Key_Return)  # nothing chosen in the row
    assert window.entry.problem.text() == "Choose what happened."


# --- closing ---------------------------------------------------------------------------


def close_dialog(qtbot, window) -> CloseDialog:  # type: ignore[no-untyped-def]
    press(qtbot, KEY.Key_L, CTRL_SHIFT)
    dialog = dialog_of(qtbot, window, CloseDialog)
    qtbot.waitUntil(dialog.editors["outcome"].hasFocus)
    return dialog


def test_remaining_in_custody_needs_the_certificate_or_a_reason(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    dialog = close_dialog(qtbot, window)
    assert not dialog.certificate.isVisible()
    type_text(qtbot, "Rem")
    assert dialog.certificate.isVisible() and dialog.note.isVisible()
    assert dialog.note.text() == CODE_C_NOTE
    click(qtbot, ok(dialog))
    assert dialog.isVisible() and stored(on_shift, case.id).open
    problem = dialog.problems["remained_reason"]
    assert problem.isVisible()
    assert problem.text() == (
        "No certificate is recorded: say why the young person remained in custody."
    )
    # With the certificate's details it closes.
    dialog.editors["certificate_issued"].set_value(True)
    click(qtbot, ok(dialog))
    assert dialog.problems["certificate_reason"].isVisible()
    dialog.editors["certificate_reason"].set_value("impracticable")
    dialog.editors["certificate_text"].setPlainText("No transport until the morning")
    assert not dialog.concerns_line.isVisible()
    click(qtbot, ok(dialog))
    qtbot.waitUntil(lambda: not window.case.open)
    closed = stored(on_shift, case.id)
    assert closed.content["outcome"] == "remained"
    assert closed.content["certificate_text"] == "No transport until the morning"
    assert window.header.status.text() == "Closed: Remained in police custody"
    assert window.close_case_action.text() == "Reopen…"
    assert window.outcome.values["certificate_reason"].text() == "Transfer impracticable"


def test_the_code_c_warning_appears_as_the_certificate_is_typed(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    dialog = close_dialog(qtbot, window)
    type_text(qtbot, "Rem")
    dialog.editors["certificate_issued"].set_value(True)
    dialog.editors["certificate_reason"].set_value("impracticable")
    dialog.editors["certificate_text"].setFocus()
    type_text(qtbot, "His ")
    assert not dialog.concerns_line.isVisible()
    type_text(qtbot, "behaviour in the cell")
    assert dialog.concerns_line.isVisible()
    assert dialog.concerns.text() == (
        "The certificate's reason mentions behaviour. Consider challenging the certificate "
        "and escalating."
    )  # Code C's note, always shown above, is not repeated
    assert dialog.note.isVisible() and dialog.note.text() == CODE_C_NOTE
    assert _unnamed_controls(dialog) == []
    dialog.editors["challenge"].setPlainText("Told the inspector behaviour is not a ground")
    click(qtbot, ok(dialog))
    qtbot.waitUntil(lambda: not window.case.open)
    assert not window.outcome.concerns_line.isHidden()  # the Outcome tab says so too


def test_a_transfer_needs_the_young_person_to_have_left_custody(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    dialog = close_dialog(qtbot, window)
    type_text(qtbot, "Tr")
    dialog.editors["placement_type"].set_value("foster")
    click(qtbot, ok(dialog))
    assert dialog.problems["outcome"].text() == ("Record when the young person left custody first.")
    assert stored(on_shift, case.id).open
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    back_to(qtbot, window)
    press(qtbot, KEY.Key_3, CTRL)
    add_step(qtbot, window, "Le", "211120262300")
    dialog = close_dialog(qtbot, window)
    type_text(qtbot, "Tr")
    dialog.editors["placement_type"].set_value("foster")
    click(qtbot, ok(dialog))
    qtbot.waitUntil(lambda: not window.case.open)
    assert window.header.status.text() == (
        "Closed: Transferred to council accommodation (foster care)"
    )


def test_a_closed_case_is_reopened_with_a_reason(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    case = custody.close_case(
        on_shift, case.id, {"outcome": "remained", "remained_reason": "No bed"}, case.updated_at
    )
    window = open_window(qtbot, on_shift, case.id)
    assert not window.entry.isEnabled()  # a closed case's timeline is not changed
    press(qtbot, KEY.Key_L, CTRL_SHIFT)
    dialog = dialog_of(qtbot, window, ReasonDialog)
    qtbot.waitUntil(dialog.reason.hasFocus)
    type_text(qtbot, "Police rang back: still in the cell")
    press(qtbot, KEY.Key_Return)
    qtbot.waitUntil(lambda: window.case.open)
    assert stored(on_shift, case.id).open and window.entry.isEnabled()


# --- the council's decision ------------------------------------------------------------


def test_a_refusal_goes_to_sign_off_and_the_header_says_so(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING | {"yp_views": "Wants to go home"})
    window = open_window(qtbot, on_shift, case.id)
    assert window.header.decision.text() == ("Council's decision: none recorded yet (Ctrl+Shift+D)")
    changes = []
    window.changed.connect(changes.append)
    press(qtbot, KEY.Key_D, CTRL_SHIFT)
    dialog = dialog_of(qtbot, window, DecisionDialog)
    qtbot.waitUntil(dialog.editors["decision_type"].hasFocus)
    dialog.editors["decision_type"].set_value("pace_not_provided")  # (Space opens the list)
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "No bed anywhere in the county tonight")
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "Hi")
    click(qtbot, ok(dialog))
    qtbot.waitUntil(lambda: not dialog.isVisible())
    found = signoff.signoff_of(on_shift, case.enquiry_id)
    assert found is not None and found.state is SignoffState.AWAITING
    assert window.header.decision.text() == (
        "Council's decision: PACE transfer: accommodation refused or not provided — "
        "awaiting manager sign-off"
    )
    assert window.header.decision_sign.isVisible()
    assert changes == [case.id]


def test_what_the_enquiry_lacks_is_listed_with_a_way_to_open_it(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    press(qtbot, KEY.Key_D, CTRL_SHIFT)
    dialog = dialog_of(qtbot, window, DecisionDialog)
    dialog.editors["decision_type"].set_value("pace_non_secure")
    dialog.editors["rationale"].setPlainText("Foster bed found")
    click(qtbot, ok(dialog))
    assert dialog.problems["risk_rating"].text() == "Choose a risk rating before deciding."
    dialog.editors["risk_rating"].set_value("medium")
    click(qtbot, ok(dialog))
    assert dialog.isVisible() and dialog.open_button.isVisible()
    assert _unnamed_controls(dialog) == []
    assert "The enquiry still needs:" in dialog.missing.text()
    assert "Record the child's own words" in dialog.missing.text()
    with qtbot.waitSignal(window.open_enquiry_requested) as opened:
        click(qtbot, dialog.open_button)
    assert opened.args == [case.enquiry_id]
    assert signoff.signoff_of(on_shift, case.enquiry_id) is None  # nothing decided


# --- the clocks ------------------------------------------------------------------------


def test_the_clocks_tick_with_the_desks_clock(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    for kind, at in (
        ("detention_authorised", "21:40"),
        ("charge", "22:10"),
        ("request_received", "23:00"),
    ):
        case = custody.add_step(
            on_shift, case.id, {"kind": kind, "at": f"2026-11-21T{at}:00.000000Z"}, case.updated_at
        )
    window = open_window(qtbot, on_shift, case.id)
    text = window.header.clock_text
    assert text() == (
        "Since charge: 1 h 00 min  Since request: 10 min  Request unanswered: 10 min  "
        "Next PACE review: 03:40"
    )
    assert "Request unanswered for" not in window.header.warning_text.text()
    clock.advance(minutes=21)
    assert text().startswith("Since charge: 1 h 00 min")  # until the timer fires
    window.clock_timer.setInterval(20)
    qtbot.waitUntil(lambda: text().startswith("Since charge: 1 h 21 min"))
    assert "Request unanswered: 31 min" in text()
    warnings = window.header.warning_text.text()
    assert "Warning: Request unanswered for 31 min (over 30 min)" in warnings
    assert "Warning: No placement identified by 22:00" in warnings
    assert window.header.warnings.isVisible()


def test_the_clocks_stop_when_the_young_person_leaves(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    press(qtbot, KEY.Key_3, CTRL)
    add_step(qtbot, window, "Ch", "211120262200")
    add_step(qtbot, window, "Le", "211120262300")
    clock.advance(hours=2)
    window.refresh_clocks()
    assert window.header.clock_text().startswith("Since charge: 1 h 00 min")
    assert "Next PACE review: none due" in window.header.clock_text()
    assert not window.header.warnings.isVisible()


# --- who may change it, and closing the window ----------------------------------------


def test_the_day_team_reads_but_cannot_change(qtbot, on_shift, people, paths) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    day_team = sign_in(paths, people[Role.DAY_TEAM], PASSWORD)
    try:
        window = open_window(qtbot, day_team, case.id)
        assert window.header.title.text() == case.reference
        assert not window.save_action.isEnabled() and not window.decide_action.isEnabled()
        assert not window.close_case_action.isEnabled()
        assert window.entry.isHidden()
        assert window.fields.editors["custody_suite"].isReadOnly()
        assert not window.fields.editors["yp_gender"].isEnabled()
        assert window.status.text() == "You can read this case; your role cannot change it."
        window.close()
    finally:
        day_team.desk.close()


@pytest.mark.parametrize("answer", ["discard", "save"])
def test_closing_with_unsaved_details_asks_first(qtbot, on_shift, answer) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    window.fields.editors["court"].setText("Northtown Youth Court")
    window.close()
    box = dialog_of(qtbot, window, QMessageBox)
    assert window.isVisible()
    assert box.text() == f"You have changes to {case.reference} that are not saved."
    button = (
        QMessageBox.StandardButton.Save if answer == "save" else QMessageBox.StandardButton.Discard
    )
    click(qtbot, box.button(button))
    qtbot.waitUntil(lambda: not window.isVisible())
    court = stored(on_shift, case.id).content.get("court")
    assert court == ("Northtown Youth Court" if answer == "save" else None)


def test_typing_is_saved_when_the_idle_lock_hides_the_window(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    """A case has no draft: the lock hides every window, and signing out at the lock screen
    closes them without asking, so what was typed is saved as the window is hidden."""
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    window.fields.editors["court"].setText("Northtown Youth Court")
    assert window.dirty
    window.hide()
    assert stored(on_shift, case.id).content.get("court") == "Northtown Youth Court"
    assert not window.dirty
    window.close()  # hidden and clean: closes without a question
    assert not window.isVisible()


def test_a_correction_keeps_who_and_the_notes_line_breaks(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    step = {"kind": "request_received", "at": "2026-11-21T22:10:00.000000Z"}
    step |= {"by": "Sgt Aled Pryce", "note": "Rang from the desk.\nCall back on the direct line."}
    custody.add_step(on_shift, case.id, step, case.updated_at)
    window = open_window(qtbot, on_shift, case.id)
    press(qtbot, KEY.Key_3, CTRL)
    window.table.setFocus()
    window.table.setCurrentIndex(window.timeline.index(0, 0))
    press(qtbot, KEY.Key_F2)
    assert window.entry.by.isVisibleTo(window.entry)  # whoever was recorded stays in sight
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "211120262215")
    press(qtbot, KEY.Key_Return)
    (corrected,) = stored(on_shift, case.id).steps
    assert corrected["at"] == "2026-11-21T22:15:00.000000Z"
    assert corrected["by"] == "Sgt Aled Pryce"
    assert corrected["note"] == "Rang from the desk.\nCall back on the direct line."


def test_a_time_left_untouched_is_the_moment_return_is_pressed(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    """The row's time is set when it is emptied; a step added an hour later without
    touching the time happened then, not when the window was opened."""
    window = timeline_window(qtbot, on_shift)
    clock.advance(minutes=55)
    type_text(qtbot, "Ar")
    press(qtbot, KEY.Key_Return)
    (step,) = stored(on_shift, window.case_id).steps
    assert step["at"] == format_instant(clock())


def test_a_case_that_cannot_be_read_never_becomes_a_new_case(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift, "3f2a0c1e-0000-4000-8000-000000000000")
    assert window.error.isVisible() and "not on this desk" in window.error.text()
    press(qtbot, KEY.Key_S, CTRL)
    assert not window.save_action.isEnabled()
    assert custody.open_cases(on_shift) == []


def test_closing_the_case_stores_the_details_typed_first(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    window.fields.editors["court"].setText("Northtown Youth Court")
    press(qtbot, KEY.Key_L, CTRL_SHIFT)
    dialog_of(qtbot, window, CloseDialog)
    assert stored(on_shift, case.id).content.get("court") == "Northtown Youth Court"
    assert not window.dirty


def test_ctrl_p_saves_the_custody_log(qtbot, on_shift, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift)
    assert not window.print_action.isEnabled()  # a case not yet opened has no log
    case = custody.open_case(on_shift, OPENING)
    window = open_window(qtbot, on_shift, case.id)
    assert window.print_action.isEnabled() and "Ctrl+P" in window.print_button.text()
    press(qtbot, KEY.Key_P, CTRL)
    dialog = window.dialog
    assert isinstance(dialog, SaveDocumentDialog) and dialog.isVisible()
    assert dialog.path.text().endswith(f"custody-log-{case.reference}.pdf")
    target = tmp_path / "log.pdf"
    dialog.path.setText(str(target))
    dialog.password.setText("custody-log-pass")
    dialog.again.setText("custody-log-pass")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    said = window.status.text()
    assert said.startswith("Saved log.pdf (") and said.endswith(", encrypted)")
    locked = subprocess.run(["pdftotext", str(target), "-"], capture_output=True)
    assert locked.returncode != 0  # no password, no text
    text = subprocess.run(["pdftotext", "-upw", "custody-log-pass", str(target), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert f"Custody log {case.reference}" in text and "Kai Brown" in text
