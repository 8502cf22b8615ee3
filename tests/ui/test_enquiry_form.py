"""The enquiry form, driven by the keyboard against a real desk; results checked through
the services (what is stored), not through the widgets alone."""

from __future__ import annotations

import subprocess

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from duty_desk.domain.enquiry_fields import LINE_MAX, TEXT_MAX
from duty_desk.domain.events import format_instant
from duty_desk.domain.records import Status
from duty_desk.services.drafts import pending_drafts
from duty_desk.services.enquiries import create_enquiry, open_enquiry, save_enquiry
from duty_desk.services.enquiry_lists import ListQuery, list_enquiries
from duty_desk.ui.enquiry_fields_widgets import ChecklistModel
from duty_desk.ui.enquiry_form import EnquiryWindow
from duty_desk.ui.enquiry_list_editors import ChildrenModel, EntriesModel
from duty_desk.ui.enquiry_previous import PreviousContactsModel
from duty_desk.ui.enquiry_problems import ProblemsModel
from duty_desk.ui.history_dialog import HistoryDialog, HistoryModel
from duty_desk.ui.main_window import MainWindow
from duty_desk.ui.save_document_dialog import SaveDocumentDialog
from tests.conftest import PASSWORD
from tests.ui.test_main_window import _unnamed_controls

KEY = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
QUICK = {
    "channel": "police",
    "caller_name": "PC Jones",
    "caller_agency": "Police",
    "child_name": "Jayden Smith",
    "child_dob": "2014-03-02",
    "concerns": ["neglect", "domestic_abuse"],
    "summary": "Police at the house after a neighbour heard shouting",
}


def open_window(qtbot, session, **kwargs) -> EnquiryWindow:  # type: ignore[no-untyped-def]
    window = EnquiryWindow(session, **kwargs)
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


def stored(session):  # type: ignore[no-untyped-def]
    page = list_enquiries(session, ListQuery())
    assert page.total == 1, page
    return open_enquiry(session, page.rows[0].id)


def quick_capture_by_keyboard(qtbot, window: EnquiryWindow) -> None:  # type: ignore[no-untyped-def]
    editors = window.fields.editors
    assert editors["channel"].hasFocus()  # "received at" is already now
    type_text(qtbot, "Pol")  # the list jumps to the first item starting so
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "PC Jones")
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "Police")
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "Jayden Smith")
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "02/03/2014")
    press(qtbot, KEY.Key_Tab)  # the age: known from the date of birth
    press(qtbot, KEY.Key_Tab)
    assert focused() is editors["concerns"]
    press(qtbot, KEY.Key_Space)  # the first, Neglect
    for _ in range(4):
        press(qtbot, KEY.Key_Right)  # on to Domestic abuse, the fifth
    press(qtbot, KEY.Key_Space)
    press(qtbot, KEY.Key_Tab)
    assert focused() is editors["summary"]
    type_text(qtbot, QUICK["summary"])


def test_quick_capture_by_keyboard_and_ctrl_s_logs_the_call(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift)
    assert window.windowTitle() == "New enquiry — Duty Desk"
    assert not window.history_action.isEnabled()
    quick_capture_by_keyboard(qtbot, window)
    with qtbot.waitSignal(window.saved) as signal:
        press(qtbot, KEY.Key_S, CTRL)
    enquiry = stored(on_shift)
    assert signal.args == [enquiry.id]
    assert enquiry.status is Status.DRAFT
    assert enquiry.content == QUICK | {"received_at": format_instant(clock.now)}
    assert window.windowTitle() == f"Enquiry {enquiry.reference} — Duty Desk"
    assert window.header.state.text() == "Draft, version 1"
    assert "Mon 23/11/2026 17:00" in window.header.dues.text()  # decision due, London time
    assert window.history_action.isEnabled() and not window.dirty
    assert not window.problems.isVisible()
    # A later save passes the version it last saw: no "changed meanwhile" for one's own work.
    clock.advance(minutes=3)
    window.fields.focus_field("caller_role")
    type_text(qtbot, "Response officer")
    press(qtbot, KEY.Key_S, CTRL)
    assert open_enquiry(on_shift, enquiry.id).content["caller_role"] == "Response officer"
    assert window.status.text() == "Saved at 23:13."
    assert list_enquiries(on_shift, ListQuery()).total == 1


