"""``duty-desk handover ...``: the real command, as a process, on a real desk.

The process runs on the real clock; the nights handed over through the services here are
put far enough in the past (or the future) that "overdue" does not depend on today's date.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from subprocess import CompletedProcess

import pytest

from duty_desk.domain.roles import Role
from duty_desk.services import enquiries, handover
from duty_desk.services.context import SignedIn
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import add_person
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.support import events_of_type, run_cli

QUICK = {
    "channel": "police",
    "child_name": "Zofia Quillfeather",
    "concerns": ["neglect"],
    "summary": "Left alone overnight",
    "receiving_team": "Front door",
}


def _cli(paths: DeskPaths, user: str, *args: str) -> CompletedProcess[str]:
    password = ADMIN_PASSWORD if user == "admin" else PASSWORD
    env = {"DUTY_DESK_PASSWORD": password, "DUTY_DESK_USER": user}
    return run_cli("--data-dir", str(paths.root), *args, env=env)


def _ok(result: CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def dana(admin: SignedIn) -> str:
    add_person(admin, "dana", "Dana Day", Role.DAY_TEAM, PASSWORD, must_change_password=False)
    return "dana"


def test_the_worker_lists_and_submits_the_night(on_shift: SignedIn, paths: DeskPaths) -> None:
    first = enquiries.create_enquiry(on_shift, QUICK).enquiry
    second = enquiries.create_enquiry(on_shift, QUICK | {"receiving_team": ""}).enquiry
    listed = _ok(_cli(paths, "sam", "handover", "items"))
    lines = listed.splitlines()
    assert lines[0] == lines[-1] == "[OFFICIAL-SENSITIVE]"
    assert any(line.startswith(f"{first.reference} ") and "Front door" in line for line in lines)
    assert any(line.startswith(f"{second.reference} ") and "Unassigned" in line for line in lines)
    assert "Still awaiting sign-off or confirmation (the day team will see this):" in listed
    assert f"  {first.reference}: Enquiry incomplete: no decision recorded yet" in lines
    assert "2 items to hand over." in lines
    said = _ok(_cli(paths, "sam", "handover", "submit"))
    assert said.startswith("Handed over 2 items: the day team must acknowledge each by ")
    assert f"  {first.reference} → Front door" in said
    assert "Sent to the day service: sent " in said
    assert "Nothing to hand over" in _ok(_cli(paths, "sam", "handover", "items"))
    refused = _cli(paths, "sam", "handover", "submit")
    assert refused.returncode == 2 and "nothing to hand over" in refused.stderr
    sent = _ok(_cli(paths, "sam", "handover", "sent"))
    assert "Front door — 1 item" in sent and "Waiting for acknowledgement" in sent


def test_the_day_team_acknowledges_returns_references_and_exports(  # type: ignore[no-untyped-def]
    on_shift: SignedIn, dana: str, paths: DeskPaths, clock, tmp_path
) -> None:
    clock.now = datetime(2030, 11, 22, 23, 0, tzinfo=UTC)  # due Monday 25 November 2030
    kept = enquiries.create_enquiry(on_shift, QUICK).enquiry
    sent_back = enquiries.create_enquiry(on_shift, QUICK | {"child_name": "Ben Ortiz"}).enquiry
    handover.submit_night(on_shift)
    inbox = _ok(_cli(paths, dana, "handover", "inbox"))
    assert "Front door — 2 items" in inbox and "OVERDUE" not in inbox
    assert "Mon 25/11 09:00" in inbox
    said = _ok(_cli(paths, dana, "handover", "ack", kept.reference.lower(), "--note", "Jo has it"))
    assert said.startswith(f"{kept.reference} acknowledged by Dana Day at ")
    again = _cli(paths, dana, "handover", "ack", kept.reference)
    assert again.returncode == 2
    assert f"{kept.reference} was already acknowledged by Dana Day at " in again.stderr
    blank = _cli(paths, dana, "handover", "return", sent_back.reference, "--reason", "  ")
    assert blank.returncode == 2 and "Say why the item is being returned" in blank.stderr
    back = _cli(paths, dana, "handover", "return", sent_back.reference, "--reason", "No decision.")
    assert _ok(back) == f"{sent_back.reference} returned to the duty worker: No decision.\n"
    early = _cli(paths, dana, "handover", "reference", sent_back.reference, "LL-1")
    assert early.returncode == 2 and "not acknowledged yet" in early.stderr
    _ok(_cli(paths, dana, "handover", "reference", kept.reference, "LL-2030-77"))
    target = tmp_path / "handover.csv"
    said = _ok(_cli(paths, dana, "handover", "export", "--format", "csv", str(target)))
    assert said.startswith(
        f"Saved 1 acknowledged item to {target} (CSV, marked OFFICIAL-SENSITIVE top"
    )
    rows = list(csv.reader(target.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == rows[-1] == ["OFFICIAL-SENSITIVE"]
    record = dict(zip(rows[1], rows[2], strict=True))
    assert (record["reference"], record["case_system_ref"]) == (kept.reference, "LL-2030-77")
    assert record["acknowledged_by"] == "Dana Day"
    replace = _cli(paths, dana, "handover", "export", "--format", "json", str(target))
    assert replace.returncode == 2 and "already exists" in replace.stderr
    _ok(_cli(paths, dana, "handover", "export", "--format", "json", "--overwrite", str(target)))
    assert json.loads(target.read_text(encoding="utf-8"))["count"] == 1
    exported = events_of_type(paths.database, on_shift.desk.db_key, "handover.exported")
    assert [e["payload"]["count"] for e in exported] == [1, 1]


def test_inbox_check_exits_1_when_something_is_overdue(  # type: ignore[no-untyped-def]
    on_shift: SignedIn, dana: str, paths: DeskPaths, clock
) -> None:
    clock.now = datetime(2025, 1, 10, 22, 0, tzinfo=UTC)  # due Monday 13 January 2025, 09:00
    late = enquiries.create_enquiry(on_shift, QUICK).enquiry
    handover.submit_night(on_shift)
    result = _cli(paths, dana, "handover", "inbox", "--check")
    assert result.returncode == 1, result.stderr
    assert "Front door — 1 item, 1 OVERDUE" in result.stdout
    assert "OVERDUE — past 09:00 and not acknowledged:" in result.stdout
    assert f"Front door: 1 item not acknowledged, due 13/01/2025 09:00 — {late.reference}" in (
        result.stdout
    )
    _ok(_cli(paths, dana, "handover", "ack", late.reference))
    assert _cli(paths, dana, "handover", "inbox", "--check").returncode == 0


def test_each_side_is_refused_the_others_commands(on_shift: SignedIn, dana: str, paths) -> None:  # type: ignore[no-untyped-def]
    refused = _cli(paths, "sam", "handover", "inbox")
    assert refused.returncode == 2
    assert "A duty social worker may not acknowledge or return handover items" in refused.stderr
    refused = _cli(paths, dana, "handover", "submit")
    assert refused.returncode == 2 and "A day team may not hand the night over" in refused.stderr
    missing = _cli(paths, dana, "handover", "ack", "EDT-000000-0000-000")
    assert missing.returncode == 2 and "Nothing handed over has the reference" in missing.stderr
