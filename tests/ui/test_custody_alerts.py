"""Custody warnings at their thresholds: the banner in words with a warning icon, one taskbar
flash and one tray notification per warning (never twice), the strip's line marked, the
place's button counting — against a real desk with the clock moved on."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSystemTrayIcon

from duty_desk.ui.custody_alerts import WarningWatch
from tests.ui.test_custody_page import add_step, cells, main_window, open_case


def tick(window) -> None:  # type: ignore[no-untyped-def]
    """The page's 15-second timer fires."""
    window.custody_page.tick.timeout.emit()


def test_an_unanswered_request_warns_once_at_30_minutes(qtbot, on_shift, paths, clock) -> None:  # type: ignore[no-untyped-def]
    clock.advance(hours=16)  # 15:10 on Sunday: no night warnings
    case = open_case(on_shift, "Jayden Morris", charged=60, requested=29)
    window = main_window(qtbot, paths, clock)
    alerts, banner = window.custody_alerts, window.custody_alerts.banner
    assert banner.isHidden() and alerts.flashes == 0 and alerts.tray_messages == []
    assert window.custody_strip.warned_ids() == []
    assert window.place_buttons["custody"].text() == "Custody (1)" and not alerts.warned
    plain_icon = window.place_buttons["custody"].icon().cacheKey()
    clock.advance(minutes=2)
    tick(window)
    assert banner.isVisible() and alerts.flashes == 1  # QApplication.alert was called once
    assert banner.text.text() == (
        f"{case.reference} — Jayden M. (15), Northgate custody suite: "
        "Request unanswered for 31 min (over 30 min)"
    )
    sign = banner.findChild(QLabel)
    assert sign is not None and not sign.pixmap().isNull()  # the warning icon, not colour alone
    assert alerts.tray_messages == [
        f"{case.reference}: Request unanswered for 31 min (over 30 min)"  # no name
    ]
    assert window.custody_strip.warned_ids() == [case.id]
    assert window.custody_strip.lines[0].accessibleName().startswith("Warning — ")
    button = window.place_buttons["custody"]
    assert button.text() == "Custody (1)" and alerts.warned
    assert button.icon().cacheKey() != plain_icon
    assert "1 with a warning" in window.place_buttons["custody"].accessibleName()
    for _ in range(3):  # the clocks tick and the page reads again: told once only
        clock.advance(minutes=1)
        tick(window)
        window.custody_page.refresh()
    assert alerts.flashes == 1 and len(alerts.tray_messages) == 1
    assert banner.text.text().count("Request unanswered") == 1
    add_step(on_shift, case, "response_given")  # answered: the warning goes
    window.custody_page.refresh()
    assert window.custody_strip.warned_ids() == []
    assert cells(window.custody_page.model, "warnings") == ["—"]
    assert window.place_buttons["custody"].icon().cacheKey() == plain_icon
    assert not alerts.warned and alerts.flashes == 1
    window.close()


def test_night_warnings_come_at_21_and_22_each_once(qtbot, on_shift, paths, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)  # GMT: London time is UTC
    first = open_case(on_shift, "Jayden Morris", charged=60, requested=20)
    add_step(on_shift, first, "response_given")  # answered within the half hour
    window = main_window(qtbot, paths, clock)
    alerts, banner = window.custody_alerts, window.custody_alerts.banner
    clock.now = datetime(2026, 11, 22, 20, 59, tzinfo=UTC)
    tick(window)
    assert banner.isHidden() and alerts.flashes == 0
    clock.now = datetime(2026, 11, 22, 21, 1, tzinfo=UTC)
    tick(window)
    assert alerts.flashes == 1
    assert banner.text.text().endswith("Night is coming (21:00) and no placement yet")
    clock.now = datetime(2026, 11, 22, 21, 59, tzinfo=UTC)
    tick(window)
    assert alerts.flashes == 1
    clock.now = datetime(2026, 11, 22, 22, 1, tzinfo=UTC)
    tick(window)
    assert alerts.flashes == 2  # a new kind of warning on the same case
    assert banner.text.text().splitlines()[-1] == (
        f"{first.reference} — Jayden M. (15), Northgate custody suite: "
        "No placement identified by 22:00"
    )
    assert cells(window.custody_page.model, "warnings") == ["No placement identified by 22:00"]
    tick(window)
    assert alerts.flashes == 2
    second = open_case(on_shift, "Ava Newton", charged=5, requested=5, suite="Southbank")
    window.custody_page.refresh()
    assert alerts.flashes == 3  # a new case
    assert banner.text.text().splitlines()[-1] == (
        f"{second.reference} — Ava N. (15), Southbank custody suite: "
        "No placement identified by 22:00"
    )
    add_step(on_shift, first, "accommodation_identified")
    window.custody_page.refresh()
    assert window.custody_strip.warned_ids() == [second.id]
    assert alerts.flashes == 3 and len(alerts.tray_messages) == 3
    window.close()


def test_the_banner_opens_the_tracker_and_can_be_dismissed(qtbot, on_shift, paths, clock) -> None:  # type: ignore[no-untyped-def]
    open_case(on_shift, "Jayden Morris", charged=60, requested=40)  # 23:10: past 22:00 too
    window = main_window(qtbot, paths, clock)
    banner = window.custody_alerts.banner
    assert banner.isVisible() and window.custody_alerts.flashes == 1  # told at sign-in
    assert len(banner.lines) == 2  # unanswered, and no placement by 22:00
    qtbot.mouseClick(banner.open_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.custody_page
    assert banner.isHidden()
    clock.advance(minutes=1)
    tick(window)
    assert banner.isHidden()  # nothing new
    window.close()


def test_no_tray_here_so_the_notification_is_skipped_quietly(qtbot, on_shift, paths, clock) -> None:  # type: ignore[no-untyped-def]
    window = main_window(qtbot, paths, clock)
    alerts = window.custody_alerts
    alerts.notify("Custody warning", "CUS-1: Request unanswered for 31 min")
    assert alerts.tray_messages == ["CUS-1: Request unanswered for 31 min"]
    assert QSystemTrayIcon.isSystemTrayAvailable() is False  # the offscreen platform
    assert alerts.tray is None
    window.close()


def test_the_watch_tells_each_warning_once_by_case_kind_and_start(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    from duty_desk.ui.custody_model import CustodyModel

    case = open_case(on_shift, "Jayden Morris", charged=60, requested=40)
    model = CustodyModel(clock)
    model.set_cases([case])
    watch = WarningWatch()
    assert {w.kind for _e, w in watch.fresh(model.entries)} == {
        "request_unanswered",
        "no_placement",
    }
    clock.advance(minutes=5)
    model.time_passed()
    assert watch.fresh(model.entries) == []  # the texts moved on; the warnings did not
