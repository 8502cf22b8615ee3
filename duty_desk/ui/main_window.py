"""The main window: places down the side, the work in the middle, marking top and bottom,
who/sync/next-due in the status bar, and the idle lock over everything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.roles import Permission, may
from duty_desk.ui.lock import IdleWatcher, LockScreen
from duty_desk.ui.operations import run_in_background
from duty_desk.ui.theme import NAV_STYLE
from duty_desk.ui.widgets import framed, heading, icon

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn
    from duty_desk.services.settings import Settings


@dataclass(frozen=True)
class Place:
    key: str
    title: str
    icon: str
    purpose: str


PLACES = (
    Place(
        "enquiries",
        "Enquiries",
        "enquiries",
        "Tonight's enquiries about children, with the child's voice and a decision.",
    ),
    Place(
        "sign-off",
        "Sign-off",
        "sign-off",
        "Decisions waiting for a senior practitioner's or manager's approval.",
    ),
    Place(
        "custody",
        "Custody",
        "custody",
        "Young people in police custody who need a bed (PACE s.38(6)), with live clocks.",
    ),
    Place(
        "handover",
        "Handover",
        "handover",
        "Submitting the night to the day service and its acknowledgements.",
    ),
    Place(
        "reports",
        "Reports",
        "reports",
        "The handover pack, decision records and performance indicators.",
    ),
    Place("admin", "Admin", "admin", "People, roles and the sign-off rules on this desk."),
)


class MainWindow(QMainWindow):
    signed_out = Signal()

    def __init__(self, session: SignedIn, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.locked = False
        self._hidden_windows: list[QWidget] = []
        self.dialog: QWidget | None = None
        self.drafts_dialog: QWidget | None = None
        self._marking = settings.marking
        self.setWindowTitle(self.tr("Duty Desk"))
        self.setWindowIcon(icon("app"))
        self.pages = QStackedWidget()
        self.nav = QButtonGroup(self)
        self.nav.setExclusive(True)
        self.place_buttons: dict[str, QToolButton] = {}
        self.workspace = framed(self._workspace(), settings.marking)
        self.lock_screen = LockScreen(session.person.display_name)
        self.lock_screen.unlock_requested.connect(self._unlock)
        self.lock_screen.sign_out_requested.connect(self.sign_out)
        self.screens = QStackedWidget()
        self.screens.addWidget(self.workspace)
        self.screens.addWidget(framed(self.lock_screen, settings.marking))
        self.setCentralWidget(self.screens)
        self._status_bar()
        self._menus()
        self.idle = IdleWatcher(settings.idle_lock_minutes * 60_000, self)
        self.idle.idle.connect(self.lock)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.idle)
        self.show_place("enquiries")
        self._fit_screen()
        if may(session.person.role, Permission.RECORD_ENQUIRIES):
            QTimer.singleShot(0, self, self._offer_drafts)  # once the window is up

    # --- layout -------------------------------------------------------------------------

    def _fit_screen(self) -> None:
        """Most of the screen: the night list's due columns should show without scrolling."""
        screen = self.screen().availableGeometry()
        self.resize(
            max(1100, min(1500, screen.width() * 9 // 10)),
            max(720, min(900, screen.height() * 9 // 10)),
        )

    def _workspace(self) -> QWidget:
        side = QWidget()
        side.setAccessibleName(self.tr("Places"))
        side.setStyleSheet(NAV_STYLE)
        column = QVBoxLayout(side)
        column.setContentsMargins(6, 8, 6, 8)
        for number, place in enumerate(self._visible_places(), start=1):
            button = QToolButton()
            button.setObjectName("place")
            button.setIconSize(QSize(28, 28))
            button.setText(self.tr(place.title))
            button.setIcon(icon(place.icon))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setMinimumWidth(96)
            button.setAccessibleName(self.tr(place.title))
            button.setToolTip(f"{self.tr(place.purpose)} (Ctrl+{number})")
            button.clicked.connect(lambda _=False, key=place.key: self.show_place(key))
            go = QAction(self.tr(place.title), self)
            go.setShortcut(QKeySequence(f"Ctrl+{number}"))
            go.triggered.connect(lambda _=False, key=place.key: self.show_place(key))
            self.addAction(go)
            self.nav.addButton(button)
            self.place_buttons[place.key] = button
            column.addWidget(button)
            self.pages.addWidget(self._page_for(place))
        column.addStretch(1)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(side)
        row.addLayout(self._work_column(), 1)
        return body

    def _work_column(self) -> QVBoxLayout:
        """The place shown, under the overdue alert (when there is one)."""
        work = QVBoxLayout()
        if hasattr(self, "signoff_page"):
            from duty_desk.ui.signoff_alerts import SignoffAlerts

            button = self.place_buttons["sign-off"]
            self.signoff_alerts = SignoffAlerts(self.signoff_page, button, self)
            self.signoff_alerts.open_queue.connect(lambda: self.show_place("sign-off"))
            work.addWidget(self.signoff_alerts.banner)
            self.signoff_alerts.check()
        if hasattr(self, "custody_page"):
            self._custody_watch(work)
        if hasattr(self, "handover_page") and self.handover_page.receiving:
            self._handover_watch(work)  # the 09:00 escalation (ui/handover_alerts.py)
        work.addWidget(self.pages, 1)
        return work

    def _custody_watch(self, work: QVBoxLayout) -> None:
        """The custody warnings' banner and the strip of live clocks, above every place."""
        from duty_desk.ui.custody_alerts import CustodyAlerts
        from duty_desk.ui.custody_strip import CustodyStrip

        self.custody_alerts = CustodyAlerts(self.custody_page, self.place_buttons["custody"], self)
        self.custody_alerts.open_tracker.connect(lambda: self.show_place("custody"))
        self.custody_strip = CustodyStrip(self.custody_page, self)
        self.custody_strip.open_case.connect(self.custody_page.open_case)
        self.custody_strip.open_place.connect(lambda: self.show_place("custody"))
        work.addWidget(self.custody_alerts.banner)
        work.addWidget(self.custody_strip)
        self.custody_alerts.check()

    def _handover_watch(self, work: QVBoxLayout) -> None:
        from duty_desk.ui.handover_alerts import HandoverAlerts

        button = self.place_buttons["handover"]
        self.handover_alerts = HandoverAlerts(self.handover_page, button, self)
        self.handover_alerts.open_inbox.connect(lambda: self.show_place("handover"))
        work.addWidget(self.handover_alerts.banner)
        self.handover_alerts.check()

    def _visible_places(self) -> list[Place]:
        role = self.session.person.role
        return [p for p in PLACES if p.key != "admin" or may(role, Permission.MANAGE_PEOPLE)]

    def _page_for(self, place: Place) -> QWidget:
        if place.key == "admin":
            from duty_desk.ui.people_page import PeoplePage
            from duty_desk.ui.providers_panel import ProvidersPanel
            from duty_desk.ui.rules_panel import RulesPanel

            self.people_page = PeoplePage(self.session)
            self.providers_panel = ProvidersPanel(self.session)
            self.rules_panel = RulesPanel(self.session)
            page = QWidget()
            page.setObjectName("place-admin")
            column = QVBoxLayout(page)
            column.addWidget(self.people_page, 3)
            column.addWidget(self.providers_panel, 3)
            column.addWidget(self.rules_panel)
            return page
        if place.key == "enquiries" and may(self.session.person.role, Permission.VIEW_ENQUIRIES):
            from duty_desk.ui.enquiries_page import EnquiriesPage

            self.enquiries_page = EnquiriesPage(self.session, self._marking)
            self.enquiries_page.changed.connect(self._show_next_due)
            return self.enquiries_page
        if place.key == "sign-off" and may(self.session.person.role, Permission.RECORD_ENQUIRIES):
            return self._signoff_page()  # approvers record too
        if place.key == "custody" and may(self.session.person.role, Permission.RECORD_ENQUIRIES):
            return self._custody_page()
        if place.key == "handover" and self._hands_over():
            return self._handover_page()
        if place.key == "reports" and may(self.session.person.role, Permission.VIEW_FIGURES):
            from duty_desk.ui.reports_page import ReportsPage

            self.reports_page = ReportsPage(self.session, self._marking)
            return self.reports_page
        page = QWidget()
        page.setObjectName(f"place-{place.key}")
        layout = QVBoxLayout(page)
        layout.addWidget(heading(self.tr(place.title), 1.3))
        if place.key == "enquiries":
            note = self.tr("Administrators run the desk; they cannot read children's records.")
        elif place.key == "sign-off":
            note = self.tr(
                "Senior practitioners and managers sign off decisions here, and duty social "
                "workers follow their own until they are signed off; your role does neither."
            )
        elif place.key == "custody":
            note = self.tr(
                "Duty social workers, senior practitioners and managers track young people in "
                "police custody here; your role does not."
            )
        elif place.key == "handover":
            note = self.tr(
                "Duty workers submit the night here and the day team acknowledges each item; "
                "your role does neither."
            )
        elif place.key == "reports":
            note = self.tr(
                "Managers, the day team and administrators see the performance indicators "
                "and save documents here; your role does not."
            )
        else:
            note = self.tr("Nothing here yet on this desk.")
        text = QLabel(self.tr(place.purpose) + "\n\n" + note)
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addStretch(1)
        return page

    def _signoff_page(self) -> QWidget:
        from duty_desk.ui.signoff_queue import SignoffPage

        self.signoff_page = SignoffPage(self.session)
        if hasattr(self, "enquiries_page"):  # opened as from the night list, one window each
            self.signoff_page.open_requested.connect(self.enquiries_page.open_enquiry_id)
            self.enquiries_page.changed.connect(self.signoff_page.refresh)  # saved, decided
        return self.signoff_page

    def _hands_over(self) -> bool:
        role = self.session.person.role
        return may(role, Permission.RECEIVE_HANDOVER) or may(role, Permission.SUBMIT_HANDOVER)

    def _handover_page(self) -> QWidget:
        from duty_desk.ui.handover_page import HandoverPage

        self.handover_page = HandoverPage(self.session, self._marking)
        return self.handover_page

    def submit_night(self) -> None:
        """Desk → Submit the night: the Handover place, and its dialog."""
        if hasattr(self, "handover_page") and self.handover_page.submitting:
            self.show_place("handover")
            self.handover_page.submit_night()

    def _custody_page(self) -> QWidget:
        from duty_desk.ui.custody_page import CustodyPage

        self.custody_page = CustodyPage(self.session, self._marking)
        if hasattr(self, "enquiries_page"):  # a case's enquiry opens as from the night list
            self.custody_page.open_enquiry_requested.connect(self.enquiries_page.open_enquiry_id)
        return self.custody_page

    def _status_bar(self) -> None:
        person = self.session.person
        self.who = QLabel(
            self.tr("Signed in: %1 (%2)")
            .replace("%1", person.display_name)
            .replace("%2", person.role.label)
        )
        self.sync_state = QLabel(self.tr("Day service: not connected — working offline"))
        self.next_due = QLabel(self.tr("Next due: nothing due"))
        for label in (self.who, self.sync_state, self.next_due):
            label.setAccessibleName(label.text())
            self.statusBar().addWidget(label, 1)
        from duty_desk.ui.sync_status import SyncStatus

        self.sync = SyncStatus(self.session, self.sync_state, self)
        self.sync.synced.connect(self._after_sync)
        if hasattr(self, "enquiries_page"):
            self._show_next_due()

    def _show_next_due(self) -> None:
        """The earliest decision due among this shift's undecided enquiries."""
        from duty_desk.ui.enquiry_model import short_time

        found = self.enquiries_page.next_due()
        if found is None:
            text = self.tr("Next due: nothing due")
        else:
            reference, due = found
            text = self.tr("Next due: decision on %1 by %2").replace("%1", reference)
            text = text.replace("%2", short_time(due, weekday=True))
            if due <= self.enquiries_page.now():
                text += self.tr(" — overdue")
        self.next_due.setText(text)
        self.next_due.setAccessibleName(text)

    def _menus(self) -> None:
        desk = self.menuBar().addMenu(self.tr("&Desk"))
        self.lock_action = self._action(
            desk, self.tr("&Lock now"), "lock", QKeySequence("Ctrl+L"), self.lock
        )
        self._action(desk, self.tr("&Change my password…"), "key", None, self.change_password)
        if may(self.session.person.role, Permission.SUBMIT_HANDOVER):
            self.submit_action = self._action(
                desk, self.tr("&Submit the night…"), "handover", None, self.submit_night
            )
        self._action(desk, self.tr("S&ync now"), "sync", QKeySequence("F9"), self.sync.sync_now)
        if may(self.session.person.role, Permission.RESOLVE_CONFLICTS):
            self._action(desk, self.tr("&Conflicts…"), None, None, self.show_conflicts)
        if may(self.session.person.role, Permission.MANAGE_ALERTS):  # ui/alerts_panel.py
            keys = QKeySequence("Ctrl+Shift+T")
            self._action(desk, self.tr("Known &tonight…"), "warning", keys, self.show_alerts)
        desk.addSeparator()
        self._action(
            desk, self.tr("Sign &out"), "sign-out", QKeySequence("Ctrl+Shift+Q"), self.sign_out
        )
        self._action(desk, self.tr("&Quit"), None, QKeySequence.StandardKey.Quit, self.close)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._action(
            help_menu,
            self.tr("&About Duty Desk"),
            "info",
            QKeySequence.StandardKey.HelpContents,
            self.about,
        )

    def _action(self, menu, text, icon_name, shortcut, slot) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(icon(icon_name) if icon_name else QIcon(), text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # --- actions ------------------------------------------------------------------------

    def _after_sync(self) -> None:
        """What arrived from the day service shows at once on every open page."""
        for name in ("enquiries_page", "custody_page", "handover_page"):
            page = getattr(self, name, None)
            if page is not None:
                page.refresh()

    def show_conflicts(self) -> None:
        from duty_desk.ui.conflicts_dialog import ConflictsDialog

        ConflictsDialog(self.session, self).open()

    def show_alerts(self) -> None:
        """The day team's known-tonight alerts, in a window of their own (one at a time)."""
        from duty_desk.ui.alerts_panel import AlertsWindow

        window = getattr(self, "alerts_window", None)
        if window is None:
            window = self.alerts_window = AlertsWindow(self.session, self._marking, self)
        window.panel.refresh()
        window.show()
        window.raise_()
        window.activateWindow()

    def show_place(self, key: str) -> None:
        button = self.place_buttons[key]
        button.setChecked(True)
        self.pages.setCurrentIndex(list(self.place_buttons).index(key))

    def lock(self) -> None:
        if self.locked:
            return
        from duty_desk.services.desk import lock

        self.locked = True
        self.idle.pause()
        self.sync.pause()
        for window in QApplication.topLevelWidgets():
            if window is not self and window.isVisible():
                window.hide()
                self._hidden_windows.append(window)
        self.screens.setCurrentIndex(1)
        self.menuBar().setEnabled(False)
        self.statusBar().hide()
        self.setWindowTitle(self.tr("Duty Desk — locked"))
        self.lock_screen.reset()
        lock(self.session)

    def _unlock(self, password: str) -> None:
        from duty_desk.services.desk import unlock

        session = self.session
        self.lock_screen.sign_out_button.setEnabled(False)  # no sign-out mid-check
        run_in_background(
            lambda: unlock(session, password),
            lambda _result: self._unlocked(session),
            self._unlock_refused,
            owner=self,
        )

    def _unlocked(self, session: SignedIn) -> None:
        if session is not self.session:
            return  # signed out meanwhile
        self.locked = False
        self.lock_screen.sign_out_button.setEnabled(True)
        self.screens.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        self.statusBar().show()
        self.setWindowTitle(self.tr("Duty Desk"))
        for window in self._hidden_windows:
            window.show()
        self._hidden_windows.clear()
        self.idle.resume()
        self.sync.resume()

    def _unlock_refused(self, error: Exception) -> None:
        self.lock_screen.sign_out_button.setEnabled(True)
        self.lock_screen.refused(str(error))

    def change_password(self) -> None:
        self._password_dialog(self.tr("Change my password"))

    def require_password_change(self) -> None:
        """A password set by an administrator is temporary: choose your own, or sign out."""
        dialog = self._password_dialog(
            self.tr("Choose your own password"),
            self.tr(
                "An administrator set your password. Choose one only you know before using "
                "the desk; cancelling signs you out."
            ),
        )
        dialog.rejected.connect(self.sign_out)

    def _password_dialog(self, title: str, intro: str = "") -> QDialog:
        from duty_desk.services.people import change_own_password
        from duty_desk.ui.people_dialogs import SetPasswordDialog

        dialog = SetPasswordDialog(
            title,
            lambda current, new: change_own_password(self.session, current, new),
            ask_current=True,
            parent=self,
            intro=intro,
        )
        if hasattr(self, "people_page"):
            dialog.accepted.connect(self.people_page.refresh)  # may have been refused before
        if hasattr(self, "enquiries_page"):
            dialog.accepted.connect(self.enquiries_page.refresh)  # not read until then
            if self.session is not None and self.session.person.must_change_password:
                dialog.accepted.connect(self._offer_drafts)  # held back until now
        self.dialog = dialog
        dialog.open()
        return dialog

    def about(self) -> None:
        from duty_desk.ui.about import AboutDialog

        self.dialog = AboutDialog(self)
        self.dialog.open()

    def _offer_drafts(self) -> None:
        """After sign-in: work autosaved but never saved is offered back."""
        session = self.session
        if session is None or self.locked or not hasattr(self, "enquiries_page"):
            return
        if session.person.must_change_password:
            return  # offered once they have chosen their own password
        from duty_desk.ui.drafts_dialog import offer_drafts

        page = self.enquiries_page
        self.drafts_dialog = offer_drafts(
            session, page.restore_draft, self, skip=page.open_draft_keys()
        )

    def _close_enquiry_windows(self) -> bool:
        """Each open enquiry asks about its unsaved changes; False if one says stay.

        At the lock screen nobody is asked (whoever is there may not be the author): the
        hidden windows are closed with the session and keep their autosaved drafts."""
        if self.locked or not hasattr(self, "enquiries_page"):
            return True
        if hasattr(self, "custody_page") and not self.custody_page.close_windows():
            return False
        return self.enquiries_page.close_windows()

    def sign_out(self) -> None:
        if self.session is not None and not self._close_enquiry_windows():
            return  # an enquiry window asked to stay open
        self._end_session()
        self.signed_out.emit()
        self.deleteLater()

    def _end_session(self) -> None:
        if self.session is None:
            return
        from duty_desk.services.desk import sign_out

        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        self.idle.tick.stop()
        self.sync.pause()  # no more syncs for a session that has ended
        if hasattr(self, "signoff_page"):
            self.signoff_page.stop()  # no more reads for a session that has ended
        if hasattr(self, "custody_page"):
            self.custody_page.stop()
        if hasattr(self, "handover_page"):
            self.handover_page.stop()
        for window in self._hidden_windows:
            window.close()
        session, self.session = self.session, None  # type: ignore[assignment]
        sign_out(session)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.session is not None and not self._close_enquiry_windows():
            event.ignore()
            return
        self._end_session()
        super().closeEvent(event)
