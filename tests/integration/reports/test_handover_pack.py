"""The morning handover pack: what the demo night's pack lists, in what order, what it
flags (golden), and the PDF's official form (qpdf, fonts, marking, password, audit)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from duty_desk.domain.errors import Forbidden, ValidationError
from duty_desk.domain.handover_pack import Attention, Pack
from duty_desk.services import handover, reports
from duty_desk.services.context import SignedIn
from duty_desk.services.demo import DEMO_PASSWORD, build_demo
from duty_desk.services.desk import remove_desk, sign_in, sign_out
from duty_desk.services.enquiries import create_enquiry, history
from duty_desk.services.enquiry_lists import find_by_reference
from duty_desk.services.paths import DeskPaths
from tests.conftest import FakeClock
from tests.integration.reports.pdf import assert_locked, assert_official
from tests.support import events_of_type

MORNING = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # the demo night is 21-22/11/2026
A, V, U = Attention.AWAITING, Attention.VERBAL, Attention.UNSIGNED
# (team, child, kind, attention, child's views missing): the pack's order, golden.
UNASSIGNED = "Unassigned — day duty"
GOLDEN = [
    ("Adolescent Support Team", "Siân Llŷr", "enquiry", None, False),
    ("Children in Care Team", "Oisín Kelly", "enquiry", None, False),
    ("Children in Care Team", "Oisín Kelly", "enquiry", None, False),
    ("Children in Care Team", "Amara Okonkwo", "enquiry", None, False),
    ("Front Door (MASH)", "Jayden Clarke", "enquiry", None, False),
    ("Marlbridge Assessment Team", "Ngọc Ánh Trần", "enquiry", A, True),
    ("UASC and Care Leavers Team", "Dawit Tesfaye", "enquiry", None, False),
    ("Wrenfield Family Support", "Aaliyah Begum", "enquiry", V, False),
    ("Youth Justice Service", "Łukasz Wójcik", "enquiry", None, False),
    (UNASSIGNED, "Ruby Ashworth", "enquiry", None, False),
    (UNASSIGNED, "Chiamaka Eze", "enquiry", U, True),
    (UNASSIGNED, "Łukasz Wójcik", "custody", None, False),
    (UNASSIGNED, "Zara Hussain", "enquiry", V, False),
    (UNASSIGNED, "Zara Hussain", "custody", None, False),
    (UNASSIGNED, "Jayden Clarke", "custody", None, False),
    (UNASSIGNED, "Ellie-Mae Turner", "enquiry", U, False),
    (UNASSIGNED, "Destiny Campbell", "enquiry", U, False),
    (UNASSIGNED, "Destiny Campbell", "custody", None, False),
    (UNASSIGNED, "Mason Doyle", "enquiry", U, False),
    (UNASSIGNED, "Reece Hamilton", "enquiry", U, False),
    (UNASSIGNED, "Tyler Brooks", "enquiry", U, True),
    (UNASSIGNED, "Tyler Brooks", "custody", None, False),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskPaths]:
    """The demo desk at 08:30 the morning after its night, the night handed over."""
    paths = DeskPaths(tmp_path_factory.mktemp("pack") / "desk")
    build_demo(paths, FakeClock(MORNING))
    sam = sign_in(paths, "sam", DEMO_PASSWORD, FakeClock(MORNING))
    try:
        handover.submit_night(sam)
    finally:
        sign_out(sam)
    yield paths
    remove_desk(paths)


@pytest.fixture
def day(demo: DeskPaths) -> Iterator[SignedIn]:
    session = sign_in(demo, "dayteam", DEMO_PASSWORD, FakeClock(MORNING))
    yield session
    sign_out(session)


@pytest.fixture
def pack(day: SignedIn) -> Pack:
    return reports.pack_contents(day)


def test_the_pack_lists_every_item_by_team_in_the_order_the_calls_came(pack: Pack) -> None:
    listed = [(i.team, i.child, i.kind.value, i.attention, i.voice_missing) for i in pack.items]
    assert listed == GOLDEN
    assert [s.team for s in pack.sections][-1] == UNASSIGNED
    assert all(a.received_at <= b.received_at for s in pack.sections
               for a, b in zip(s.items, s.items[1:], strict=False))  # fmt: skip


def test_the_cover_counts_the_night(pack: Pack) -> None:
    counts = pack.counts
    assert (counts.items, counts.awaiting, counts.verbal, counts.unsigned) == (22, 1, 2, 6)
    assert (counts.voice_missing, counts.open_custody, counts.not_acknowledged) == (3, 2, 22)
    assert dict(counts.by_decision)["Missing child actions"] == 2
    assert counts.by_decision[-1] == ("No decision yet", 6)
    assert sum(n for _, n in counts.by_decision) == 17  # the enquiries; custody cases apart
    assert [s.on_duty for s in pack.shifts] == ["Sam Okafor", "Sam Okafor"]
    assert pack.shifts[-1].ended_at is None


def test_what_needs_attention_is_flagged_with_the_reason(pack: Pack) -> None:
    flagged = {i.child: i for i in pack.attention}
    assert [i.child for i in pack.attention] == [
        "Ngọc Ánh Trần", "Aaliyah Begum", "Chiamaka Eze", "Zara Hussain", "Ellie-Mae Turner",
        "Destiny Campbell", "Mason Doyle", "Reece Hamilton", "Tyler Brooks",
    ]  # fmt: skip
    assert (
        flagged["Aaliyah Begum"]
        .warnings[0]
        .startswith("Verbal sign-off by Priya Shah awaiting confirmation (due ")
    )
    assert flagged["Ngọc Ánh Trần"].warnings[0].startswith("Awaiting sign-off by a senior")
    assert flagged["Ngọc Ánh Trần"].voice.startswith("Child's views not recorded. ")
    assert len(flagged["Ngọc Ánh Trần"].voice) > len("Child's views not recorded. ") + 10
    siân = next(i for i in pack.items if i.child == "Siân Llŷr")
    assert siân.voice.startswith("“") and not siân.flagged
    assert siân.age.startswith("16 (born ")


def test_open_custody_cases_show_their_clocks(pack: Pack) -> None:
    assert [(c.person, c.status) for c in pack.custody] == [
        ("Destiny Campbell (13)", "Answered; no placement yet"),
        ("Tyler Brooks (16)", "Request unanswered for 1 d 0 h 40 min"),
    ]
    assert pack.custody[1].in_custody == "1 d 1 h 10 min"
    assert all(c.flagged for c in pack.custody)


def test_one_teams_pack_holds_only_that_team(day: SignedIn) -> None:
    found = reports.pack_contents(day, "  Children in Care Team ")
    assert found.team == "Children in Care Team"
    assert [i.child for i in found.items] == ["Oisín Kelly", "Oisín Kelly", "Amara Okonkwo"]
    assert [s.team for s in found.sections] == ["Children in Care Team"]


def test_the_pdf_prints_the_pack_in_the_same_order(day: SignedIn, pack: Pack,
                                                   tmp_path: Path) -> None:  # fmt: skip
    printed = reports.handover_pack(day, tmp_path / "pack.pdf")
    pages = assert_official(printed.path)
    assert printed.pages == len(pages) and not printed.encrypted
    cover = pages[0]
    assert "Needs attention first" in cover and "Verbal sign-off awaiting confirmation" in cover
    body = "\f".join(pages[1:])
    where = 0
    for item in pack.items:  # each item's block, after the cover, in the pack's order
        heading = f"{item.reference} · {item.child}"
        found = body.find(heading, where)
        assert found >= 0, heading
        where = found
    text = "\f".join(pages)
    for name in ("Siân Llŷr", "Łukasz Wójcik", "Ngọc Ánh Trần", "Oisín Kelly"):
        assert name in text
    tail = "\f".join(pages[-2:])
    assert "Young people still in police custody" in text and "Not yet acknowledged" in tail
    assert text.count("ATTENTION: Verbal sign-off by") == 2


def test_the_pack_is_audited_without_names(day: SignedIn, tmp_path: Path) -> None:
    printed = reports.handover_pack(day, tmp_path / "Siân Llŷr pack.pdf")
    events = events_of_type(day.desk.paths.database, day.desk.db_key, "report.printed")
    payload = events[-1]["payload"]
    assert events[-1]["actor_id"] == day.person.id
    assert payload == {"document": "handover_pack", "pages": printed.pages, "encrypted": False,
                       "items": 22, "flagged": 9, "custody_open": 2, "one_team": False}  # fmt: skip
    assert "Siân" not in str(events) and "pack.pdf" not in str(events)


def test_an_encrypted_pack_opens_only_with_its_password(day: SignedIn, tmp_path: Path) -> None:
    printed = reports.handover_pack(day, tmp_path / "pack.pdf", password="morning-tea-09")
    assert printed.encrypted
    assert_locked(printed.path, "morning-tea-09")
    assert "Siân Llŷr" in "".join(assert_official(printed.path, "morning-tea-09"))
    assert b"Llyr" not in printed.path.read_bytes()


def test_an_existing_file_is_refused_unless_replacing(day: SignedIn, tmp_path: Path) -> None:
    target = tmp_path / "pack.pdf"
    target.write_bytes(b"someone else's file")
    with pytest.raises(ValidationError, match=r"already a file called pack\.pdf"):
        reports.handover_pack(day, target)
    assert target.read_bytes() == b"someone else's file"
    with pytest.raises(ValidationError, match="at least 8"):
        reports.handover_pack(day, tmp_path / "other.pdf", password="short")
    assert not (tmp_path / "other.pdf").exists()
    reports.handover_pack(day, target, overwrite=True)
    assert target.read_bytes().startswith(b"%PDF")


def test_the_duty_worker_may_not_print_the_pack(demo: DeskPaths, tmp_path: Path) -> None:
    sam = sign_in(demo, "sam", DEMO_PASSWORD, FakeClock(MORNING))
    try:
        with pytest.raises(Forbidden):
            reports.handover_pack(sam, tmp_path / "pack.pdf")
    finally:
        sign_out(sam)
    assert not (tmp_path / "pack.pdf").exists()


def test_a_300_item_pack_repeats_its_table_header_on_every_page(
    on_shift: SignedIn, paths: DeskPaths, clock: FakeClock, tmp_path: Path
) -> None:
    from duty_desk.domain.roles import Role
    from duty_desk.services.people import add_person
    from tests.conftest import PASSWORD

    for n in range(300):
        create_enquiry(on_shift, {"channel": "phone", "child_name": f"Łukasz Wójcik {n:03d}",
                                  "concerns": ["neglect"], "summary": "Left alone"})  # fmt: skip
    handover.submit_night(on_shift)
    admin = sign_in(paths, "admin", "correct horse battery", clock)
    add_person(admin, "dana", "Dana Day", Role.DAY_TEAM, PASSWORD, must_change_password=False)
    sign_out(admin)
    dana = sign_in(paths, "dana", PASSWORD, clock)
    try:
        printed = reports.handover_pack(dana, tmp_path / "big.pdf")
    finally:
        sign_out(dana)
    pages = assert_official(printed.path)
    assert len(pages) > 40
    items = next(n for n, p in enumerate(pages) if "(300 items)" in p)
    cover = pages[:items]  # "Needs attention first" and "Every item at a glance": 300 rows each
    assert len(cover) >= 10
    for page in cover[1:]:
        assert "Reference" in page and "Łukasz Wójcik" in page
        assert ("Why" in page) or ("Received" in page and "Sign-off" in page)
    waiting = [p for p in pages if "Where it stands" in p]
    assert len(waiting) >= 5  # "Not yet acknowledged": 300 rows, its header on every page
    assert "Wójcik 299" in waiting[-1]


def test_a_handed_over_records_history_says_so_in_words(day: SignedIn, pack: Pack,
                                                        tmp_path: Path) -> None:  # fmt: skip
    reference = next(i.reference for i in pack.items if i.reference.startswith("EDT-"))
    enquiry_id = find_by_reference(day, reference)
    said = [line.what for line in history(day, enquiry_id)]
    assert "Handed over to the day team" in said
    assert not [what for what in said if "." in what.split(" ")[0]]  # no "handover.submitted"
    printed = reports.decision_record(day, enquiry_id, tmp_path / "record.pdf")
    text = "\n".join(assert_official(printed.path))
    assert "Handed over to the day team" in text and "handover.submitted" not in text
