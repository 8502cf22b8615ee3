"""The Reports place against a real desk: the figures and charts come from enquiries and
sign-offs made through the services; a range ending before it starts is refused in the
service's words; saving writes a real PDF (checked with pdfinfo), encrypted when a password
is given, and never replaces a file unless asked; a short or mistyped password is refused
in the dialog with the typing kept; and roles without the figures do not get the page."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from duty_desk.domain.indicators import NOT_DECIDED, rows
from duty_desk.domain.roles import Role
from duty_desk.services import handover, signoff
from duty_desk.services.desk import sign_in_alongside
from duty_desk.services.enquiries import create_enquiry, decide
from duty_desk.services.indicators import indicators
from duty_desk.services.settings import Settings
from duty_desk.ui.main_window import MainWindow
from duty_desk.ui.reports_page import ReportsPage
from duty_desk.ui.save_document_dialog import SaveDocumentDialog
from tests.conftest import PASSWORD
from tests.ui.test_main_window import _unnamed_controls

SAT = date(2026, 11, 21)  # the fixtures' clock: 23:10 on Sat 21 Nov 2026
BASE = {
    "channel": "police",
    "child_name": "Siân Llŷr",
    "child_dob": "2014-03-02",
    "concerns": ["domestic_abuse"],
    "summary": "Police at the address after a 999 call.",
    "risk_rating": "medium",
    "can_wait": True,
    "can_wait_reason": "Mother and children safe at grandmother's.",
    "child_words": "I want to stay at Nan's.",
    "rationale": "Safe tonight; the day team to follow up.",
}


def decided(session, **fields):  # type: ignore[no-untyped-def]
    saved = create_enquiry(session, BASE | fields)
    return decide(session, saved.enquiry.id, BASE | fields, saved.enquiry.updated_at).enquiry


@pytest.fixture
def night(on_shift, approvers, clock):  # type: ignore[no-untyped-def]
    """Saturday night: two advice-only decisions (one approved after 30 minutes), one
    welfare visit without the child's words, and one enquiry not decided yet."""
    first = decided(on_shift, decision_type="advice_nfa")
    clock.advance(minutes=30)
    signoff.approve(approvers["priya"], first.id, 1, "Agreed.")
    decided(on_shift, decision_type="advice_nfa")
    decided(on_shift, decision_type="welfare_visit", child_words=None,
            voice_not_heard_reason="Asleep when we arrived.")  # fmt: skip
    create_enquiry(on_shift, BASE)
    return approvers


def page_for(qtbot, session) -> ReportsPage:  # type: ignore[no-untyped-def]
    page = ReportsPage(session)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


def figure(page: ReportsPage, what: str) -> str:
    return dict(page.model.rows)[what]


