"""The Handover place against a real desk: the day team's inbox grouped by receiving team,
acknowledging by keyboard (the dialog names the person), returning with a reason (an empty
one refused), the escalation banner appearing exactly at 09:00 with the controllable clock
and the page's timer (not at 08:59) and leaving as items are acknowledged, and the duty
worker submitting the night and seeing the acknowledgements come back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel

from duty_desk.domain.handover import DEFAULT_TEAM, ItemState
from duty_desk.domain.roles import Role
from duty_desk.services import enquiries, handover
from duty_desk.services.desk import sign_in, sign_in_alongside
from duty_desk.services.people import add_person
from duty_desk.services.settings import Settings
from duty_desk.ui.handover_dialogs import AcknowledgeDialog, ReturnDialog, SubmitNightDialog
from duty_desk.ui.handover_model import HandoverModel
from duty_desk.ui.handover_page import HandoverPage
from duty_desk.ui.main_window import MainWindow
from tests.conftest import PASSWORD
from tests.support import events_of_type
from tests.ui.test_main_window import _unnamed_controls

QUICK = {
    "channel": "police",
    "child_name": "Ava Newton",
    "concerns": ["neglect"],
    "summary": "Police at the house after a neighbour heard shouting",
}
BEFORE_NINE = datetime(2026, 11, 23, 8, 59, tzinfo=UTC)  # Monday, GMT
NINE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def night(admin, on_shift, clock):  # type: ignore[no-untyped-def]
    """Three enquiries handed over on Saturday night: two for the front door, one with no
    team; Dana Day (day team) is enrolled."""
    add_person(admin, "dana", "Dana Day", Role.DAY_TEAM, PASSWORD, must_change_password=False)
    made = [
        enquiries.create_enquiry(on_shift, QUICK | {"receiving_team": "Front door"}).enquiry,
        enquiries.create_enquiry(on_shift, QUICK | {"child_name": "Ben Ortiz"}).enquiry,
        enquiries.create_enquiry(
            on_shift, QUICK | {"child_name": "Chloé Ámbar", "receiving_team": "Front door"}
        ).enquiry,
    ]
    handover.submit_night(on_shift)
    return made


@pytest.fixture
def dana(night, on_shift):  # type: ignore[no-untyped-def]
    """Dana signed in alongside on the worker's open desk (the same clock)."""
    return sign_in_alongside(on_shift, "dana", PASSWORD)


def page_for(qtbot, session) -> HandoverPage:  # type: ignore[no-untyped-def]
    page = HandoverPage(session, tick_ms=None, refresh_ms=None)  # ticks when the test says
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def rows(model: HandoverModel) -> list[tuple[str, list[str]]]:
    """Each team's line and its items' references, as the tree shows them."""
    found = []
    for team in range(model.rowCount()):
        parent = model.index(team, 0)
        items = [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]
        found.append((parent.data(), items))
    return found


def cell(model: HandoverModel, item_id: str, key: str, role: int = 0) -> object:
    index = model.index_of(item_id)
    column = [c.key for c in model.columns].index(key)
    return index.siblingAtColumn(column).data(role)


def choose(qtbot, page: HandoverPage, item_id: str) -> None:  # type: ignore[no-untyped-def]
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.tree.setFocus()
    page.tree.select_item(item_id)
    assert page.tree.selected_item() is not None


def test_the_inbox_is_grouped_by_receiving_team(qtbot, qtmodeltester, dana, night) -> None:  # type: ignore[no-untyped-def]
    page = page_for(qtbot, dana)
    qtmodeltester.check(page.model)
    assert rows(page.model) == [
        ("Front door — 2 items: 2 waiting", [night[0].reference, night[2].reference]),
        (f"{DEFAULT_TEAM} — 1 item: 1 waiting", [night[1].reference]),
    ]
    assert cell(page.model, night[0].id, "state") == "Waiting for acknowledgement"
    assert cell(page.model, night[0].id, "due") == "Mon 23/11 09:00"
    assert page.tree.isFirstColumnSpanned(0, QModelIndex())
    assert page.count.text() == "3 items, 3 waiting for acknowledgement"
    assert not hasattr(page, "submit_button")  # the day team hands nothing over
    assert _unnamed_controls(page) == []


