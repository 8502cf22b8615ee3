"""Screenshots of the app's windows under a real X server (Xvfb), for people to look at.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tools/screenshots.py OUT [light|dark]

Builds a throwaway demo desk (needs a Secret Service: run inside dbus-run-session with
gnome-keyring unlocked, as ./duty does), signs in as the demo administrator, and saves
PNGs of the sign-in window, the main window, the Admin page and the lock screen; then, as
the demo duty worker, the night list and the enquiry form (empty, refused, decided); then,
as the demo senior practitioner, the sign-off queue and decisions awaiting sign-off and a
verbal confirmation.
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


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "light")
