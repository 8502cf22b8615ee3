"""``duty-desk report ...``: the real command, as a process, on a real desk."""

from __future__ import annotations

from pathlib import Path

from duty_desk.domain.roles import Role
from duty_desk.services import enquiries, handover
from duty_desk.services.context import SignedIn
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import add_person
from tests.conftest import PASSWORD
from tests.integration.reports.pdf import assert_locked, assert_official
from tests.support import run_cli

QUICK = {"channel": "police", "child_name": "Siân Llŷr", "concerns": ["neglect"],
         "summary": "Left alone overnight", "receiving_team": "Front door"}  # fmt: skip


def _cli(paths: DeskPaths, user: str, *args: str, document: str = "") -> tuple[int, str, str]:
    env = {"DUTY_DESK_PASSWORD": PASSWORD, "DUTY_DESK_USER": user}
    if document:
        env["DUTY_DESK_DOCUMENT_PASSWORD"] = document
    done = run_cli("--data-dir", str(paths.root), *args, env=env)
    return done.returncode, done.stdout, done.stderr


def test_report_pack_record_and_refusals(
    on_shift: SignedIn, admin: SignedIn, paths: DeskPaths, tmp_path: Path
) -> None:
    enquiry = enquiries.create_enquiry(on_shift, QUICK).enquiry
    handover.submit_night(on_shift)
    add_person(admin, "dana", "Dana Day", Role.DAY_TEAM, PASSWORD, must_change_password=False)
    pack = tmp_path / "pack.pdf"
    code, out, err = _cli(paths, "dana", "report", "pack", str(pack))
    assert code == 0, err
    assert out.startswith(f"The handover pack is saved in {pack} (")
    assert "Siân Llŷr" in "".join(assert_official(pack))
    code, _, err = _cli(paths, "dana", "report", "pack", str(pack))
    assert code != 0 and "already a file called pack.pdf" in err
    code, out, err = _cli(paths, "dana", "report", "pack", str(pack), "--force",
                          "--password-prompt", document="day-team-pass")  # fmt: skip
    assert code == 0 and "encrypted" in out, err
    assert_locked(pack, "day-team-pass")
    code, _, err = _cli(paths, "sam", "report", "pack", str(tmp_path / "no.pdf"))
    assert code != 0 and "may not" in err and not (tmp_path / "no.pdf").exists()
    record = tmp_path / "record.pdf"
    code, out, err = _cli(paths, "sam", "report", "record", enquiry.reference.lower(), str(record))
    assert code == 0, err
    assert enquiry.reference in "".join(assert_official(record))