def test_enter_acknowledges_after_a_confirmation_naming_the_person(  # type: ignore[no-untyped-def]
    qtbot, dana, night, paths
) -> None:
    page = page_for(qtbot, dana)
    choose(qtbot, page, night[0].id)
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, AcknowledgeDialog) and dialog.isVisible()
    assert "as Dana Day?" in dialog.intro.text() and night[0].reference in dialog.intro.text()
    assert dialog.acknowledge_button.text().replace("&", "") == "Acknowledge as Dana Day"
    assert events_of_type(paths.database, dana.desk.db_key, "handover.acknowledged") == []
    assert _unnamed_controls(dialog) == []
    qtbot.keyClicks(dialog.note, "Jo in the front door has it")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)  # Enter again: the default button
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert cell(page.model, night[0].id, "state") == "Acknowledged"
    assert str(cell(page.model, night[0].id, "acknowledged")).startswith("Dana Day ")
    done = events_of_type(paths.database, dana.desk.db_key, "handover.acknowledged")
    assert [e["payload"] for e in done] == [
        {"by_name": "Dana Day", "note": "Jo in the front door has it"}
    ]
    assert page.tree.selected_item().item_id == night[0].id  # type: ignore[union-attr]
    assert "Acknowledged by Dana Day at " in page.detail.text()
    page.dialog = None
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)  # again: said why not, no dialog
    assert page.dialog is None
    assert page.error.text() == (
        f"{night[0].reference} was already acknowledged by Dana Day at 21/11/2026 23:10."
    )


