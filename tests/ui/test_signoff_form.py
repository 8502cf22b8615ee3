"""Sign-off in the enquiry window, driven by the keyboard against a real desk: the panel
under the header, approving as someone signed in alongside, returning with comments, a
verbal sign-off and its confirmation, and overdue marking. What is stored is checked
through the services, not through the widgets alone."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt

from duty_desk.domain.signoff import SignoffState
from duty_desk.services import signoff
from duty_desk.services.enquiries import create_enquiry, open_enquiry
from duty_desk.ui.signoff_dialogs import (
    AlongsideDialog,
    ApproveDialog,
    ConfirmDialog,
    VerbalDialog,
)
from tests.conftest import PASSWORD
from tests.integration.services.test_signoff_flow import BASE, decided
from tests.ui.test_enquiry_form import CTRL, CTRL_SHIFT, KEY, open_window, press, type_text
from tests.ui.test_main_window import _unnamed_controls

ALT = Qt.KeyboardModifier.AltModifier


def window_on(qtbot, session, enquiry_id):  # type: ignore[no-untyped-def]
    """A window on the stored enquiry, as opened from the list."""
    return open_window(qtbot, session, enquiry=open_enquiry(session, enquiry_id))


def events(session, kind: str, stream_id: str):  # type: ignore[no-untyped-def]
    with session.uow(read_only=True) as uow:
        return uow.events.stream(kind, stream_id)


def signed_out_alongside(session, person_id: str) -> bool:  # type: ignore[no-untyped-def]
    return any(
        e.type == "auth.signed_out" and e.payload.get("alongside")
        for e in events(session, "person", person_id)
    )


def dialog_of(qtbot, panel, kind):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: isinstance(panel.dialog, kind) and panel.dialog.isVisible())
    dialog = panel.dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def closed(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    """Closed (and deleted: the dialogs delete themselves on closing)."""
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=10000)


def back_to(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The window active again after its dialog (offscreen Qt does not do it by itself)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def state_is(qtbot, panel, label: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: panel.state.text() == label, timeout=10000)


def test_deciding_asks_for_sign_off_and_the_panel_says_who_and_by_when(  # type: ignore[no-untyped-def]
    qtbot, on_shift, clock
) -> None:
    saved = create_enquiry(on_shift, BASE | {"decision_type": "advice_nfa"}).enquiry
    window = window_on(qtbot, on_shift, saved.id)
    panel = window.signoff_panel
    assert not panel.isVisible()  # a draft: nothing to sign off yet
    press(qtbot, KEY.Key_D, CTRL_SHIFT)
    found = signoff.signoff_of(on_shift, saved.id)
    assert found is not None and found.state is SignoffState.AWAITING
    assert panel.isVisible() and not window.fields.tabs.isHidden()
    assert panel.state.text() == "Awaiting sign-off"
    assert "a senior practitioner or higher" in panel.needed.text()
    assert panel.deadline.text() == "Due by Sun 22/11/2026 01:10 — 2 h 00 min left"
    assert "No further action on an abuse concern" in panel.reasons.text()
    assert "(rule nfa-abuse)" in panel.reasons.text()
    assert "Rules version default-2026-11b" in panel.rules.text()
    assert window.status.text() == (
        "Decided at 23:10. Not final yet: awaiting sign-off by a senior practitioner "
        "or higher, due by Sun 22/11/2026 01:10."
    )
    # The worker cannot approve; they may record a verbal sign-off or have someone sign here.
    assert not panel.approve_action.isVisible() and not panel.confirm_action.isVisible()
    assert panel.alongside_action.isVisible() and panel.verbal_action.isVisible()
    clock.advance(minutes=73)
    panel.refresh()
    assert panel.deadline.text().endswith("— 47 min left")
    assert panel.icon_name == "sign-off"
    assert _unnamed_controls(window) == []


def test_a_decision_needing_nothing_is_final_at_once(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    saved = create_enquiry(on_shift, BASE | {"decision_type": "welfare_visit"}).enquiry
    window = window_on(qtbot, on_shift, saved.id)
    press(qtbot, KEY.Key_D, CTRL_SHIFT)
    assert window.status.text() == "Decided at 23:10. Final: no sign-off is needed."
    assert window.signoff_panel.state.text() == "Final (no sign-off needed)"
    assert not any(b.isVisible() for b in window.signoff_panel.action_buttons)


def test_a_rule_blocked_decision_shows_at_the_decision_field(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    content = BASE | {"decision_type": "welfare_visit", "child_words": None}
    saved = create_enquiry(on_shift, content).enquiry
    window = window_on(qtbot, on_shift, saved.id)
    press(qtbot, KEY.Key_D, CTRL_SHIFT)
    assert open_enquiry(on_shift, saved.id).status.value == "draft"  # nothing decided
    problem = window.fields.problems["decision_type"]
    assert problem.isVisible() and "(rule voice-missing)" in problem.text()
    assert window.status.text() == "Not decided."
    assert not window.signoff_panel.isVisible()


def test_approving_as_someone_signed_in_alongside(qtbot, on_shift, approvers) -> None:  # type: ignore[no-untyped-def]
    enquiry = decided(on_shift, decision_type="advice_nfa")
    window = window_on(qtbot, on_shift, enquiry.id)
    panel = window.signoff_panel
    press(qtbot, KEY.Key_O, CTRL_SHIFT)  # sign off here as someone else
    sign_in = dialog_of(qtbot, panel, AlongsideDialog)
    type_text(qtbot, "priya")
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "not the password")
    press(qtbot, KEY.Key_Return)
    qtbot.waitUntil(sign_in.error.isVisible, timeout=10000)
    assert "failed attempt" in sign_in.error.text() and sign_in.isVisible()
    assert sign_in.password.text() == "" and sign_in.password.hasFocus()
    type_text(qtbot, PASSWORD)
    press(qtbot, KEY.Key_Return)
    closed(qtbot, sign_in)

    approve = dialog_of(qtbot, panel, ApproveDialog)
    assert "as Priya Senior (Senior practitioner)" in approve.intro.text()
    assert panel.alongside is not None and panel.alongside.person.username == "priya"
    press(qtbot, KEY.Key_A, ALT)  # no reasons: the rules ask for them
    qtbot.waitUntil(approve.error.isVisible, timeout=10000)
    assert "Give your reasons" in approve.error.text() and approve.isVisible()
    assert approve.comments.hasFocus()
    type_text(qtbot, "Agreed: safe at Nan's tonight.")
    press(qtbot, KEY.Key_A, ALT)
    closed(qtbot, approve)
    state_is(qtbot, panel, "Signed off")
    qtbot.waitUntil(lambda: panel.alongside is None)

    found = signoff.signoff_of(on_shift, enquiry.id)
    assert found is not None and found.state is SignoffState.APPROVED
    assert found.comments == "Agreed: safe at Nan's tonight."
    assert "Signed off by Priya Senior" in panel.comments.text()
    assert "Agreed: safe at Nan's tonight." in panel.comments.text()
    assert not any(b.isVisible() for b in panel.action_buttons)
    # The worker is still signed in, and carries on in the same window.
    back_to(qtbot, window)
    window.fields.focus_field("narrative")
    type_text(qtbot, "Nan rang back.")
    press(qtbot, KEY.Key_S, CTRL)
    assert open_enquiry(on_shift, enquiry.id).version == 2
    priya = approvers["priya"].person.id
    qtbot.waitUntil(lambda: signed_out_alongside(on_shift, priya), timeout=10000)
    approved = [e for e in events(on_shift, "enquiry", enquiry.id) if e.type == "signoff.approved"]
    assert [(e.actor_id, e.payload["rule_ids"]) for e in approved] == [(priya, ["nfa-abuse"])]


def test_returning_with_comments_then_a_new_version_awaits_again(  # type: ignore[no-untyped-def]
    qtbot, on_shift, approvers, clock
) -> None:
    enquiry = decided(on_shift, decision_type="police_protection")
    morgan = approvers["morgan"]
    as_morgan = window_on(qtbot, morgan, enquiry.id)
    panel = as_morgan.signoff_panel
    assert panel.approve_action.isVisible() and "a manager or higher" in panel.needed.text()
    press(qtbot, KEY.Key_A, CTRL_SHIFT)
    dialog = dialog_of(qtbot, panel, ApproveDialog)
    press(qtbot, KEY.Key_R, ALT)  # return without comments: refused
    qtbot.waitUntil(dialog.error.isVisible, timeout=10000)
    assert "say what the worker should change" in dialog.error.text()
    type_text(qtbot, "Ring legal first.")
    press(qtbot, KEY.Key_R, ALT)
    closed(qtbot, dialog)
    state_is(qtbot, panel, "Returned to the worker")
    as_morgan.close()

    clock.advance(minutes=5)
    window = window_on(qtbot, on_shift, enquiry.id)
    worker_panel = window.signoff_panel
    assert worker_panel.state.text() == "Returned to the worker"
    assert "Returned to the worker by Morgan Manager at Sat 21/11/2026 23:10." in (
        worker_panel.comments.text()
    )
    assert "“Ring legal first.”" in worker_panel.comments.text()
    assert worker_panel.icon_name == "warning"
    window.fields.focus_field("rationale")
    type_text(qtbot, " Legal advice taken.")
    press(qtbot, KEY.Key_S, CTRL)
    assert open_enquiry(on_shift, enquiry.id).version == 2
    assert worker_panel.state.text() == "Awaiting sign-off"
    assert "version 2" in worker_panel.rules.text()
    assert worker_panel.comments.isHidden()
    assert "Not final yet: awaiting sign-off by a manager or higher" in window.status.text()
    found = signoff.signoff_of(on_shift, enquiry.id)
    assert found is not None and found.version == 2 and found.state is SignoffState.AWAITING


def test_verbal_sign_off_recorded_then_confirmed_alongside(  # type: ignore[no-untyped-def]
    qtbot, on_shift, approvers, clock
) -> None:
    enquiry = decided(on_shift, decision_type="police_protection")
    clock.advance(minutes=4)
    window = window_on(qtbot, on_shift, enquiry.id)
    panel = window.signoff_panel
    press(qtbot, KEY.Key_V, CTRL_SHIFT)
    verbal = dialog_of(qtbot, panel, VerbalDialog)
    names = [verbal.approver.itemText(i) for i in range(verbal.approver.count())]
    assert names == ["Morgan Manager — Manager", "Sasha Director — Senior manager"]
    assert verbal.approver.hasFocus()
    press(qtbot, KEY.Key_Tab)  # Morgan, by phone (the first of each), given now
    press(qtbot, KEY.Key_Tab)
    assert verbal.given.edit.hasFocus()
    verbal.note.setFocus()
    type_text(qtbot, "Rang Morgan at home.")
    press(qtbot, KEY.Key_Return)
    closed(qtbot, verbal)
    state_is(qtbot, panel, "Verbal — awaiting confirmation")
    assert "Morgan Manager (Manager), by phone, given Sat 21/11/2026 23:14" in panel.verbal.text()
    assert "to be confirmed by Sun 22/11/2026 11:14" in panel.verbal.text()
    assert "Rang Morgan at home." in panel.verbal.text()
    assert panel.deadline.text().startswith("Confirm in the app by Sun 22/11/2026 11:14")
    assert not panel.verbal_action.isVisible() and panel.alongside_action.isVisible()

    back_to(qtbot, window)
    press(qtbot, KEY.Key_O, CTRL_SHIFT)  # Morgan, at the worker's laptop, confirms
    sign_in = dialog_of(qtbot, panel, AlongsideDialog)
    type_text(qtbot, "morgan")
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, PASSWORD)
    press(qtbot, KEY.Key_Return)
    closed(qtbot, sign_in)
    confirm = dialog_of(qtbot, panel, ConfirmDialog)
    assert "you, Morgan Manager (Manager), signed off" in confirm.intro.text()
    assert "by phone at Sat 21/11/2026 23:14" in confirm.intro.text()
    press(qtbot, KEY.Key_O, ALT)
    closed(qtbot, confirm)
    state_is(qtbot, panel, "Verbal sign-off confirmed")
    found = signoff.signoff_of(on_shift, enquiry.id)
    assert found is not None and found.state is SignoffState.CONFIRMED
    assert found.resolved_by == approvers["morgan"].person.id
    assert "Verbal sign-off confirmed by Morgan Manager" in panel.comments.text()


def test_disputing_needs_comments(qtbot, on_shift, approvers, clock) -> None:  # type: ignore[no-untyped-def]
    enquiry = decided(on_shift, decision_type="police_protection")
    signoff.record_verbal(on_shift, enquiry.id, 1, "morgan", "in_person", clock.now)
    as_morgan = window_on(qtbot, approvers["morgan"], enquiry.id)
    panel = as_morgan.signoff_panel
    assert panel.confirm_action.isVisible() and not panel.approve_action.isVisible()
    press(qtbot, KEY.Key_C, CTRL_SHIFT)
    dialog = dialog_of(qtbot, panel, ConfirmDialog)
    press(qtbot, KEY.Key_D, ALT)
    qtbot.waitUntil(dialog.error.isVisible, timeout=10000)
    assert "Give your reasons" in dialog.error.text()
    assert signoff.signoff_of(on_shift, enquiry.id).state is SignoffState.VERBAL
    type_text(qtbot, "I agreed a visit, not police protection.")
    press(qtbot, KEY.Key_D, ALT)
    closed(qtbot, dialog)
    state_is(qtbot, panel, "Verbal sign-off disputed")
    assert "I agreed a visit, not police protection." in panel.comments.text()
    assert panel.icon_name == "warning"


def test_overdue_is_said_in_words_and_marked_with_an_icon(  # type: ignore[no-untyped-def]
    qtbot, on_shift, approvers, clock
) -> None:
    enquiry = decided(on_shift, decision_type="police_protection")
    window = window_on(qtbot, on_shift, enquiry.id)
    panel = window.signoff_panel
    assert panel.deadline.text() == "Due by Sun 22/11/2026 00:10 — 1 h 00 min left"
    assert panel.icon_name == "sign-off"
    clock.advance(minutes=72)
    panel.refresh()
    assert panel.deadline.text() == "OVERDUE by 12 min: sign-off was due by Sun 22/11/2026 00:10"
    assert panel.icon_name == "warning" and not panel.icon.pixmap().isNull()
    assert panel.icon.accessibleName() == "Overdue"
    # A verbal sign-off stands in; its confirmation deadline is flagged in turn.
    signoff.record_verbal(on_shift, enquiry.id, 1, "morgan", "phone", clock.now)
    window.signoff_panel.reload()
    state_is(qtbot, panel, "Verbal — awaiting confirmation")
    assert panel.icon_name == "sign-off"
    clock.advance(hours=12, minutes=1)
    panel.refresh()
    assert panel.deadline.text().startswith("OVERDUE by 1 min: the approver was to confirm")
    assert panel.icon_name == "warning"


def test_the_day_team_sees_the_panel_but_no_actions(  # type: ignore[no-untyped-def]
    qtbot, on_shift, admin, paths, clock
) -> None:
    from duty_desk.domain.roles import Role
    from duty_desk.services.desk import sign_in, sign_out
    from duty_desk.services.people import add_person

    enquiry = decided(on_shift, decision_type="advice_nfa")
    add_person(admin, "dayteam", "Dee Day", Role.DAY_TEAM, PASSWORD, must_change_password=False)
    reader = sign_in(paths, "dayteam", PASSWORD, clock)
    try:
        window = window_on(qtbot, reader, enquiry.id)
        panel = window.signoff_panel
        assert panel.isVisible() and panel.state.text() == "Awaiting sign-off"
        assert not any(b.isVisible() for b in panel.action_buttons)
        for action in (panel.approve_action, panel.alongside_action, panel.verbal_action):
            assert not action.isVisible()
    finally:
        sign_out(reader)