def complete_by_keyboard(qtbot, window: EnquiryWindow) -> None:  # type: ignore[no-untyped-def]
    fields = window.fields
    fields.focus_field("risk_rating")
    type_text(qtbot, "High")
    fields.focus_field("can_wait")
    type_text(qtbot, "No")
    press(qtbot, KEY.Key_Tab)
    assert focused() is fields.editors["can_wait_reason"]
    type_text(qtbot, "Mother's partner is still at the address.")
    fields.focus_field("checks")
    press(qtbot, KEY.Key_Tab)  # past the table, to the time (now) and its buttons
    assert focused() is fields.editors["checks"].when.edit
    press(qtbot, KEY.Key_Tab)
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "Day records: known, CIN plan closed in 2025")
    press(qtbot, KEY.Key_Return)
    type_text(qtbot, "Typed in the wrong list")
    press(qtbot, KEY.Key_Return)
    checks = fields.editors["checks"]
    checks.table.setFocus()
    press(qtbot, KEY.Key_End, CTRL)  # the last line
    press(qtbot, KEY.Key_Delete)
    assert [row["text"] for row in checks.model.rows] == [
        "Day records: known, CIN plan closed in 2025"
    ]
    fields.focus_field("other_children")
    press(qtbot, KEY.Key_Tab)  # from the table to the new child's name
    type_text(qtbot, "Mia Smith")
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "1/5/19")
    press(qtbot, KEY.Key_Return)
    fields.focus_field("child_words")
    type_text(qtbot, "I want to stay with my nan.")
    fields.focus_field("decision_type")
    type_text(qtbot, "Wel")
    fields.focus_field("rationale")
    type_text(qtbot, "Police are present; a visit tonight with them is proportionate.")


def test_completing_the_rest_and_deciding_then_a_change_is_a_new_version(  # type: ignore[no-untyped-def]
    qtbot, on_shift, clock
) -> None:
    window = open_window(qtbot, on_shift)
    quick_capture_by_keyboard(qtbot, window)
    typed_at = clock.now
    complete_by_keyboard(qtbot, window)
    clock.advance(minutes=10)
    press(qtbot, KEY.Key_D, CTRL_SHIFT)
    enquiry = stored(on_shift)
    assert enquiry.status is Status.DECIDED and enquiry.version == 1
    assert enquiry.content["decision_type"] == "welfare_visit"
    assert enquiry.content["can_wait"] is False and enquiry.content["risk_rating"] == "high"
    assert enquiry.content["checks"] == [
        {"at": format_instant(typed_at), "text": "Day records: known, CIN plan closed in 2025"}
    ]
    assert enquiry.content["other_children"] == [
        {"name": "Mia Smith", "dob": "2019-05-01", "age": None, "notes": None}
    ]
    assert window.header.state.text() == "Decided, version 1"
    assert "Decide" in window.decide_button.text() and not window.decide_action.isEnabled()
    assert window.save_action.text() == "Save new version"

    clock.advance(minutes=5)
    window.fields.focus_field("rationale")
    type_text(qtbot, " Child seen alone.")
    press(qtbot, KEY.Key_S, CTRL)
    revised = open_enquiry(on_shift, enquiry.id)
    assert revised.version == 2 and revised.content["rationale"].endswith("Child seen alone.")
    assert window.header.state.text() == "Decided, version 2"
    assert "new version" in window.status.text()