def test_ctrl_r_returns_with_a_reason_and_an_empty_one_is_refused(  # type: ignore[no-untyped-def]
    qtbot, dana, night, paths
) -> None:
    page = page_for(qtbot, dana)
    choose(qtbot, page, night[1].id)
    qtbot.keyClick(page, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert isinstance(dialog, ReturnDialog)
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert dialog.error.text().startswith("Say why the item is being returned")
    assert dialog.isVisible() and dialog.comments.hasFocus()
    assert events_of_type(paths.database, dana.desk.db_key, "handover.returned") == []
    qtbot.keyClicks(dialog.comments, "No decision yet: finish the record.")
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert cell(page.model, night[1].id, "state") == "Returned to the duty worker"
    tip = cell(page.model, night[1].id, "state", Qt.ItemDataRole.ToolTipRole)
    assert tip == "Returned by Dana Day: No decision yet: finish the record."
    assert page.count.text() == "3 items, 2 waiting for acknowledgement"


def test_escalation_appears_at_nine_not_before_and_leaves_as_items_are_acknowledged(  # type: ignore[no-untyped-def]
    qtbot, night, paths, clock, on_shift
) -> None:
    clock.now = BEFORE_NINE
    day = sign_in(paths, "dana", PASSWORD, clock)
    window = MainWindow(day, Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page, alerts = window.handover_page, window.handover_alerts
    banner = alerts.banner
    page.tick.timeout.emit()  # the page's 15-second timer
    assert banner.isHidden() and alerts.flashes == 0 and page.model.escalated() == []
    assert cell(page.model, night[0].id, "state") == "Waiting for acknowledgement"
    assert window.place_buttons["handover"].text() == "Handover (3)"
    clock.now = NINE
    page.tick.timeout.emit()
    assert banner.isVisible() and alerts.flashes == 1
    assert banner.text.text().splitlines() == [
        "Past 09:00 and not acknowledged:",
        f"Front door: 2 items not acknowledged, due 23/11/2026 09:00 — {night[0].reference}, "
        f"{night[2].reference}",
        f"{DEFAULT_TEAM}: 1 item not acknowledged, due 23/11/2026 09:00 — {night[1].reference}",
    ]
    sign = banner.findChild(QLabel)
    assert sign is not None and not sign.pixmap().isNull()  # an icon, not colour alone
    assert cell(page.model, night[0].id, "state") == "Overdue — not acknowledged"
    red = cell(page.model, night[0].id, "state", Qt.ItemDataRole.ForegroundRole)
    assert red.color().name() == "#a4161a"  # type: ignore[attr-defined]
    assert cell(page.model, night[0].id, "state", Qt.ItemDataRole.DecorationRole) is not None
    assert "OVERDUE" in page.count.text()
    assert "3 overdue" in window.place_buttons["handover"].accessibleName()
    handover.acknowledge(day, night[0].id)
    handover.acknowledge(day, night[2].id)
    page.refresh()  # read again (as every minute, or when sync brings answers)
    assert banner.isVisible() and alerts.flashes == 1  # nothing new went overdue
    assert banner.text.text().splitlines()[1:] == [
        f"{DEFAULT_TEAM}: 1 item not acknowledged, due 23/11/2026 09:00 — {night[1].reference}"
    ]
    assert cell(page.model, night[0].id, "state") == "Acknowledged"
    handover.acknowledge(day, night[1].id)
    page.refresh()
    assert banner.isHidden() and page.model.escalated() == []
    assert window.place_buttons["handover"].text() == "Handover"
    window.close()


def test_the_worker_submits_the_night_and_sees_acknowledgements_come_back(  # type: ignore[no-untyped-def]
    qtbot, admin, on_shift, clock
) -> None:
    add_person(admin, "dana", "Dana Day", Role.DAY_TEAM, PASSWORD, must_change_password=False)
    first = enquiries.create_enquiry(on_shift, QUICK | {"receiving_team": "MASH"}).enquiry
    enquiries.create_enquiry(on_shift, QUICK | {"child_name": "Ben Ortiz"})
    page = page_for(qtbot, on_shift)
    assert page.night_model.rowCount() == 2 and page.submit_button.isEnabled()
    assert not hasattr(page, "ack_button")  # the worker acknowledges nothing
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, SubmitNightDialog)
    assert dialog.submit_button.text().replace("&", "") == "Submit the night (2 items)"
    assert dialog.awaiting.text().splitlines()[0] == (
        "Still awaiting sign-off or confirmation (the day team will see this):"
    )
    assert f"• {first.reference}: Enquiry incomplete: no decision recorded yet" in (
        dialog.awaiting.text()
    )
    assert _unnamed_controls(dialog) == []
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)
    assert page.info.text().startswith(
        "Handed over 2 items, to be acknowledged by 23/11/2026 09:00. Sent to the day service"
    )
    assert page.night_table.isHidden() and not page.submit_button.isEnabled()
    assert cell(page.model, first.id, "state") == "Waiting for acknowledgement"
    dana = sign_in_alongside(on_shift, "dana", PASSWORD)
    handover.acknowledge(dana, first.id)
    page.reread.timeout.emit()  # the page reads again every minute
    assert cell(page.model, first.id, "state") == "Acknowledged"
    assert str(cell(page.model, first.id, "acknowledged")).startswith("Dana Day ")
    mine = {i.item_id: i.state for i in handover.sent_items(on_shift).items}
    assert mine[first.id] is ItemState.ACKNOWLEDGED


@pytest.mark.parametrize(
    ("role", "mounted", "submits"),
    [
        (Role.DAY_TEAM, True, False),
        (Role.DUTY_SOCIAL_WORKER, True, True),
        (Role.ADMINISTRATOR, False, False),
    ],
)
def test_who_gets_the_handover_place_and_the_submit_action(  # type: ignore[no-untyped-def]
    qtbot, people, paths, role, mounted, submits
) -> None:
    window = MainWindow(sign_in(paths, people[role], PASSWORD), Settings())
    qtbot.addWidget(window)
    assert hasattr(window, "handover_page") is mounted
    assert hasattr(window, "submit_action") is submits
    assert hasattr(window, "handover_alerts") is (role is Role.DAY_TEAM)
    window.close()
