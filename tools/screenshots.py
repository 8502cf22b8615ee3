"""Screenshots of the app's windows under a real X server (Xvfb), for people to look at.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tools/screenshots.py OUT [light|dark]

Builds a throwaway demo desk (needs a Secret Service: run inside dbus-run-session with
gnome-keyring unlocked, as ./duty does), signs in as the demo administrator, and saves
PNGs of the sign-in window, the main window, the Admin page and the lock screen; then, as
the demo duty worker, the night list and the enquiry form (empty, refused, decided); then,
as the demo senior practitioner, the sign-off queue and decisions awaiting sign-off and a
verbal confirmation; and, as the duty worker again, the custody tracker and its strip.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from duty_desk.services.demo import DEMO_PASSWORD, build_demo
from duty_desk.services.desk import remove_desk, sign_in
from duty_desk.services.paths import DeskPaths
from duty_desk.services.settings import Settings, save_settings
from duty_desk.ui.app import make_application
from duty_desk.ui.theme import apply_appearance


def settle(ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def snap(out: Path, name: str) -> None:
    settle()
    subprocess.run(["import", "-window", "root", str(out / f"{name}.png")], check=True)


def main(out: Path, appearance: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    paths = DeskPaths(Path(tempfile.mkdtemp()) / "desk")
    build_demo(paths)
    save_settings(paths.settings, Settings(appearance=appearance))
    app: QApplication = make_application()
    apply_appearance(app, appearance)
    from duty_desk.ui.first_run import FirstRunWindow, RecoveryKeyDialog
    from duty_desk.ui.main_window import MainWindow
    from duty_desk.ui.sign_in import SignInWindow

    first = FirstRunWindow(DeskPaths(paths.root.parent / "empty"), "OFFICIAL-SENSITIVE")
    first.move(40, 40)
    first.show()
    first.username.setText("admin")
    first.full_name.setText("Alex Administrator")
    snap(out, f"first-run-{appearance}")
    sample = "-".join(["ABCD", "EFGH", "IJKL", "MNOP", "QRST", "UVWX", "YZ23"] * 2)[:64]
    key = RecoveryKeyDialog(sample, first)
    key.open()
    snap(out, f"recovery-key-{appearance}")
    key.kept.setChecked(True)
    key.accept()
    first.close()

    sign = SignInWindow(paths, "OFFICIAL-SENSITIVE")
    sign.move(40, 40)
    sign.show()
    sign.username.setText("admin")
    snap(out, f"sign-in-{appearance}")
    sign.password.setText("wrong-password")
    sign.attempt()
    settle(1500)
    snap(out, f"sign-in-error-{appearance}")
    sign.close()
    session = sign_in(paths, "admin", DEMO_PASSWORD)
    window = MainWindow(session, Settings(appearance=appearance))
    window.move(0, 0)
    window.show()
    snap(out, f"main-{appearance}")
    window.show_place("admin")
    snap(out, f"admin-{appearance}")
    window.lock()
    snap(out, f"locked-{appearance}")
    window.close()
    enquiry_windows(out, paths, appearance)
    signoff_windows(out, paths, appearance)
    custody_windows(out, paths, appearance)
    remove_desk(paths)


def enquiry_windows(out: Path, paths: DeskPaths, appearance: str) -> None:
    """The duty worker's night list, and the enquiry form empty, decided and refused."""
    from duty_desk.domain.records import Status
    from duty_desk.services.enquiries import open_enquiry
    from duty_desk.services.enquiry_lists import ListQuery, list_enquiries
    from duty_desk.ui.enquiry_form import EnquiryWindow
    from duty_desk.ui.main_window import MainWindow

    session = sign_in(paths, "sam", DEMO_PASSWORD)
    window = MainWindow(session, Settings(appearance=appearance))
    window.move(0, 0)
    window.showMaximized()
    snap(out, f"night-list-{appearance}")
    form = EnquiryWindow(session)
    form.move(0, 0)
    form.showMaximized()
    snap(out, f"enquiry-empty-{appearance}")
    form.fields.editors["child_name"].setText("Łukasz Wójcik")
    form.fields.editors["child_age"].setText("18")
    form.decide()
    snap(out, f"enquiry-refused-{appearance}")
    form.dirty = False
    form.close()
    rows = list_enquiries(session, ListQuery(text="Siân")).rows
    decided = next(row for row in rows if row.status is Status.DECIDED)
    done = EnquiryWindow(session, open_enquiry(session, decided.id))
    done.move(0, 0)
    done.showMaximized()
    snap(out, f"enquiry-decided-{appearance}")
    done.close()
    window.close()


