"""``duty-desk custody ...`` and ``duty-desk providers ...``: the real command, as a process.

The process runs on the real clock, so times typed with ``--at`` are either in the past
(the clock-change nights of 2025 and 2026) or worked out from now.
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from duty_desk.cli_custody import DECISIONS
from duty_desk.domain.clock import LONDON
from duty_desk.domain.events import parse_instant
from duty_desk.services import custody
from duty_desk.services.context import SignedIn
from duty_desk.services.paths import DeskPaths
from duty_desk.services.providers import providers
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.support import events_of_type, run_cli

NAME = "Zofia Quillfeather"
NUMBER = "MB/55/9931"


def _cli(paths: DeskPaths, user: str, *args: str) -> CompletedProcess[str]:
    password = ADMIN_PASSWORD if user == "admin" else PASSWORD
    env = {"DUTY_DESK_PASSWORD": password, "DUTY_DESK_USER": user}
    return run_cli("--data-dir", str(paths.root), *args, env=env)


def _ok(result: CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _typed(moment: datetime) -> list[str]:
    """``--at`` for a UTC moment, as a person types it (with the hour's zone, in case)."""
    local = moment.astimezone(LONDON)
    return ["--at", f"{local:%d/%m/%Y %H:%M}", "--bst" if local.dst() else "--gmt"]


OPENING = (
    "--suite", "Marlbridge custody suite", "--name", NAME, "--age", "15",
    "--custody-number", NUMBER, "--gender", "female", "--ethnicity", "black",
)  # fmt: skip


def _open(paths: DeskPaths, *extra: str) -> str:
    said = _ok(_cli(paths, "sam", "custody", "open", *OPENING, *extra))
    found = re.search(r"Opened (CUS-\d{6}-[0-9A-F]{4}-\d{3}) for Zofia Quillfeather", said)
    assert found, said
    return found[1]


def _case(session: SignedIn, reference: str):  # type: ignore[no-untyped-def]
    return custody.get_case(session, custody.find_case(session, reference), record_view=False)


def test_the_parser_offers_the_services_decisions() -> None:
    assert DECISIONS == custody.DECISIONS


def test_open_step_list_show_and_close_with_a_code_c_concern(
    on_shift: SignedIn, paths: DeskPaths
) -> None:
    reference = _open(paths)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    for kind, minutes in (("arrest", 300), ("charge", 130), ("request_received", 120)):
        _ok(_cli(paths, "sam", "custody", "step", reference.lower(), kind,
                 *_typed(now - timedelta(minutes=minutes))))  # fmt: skip
    listed = _ok(_cli(paths, "sam", "custody", "list"))
    row = next(line for line in listed.splitlines() if line.startswith(reference))
    assert re.search(r"open +Zofia Quillfeather \(15\) +2 h 1\d min +2 h 0\d min +2 h 0\d", row)
    assert "WARNING: Request unanswered for 2 h" in listed and "1 open case." in listed
    assert listed.startswith("[OFFICIAL-SENSITIVE]")

    approached = _cli(paths, "sam", "custody", "step", reference, "placement_approached",
                      "--placement", "copperbeech lodge", "--answer", "declined_full",
                      "--note", "Full until Monday")  # fmt: skip
    assert "Placement approached: copperbeech lodge — Declined: no vacancy" in _ok(approached)
    shown = _ok(_cli(paths, "sam", "custody", "show", reference))
    assert f"{reference}  Open" in shown and "Custody record number: MB/55/9931" in shown
    assert "Ethnic group: Black, Black British, Caribbean or African" in shown
    assert "Request unanswered: 2 h" in shown and "Next PACE review" not in shown
    arrest = (now - timedelta(minutes=300)).astimezone(LONDON)
    assert f"  {arrest:%d/%m/%Y %H:%M}  Arrested" in shown

    closed = _cli(paths, "sam", "custody", "close", reference, "--outcome", "remained",
                  "--certificate", "yes", "--certificate-reason", "impracticable",
                  "--certificate-text", "Her behaviour in the cell: she kicked the door",
                  "--challenge", "Challenged with the inspector at once")  # fmt: skip
    said = _ok(closed)
    assert said.startswith(f"Closed {reference}: Remained in police custody.")
    assert "Code C concern: The certificate's reason mentions behaviour, kicked" in said
    case = _case(on_shift, reference)
    assert not case.open and case.content["certificate_issued"] is True
    shown = _ok(_cli(paths, "sam", "custody", "show", reference))
    assert f"{reference}  Closed" in shown and "\nCode C\n" in shown
    assert "Clocks (stopped: out of custody)" in shown and "Warnings" not in shown
    viewed = events_of_type(paths.database, on_shift.desk.db_key, "custody.viewed")
    assert len(viewed) == 2  # each "show", and only "show"


def test_a_placement_from_the_directory_is_linked_to_it(
    on_shift: SignedIn, admin: SignedIn, paths: DeskPaths
) -> None:
    home = ("--name", "Copperbeech Lodge", "--type", "childrens_home", "--accepts-pace")
    added = _cli(paths, "admin", "providers", "add", *home, "--phone", "01632 960450")
    assert _ok(added) == "Added Copperbeech Lodge (Children's home) to the directory.\n"
    reference = _open(paths)
    _ok(_cli(paths, "sam", "custody", "step", reference, "placement_approached",
             "--placement", "COPPERBEECH LODGE", "--answer", "accepted"))  # fmt: skip
    _ok(_cli(paths, "sam", "custody", "step", reference, "placement_approached",
             "--placement", "The Hales (emergency foster)"))  # fmt: skip
    first, second = _case(on_shift, reference).steps
    (provider,) = [p for p in providers(on_shift) if p.name == "Copperbeech Lodge"]
    assert first["provider_id"] == provider.id and first["answer"] == "accepted"
    assert "provider_id" not in second and second["answer"] == "awaiting"


def test_a_time_in_the_repeated_october_hour_is_asked_about(
    on_shift: SignedIn, paths: DeskPaths
) -> None:
    reference = _open(paths)
    asked = _cli(paths, "sam", "custody", "step", reference, "arrest", "--at", "26/10/2025 01:30")
    assert asked.returncode == 2
    assert "happened twice in London (the clocks went back)" in asked.stderr
    assert "BST for the first or GMT for the second" in asked.stderr
    assert _case(on_shift, reference).steps == ()
    _ok(_cli(paths, "sam", "custody", "step", reference, "arrest",
             "--at", "26/10/2025 01:30", "--bst"))  # fmt: skip
    _ok(_cli(paths, "sam", "custody", "step", reference, "charge",
             "--at", "26/10/2025 01:30", "--gmt"))  # fmt: skip
    arrest, charge = (parse_instant(s["at"]) for s in _case(on_shift, reference).steps)
    assert arrest == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert charge == datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    assert charge - arrest == timedelta(hours=1)  # the same wall-clock time, an hour apart


def test_a_time_in_the_missing_march_hour_is_refused(on_shift: SignedIn, paths: DeskPaths) -> None:
    reference = _open(paths)
    for typed in ("29/03/2026 01:30", "2026-03-29 01:30"):
        refused = _cli(paths, "sam", "custody", "step", reference, "arrest", "--at", typed)
        assert refused.returncode == 2
        assert "2026-03-29 01:30 did not exist in London: the clocks went forward." in (
            refused.stderr
        )
    nonsense = _cli(paths, "sam", "custody", "step", reference, "arrest", "--at", "tonight")
    assert nonsense.returncode == 2 and "'tonight' is not a time like" in nonsense.stderr
    assert _case(on_shift, reference).steps == ()


def test_decide_goes_through_the_sign_off_rules(
    on_shift: SignedIn, approvers: dict[str, SignedIn], paths: DeskPaths
) -> None:
    mute = _open(paths)
    blocked = _cli(paths, "sam", "custody", "decide", mute, "--decision", "pace_not_provided",
                   "--rationale", "No bed anywhere tonight.", "--risk", "high")  # fmt: skip
    assert blocked.returncode == 2 and "Record the child's own words" in blocked.stderr

    heard = _open(paths, "--views", "I just want to go home to my mum.")
    decided = _cli(paths, "sam", "custody", "decide", heard, "--decision", "pace_not_provided",
                   "--rationale", "No bed anywhere tonight.", "--risk", "high")  # fmt: skip
    said = _ok(decided)
    assert re.search(r"Decision recorded on enquiry EDT-\d{6}-[0-9A-F]{4}-\d{3} \(version 1\): "
                     r"PACE transfer: accommodation refused or not provided\.", said)  # fmt: skip
    assert said.endswith("Sign-off: Awaiting sign-off.\n")
    shown = _ok(_cli(paths, "sam", "custody", "show", heard))
    assert "\nDecision: PACE transfer: accommodation refused or not provided\n" in shown
    assert "\nSign-off: Awaiting sign-off\n" in shown
    assert "\nDecision: none yet\n" in _ok(_cli(paths, "sam", "custody", "show", mute))


def test_figures_csv_holds_no_names_and_only_the_roles_that_may(
    on_shift: SignedIn, approvers: dict[str, SignedIn], paths: DeskPaths, tmp_path: Path
) -> None:
    reference = _open(paths)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    for kind, minutes in (("charge", 90), ("request_received", 80), ("left_custody", 20)):
        _ok(_cli(paths, "sam", "custody", "step", reference, kind,
                 *_typed(now - timedelta(minutes=minutes))))  # fmt: skip
    _ok(_cli(paths, "sam", "custody", "close", reference, "--outcome", "bailed_released"))
    today = now.astimezone(LONDON).date()
    period = ["--from", f"{today - timedelta(days=1)}", "--to", f"{today + timedelta(days=1)}"]
    refused = _cli(paths, "sam", "custody", "figures", *period)
    assert refused.returncode == 2 and "may not" in refused.stderr

    out = tmp_path / "figures.csv"
    shown = _ok(_cli(paths, "morgan", "custody", "figures", *period, "--csv", str(out)))
    assert re.search(r"\nRequests +1\n", shown) and re.search(r"\nBailed or released +1\n", shown)
    assert re.search(r"\n  request to leaving custody +60 +1\n", shown)
    # The real clock: in the small hours the stay is in the cell overnight (00:00-06:00).
    charged, left = ((now - timedelta(minutes=m)).astimezone(LONDON) for m in (90, 20))
    overnight = int(charged.date() != left.date() or charged.hour < 6 or left.hour < 6)
    assert re.search(rf"\n  14-15 +1 +0 +0 +{overnight}\n", shown)
    text = out.read_text(encoding="utf-8")
    for secret in (NAME, "Zofia", "Quillfeather", NUMBER, reference, "Marlbridge"):
        assert secret not in text and secret not in shown
    table = list(csv.reader(text.splitlines()))
    assert table[0] == table[-1] == ["OFFICIAL-SENSITIVE"]
    assert ["totals", "", "requests", "1"] in table
    assert ["by ethnicity", "Black, Black British, Caribbean or African", "requests", "1"] in table
    assert ["by gender", "Female", "requests", "1"] in table
    assert events_of_type(paths.database, on_shift.desk.db_key, "custody.figures_exported")

    bad = _cli(paths, "morgan", "custody", "figures", "--from", "01/11/2026", "--to", "x")
    assert bad.returncode == 2 and "--from '01/11/2026' is not a date like" in bad.stderr


def test_the_directory_is_kept_by_the_administrator(
    on_shift: SignedIn, admin: SignedIn, paths: DeskPaths
) -> None:
    for name, kind, flags in (
        ("Hollybank Secure Children's Home", "secure_home", ["--secure", "--accepts-pace"]),
        ("Southwood supported lodgings", "supported", ["--notes", "16-17 only"]),
    ):
        _ok(_cli(paths, "admin", "providers", "add", "--name", name, "--type", kind, *flags))
    refused = _cli(paths, "sam", "providers", "add", "--name", "Mine", "--type", "foster")
    assert refused.returncode == 2 and "may not" in refused.stderr
    blank = _cli(paths, "admin", "providers", "add", "--name", "  ", "--type", "foster")
    assert blank.returncode == 2 and "Give the placement's name." in blank.stderr

    listed = _ok(_cli(paths, "sam", "providers", "list"))
    assert re.search(r"Hollybank Secure Children's Home +Secure children's home +yes +yes", listed)
    assert re.search(r"Southwood supported lodgings +Supported accommodation +no +no", listed)
    assert "16-17 only" in listed and listed.endswith("2 placements.\n")
    retired = _cli(paths, "admin", "providers", "retire", "southwood SUPPORTED lodgings")
    assert "Retired Southwood supported lodgings" in _ok(retired)
    assert "Southwood" not in _ok(_cli(paths, "sam", "providers", "list"))
    everything = _ok(_cli(paths, "admin", "providers", "list", "--all"))
    assert re.search(r"Southwood supported lodgings .* retired\n", everything)
    worker_all = _cli(paths, "sam", "providers", "list", "--all")
    assert worker_all.returncode == 2 and "may not" in worker_all.stderr
    _ok(_cli(paths, "admin", "providers", "restore", "Southwood supported lodgings"))
    assert "Southwood" in _ok(_cli(paths, "sam", "providers", "list"))
    missing = _cli(paths, "admin", "providers", "retire", "Nowhere House")
    assert missing.returncode == 2 and "No placement called 'Nowhere House'" in missing.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("custody", "show", "CUS-000000-0000-000"),
        ("custody", "step", "cus-000000-0000-000", "arrest"),
    ],
)
def test_an_unknown_reference_is_named(
    on_shift: SignedIn, paths: DeskPaths, args: tuple[str, ...]
) -> None:
    result = _cli(paths, "sam", *args)
    assert result.returncode == 2
    said = "no custody case on this desk has the reference 'cus-000000-0000-000'."
    assert said in result.stderr.lower()


def test_a_case_opened_under_an_enquiry_uses_it(on_shift: SignedIn, paths: DeskPaths) -> None:
    from duty_desk.services.enquiries import create_enquiry

    enquiry = create_enquiry(
        on_shift, {"channel": "police", "child_name": NAME, "summary": "Custody asks for a bed"}
    ).enquiry
    reference = _open(paths, "--enquiry", enquiry.reference.lower())
    case = _case(on_shift, reference)
    assert case.enquiry_id == enquiry.id and case.enquiry_reference == enquiry.reference