def test_problems_show_at_their_fields_and_a_refused_decision_decides_nothing(  # type: ignore[no-untyped-def]
    qtbot, on_shift
) -> None:
    window = open_window(qtbot, on_shift)
    fields = window.fields
    fields.focus_field("child_name")
    type_text(qtbot, "Jayden Smith")
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "01/01/2031")  # in the future
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "18")  # an adult
    press(qtbot, KEY.Key_S, CTRL)  # a draft saves all the same
    assert stored(on_shift).status is Status.DRAFT
    assert "date of birth is in the future" in fields.problems["child_dob"].text()
    assert fields.problems["child_dob"].isVisible()
    assert "adult services" in fields.problems["child_age"].text()
    assert window.problems.isVisible()
    assert window.problems.summary.text() == "Saved. 2 things to put right:"

    press(qtbot, KEY.Key_D, CTRL_SHIFT)
    assert stored(on_shift).status is Status.DRAFT  # nothing decided
    assert window.problems.summary.text().startswith("Not decided.")
    for name, words in [
        ("rationale", "A decision needs its rationale"),
        ("can_wait", "can it wait until the next working day?"),
        ("can_wait_reason", "Say why it can (or cannot) wait"),
        ("risk_rating", "Choose a risk rating before deciding."),
    ]:
        assert words in fields.problems[name].text(), name
    assert "Say how the call came in before deciding." in fields.problems["channel"].text()
    assert focused() is fields.editors["channel"]  # the first in the form's order
    assert fields.tabs.tabText(fields.tabs.count() - 1).replace("&", "") == "Decision (2)"

    # The list of problems takes you to a field: Enter on "rationale" opens its tab.
    window.problems.list.setFocus()
    rows = [
        window.problems.model.index(r, 0).data() for r in range(window.problems.model.rowCount())
    ]
    target = next(r for r, text in enumerate(rows) if text.startswith("A decision needs"))
    window.problems.list.setCurrentIndex(window.problems.model.index(target, 0))
    press(qtbot, KEY.Key_Return)
    assert focused() is fields.editors["rationale"]
    assert fields.tabs.currentIndex() == fields.tabs.count() - 1


def test_an_unreadable_date_is_said_plainly_and_the_rest_still_saves(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift)
    window.fields.focus_field("child_dob")
    type_text(qtbot, "31/02/2014")
    window.fields.focus_field("summary")
    type_text(qtbot, "Caller rang off")
    press(qtbot, KEY.Key_S, CTRL)
    assert stored(on_shift).content.get("summary") == "Caller rang off"
    assert "is not a date" in window.fields.problems["child_dob"].text()
    assert window.dirty  # the unreadable date is not stored: closing still asks
    assert not window.decide()  # nor decided without it
    assert stored(on_shift).status.value == "draft"


def test_what_the_form_hands_over_is_always_storable(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift)
    editors = window.fields.editors
    editors["summary"].setText("Rang\x07 off")  # a pasted control character
    editors["narrative"].setPlainText("x" * (TEXT_MAX + 50))  # a paste too long to keep
    editors["caller_name"].setText("y" * (LINE_MAX + 50))
    press(qtbot, KEY.Key_S, CTRL)
    content = stored(on_shift).content
    assert content["summary"] == "Rang  off"
    assert len(content["narrative"]) == TEXT_MAX and len(content["caller_name"]) == LINE_MAX


def test_typing_is_autosaved_within_seconds_and_a_save_discards_the_draft(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift)
    window.fields.focus_field("summary")
    type_text(qtbot, "Half a sentence")
    qtbot.waitUntil(lambda: len(pending_drafts(on_shift)) == 1, timeout=5000)
    draft = pending_drafts(on_shift)[0]
    assert draft.key == window.key and draft.enquiry_id is None
    assert draft.content["summary"] == "Half a sentence"
    assert window.kept.text().startswith("Typing kept safe at")
    press(qtbot, KEY.Key_S, CTRL)
    assert pending_drafts(on_shift) == []
    # Later typing on the saved enquiry is kept against it.
    type_text(qtbot, ", and more")
    qtbot.waitUntil(lambda: len(pending_drafts(on_shift)) == 1, timeout=5000)
    draft = pending_drafts(on_shift)[0]
    assert draft.enquiry_id == window.enquiry.id and draft.base_version == 1


def message_box() -> QMessageBox:
    boxes = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]
    assert len(boxes) == 1, boxes
    return boxes[0]


def test_closing_with_unsaved_changes_asks_save_discard_or_cancel(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift)
    window.fields.focus_field("summary")
    type_text(qtbot, "Not saved yet")
    window.close()
    box = message_box()
    assert "not saved" in box.text()
    qtbot.keyClick(box, KEY.Key_Escape)  # Cancel: back to the form, typing intact
    qtbot.waitUntil(lambda: not box.isVisible())
    assert window.isVisible() and window.fields.editors["summary"].text() == "Not saved yet"

    window.close()
    box = message_box()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert pending_drafts(on_shift) == []  # discarding throws the draft away too
    assert list_enquiries(on_shift, ListQuery()).total == 0