def save_with(qtbot, page: ReportsPage, button, path: Path, password: str = "", again=None):  # type: ignore[no-untyped-def]
    """Open the save dialog with ``button``, fill it in and press Save."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, SaveDocumentDialog) and dialog.isVisible()
    assert dialog.isModal() or dialog.windowModality() != Qt.WindowModality.NonModal
    dialog.path.setText(str(path))
    dialog.password.setText(password)
    dialog.again.setText(password if again is None else again)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return dialog


def pdf_pages(path: Path, password: str | None = None) -> int:
    command = ["pdfinfo", *(["-upw", password] if password else []), str(path)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def test_the_page_shows_the_nights_figures_and_charts(qtbot, qtmodeltester, night) -> None:  # type: ignore[no-untyped-def]
    manager = night["morgan"]
    page = page_for(qtbot, manager)
    assert (page.start.date(), page.end.date()) == (QDate(2026, 11, 15), QDate(2026, 11, 21))
    qtmodeltester.check(page.model)
    said = "Figures for the nights of 15/11/2026 to 21/11/2026, worked out at 21/11/2026 23:40."
    assert page.shown.text() == said
    assert page.model.rows == rows(indicators(manager, date(2026, 11, 15), SAT))
    assert figure(page, "Nights") == "7"
    assert figure(page, "Enquiries") == "4"
    assert figure(page, "Time to sign-off: median") == "30 min (of 1)"
    assert figure(page, "Decisions with the child's voice recorded") == "66.7% (2 of 3)"
    assert figure(page, "… without it, reason given") == "1"
    assert page.model.index(1, 0).data() == "Enquiries"
    assert page.model.headerData(1, Qt.Orientation.Horizontal) == "Value"
    assert page.nights_chart.counts == [
        ("15/11", 0), ("16/11", 0), ("17/11", 0), ("18/11", 0), ("19/11", 0), ("20/11", 0),
        ("21/11", 4),
    ]  # fmt: skip
    assert page.decisions_chart.counts == [
        ("Advice only / no further action", 2), ("Welfare or home visit", 1), (NOT_DECIDED, 1)
    ]  # fmt: skip
    assert "21/11: 4" in page.nights_chart.accessibleDescription()
    assert not hasattr(page, "pack_button")  # a manager does not receive the handover
    assert _unnamed_controls(page) == []
    # One night only, by keyboard: Enter in the dates shows it.
    page.start.setDate(QDate(2026, 11, 20))
    page.end.setDate(QDate(2026, 11, 20))
    page.end.setFocus()
    qtbot.keyClick(page.end, Qt.Key.Key_Return)
    assert figure(page, "Enquiries") == "0" and figure(page, "Nights") == "1"
    assert page.nights_chart.counts == [("20/11", 0)]


def test_a_range_ending_before_it_starts_is_refused_plainly(qtbot, night) -> None:  # type: ignore[no-untyped-def]
    page = page_for(qtbot, night["morgan"])
    before = list(page.model.rows)
    page.end.setDate(QDate(2026, 11, 10))
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    assert page.error.isVisible()
    assert page.error.text() == "The range ends on 10/11/2026, before it starts on 15/11/2026."
    assert page.model.rows == before  # what was shown stays, and says which nights
    assert page.shown.text().startswith("Figures for the nights of 15/11/2026 to 21/11/2026,")
    page.end.setDate(QDate(2026, 11, 21))
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    assert not page.error.isVisible()


def test_saving_the_indicators_writes_a_pdf_and_never_replaces_unasked(  # type: ignore[no-untyped-def]
    qtbot, night, tmp_path
) -> None:
    page = page_for(qtbot, night["morgan"])
    target = tmp_path / "indicators.pdf"
    dialog = save_with(qtbot, page, page.indicators_button, target)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert target.read_bytes().startswith(b"%PDF")
    pages = pdf_pages(target)
    assert pages >= 1 and dialog.result_value.pages == pages
    words = "page" if pages == 1 else "pages"
    assert page.info.text() == f"Saved indicators.pdf ({pages} {words})"
    # The same file again: refused in the dialog, which keeps what was typed.
    first = target.read_bytes()
    dialog = save_with(qtbot, page, page.indicators_button, target)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "There is already a file called indicators.pdf there" in dialog.error.text()
    assert dialog.isVisible() and dialog.path.text() == str(target)
    assert target.read_bytes() == first
    # Confirmed: replaced, encrypted this time.
    dialog.password.setText("long enough secret")
    dialog.again.setText("long enough secret")
    dialog.overwrite.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.info.text().endswith(", encrypted)")
    assert subprocess.run(["pdfinfo", str(target)], capture_output=True).returncode != 0
    assert pdf_pages(target, "long enough secret") == pages


def test_over_a_month_of_nights_is_charted_by_the_week(qtbot, night) -> None:  # type: ignore[no-untyped-def]
    page = page_for(qtbot, night["morgan"])
    page.start.setDate(QDate(2026, 10, 13))  # 40 nights to 21/11
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    assert figure(page, "Nights") == "40"
    bars = page.nights_chart.counts
    assert [label for label, _ in bars][:2] == ["13/10+", "20/10+"] and len(bars) == 6
    assert bars[-1] == ("17/11+", 4) and sum(n for _, n in bars) == 4
    assert page.nights_chart.title.startswith("Enquiries per week of nights")


def test_the_monitoring_report_saves_too(qtbot, night, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = page_for(qtbot, night["morgan"])
    target = tmp_path / "monitoring"  # no suffix: .pdf is added
    dialog = save_with(qtbot, page, page.monitoring_button, target)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    saved = tmp_path / "monitoring.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    assert page.info.text().startswith("Saved monitoring.pdf (")
    assert pdf_pages(saved) == dialog.result_value.pages


@pytest.mark.parametrize(
    ("password", "again", "said"),
    [
        ("short", "short", "A document's password must be at least 8 characters."),
        ("long enough secret", "long enough secrat", "The two passwords are not the same"),
        ("", "long enough secret", "The two passwords are not the same"),
    ],
)
def test_a_bad_password_is_refused_in_the_dialog(  # type: ignore[no-untyped-def]
    qtbot, night, tmp_path, password, again, said
) -> None:
    page = page_for(qtbot, night["morgan"])
    target = tmp_path / "indicators.pdf"
    dialog = save_with(qtbot, page, page.indicators_button, target, password, again)
    assert dialog.error.isVisible() and dialog.error.text().startswith(said)
    assert dialog.isVisible() and (dialog.password.text(), dialog.again.text()) == (
        password, again
    )  # fmt: skip
    assert not target.exists() and page.info.text() == ""
    assert _unnamed_controls(dialog) == []


def test_the_day_team_saves_the_handover_pack(qtbot, night, on_shift, people, tmp_path) -> None:  # type: ignore[no-untyped-def]
    handover.submit_night(on_shift)
    day = sign_in_alongside(on_shift, people[Role.DAY_TEAM], PASSWORD)
    page = page_for(qtbot, day)
    target = tmp_path / "pack.pdf"
    dialog = save_with(qtbot, page, page.pack_button, target)
    qtbot.waitUntil(lambda: not dialog.isVisible() or dialog.error.isVisible(), timeout=20_000)
    assert not dialog.error.isVisible(), dialog.error.text()
    assert target.read_bytes().startswith(b"%PDF")
    assert page.info.text().startswith("Saved pack.pdf (")
    assert pdf_pages(target) == dialog.result_value.pages


@pytest.mark.parametrize(
    ("role", "gets_page", "gets_pack"),
    [
        (Role.DUTY_SOCIAL_WORKER, False, False),
        (Role.SENIOR_PRACTITIONER, False, False),
        (Role.MANAGER, True, False),
        (Role.DAY_TEAM, True, True),
        (Role.ADMINISTRATOR, True, False),
    ],
)
def test_only_roles_with_the_figures_get_the_page(  # type: ignore[no-untyped-def]
    qtbot, admin, people, paths, clock, role, gets_page, gets_pack
) -> None:
    from duty_desk.services.desk import sign_in

    session = admin if role is Role.ADMINISTRATOR else sign_in(paths, people[role], PASSWORD, clock)
    window = MainWindow(session, Settings())
    qtbot.addWidget(window)
    window.show_place("reports")
    shown = window.pages.currentWidget()
    assert hasattr(window, "reports_page") is gets_page
    assert (shown is getattr(window, "reports_page", None)) is gets_page
    if gets_page:
        assert hasattr(window.reports_page, "pack_button") is gets_pack
    else:
        labels = " ".join(label.text() for label in shown.findChildren(type(window.who)))
        assert "your role does not" in labels
