"""The local purge on a real encrypted desk: after the day team's acknowledgement and the
retention period, nothing of the child is left anywhere in the file, a stub is, and the
audit chain still verifies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from duty_desk.domain.errors import Forbidden, NotFound
from duty_desk.domain.events import SYSTEM, NewEvent
from duty_desk.domain.roles import Role
from duty_desk.services import custody, drafts, enquiries, handover
from duty_desk.services.audit import check_store, rebuild_projections, verify_log
from duty_desk.services.context import Desk
from duty_desk.services.desk import sign_in
from duty_desk.services.enquiry_lists import ListQuery, list_enquiries
from duty_desk.services.purge import due_for_purge, purge_due, purge_now
from duty_desk.services.settings import Settings, save_settings
from duty_desk.store import sync_state
from duty_desk.store.guards import PURGED_PAYLOAD
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.support import raw_db, run_cli

CHILD = {
    "channel": "police",
    "caller_name": "PC Dana Okafor",
    "child_name": "Jayden Quillfeather",
    "child_dob": "2014-03-02",
    "child_address": "14 Larkspur Close, Marlbridge",
    "concerns": ["physical_abuse"],
    "summary": "Bruising seen by police at the house",
    "narrative": "Jayden told PC Okafor his stepfather hit him with a buckle.",
}
OTHER = {
    "channel": "phone",
    "child_name": "Amira Khan",
    "concerns": ["neglect"],
    "summary": "Left alone overnight",
}
CASE = {
    "custody_suite": "Marlbridge custody suite",
    "custody_number": "MB/55/1183",
    "yp_name": "Jayden Quillfeather",
    "age_at_charge": 12,
    "yp_views": "I want to go to my Nan's.",
}
# What must not survive anywhere in the file (lower case; blobs are searched too).
TRACES = ("jayden", "quillfeather", "2014-03-02", "larkspur", "stepfather", "mb/55/1183")


@pytest.fixture
def day_team(people, paths, clock):  # type: ignore[no-untyped-def]
    session = sign_in(paths, people[Role.DAY_TEAM], PASSWORD, clock)
    yield session
    session.desk.close()


@pytest.fixture
def night(on_shift, day_team, clock):  # type: ignore[no-untyped-def]
    """An enquiry about Jayden with a custody case and a draft, another about Amira; the
    night handed over at 23:40 and everything acknowledged by the day team at 09:30."""
    enquiry = enquiries.create_enquiry(on_shift, CHILD).enquiry
    case = custody.open_case(on_shift, CASE, enquiry_id=enquiry.id)
    drafts.autosave(on_shift, "form-1", CHILD | {"narrative": "Typing…"}, enquiry.id, 1)
    other = enquiries.create_enquiry(on_shift, OTHER).enquiry
    clock.advance(minutes=30)
    handover.submit_night(on_shift, only={enquiry.id, case.id})
    clock.advance(hours=9, minutes=50)  # Sunday 09:30
    for item_id in (enquiry.id, case.id):
        handover.acknowledge(day_team, item_id)
    _all_sent(on_shift.desk)
    return {"enquiry": enquiry, "case": case, "other": other, "acknowledged_at": clock.now}


def _all_sent(desk: Desk) -> None:
    """As a sync would leave it: the day service holds every event this desk made."""
    with desk.uow(SYSTEM) as uow:
        sync_state.set_meta(
            uow.session, "acked_seq", str(sync_state.own_head(uow.session, desk.device_id))
        )
        uow.commit()


def _text_in_file(desk: Desk) -> str:
    """Every value of every table (and index shadow table), text and blobs, lower case."""
    found: list[str] = []
    with raw_db(desk.paths.database, desk.db_key) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 (names from the file)
                for value in row:
                    if isinstance(value, bytes):
                        found.append(value.decode("latin-1"))
                    elif value is not None:
                        found.append(str(value))
    return "\n".join(found).lower()


def _search_terms(desk: Desk) -> bytes:
    """The full-text index's stored segments: trigrams such as "jay" stay in them after a
    row is deleted, until the index is merged."""
    with raw_db(desk.paths.database, desk.db_key) as db:
        rows = db.execute("SELECT block FROM enquiry_search_data").fetchall()
    return b"".join(row[0] for row in rows if row[0]).lower()


def _events(desk: Desk) -> list[tuple[Any, ...]]:
    with raw_db(desk.paths.database, desk.db_key) as db:
        return db.execute(
            "SELECT id, stream_id, type, payload FROM events ORDER BY position"
        ).fetchall()


def test_nothing_is_purged_before_the_retention_period_has_passed(night, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = night["acknowledged_at"] + timedelta(days=7) - timedelta(minutes=1)
    before = _events(on_shift.desk)
    report = purge_due(on_shift.desk)
    assert report.purged == () and report.held_back == ()
    assert due_for_purge(on_shift.desk) == []
    assert _events(on_shift.desk) == before
    assert "quillfeather" in _text_in_file(on_shift.desk)


def test_after_acknowledgement_and_retention_nothing_of_the_child_is_left(
    night, on_shift, admin, clock
) -> None:  # type: ignore[no-untyped-def]
    assert all(trace in _text_in_file(on_shift.desk) for trace in TRACES)
    assert b"jay" in _search_terms(on_shift.desk) and b"qui" in _search_terms(on_shift.desk)
    clock.now = night["acknowledged_at"] + timedelta(days=7)
    due = due_for_purge(on_shift.desk)
    assert [(d.reference, [m.kind for m in d.members]) for d in due] == [
        (night["enquiry"].reference, ["enquiry", "custody"])
    ]
    report = purge_due(on_shift.desk)
    assert [(p.kind, p.reference) for p in report.purged] == [
        ("enquiry", night["enquiry"].reference),
        ("custody", night["case"].reference),
    ]
    assert report.drafts_removed == 1
    text = _text_in_file(on_shift.desk)
    assert [trace for trace in TRACES if trace in text] == []
    assert b"jay" not in _search_terms(on_shift.desk)
    assert b"qui" not in _search_terms(on_shift.desk)
    assert "amira khan" in text  # the other child's record is untouched
    page = list_enquiries(on_shift, ListQuery(text="Amira"))
    assert [row.reference for row in page.rows] == [night["other"].reference]
    assert list_enquiries(on_shift, ListQuery(text="Quillfeather")).total == 0
    with pytest.raises(NotFound):
        enquiries.open_enquiry(on_shift, night["enquiry"].id)
    assert drafts.pending_drafts(on_shift) == []
    result = verify_log(admin)
    assert result.ok, result.describe()
    assert result.report.purged == sum(p.events for p in report.purged) > 5
    assert "blanked by the local purge" in result.describe()


def test_the_stub_keeps_the_reference_the_digest_and_the_receipt(
    night, on_shift, day_team, clock
) -> None:  # type: ignore[no-untyped-def]
    from duty_desk.domain.audit import events_digest

    with raw_db(on_shift.desk.paths.database, on_shift.desk.db_key) as db:
        hashes = dict(db.execute("SELECT id, hash FROM events").fetchall())
    clock.now = night["acknowledged_at"] + timedelta(days=8)
    purge_due(on_shift.desk)
    with raw_db(on_shift.desk.paths.database, on_shift.desk.db_key) as db:
        stubs = db.execute(
            "SELECT stream_id, stream_kind, reference, content_hash, receipt, event_count, "
            "purged_at FROM purge_stubs ORDER BY stream_kind DESC"
        ).fetchall()
        records = db.execute(
            "SELECT stream_id, payload, actor_id FROM events WHERE type = 'record.purged' "
            "ORDER BY position"
        ).fetchall()
    enquiry, case = night["enquiry"], night["case"]
    assert [s[:3] for s in stubs] == [
        (enquiry.id, "enquiry", enquiry.reference),
        (case.id, "custody", case.reference),
    ]
    for stub, (stream_id, payload, actor_id) in zip(stubs, records, strict=True):
        purged = json.loads(payload)
        assert stream_id == stub[0] and actor_id is None  # the system purged it
        assert (
            stub[3]
            == purged["events_digest"]
            == events_digest([hashes[i] for i in purged["event_ids"]])
        )
        assert stub[5] == len(purged["event_ids"])
        assert (
            json.loads(stub[4])
            == purged["receipt"]
            == {
                "reference": stub[2],  # each was handed over and acknowledged itself
                "acknowledged_by_name": day_team.person.display_name,
                "acknowledged_at": "2026-11-22T09:30:00.000000Z",
                "server_order": None,  # never pulled back from a day service here
            }
        )
        assert purged["retention_days"] == 7
        assert stub[6] == "2026-11-30T09:30:00.000000Z"
        assert [trace for trace in TRACES if trace in payload.lower()] == []


def test_purging_is_idempotent_and_a_rebuild_keeps_it_purged(night, on_shift, admin, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = night["acknowledged_at"] + timedelta(days=7, hours=1)
    assert len(purge_due(on_shift.desk).purged) == 2
    events = _events(on_shift.desk)
    again = purge_due(on_shift.desk)
    assert (again.purged, again.caught_up, again.late) == ((), 0, 0)
    assert _events(on_shift.desk) == events
    with raw_db(on_shift.desk.paths.database, on_shift.desk.db_key) as db:
        stubs = db.execute("SELECT * FROM purge_stubs ORDER BY stream_id").fetchall()
    rebuild_projections(admin)
    with raw_db(on_shift.desk.paths.database, on_shift.desk.db_key) as db:
        assert db.execute("SELECT * FROM purge_stubs ORDER BY stream_id").fetchall() == stubs
        assert db.execute("SELECT count(*) FROM custody_cases").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM handover_items").fetchone() == (0,)
        assert db.execute("SELECT reference FROM enquiries").fetchall() == [
            (night["other"].reference,)
        ]
    text = _text_in_file(on_shift.desk)
    assert [trace for trace in TRACES if trace in text] == []
    assert verify_log(admin).ok


def test_a_record_waits_for_everything_that_goes_with_it(on_shift, day_team, clock) -> None:  # type: ignore[no-untyped-def]
    enquiry = enquiries.create_enquiry(on_shift, CHILD).enquiry
    case = custody.open_case(on_shift, CASE, enquiry_id=enquiry.id)
    handover.submit_night(on_shift)
    handover.acknowledge(day_team, enquiry.id)  # the custody case is not acknowledged
    _all_sent(on_shift.desk)
    clock.advance(days=8)
    report = purge_due(on_shift.desk)
    assert report.purged == ()
    assert [(h.reference, h.reason) for h in report.held_back] == [
        (enquiry.reference, f"{case.reference} goes with it and is not acknowledged yet.")
    ]
    handover.acknowledge(day_team, case.id)
    clock.advance(days=6)
    assert "acknowledged too recently" in purge_due(on_shift.desk).held_back[0].reason
    _all_sent(on_shift.desk)
    clock.advance(days=2)
    assert len(purge_due(on_shift.desk).purged) == 2


def test_a_record_waits_until_the_day_service_has_all_of_it(night, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    enquiries.open_enquiry(on_shift, night["enquiry"].id)  # a view: an event not yet sent
    clock.now = night["acknowledged_at"] + timedelta(days=7)
    report = purge_due(on_shift.desk)
    assert report.purged == ()
    assert "has not reached the day service yet" in report.held_back[0].reason
    _all_sent(on_shift.desk)
    assert len(purge_due(on_shift.desk).purged) == 2


def test_a_record_changed_after_acknowledgement_is_not_purged(night, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    current = enquiries.open_enquiry(on_shift, night["enquiry"].id)
    clock.advance(hours=1)
    enquiries.save_enquiry(
        on_shift, current.id, CHILD | {"summary": "Police called back"}, current.updated_at
    )
    _all_sent(on_shift.desk)
    clock.now = night["acknowledged_at"] + timedelta(days=9)
    report = purge_due(on_shift.desk)
    assert report.purged == ()
    assert "was changed after the day team acknowledged it" in report.held_back[0].reason


def test_the_retention_period_comes_from_the_settings(night, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    save_settings(on_shift.desk.paths.settings, Settings(purge_after_days=1))
    clock.now = night["acknowledged_at"] + timedelta(hours=23)
    assert due_for_purge(on_shift.desk) == []
    clock.now = night["acknowledged_at"] + timedelta(days=1)
    assert len(due_for_purge(on_shift.desk)) == 1


def test_a_payload_blanked_without_a_purge_record_fails_verification(
    night, on_shift, admin
) -> None:  # type: ignore[no-untyped-def]
    desk = on_shift.desk
    with raw_db(desk.paths.database, desk.db_key) as db:
        event_id, seq = db.execute(
            "SELECT id, seq FROM events WHERE type = 'enquiry.created' AND stream_id = ?",
            (night["other"].id,),
        ).fetchone()
        db.execute("UPDATE events SET payload = ? WHERE id = ?", (PURGED_PAYLOAD, event_id))
    result = check_store(desk.store, desk.device_id)
    assert not result.ok
    assert result.report.problem is not None and result.report.problem.event_id == event_id
    assert result.describe() == (
        f"FAILED at event {event_id} (device {desk.device_id}, sequence {seq}): its contents "
        "were blanked without a purge record: history was changed"
    )


def test_a_purge_record_from_another_desk_is_finished_here(night, on_shift, admin, clock) -> None:  # type: ignore[no-untyped-def]
    """As if another laptop purged the record and its purge arrived by sync: the events it
    lists are blanked here too, and the chain verifies."""
    from duty_desk.domain.audit import events_digest

    desk = on_shift.desk
    stream = night["other"].id
    with raw_db(desk.paths.database, desk.db_key) as db:
        rows = db.execute(
            "SELECT id, hash FROM events WHERE stream_id = ? ORDER BY position", (stream,)
        ).fetchall()
    payload = {
        "reference": night["other"].reference,
        "event_ids": [r[0] for r in rows],
        "events_digest": events_digest([r[1] for r in rows]),
        "receipt": {"reference": night["other"].reference},
    }
    with desk.uow(SYSTEM) as uow:
        uow.record(NewEvent("enquiry", stream, "record.purged", payload))
        uow.commit()
    assert "amira" in _text_in_file(desk)  # the projection went; the events still hold it
    assert check_store(desk.store, desk.device_id).ok  # listed, not yet blanked: intact
    _all_sent(desk)
    report = purge_due(desk)
    assert report.caught_up == len(rows) and report.purged == ()
    assert "amira" not in _text_in_file(desk)
    assert verify_log(admin).ok


def test_an_event_arriving_after_the_purge_brings_nothing_back(
    night, on_shift, admin, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.now = night["acknowledged_at"] + timedelta(days=7)
    purge_due(on_shift.desk)
    before = _stub_count(on_shift.desk, night["enquiry"].id)
    late = {"changes": {"narrative": "Jayden rang again from Larkspur Close."}, "version": 1}
    with on_shift.desk.uow(on_shift.actor) as uow:  # as from a laptop that had not heard
        uow.record(NewEvent("enquiry", night["enquiry"].id, "enquiry.saved", late))
        uow.commit()
    with pytest.raises(NotFound):
        enquiries.open_enquiry(on_shift, night["enquiry"].id)
    rebuild_projections(admin)  # nor does a rebuild
    with pytest.raises(NotFound):
        enquiries.open_enquiry(on_shift, night["enquiry"].id)
    _all_sent(on_shift.desk)
    report = purge_due(on_shift.desk)
    assert report.late == 1
    assert "larkspur" not in _text_in_file(on_shift.desk)
    assert _stub_count(on_shift.desk, night["enquiry"].id) == before + 1
    assert verify_log(admin).ok


def _stub_count(desk: Desk, stream_id: str) -> int:
    with raw_db(desk.paths.database, desk.db_key) as db:
        row = db.execute("SELECT event_count FROM purge_stubs WHERE stream_id = ?", (stream_id,))
        return int(row.fetchone()[0])


def test_an_administrator_purges_now_from_the_command_line(
    on_shift, day_team, admin, clock, paths
) -> None:  # type: ignore[no-untyped-def]
    # The command line runs on the real clock: this night is long past whenever it runs.
    clock.now = datetime(2024, 1, 10, 23, 10, tzinfo=UTC)
    enquiry = enquiries.create_enquiry(on_shift, CHILD).enquiry
    handover.submit_night(on_shift)
    handover.acknowledge(day_team, enquiry.id)
    _all_sent(on_shift.desk)
    assert purge_now(admin, dry_run=True).purged == ()  # at 2024-01-10 it is not due yet
    with pytest.raises(Forbidden, match="A day team may not purge"):
        purge_now(day_team)
    env = {"DUTY_DESK_USER": "admin", "DUTY_DESK_PASSWORD": ADMIN_PASSWORD}
    dry = run_cli("--data-dir", str(paths.root), "purge", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert f"Would purge {enquiry.reference} (enquiry, 3 events)" in dry.stdout
    assert "quillfeather" in _text_in_file(on_shift.desk)
    done = run_cli("--data-dir", str(paths.root), "purge", env=env)
    assert done.returncode == 0, done.stderr
    assert f"Purged {enquiry.reference} (enquiry, 3 events)" in done.stdout
    assert "quillfeather" not in _text_in_file(on_shift.desk)
    with raw_db(paths.database, on_shift.desk.db_key) as db:
        actor = db.execute("SELECT actor_id FROM events WHERE type = 'record.purged'").fetchone()
    assert actor == (admin.person.id,)
    assert verify_log(admin).ok


def test_merging_the_search_index_carries_on_in_the_next_run(
    night, on_shift, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from duty_desk.services import purge

    clock.now = night["acknowledged_at"] + timedelta(days=7)
    monkeypatch.setattr(purge, "MERGE_BUDGET", 0.0)  # no time left for it this run
    assert len(purge_due(on_shift.desk).purged) == 2
    assert b"jay" in _search_terms(on_shift.desk)  # deleted, but still in a segment
    monkeypatch.setattr(purge, "MERGE_BUDGET", 2.0)
    again = purge_due(on_shift.desk)
    assert again.purged == ()
    assert b"jay" not in _search_terms(on_shift.desk)
