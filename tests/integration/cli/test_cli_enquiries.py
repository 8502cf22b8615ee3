"""``duty-desk shift ...`` and ``duty-desk enquiries ...``: the real command, as a process."""

from __future__ import annotations

import re
from datetime import timedelta
from subprocess import CompletedProcess

from duty_desk.domain.clock import show_local
from duty_desk.domain.records import Contact
from duty_desk.services.context import SignedIn
from duty_desk.services.enquiries import create_enquiry, save_enquiry
from duty_desk.services.paths import DeskPaths
from duty_desk.services.shifts import current_shift, end_shift
from tests.conftest import ADMIN_PASSWORD, PASSWORD, FakeClock
from tests.support import events_of_type, run_cli

SAM = {"DUTY_DESK_PASSWORD": PASSWORD, "DUTY_DESK_USER": "sam"}
QUICK = {
    "channel": "police",
    "caller_name": "PC Jones",
    "child_name": "Siân Llŷr",
    "child_dob": "2014-03-02",
    "concerns": ["domestic_abuse", "neglect"],
    "summary": "Police at the house after a neighbour heard shouting",
}
MARKING = "[OFFICIAL-SENSITIVE]"
START = (
    *("shift", "start", "--on-duty", "Sam Worker", "--on-duty", "Kim Colleague"),
    *("--senior", "Priya Senior", "--senior-phone", "07700 900123"),
    *("--manager", "Morgan Manager", "--manager-phone", "07700 900456"),
)


def _cli(paths: DeskPaths, *args: str, env: dict[str, str] | None = None) -> CompletedProcess[str]:
    return run_cli("--data-dir", str(paths.root), *args, env=env or SAM)


def test_start_show_and_end_a_shift(worker: SignedIn, paths: DeskPaths) -> None:
    assert _cli(paths, "shift", "show").stdout == "No shift is running on this desk.\n"
    started = _cli(paths, *START)
    assert started.returncode == 0, started.stderr
    shift = current_shift(worker)
    assert shift is not None
    assert shift.on_duty == ("Sam Worker", "Kim Colleague")
    assert shift.manager == Contact("Morgan Manager", "07700 900456")
    shown = _cli(paths, "shift", "show")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == (
        f"Started:    {show_local(shift.started_at)}\n"
        "On duty:    Sam Worker, Kim Colleague\n"
        "Senior:     Priya Senior, 07700 900123\n"
        "Manager:    Morgan Manager, 07700 900456\n"
        "Enquiries:  0\n"
    )
    again = _cli(paths, *START)
    assert again.returncode == 2
    assert "A shift is already running on this desk" in again.stderr
    ended = _cli(paths, "shift", "end")
    assert ended.returncode == 0, ended.stderr
    assert ended.stdout.startswith("Shift ended at ")
    assert current_shift(worker) is None
    nothing = _cli(paths, "shift", "end")
    assert (nothing.returncode, nothing.stderr) == (
        2,
        "duty-desk: No shift is running on this desk.\n",
    )


def test_a_shift_needs_the_on_call_phones(worker: SignedIn, paths: DeskPaths) -> None:
    missing = _cli(paths, *START[:-2])
    assert missing.returncode == 2 and "--manager-phone" in missing.stderr  # argparse: required
    blank = _cli(paths, *START[:-1], " ")
    assert blank.returncode == 2
    assert blank.stderr == ("duty-desk: Give the on-call manager's name and how to reach them.\n")
    assert current_shift(worker) is None


