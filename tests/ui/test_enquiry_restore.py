"""Typing survives the process being killed: a child process types into an enquiry form,
the autosave fires, the child is killed with SIGKILL mid-typing, and at the next sign-in
the draft is there and a form built from it shows the text."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from duty_desk.services.desk import sign_in, sign_out
from duty_desk.services.drafts import pending_drafts
from duty_desk.services.enquiries import create_enquiry, open_enquiry, save_enquiry
from duty_desk.services.enquiry_lists import ListQuery, list_enquiries
from tests.conftest import PASSWORD
from tests.ui.test_enquiry_form import QUICK, open_window, press, type_text

ROOT = Path(__file__).resolve().parents[2]
MARKER = "AUTOSAVED"
NAME = "Jayden Smith"
SUMMARY = "Mother not answering the door"
NARRATIVE = "Neighbour heard a child crying for an hour"

# The child: sign in, open a form, type, wait for the autosave, say so, then keep typing
# (slowly, as a person does) until it is killed.
CHILD = f"""
import sys
from pathlib import Path
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from duty_desk.services.desk import sign_in
from duty_desk.services.drafts import pending_drafts
from duty_desk.services.paths import DeskPaths
from duty_desk.ui.enquiry_form import EnquiryWindow

app = QApplication([])
session = sign_in(DeskPaths(Path(sys.argv[1])), "sam", {PASSWORD!r})
window = EnquiryWindow(session)
window.show()
editors = window.fields.editors
QTest.keyClicks(editors["child_name"], {NAME!r})
QTest.keyClicks(editors["summary"], {SUMMARY!r})
QTest.keyClicks(editors["narrative"], {NARRATIVE!r})
for _ in range(100):
    QTest.qWait(100)
    if pending_drafts(session):
        break
print({MARKER!r} if pending_drafts(session) else "NO DRAFT", flush=True)
while True:
    QTest.keyClicks(editors["narrative"], ".")
    QTest.qWait(300)
"""


def _run_child_until_autosaved(desk_root: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}  # with the suite's session bus
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(desk_root)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(child.stdout.readline()))  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=90)
    if not line or line[0].strip() != MARKER:
        child.kill()
        _, err = child.communicate(timeout=30)
        pytest.fail(f"the child never autosaved: {line!r}\n{err}")
    return child


@pytest.mark.slow
def test_typing_survives_sigkill_and_is_restored_at_the_next_sign_in(qtbot, worker, paths) -> None:  # type: ignore[no-untyped-def]
    child = _run_child_until_autosaved(paths.root)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL

    session = sign_in(paths, "sam", PASSWORD)
    try:
        drafts = pending_drafts(session)
        assert len(drafts) == 1
        draft = drafts[0]
        assert draft.enquiry_id is None
        assert draft.content["child_name"] == NAME
        assert draft.content["summary"] == SUMMARY
        assert draft.content["narrative"].startswith(NARRATIVE)
        assert list_enquiries(session, ListQuery()).total == 0  # typed, never saved

        window = open_window(qtbot, session, draft=draft)
        editors = window.fields.editors
        assert editors["child_name"].text() == NAME
        assert editors["summary"].text() == SUMMARY
        assert editors["narrative"].toPlainText() == draft.content["narrative"]
        banner = window.restored.text()
        assert window.restored.isVisible()
        assert banner.startswith("Restored typing you had not saved (autosaved at ")
        assert window.dirty  # it counts as unsaved
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert list_enquiries(session, ListQuery()).total == 1
        assert pending_drafts(session) == []  # saved: the draft is gone
        assert not window.restored.isVisible()
    finally:
        qtbot.wait(10)
        sign_out(session)


def test_a_draft_of_a_stored_enquiry_is_restored_against_it(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    first = open_window(qtbot, on_shift, enquiry=open_enquiry(on_shift, enquiry.id))
    first.fields.focus_field("caller_phone")
    type_text(qtbot, "01632 960000")
    first.autosave_now()  # as the timer (or the lock) would
    first.dirty = False
    first.close()  # a crash: nothing saved, the draft stays

    draft = pending_drafts(on_shift)[0]
    assert draft.enquiry_id == enquiry.id and draft.reference == enquiry.reference
    clock.advance(minutes=5)
    window = open_window(qtbot, on_shift, enquiry=open_enquiry(on_shift, enquiry.id), draft=draft)
    assert window.fields.editors["caller_phone"].text() == "01632 960000"
    assert window.key == draft.key
    assert "was saved again" not in window.restored.text()
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert open_enquiry(on_shift, enquiry.id).content["caller_phone"] == "01632 960000"
    assert pending_drafts(on_shift) == []


def test_a_restored_draft_warns_when_the_record_was_saved_after_it(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    first = open_window(qtbot, on_shift, enquiry=enquiry)
    first.fields.focus_field("caller_phone")
    type_text(qtbot, "01632 960000")
    first.autosave_now()
    first.dirty = False
    first.close()
    clock.advance(minutes=5)
    save_enquiry(on_shift, enquiry.id, QUICK | {"narrative": "from elsewhere"}, enquiry.updated_at)
    draft = pending_drafts(on_shift)[0]
    window = open_window(qtbot, on_shift, enquiry=open_enquiry(on_shift, enquiry.id), draft=draft)
    assert f"{enquiry.reference} was saved again at 21/11/2026 23:15" in window.restored.text()