def test_closing_and_choosing_save_saves(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift)
    window.fields.focus_field("summary")
    type_text(qtbot, "Saved on the way out")
    window.close()
    qtbot.keyClick(message_box(), KEY.Key_Return)  # Save is the default
    qtbot.waitUntil(lambda: not window.isVisible())
    assert stored(on_shift).content["summary"] == "Saved on the way out"
    assert pending_drafts(on_shift) == []


def test_the_idle_lock_keeps_the_typing_and_a_draft_at_once(qtbot, on_shift, settings) -> None:  # type: ignore[no-untyped-def]
    main = MainWindow(on_shift, settings)
    qtbot.addWidget(main)
    main.show()
    window = open_window(qtbot, on_shift)
    window.fields.focus_field("narrative")
    type_text(qtbot, "Mother says he left at six")
    main.lock()
    assert not window.isVisible()
    drafts = pending_drafts(on_shift)  # kept the moment the window was hidden
    assert [d.content["narrative"] for d in drafts] == ["Mother says he left at six"]
    main._unlock(PASSWORD)
    qtbot.waitUntil(window.isVisible, timeout=15000)
    assert window.fields.editors["narrative"].toPlainText() == "Mother says he left at six"
    assert window.dirty


def test_earlier_contacts_about_the_same_child_are_shown(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    earlier = create_enquiry(on_shift, QUICK).enquiry
    clock.advance(hours=2)
    window = open_window(qtbot, on_shift)
    assert not window.previous.isVisible()
    window.fields.focus_field("child_name")
    type_text(qtbot, "jayden  SMITH")  # matching ignores case and spacing
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "02/03/2014")
    qtbot.waitUntil(window.previous.isVisible, timeout=3000)
    model = window.previous.model
    assert model.rowCount() == 1
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row == [
        "21/11/2026 23:10",
        "Neglect, Domestic abuse",
        "Not decided yet (Draft)",
        earlier.reference,
    ]
    press(qtbot, KEY.Key_Backspace)  # no longer a whole date: nothing to match
    qtbot.waitUntil(lambda: not window.previous.isVisible(), timeout=3000)


def test_history_lists_each_changed_field(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    window = open_window(qtbot, on_shift, enquiry=open_enquiry(on_shift, enquiry.id))
    clock.advance(minutes=4)
    window.fields.focus_field("summary")
    type_text(qtbot, " again")
    press(qtbot, KEY.Key_S, CTRL)
    press(qtbot, KEY.Key_H, CTRL_SHIFT)
    dialog = window.dialog
    assert isinstance(dialog, HistoryDialog) and dialog.isVisible()
    rows = dialog.row_texts()
    assert [
        "21/11/2026 23:14",
        "Sam Worker",
        "1",
        "Saved",
        "What happened (one line)",
        f"{QUICK['summary']} → {QUICK['summary']} again",
    ] in rows
    assert [
        "21/11/2026 23:10",
        "Sam Worker",
        "1",
        "Created",
        "Concerns",
        "(empty) → Neglect, Domestic abuse",
    ] in rows
    assert any(r[3] == "Opened" for r in rows)
    dialog.close()


def test_a_save_over_someone_elses_change_is_refused_and_the_typing_kept(
    qtbot, on_shift, clock
) -> None:  # type: ignore[no-untyped-def]
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    window = open_window(qtbot, on_shift, enquiry=enquiry)
    clock.advance(minutes=1)
    save_enquiry(on_shift, enquiry.id, QUICK | {"narrative": "from elsewhere"}, enquiry.updated_at)
    window.fields.focus_field("caller_phone")
    type_text(qtbot, "01632 960000")
    press(qtbot, KEY.Key_S, CTRL)
    assert window.error.isVisible() and "after you opened it" in window.error.text()
    assert window.fields.editors["caller_phone"].text() == "01632 960000"
    assert "caller_phone" not in open_enquiry(on_shift, enquiry.id).content
    assert [d.content.get("caller_phone") for d in pending_drafts(on_shift)] == ["01632 960000"]


def test_the_form_is_marked_and_every_control_is_named(qtbot, on_shift) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, on_shift, marking="OFFICIAL-SENSITIVE PERSONAL")
    banners = [w for w in window.findChildren(QWidget) if w.objectName() == "marking"]
    assert [b.text() for b in banners if b.isVisible()] == ["OFFICIAL-SENSITIVE PERSONAL"] * 2
    top, bottom = sorted(banners, key=lambda b: b.mapTo(window, b.rect().topLeft()).y())
    assert top.mapTo(window, top.rect().topLeft()).y() == 0
    assert bottom.mapTo(window, bottom.rect().bottomLeft()).y() == window.height() - 1
    assert _unnamed_controls(window) == []
    assert "Ctrl+Shift+D" in window.decide_button.text()