def test_list_the_shift_search_and_everything(
    on_shift: SignedIn, paths: DeskPaths, clock: FakeClock
) -> None:
    earlier = QUICK | {
        "child_name": "Łukasz Wójcik",
        "received_at": clock.now - timedelta(hours=3),
    }
    before = create_enquiry(on_shift, earlier).enquiry  # before the shift: in no shift
    first = create_enquiry(on_shift, QUICK).enquiry
    clock.advance(minutes=40)
    second = create_enquiry(on_shift, QUICK | {"child_name": "Ngọc  Ánh\u2028Tran"}).enquiry
    listed = _cli(paths, "enquiries", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == lines[-1] == MARKING
    assert re.match(r"RECEIVED +REFERENCE +CHILD +STATUS +DECISION$", lines[1])
    assert lines[2].split() == [
        *show_local(second.received_at).split(),
        second.reference,
        "Ngọc",
        "Ánh",
        "Tran",
        "Draft",
    ]  # newest first; the line separator inside the name does not break the table
    assert lines[3].startswith(f"{show_local(first.received_at)}  {first.reference}")
    assert "Siân Llŷr" in lines[3]
    assert lines[4] == "2 enquiries."
    found = _cli(paths, "enquiries", "list", "--search", "sian")
    assert [first.reference] == re.findall(r"EDT-\S+", found.stdout)
    everything = _cli(paths, "enquiries", "list", "--all")
    references = re.findall(r"EDT-\S+", everything.stdout)
    assert references == [second.reference, first.reference, before.reference]
    assert "3 enquiries." in everything.stdout
    everyone = _cli(paths, "enquiries", "list", "--all", "--search", "Wójcik")
    assert re.findall(r"EDT-\S+", everyone.stdout) == [before.reference]


def test_listing_with_no_shift_running_says_what_to_do(
    on_shift: SignedIn, paths: DeskPaths
) -> None:
    shift = current_shift(on_shift)
    assert shift is not None
    end_shift(on_shift, shift.id)
    result = _cli(paths, "enquiries", "list")
    assert (result.returncode, result.stderr) == (
        2,
        "duty-desk: No shift is running on this desk: add --all to list them all.\n",
    )


def test_show_prints_each_section_with_labels_and_records_the_view(
    on_shift: SignedIn, paths: DeskPaths
) -> None:
    fields = QUICK | {
        "caller_anonymous": False,
        "narrative": "Neighbour heard shouting.\nPolice attended at 23:00.",
        "other_children": [{"name": "Rhys Llŷr", "dob": "2019-05-01", "notes": "asleep"}],
        "decision_type": "welfare_visit",
    }
    enquiry = create_enquiry(on_shift, fields).enquiry
    shown = _cli(paths, "enquiries", "show", enquiry.reference.lower())
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"{MARKING}\n{enquiry.reference}  Draft, version 1\n")
    assert shown.stdout.endswith(f"\n\n{MARKING}\n")
    text = shown.stdout
    for line in (
        "\nQuick capture\n",
        f"  Received at: {show_local(enquiry.received_at)}\n",
        "  Channel: Police\n",
        "  Date of birth: 02/03/2014\n",
        "  Concerns: Neglect, Domestic abuse\n",
        "\nCaller\n",
        "  Caller wishes to stay anonymous: No\n",
        "\nChild and household\n",
        "  Further children: Rhys Llŷr, born 01/05/2019 (asleep)\n",
        "  Narrative: Neighbour heard shouting.\n    Police attended at 23:00.\n",
        "\nDecision\n  Decision: Welfare or home visit\n",
    ):
        assert line in text, line
    assert "The child's voice" not in text  # sections with nothing in them are left out
    viewed = events_of_type(paths.database, on_shift.desk.db_key, "enquiry.viewed")
    assert [e["actor_id"] for e in viewed] == [on_shift.person.id]


def test_history_lists_every_change(on_shift: SignedIn, paths: DeskPaths, clock: FakeClock) -> None:
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    clock.advance(minutes=5)
    changed = QUICK | {"summary": "Mother's partner left"}
    save_enquiry(on_shift, enquiry.id, changed, enquiry.updated_at)
    result = _cli(paths, "enquiries", "history", enquiry.reference)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == lines[-1] == MARKING
    created = show_local(enquiry.received_at)
    assert f"{created}  v1  Sam Worker: Created Child's name: (empty) → Siân Llŷr" in lines
    assert (
        f"{show_local(clock.now)}  v1  Sam Worker: Saved What happened (one line): "
        "Police at the house after a neighbour heard shouting → Mother's partner left"
    ) in lines
    assert f"{show_local(clock.now)}  v1  Sam Worker: Opened" not in lines  # history is no view


def test_unknown_reference_and_refusals_are_plain_messages(
    on_shift: SignedIn, people: dict[object, str], paths: DeskPaths
) -> None:
    create_enquiry(on_shift, QUICK)
    missing = _cli(paths, "enquiries", "show", "EDT-000000-XXXX-001")
    assert (missing.returncode, missing.stderr) == (
        2,
        "duty-desk: No enquiry on this desk has the reference 'EDT-000000-XXXX-001'.\n",
    )
    day_team = {"DUTY_DESK_PASSWORD": PASSWORD, "DUTY_DESK_USER": "dayteam"}
    assert _cli(paths, "enquiries", "list", env=day_team).returncode == 0  # may read
    refused = _cli(paths, "shift", "end", env=day_team)
    assert (refused.returncode, refused.stderr) == (
        2,
        "duty-desk: A day team may not start or end a duty shift.\n",
    )
    admin = {"DUTY_DESK_PASSWORD": ADMIN_PASSWORD, "DUTY_DESK_USER": "admin"}
    shut_out = _cli(paths, "enquiries", "list", "--all", env=admin)
    assert shut_out.returncode == 2
    assert shut_out.stderr.endswith("may not read children's records.\n")
    assert "Traceback" not in missing.stderr + refused.stderr + shut_out.stderr