def signoff_windows(out: Path, paths: DeskPaths, appearance: str) -> None:
    """Priya's sign-off queue, and the demo's decisions awaiting sign-off and verbal."""
    from duty_desk.services.enquiries import open_enquiry
    from duty_desk.services.enquiry_lists import ListQuery, list_enquiries
    from duty_desk.ui.enquiry_form import EnquiryWindow
    from duty_desk.ui.main_window import MainWindow

    session = sign_in(paths, "priya", DEMO_PASSWORD)
    window = MainWindow(session, Settings(appearance=appearance))
    window.move(0, 0)
    window.showMaximized()
    window.show_place("sign-off")
    snap(out, f"signoff-queue-{appearance}")
    for name, shot in (("Ngọc Ánh", "signoff-awaiting"), ("Aaliyah", "signoff-verbal")):
        row = list_enquiries(session, ListQuery(text=name)).rows[0]
        form = EnquiryWindow(session, open_enquiry(session, row.id))
        form.move(0, 0)
        form.showMaximized()
        snap(out, f"{shot}-{appearance}")
        form.close()
    window.close()


def custody_windows(out: Path, paths: DeskPaths, appearance: str) -> None:
    """The demo's custody cases: the strip of live clocks above the night list, the tracker
    and its closed cases (two cases are opened here if the demo has none); then the tracker
    on a desk of its own with two open cases at a set time, one past a warning threshold."""
    from duty_desk.services import custody

    session = sign_in(paths, "sam", DEMO_PASSWORD)
    if not custody.open_cases(session):
        _custody_cases(session)
    window = _custody_window(session, appearance)
    snap(out, f"custody-strip-{appearance}")
    window.show_place("custody")
    snap(out, f"custody-tracker-{appearance}")
    window.custody_alerts.banner.dismiss()
    window.signoff_alerts.banner.dismiss()
    window.custody_page.show_closed.setChecked(True)
    snap(out, f"custody-closed-{appearance}")
    window.close()
    _two_custody_cases(out, appearance)


def _custody_window(session, appearance: str):  # type: ignore[no-untyped-def]
    from duty_desk.ui.main_window import MainWindow

    window = MainWindow(session, Settings(appearance=appearance))
    window.move(0, 0)
    window.showMaximized()
    return window


def _two_custody_cases(out: Path, appearance: str) -> None:
    """Sunday 22 November 2026, 19:40 (GMT) on a new desk: Jayden's request has waited 42
    minutes for an answer (over the 30-minute threshold); Ava's was answered."""
    from datetime import UTC, datetime

    from duty_desk.domain.roles import Role
    from duty_desk.services.desk import create_desk
    from duty_desk.services.people import add_person

    paths = DeskPaths(Path(tempfile.mkdtemp()) / "desk")
    clock = lambda: datetime(2026, 11, 22, 19, 40, tzinfo=UTC)  # noqa: E731
    admin = create_desk(paths, "admin", "Alex Administrator", DEMO_PASSWORD, clock).session
    worker = Role.DUTY_SOCIAL_WORKER
    add_person(admin, "sam", "Sam Okafor", worker, DEMO_PASSWORD, must_change_password=False)
    admin.desk.close()
    session = sign_in(paths, "sam", DEMO_PASSWORD, clock)
    _custody_cases(session)
    window = _custody_window(session, appearance)
    window.show_place("custody")
    snap(out, f"custody-two-cases-{appearance}")
    window.close()
    remove_desk(paths)


def _custody_cases(session) -> None:  # type: ignore[no-untyped-def]
    """Jayden: charged 3 h 12 min ago, request unanswered 42 min (a warning); Ava: asked
    25 minutes ago and answered."""
    from datetime import timedelta

    from duty_desk.services import custody

    now = session.desk.clock()
    people = (
        ("Jayden Morris", 15, "Northgate custody suite", "non_secure", (300, 192, 42, None)),
        ("Ava Newton", 16, "Southbank custody suite", "secure", (100, 60, 25, 10)),
    )
    kinds = ("detention_authorised", "charge", "request_received", "response_given")
    for name, age, suite, request, minutes in people:
        fields = {
            "custody_suite": suite,
            "yp_name": name,
            "age_at_charge": age,
            "request_type": request,
        }
        case = custody.open_case(session, fields)
        for kind, ago in zip(kinds, minutes, strict=True):
            if ago is not None:
                step = {"kind": kind, "at": now - timedelta(minutes=ago)}
                case = custody.add_step(session, case.id, step, case.updated_at)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "light")
