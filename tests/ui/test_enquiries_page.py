"""Enquiries: the shift header, the night list, search, opening, drafts and signing out,
driven through real widgets against a real desk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox

from duty_desk.domain.records import Contact
from duty_desk.domain.roles import Role
from duty_desk.services.desk import sign_in
from duty_desk.services.drafts import autosave, pending_drafts
from duty_desk.services.enquiries import create_enquiry, decide
from duty_desk.services.shifts import current_shift, end_shift, start_shift
from duty_desk.ui.drafts_dialog import DraftsDialog, offer_drafts
from duty_desk.ui.enquiries_page import EnquiriesPage
from duty_desk.ui.enquiry_model import COLUMNS, DUE_COLUMN
from duty_desk.ui.main_window import MainWindow
from duty_desk.ui.shift_dialog import ShiftDialog
from tests.conftest import PASSWORD
from tests.support import events_of_type
from tests.ui.conftest import press_ok
from tests.ui.test_main_window import _unnamed_controls

CTRL = Qt.KeyboardModifier.ControlModifier
CHILD = [c.key for c in COLUMNS].index("child")
SUMMARY = [c.key for c in COLUMNS].index("summary")
COMPLETE = {
    "channel": "police",
    "child_name": "Siân Llŷr",
    "child_dob": "2014-03-02",
    "concerns": ["neglect"],
    "summary": "Police at the house after a neighbour heard shouting",
    "risk_rating": "high",
    "can_wait": False,
    "can_wait_reason": "Mother's partner is still at the address.",
    "decision_type": "welfare_visit",
    "rationale": "Police are present; a visit tonight with them is proportionate.",
    "child_words": "I want to stay at Nan's tonight.",
}


def _main(qtbot, session, settings, *, active: bool = False) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    if active:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    return window


def _names(page: EnquiriesPage) -> list[str]:
    model = page.model
    return [model.enquiry_row(row).child_name for row in range(model.rowCount())]


def _message_box() -> QMessageBox:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    visible = [box for box in boxes if box.isVisible()]
    assert len(visible) == 1, visible
    return visible[0]


def _answer(button: QMessageBox.StandardButton) -> None:
    _message_box().button(button).click()


# --- the shift ------------------------------------------------------------------------------


def test_the_shift_is_shown_with_who_to_call(qtbot, on_shift, settings) -> None:  # type: ignore[no-untyped-def]
    page = _main(qtbot, on_shift, settings).enquiries_page
    panel = page.shift_panel
    assert panel.title.text() == "Shift running since Sat 21/11 23:10"
    assert panel.on_duty.text() == "Sam Worker"
    assert panel.senior.text() == "Priya Senior — 07700 900123"
    assert panel.manager.text() == "Morgan Manager — 07700 900456"
    assert panel.end_button.isVisible() and not panel.start_button.isVisible()
    assert page.new_button.isVisible()
    assert page.count.text() == "No enquiries yet this shift"


def test_starting_a_shift_shows_refusals_by_the_field(qtbot, worker, settings) -> None:  # type: ignore[no-untyped-def]
    page = _main(qtbot, worker, settings, active=True).enquiries_page
    panel = page.shift_panel
    assert panel.title.text() == "No shift running" and not panel.on_duty.isVisible()
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert isinstance(dialog, ShiftDialog) and dialog.isVisible() and dialog.isModal()
    assert dialog.on_duty.toPlainText() == "Sam Worker"
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.on_duty.setFocus()
    dialog.on_duty.moveCursor(dialog.on_duty.textCursor().MoveOperation.End)
    qtbot.keyClick(dialog.on_duty, Qt.Key.Key_Return)  # one name a line
    qtbot.keyClicks(dialog.on_duty, "Jo Second")
    qtbot.keyClick(dialog.on_duty, Qt.Key.Key_Tab)  # Tab leaves the names box
    assert QApplication.focusWidget() is dialog.senior_name
    qtbot.keyClicks(dialog.senior_name, "Priya Senior")
    press_ok(qtbot, dialog)
    assert dialog.errors["senior"].isVisible()
    assert dialog.errors["senior"].text() == (
        "Give the on-call senior practitioner's name and how to reach them."
    )
    assert QApplication.focusWidget() is dialog.senior_phone
    assert not dialog.errors["manager"].isVisible() and dialog.isVisible()
    qtbot.keyClicks(dialog.senior_phone, "07700 900123")
    qtbot.keyClicks(dialog.manager_name, "Morgan Manager")
    qtbot.keyClicks(dialog.manager_phone, "07700 900456")
    press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    shift = current_shift(worker)
    assert shift is not None and shift.on_duty == ("Sam Worker", "Jo Second")
    assert shift.started_at == datetime(2026, 11, 21, 23, 10, tzinfo=UTC)
    assert panel.on_duty.text() == "Sam Worker, Jo Second"
    assert panel.end_button.isVisible() and not panel.start_button.isVisible()


def test_a_shift_cannot_start_in_the_future(qtbot, worker, clock) -> None:  # type: ignore[no-untyped-def]
    dialog = ShiftDialog(worker)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.senior_name.setText("Priya Senior")
    dialog.senior_phone.setText("07700 900123")
    dialog.manager_name.setText("Morgan Manager")
    dialog.manager_phone.setText("07700 900456")
    dialog.started_at.setDateTime(dialog.started_at.dateTime().addSecs(3600))
    press_ok(qtbot, dialog)
    assert dialog.errors["started_at"].text() == "A shift cannot start in the future."
    assert current_shift(worker) is None
    dialog.on_duty.setPlainText(" , \n")
    press_ok(qtbot, dialog)
    assert dialog.errors["on_duty"].text() == "Say who is on duty this shift."
    assert not dialog.errors["started_at"].isVisible()
    dialog.reject()


def test_ending_a_shift_asks_first(qtbot, on_shift, settings) -> None:  # type: ignore[no-untyped-def]
    create_enquiry(on_shift, {"child_name": "Siân Llŷr"})
    page = _main(qtbot, on_shift, settings).enquiries_page
    panel = page.shift_panel
    assert page.count.text() == "1 enquiry this shift"
    qtbot.mouseClick(panel.end_button, Qt.MouseButton.LeftButton)
    assert "End the shift that started Sat 21/11 23:10?" in _message_box().text()
    _answer(QMessageBox.StandardButton.No)
    assert current_shift(on_shift) is not None
    qtbot.mouseClick(panel.end_button, Qt.MouseButton.LeftButton)
    _answer(QMessageBox.StandardButton.Yes)
    assert current_shift(on_shift) is None
    assert panel.title.text() == "No shift running" and panel.start_button.isVisible()
    assert page.count.text() == "No shift running: 1 enquiry on this desk"
    assert _names(page) == ["Siân Llŷr"]  # the most recent enquiries on the desk


# --- the list and search ------------------------------------------------------------------


def test_search_covers_every_record_and_escape_returns_to_the_shift(  # type: ignore[no-untyped-def]
    qtbot, on_shift, clock, settings
) -> None:
    create_enquiry(on_shift, {"child_name": "Siân Llŷr", "child_dob": "2014-03-02"})
    end_shift(on_shift, current_shift(on_shift).id)  # type: ignore[union-attr]
    clock.advance(hours=20)
    start_shift(on_shift, ["Sam Worker"], Contact("P S", "1"), Contact("M M", "2"))
    create_enquiry(on_shift, {"child_name": "SIAN LLYR", "child_address": "3 Sian Close"})
    clock.advance(minutes=5)
    create_enquiry(on_shift, {"child_name": "Tomos Jones"})
    window = _main(qtbot, on_shift, settings, active=True)
    page = window.enquiries_page
    assert page.count.text() == "2 enquiries this shift"
    assert _names(page) == ["Tomos Jones", "SIAN LLYR"]
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is page.search
    qtbot.keyClicks(page.search, "sian")
    qtbot.waitUntil(lambda: page.count.text() == "2 found")
    assert sorted(_names(page)) == ["SIAN LLYR", "Siân Llŷr"]  # last night's too
    page.search.setText("02/03/2014")
    qtbot.waitUntil(lambda: page.count.text() == "1 found")
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == "" and page.count.text() == "2 enquiries this shift"
    page.search.setText("nobody at all")
    qtbot.waitUntil(lambda: page.count.text() == "Nothing found")


def test_header_clicks_sort_in_the_store(qtbot, on_shift, clock, settings) -> None:  # type: ignore[no-untyped-def]
    for name in ("Ceri Morgan", "Aled Jones", "Bethan Price"):
        create_enquiry(on_shift, {"child_name": name})
        clock.advance(minutes=5)
    page = _main(qtbot, on_shift, settings).enquiries_page
    header = page.table.horizontalHeader()

    def click(section: int) -> None:
        x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))

    click(CHILD)
    assert page.model.query.sort == "child_name"
    assert _names(page) == ["Aled Jones", "Bethan Price", "Ceri Morgan"]
    click(CHILD)
    assert _names(page) == ["Ceri Morgan", "Bethan Price", "Aled Jones"]
    click(SUMMARY)  # free text: not sortable, and the arrow stays where the order is
    assert _names(page) == ["Ceri Morgan", "Bethan Price", "Aled Jones"]
    assert header.sortIndicatorSection() == CHILD


def test_next_due_is_in_the_status_bar(qtbot, on_shift, clock, settings) -> None:  # type: ignore[no-untyped-def]
    first = create_enquiry(on_shift, {"child_name": "Siân Llŷr"}).enquiry
    window = _main(qtbot, on_shift, settings)
    assert window.next_due.text() == (f"Next due: decision on {first.reference} by Mon 23/11 17:00")
    clock.now = datetime(2026, 11, 23, 17, 1, tzinfo=UTC)
    window.enquiries_page.tick.timeout.emit()  # the minute tick
    assert window.next_due.text().endswith("Mon 23/11 17:00 — overdue")
    assert window.enquiries_page.model.index(0, DUE_COLUMN).data().endswith("overdue")
    decide(on_shift, first.id, COMPLETE, first.updated_at)
    window.enquiries_page.refresh()
    assert window.next_due.text() == "Next due: nothing due"


# --- who sees what --------------------------------------------------------------------------


def test_the_day_team_may_only_read(qtbot, people, paths, settings) -> None:  # type: ignore[no-untyped-def]
    session = sign_in(paths, people[Role.DAY_TEAM], PASSWORD)
    window = _main(qtbot, session, settings)
    page = window.enquiries_page
    panel = page.shift_panel
    assert not page.new_button.isVisible()
    assert not panel.start_button.isVisible() and not panel.end_button.isVisible()
    assert page.search.isVisible() and page.table.isVisible()
    assert page.count.text() == "No shift running: no enquiries yet on this desk"
    assert window.drafts_dialog is None
    window.close()


def test_administrators_do_not_see_childrens_records(qtbot, admin, settings) -> None:  # type: ignore[no-untyped-def]
    window = _main(qtbot, admin, settings)
    assert not hasattr(window, "enquiries_page")
    placeholder = window.pages.widget(0)
    assert placeholder.objectName() == "place-enquiries"
    assert "cannot read children's records" in " ".join(
        label.text() for label in placeholder.findChildren(QLabel)
    )
    desk = admin.desk
    assert events_of_type(desk.paths.database, desk.db_key, "access.denied") == []


def test_every_control_has_an_accessible_name(qtbot, on_shift, settings) -> None:  # type: ignore[no-untyped-def]
    autosave(on_shift, "draft-1", {"child_name": "Siân Llŷr"})
    window = _main(qtbot, on_shift, settings)
    qtbot.waitUntil(lambda: window.drafts_dialog is not None)
    dialog = ShiftDialog(on_shift)
    qtbot.addWidget(dialog)
    for widget in (window, dialog, window.drafts_dialog):
        assert _unnamed_controls(widget) == [], type(widget).__name__


# --- unsaved work after sign-in ----------------------------------------------------------


def test_pending_drafts_are_offered_and_can_be_discarded(qtbot, on_shift, settings) -> None:  # type: ignore[no-untyped-def]
    enquiry = create_enquiry(on_shift, {"child_name": "Tomos Jones"}).enquiry
    autosave(on_shift, "new-one", {"child_name": "Siân Llŷr"})
    autosave(on_shift, "old-one", {"child_name": "Tomos Jones"}, enquiry.id, enquiry.version)
    window = _main(qtbot, on_shift, settings)
    qtbot.waitUntil(lambda: window.drafts_dialog is not None)
    dialog = window.drafts_dialog
    assert isinstance(dialog, DraftsDialog) and dialog.isVisible() and not dialog.isModal()
    labels = [widgets[0].text() for widgets in dialog.rows.values()]
    assert labels == [
        "New enquiry — Siân Llŷr — autosaved 21/11/2026 23:10",
        f"{enquiry.reference} — Tomos Jones — autosaved 21/11/2026 23:10",
    ]
    restore, discard = dialog.rows["new-one"][1:]
    assert restore.accessibleName() == "Restore New enquiry"
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    _answer(QMessageBox.StandardButton.Cancel)
    assert len(pending_drafts(on_shift)) == 2
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    _answer(QMessageBox.StandardButton.Discard)
    assert [d.key for d in pending_drafts(on_shift)] == ["old-one"]
    assert list(dialog.rows) == ["old-one"] and dialog.isVisible()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen Qt cannot
def test_restoring_a_draft_opens_it_in_an_enquiry_window(qtbot, on_shift, settings) -> None:  # type: ignore[no-untyped-def]
    form = pytest.importorskip("duty_desk.ui.enquiry_form")
    enquiry = create_enquiry(on_shift, {"child_name": "Tomos Jones"}).enquiry
    autosave(on_shift, "old-one", {"child_name": "Tomos Jonas"}, enquiry.id, enquiry.version)
    window = _main(qtbot, on_shift, settings)
    qtbot.waitUntil(lambda: window.drafts_dialog is not None)
    dialog = window.drafts_dialog
    qtbot.mouseClick(dialog.rows["old-one"][1], Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()  # nothing left to offer
    [opened] = window.enquiries_page.open_windows()
    assert isinstance(opened, form.EnquiryWindow)
    assert opened.enquiry.id == enquiry.id
    assert opened.fields.content()["child_name"] == "Tomos Jonas"
    # Asked again (as after a password change), the draft being typed is not offered, and
    # restoring it brings the same window forward rather than opening a second.
    assert (
        offer_drafts(
            on_shift,
            window.enquiries_page.restore_draft,
            window,
            skip=window.enquiries_page.open_draft_keys(),
        )
        is None
    )
    [draft] = pending_drafts(on_shift)
    assert window.enquiries_page.restore_draft(draft) is opened
    assert window.enquiries_page.open_windows() == [opened]
    opened.dirty = False  # leave it clean so closing does not stop to ask


# --- enquiry windows ------------------------------------------------------------------------


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen Qt cannot
def test_enter_opens_the_selected_enquiry_once(qtbot, on_shift, settings) -> None:  # type: ignore[no-untyped-def]
    form = pytest.importorskip("duty_desk.ui.enquiry_form")
    enquiry = create_enquiry(on_shift, {"child_name": "Siân Llŷr"}).enquiry
    page = _main(qtbot, on_shift, settings, active=True).enquiries_page
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    [opened] = page.open_windows()
    assert isinstance(opened, form.EnquiryWindow) and opened.enquiry.id == enquiry.id
    page.open_index(page.model.index(0, 0))  # a second double-click raises the same window
    assert page.open_windows() == [opened]
    desk = on_shift.desk
    assert len(events_of_type(desk.paths.database, desk.db_key, "enquiry.viewed")) == 1


def test_a_new_enquiry_saved_appears_in_the_list(qtbot, on_shift, settings) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("duty_desk.ui.enquiry_form")
    window = _main(qtbot, on_shift, settings, active=True)
    page = window.enquiries_page
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    [opened] = page.open_windows()
    opened.fields.editors["child_name"].setText("Siân Llŷr")
    with qtbot.waitSignal(opened.saved):
        assert opened.save()
    assert _names(page) == ["Siân Llŷr"]
    assert page.count.text() == "1 enquiry this shift"
    assert page.selected_id() == page.model.enquiry_row(0).id


def test_sign_out_waits_for_an_enquiry_with_unsaved_changes(qtbot, on_shift, settings) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("duty_desk.ui.enquiry_form")
    window = _main(qtbot, on_shift, settings)
    page = window.enquiries_page
    page.new_enquiry()
    [opened] = page.open_windows()
    opened.fields.editors["child_name"].setText("Siân Llŷr")
    qtbot.waitUntil(lambda: opened.dirty)
    with qtbot.assertNotEmitted(window.signed_out):
        window.sign_out()
    assert window.session is not None and opened.isVisible()  # it asked; nobody answered
    _answer(QMessageBox.StandardButton.Cancel)
    assert opened.isVisible()
    window.sign_out()
    _answer(QMessageBox.StandardButton.Discard)
    qtbot.waitUntil(lambda: page.open_windows() == [])
    with qtbot.waitSignal(window.signed_out):
        window.sign_out()
    assert window.session is None


def test_the_shift_dialog_buttons_are_named(qtbot, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = ShiftDialog(worker)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "&Start shift" and ok.accessibleName() == "Start shift"
    before = datetime(2026, 11, 21, 23, 10, tzinfo=UTC)
    assert dialog.started() == before and dialog.started() - before < timedelta(minutes=1)


def test_nothing_is_read_until_a_set_password_is_replaced(  # type: ignore[no-untyped-def]
    qtbot, admin, on_shift, paths, settings
) -> None:  # type: ignore[no-untyped-def]
    from duty_desk.services.people import add_person
    from duty_desk.ui.app import DeskController

    create_enquiry(on_shift, {"child_name": "Siân Llŷr"})
    add_person(admin, "newbie", "New Starter", Role.DUTY_SOCIAL_WORKER, PASSWORD)
    session = sign_in(paths, "newbie", PASSWORD)
    window = DeskController(paths, settings).show_main(session)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    page = window.enquiries_page
    assert page.model.rowCount() == 0 and window.drafts_dialog is None
    desk = session.desk
    assert events_of_type(desk.paths.database, desk.db_key, "access.denied") == []
    dialog = window.dialog
    dialog.current.setText(PASSWORD)
    dialog.password.setText("my very own phrase")
    dialog.confirm.setText("my very own phrase")
    press_ok(qtbot, dialog)
    assert page.count.text() == "1 enquiry this shift" and _names(page) == ["Siân Llŷr"]
    window.close()
