"""Known tonight on screen: the box on the enquiry form as the child's name is typed, and
the day team's panel (add, change, retire) with its window in the main window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from duty_desk.domain.roles import Role
from duty_desk.services.alerts import add_alert, change_alert, list_alerts, retire_alert
from duty_desk.services.desk import sign_in
from duty_desk.services.settings import Settings
from duty_desk.ui.alerts_panel import AlertDialog, AlertModel, AlertsPanel, AlertsWindow
from duty_desk.ui.main_window import MainWindow
from tests.conftest import PASSWORD
from tests.ui.test_enquiry_form import KEY, open_window, press, type_text
from tests.ui.test_main_window import _unnamed_controls

ALERT = {
    "child_name": "Jayden Smith",
    "dob": "02/03/2014",
    "reason": "Mother's partner released from custody today.",
    "plan": "Place with Nan at 4 Elm Row; police aware.",
    "contact": "Jo Day, assessment team, 07700 900111",
}


@pytest.fixture
def day_team(people, paths, clock):  # type: ignore[no-untyped-def]
    session = sign_in(paths, people[Role.DAY_TEAM], PASSWORD, clock)
    yield session
    session.desk.close()


def _type_name(qtbot, window, name: str) -> None:  # type: ignore[no-untyped-def]
    window.fields.focus_field("child_name")
    type_text(qtbot, name)


def test_typing_a_matching_name_shows_the_alert_and_another_dob_hides_it(
    qtbot, day_team, on_shift
) -> None:  # type: ignore[no-untyped-def]
    add_alert(day_team, ALERT)
    window = open_window(qtbot, on_shift)
    box = window.known_tonight
    assert not box.isVisible()
    _type_name(qtbot, window, "jayden  SMITH")
    qtbot.waitUntil(box.isVisible, timeout=3000)
    assert box.heading.text().startswith("Known tonight:")
    assert box.texts() == [
        "Jayden Smith, born 02/03/2014, tonight only (21/11/2026)\n"
        f"Why: {ALERT['reason']}\nPlan: {ALERT['plan']}\nContact: {ALERT['contact']}"
    ]
    assert "Why: Mother's partner" in box.accessibleName()
    assert "#c2410c" in box.styleSheet()  # drawn in the warning colour, with the icon
    press(qtbot, KEY.Key_Tab)
    type_text(qtbot, "03/03/2014")  # another child of the same name
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3000)
    for _ in range(10):
        press(qtbot, KEY.Key_Backspace)
    type_text(qtbot, "02/03/2014")
    qtbot.waitUntil(box.isVisible, timeout=3000)
    window.fields.focus_field("child_name")
    press(qtbot, KEY.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "Amira Khan")
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3000)


def test_retired_and_expired_alerts_do_not_show(qtbot, day_team, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    retired = add_alert(day_team, ALERT)
    retire_alert(day_team, retired.id, retired.updated_at)
    add_alert(day_team, ALERT | {"child_name": "Ola Nowak", "dob": None})  # tonight only
    clock.advance(days=1)  # Sunday 23:10: Saturday night's alert is over
    window = open_window(qtbot, on_shift)
    _type_name(qtbot, window, "Jayden Smith")
    qtbot.wait(window.LOOKUP_MS + 300)
    assert not window.known_tonight.isVisible()
    window.look_up_previous()
    assert not window.known_tonight.isVisible()
    assert window.known_tonight.alerts == []
    clock.advance(days=-1)  # the same form, back on Saturday night: Ola's alert shows
    window.fields.focus_field("child_name")
    press(qtbot, KEY.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "Ola Nowak")
    qtbot.waitUntil(window.known_tonight.isVisible, timeout=3000)
    assert window.known_tonight.texts()[0].startswith("Ola Nowak (no date of birth given)")


def test_an_alert_shows_on_a_stored_enquiry_when_it_opens(qtbot, day_team, on_shift) -> None:  # type: ignore[no-untyped-def]
    from duty_desk.services.enquiries import create_enquiry

    enquiry = create_enquiry(on_shift, {"channel": "police", "child_name": "Jayden Smith"})
    add_alert(day_team, ALERT)
    window = open_window(qtbot, on_shift, enquiry=enquiry.enquiry)
    assert window.known_tonight.isVisible()
    assert len(window.known_tonight.alerts) == 1


def _shown(qtbot, panel: AlertsPanel) -> None:  # type: ignore[no-untyped-def]
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)


def _active(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def test_the_day_team_adds_an_alert_by_keyboard(qtbot, day_team) -> None:  # type: ignore[no-untyped-def]
    panel = AlertsPanel(day_team)
    _shown(qtbot, panel)
    assert panel.model.rowCount() == 0
    assert not panel.change_button.isEnabled() and not panel.retire_button.isEnabled()
    panel.add_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, AlertDialog)
    _active(qtbot, dialog)
    editors = dialog.editors
    editors["child_name"].setFocus()
    for name, text in [
        ("child_name", "Jayden Smith"),
        ("dob", "2/3/2014"),
        ("reason", ALERT["reason"]),
        ("plan", ALERT["plan"]),
        ("contact", ALERT["contact"]),
        ("valid_from", "21/11/2026"),
        ("valid_until", "23/11/2026"),
    ]:
        assert editors[name].hasFocus(), name
        qtbot.keyClicks(editors[name], text)
        qtbot.keyClick(editors[name], KEY.Key_Tab)
    qtbot.keyClick(dialog, KEY.Key_Return)
    assert not dialog.isVisible()
    (alert,) = list_alerts(day_team)
    assert (alert.child_name, alert.dob, alert.valid_until) == (
        "Jayden Smith",
        "2014-03-02",
        "2026-11-23",
    )
    assert panel.said.text() == "Saved the alert for Jayden Smith."
    row = [panel.model.index(0, c).data() for c in range(panel.model.columnCount())]
    assert row == [
        "Jayden Smith",
        "02/03/2014",
        "21/11/2026 – 23/11/2026",
        ALERT["reason"],
        ALERT["plan"],
        ALERT["contact"],
        "In force tonight",
    ]


def test_a_refused_alert_keeps_the_dialog_open_on_the_field(qtbot, day_team) -> None:  # type: ignore[no-untyped-def]
    panel = AlertsPanel(day_team)
    _shown(qtbot, panel)
    panel.add()
    dialog = panel.dialog
    assert isinstance(dialog, AlertDialog)
    _active(qtbot, dialog)
    dialog.editors["child_name"].setText("Jayden Smith")
    dialog.editors["reason"].setPlainText("Expected home tonight.")
    dialog.editors["dob"].setText("31/02/2014")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()
    assert "“31/02/2014” is not a date" in dialog.error.text()
    assert dialog.editors["dob"].hasFocus()
    assert list_alerts(day_team) == []


def test_change_is_refused_when_changed_meanwhile_and_retire_asks_first(
    qtbot, day_team, clock
) -> None:  # type: ignore[no-untyped-def]
    alert = add_alert(day_team, ALERT)
    panel = AlertsPanel(day_team)
    qtbot.addWidget(panel)
    panel.table.selectRow(0)
    panel.change()
    dialog = panel.dialog
    assert isinstance(dialog, AlertDialog)
    assert dialog.editors["plan"].toPlainText() == ALERT["plan"]
    clock.advance(minutes=2)
    change_alert(day_team, alert.id, {"contact": "Sam Lee"}, alert.updated_at)  # another desk
    dialog.editors["plan"].setPlainText("Foster carer tonight.")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()
    assert "was changed at 21/11/2026 23:12 after you opened it" in dialog.error.text()
    assert panel.model.alert(0).contact == "Sam Lee"  # the latest shows behind the dialog
    dialog.reject()
    panel.table.selectRow(0)
    panel.retire()
    question = panel.dialog
    assert isinstance(question, QMessageBox)
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert list_alerts(day_team)[0].active
    panel.retire()
    panel.dialog.button(QMessageBox.StandardButton.Yes).click()
    assert list_alerts(day_team) == []
    assert panel.said.text() == "Retired the alert for Jayden Smith: it no longer shows."
    panel.show_all.setChecked(True)
    assert [panel.model.index(0, c).data() for c in (0, 6)] == ["Jayden Smith", "Retired"]
    panel.table.selectRow(0)
    assert not panel.change_button.isEnabled() and not panel.retire_button.isEnabled()


def test_the_model_passes_the_model_tester(qtmodeltester, day_team, clock) -> None:  # type: ignore[no-untyped-def]
    add_alert(day_team, ALERT)
    add_alert(
        day_team, ALERT | {"child_name": "Amira Khan", "dob": None, "valid_from": "25/11/2026"}
    )
    model = AlertModel()
    model.set_rows(list_alerts(day_team))
    qtmodeltester.check(model)
    assert model.index(1, 1).data() == "not known"
    model.tonight = (clock.now - timedelta(hours=1)).date()
    assert model.index(1, 6).data() == "Starts later"


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen Qt cannot
def test_the_day_team_opens_known_tonight_from_the_desk_menu(
    qtbot, day_team, people, paths
) -> None:  # type: ignore[no-untyped-def]
    add_alert(day_team, ALERT)
    window = MainWindow(day_team, Settings(marking="OFFICIAL-SENSITIVE PERSONAL"))
    qtbot.addWidget(window)
    actions = {a.text(): a for a in window.findChildren(type(window.lock_action))}
    actions["Known &tonight…"].trigger()
    alerts = window.alerts_window
    assert isinstance(alerts, AlertsWindow) and alerts.isVisible()
    assert alerts.panel.model.rowCount() == 1
    banners = [
        w.text()
        for w in alerts.findChildren(type(alerts.panel.said))
        if w.objectName() == "marking"
    ]
    assert banners == ["OFFICIAL-SENSITIVE PERSONAL"] * 2
    assert _unnamed_controls(alerts) == []
    actions["Known &tonight…"].trigger()  # again: the same window, not a second one
    assert window.alerts_window is alerts
    worker = sign_in(paths, people[Role.DUTY_SOCIAL_WORKER], PASSWORD)
    other = MainWindow(worker, Settings())
    qtbot.addWidget(other)
    assert "Known &tonight…" not in {a.text() for a in other.findChildren(type(other.lock_action))}
    other.close()
    window.close()