def test_the_list_models_pass_the_model_tester(qtbot, qtmodeltester, on_shift) -> None:  # type: ignore[no-untyped-def]
    entries = EntriesModel()
    entries.set_rows([{"at": "2026-11-22T02:10:00.000000Z", "text": "Police called back"}])
    children = ChildrenModel()
    children.set_rows([{"name": "Mia", "dob": "2019-05-01", "age": None, "notes": None}])
    checklist = ChecklistModel({"a": "A", "b": "B"})
    checklist.set_checked(["b"])
    problems = ProblemsModel()
    problems.set_lines([("child_dob", "The child's date of birth is in the future.")])
    earlier = create_enquiry(on_shift, QUICK).enquiry
    from duty_desk.services.enquiries import history
    from duty_desk.services.enquiry_lists import previous_contacts

    contacts = PreviousContactsModel()
    contacts.set_contacts(previous_contacts(on_shift, "Jayden Smith", "2014-03-02"))
    lines = HistoryModel({})
    lines.set_lines(history(on_shift, earlier.id))
    for model in (entries, children, checklist, problems, contacts, lines):
        qtmodeltester.check(model, force_py=True)


def test_the_day_team_reads_an_enquiry_but_cannot_change_it(qtbot, on_shift, admin, paths, clock):  # type: ignore[no-untyped-def]
    from duty_desk.domain.roles import Role
    from duty_desk.services.desk import sign_in, sign_out
    from duty_desk.services.people import add_person

    enquiry = create_enquiry(on_shift, QUICK).enquiry
    add_person(admin, "dayteam", "Dee Day", Role.DAY_TEAM, PASSWORD, must_change_password=False)
    reader = sign_in(paths, "dayteam", PASSWORD, clock)
    try:
        window = open_window(qtbot, reader, enquiry=open_enquiry(reader, enquiry.id))
        name = window.fields.editors["child_name"]
        assert name.text() == "Jayden Smith" and name.isReadOnly()
        qtbot.keyClicks(name, "x")
        assert name.text() == "Jayden Smith"
        concerns = window.fields.editors["concerns"]
        model = concerns.model() if hasattr(concerns, "model") else concerns.view.model()
        first = model.index(0, 0)
        assert not model.flags(first) & Qt.ItemFlag.ItemIsUserCheckable
        assert not model.setData(first, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
        assert not window.save_action.isEnabled() and not window.decide_action.isEnabled()
        assert "cannot change" in window.status.text()
    finally:
        sign_out(reader)


def test_ctrl_p_saves_the_decision_record_and_says_what_is_not_in_it(  # type: ignore[no-untyped-def]
    qtbot, on_shift, tmp_path
) -> None:
    window = open_window(qtbot, on_shift)
    assert not window.print_action.isEnabled()  # nothing stored yet: no record to print
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    window = open_window(qtbot, on_shift, enquiry=open_enquiry(on_shift, enquiry.id))
    assert window.print_action.isEnabled()
    assert "Ctrl+P" in window.print_button.text()
    window.fields.focus_field("summary")
    type_text(qtbot, " typed, not saved")
    press(qtbot, KEY.Key_P, CTRL)
    dialog = window.dialog
    assert isinstance(dialog, SaveDocumentDialog) and dialog.isVisible()
    assert dialog.path.text().endswith(f"decision-record-{enquiry.reference}.pdf")
    target = tmp_path / "record.pdf"
    dialog.path.setText(str(target))
    qtbot.waitUntil(lambda: dialog.path.hasFocus())
    press(qtbot, KEY.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: not dialog.isVisible())
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert f"Decision record {enquiry.reference}" in text and "Jayden Smith" in text
    assert "typed, not saved" not in text  # the record is what is stored
    assert window.status.text().startswith("Saved record.pdf (")
    assert window.status.text().endswith("since the last save is not in it")
