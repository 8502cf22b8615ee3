"""An enquiry's decision record and a custody case's log: content and official form."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from duty_desk.domain.enquiry_fields import TEXT_MAX
from duty_desk.domain.errors import ValidationError
from duty_desk.services import custody, enquiries, reports
from duty_desk.services.context import SignedIn
from tests.integration.reports.pdf import assert_locked, assert_official
from tests.support import events_of_type

QUICK = {"channel": "police", "child_name": "Siân Llŷr", "child_dob": "2014-03-02",
         "concerns": ["neglect"], "summary": "Police at the house after shouting"}  # fmt: skip
CASE = {"custody_suite": "Marlbridge custody suite", "yp_name": "Łukasz Wójcik",
        "age_at_charge": 15}  # fmt: skip


def test_the_decision_record_has_every_field_and_its_history(
    on_shift: SignedIn, tmp_path: Path
) -> None:
    saved = enquiries.create_enquiry(on_shift, QUICK).enquiry
    changed = QUICK | {"narrative": "First line.\nSecond line about Łukasz Wójcik."}
    enquiries.save_enquiry(on_shift, saved.id, changed, saved.updated_at)
    printed = reports.decision_record(on_shift, saved.id, tmp_path / "record.pdf")
    pages = assert_official(printed.path)
    text = "\f".join(pages)
    assert f"Decision record {saved.reference}" in text
    for said in ("Siân Llŷr", "02/03/2014", "Neglect", "Second line about Łukasz Wójcik",
                 "History: every version and sign-off", "Created", "Sam Worker"):  # fmt: skip
        assert said in text, said
    assert text.index("Quick capture") < text.index("History: every version")
    events = events_of_type(on_shift.desk.paths.database, on_shift.desk.db_key, "report.printed")
    assert events[-1]["payload"]["document"] == "decision_record"
    assert events[-1]["payload"]["enquiry_id"] == saved.id
    assert "Siân" not in str(events)


def test_a_long_history_repeats_its_header_and_can_be_locked(
    on_shift: SignedIn, tmp_path: Path
) -> None:
    saved = enquiries.create_enquiry(on_shift, QUICK).enquiry
    current = saved
    for n in range(60):
        current = enquiries.save_enquiry(
            on_shift, saved.id, QUICK | {"summary": f"Update {n} from the police"},
            current.updated_at,
        ).enquiry  # fmt: skip
    printed = reports.decision_record(on_shift, saved.id, tmp_path / "r.pdf",
                                      password="record-pass-1")  # fmt: skip
    assert_locked(printed.path, "record-pass-1")
    pages = assert_official(printed.path, "record-pass-1")
    history = pages[next(n for n, p in enumerate(pages) if "History: every" in p) :]
    assert len(history) >= 2
    assert all("When" in p and "Before" in p and "After" in p for p in history)
    with pytest.raises(ValidationError, match="already a file"):
        reports.decision_record(on_shift, saved.id, printed.path)


def test_the_custody_log_has_timeline_clocks_and_certificate(
    on_shift: SignedIn, tmp_path: Path
) -> None:
    case = custody.open_case(on_shift, CASE)
    now = on_shift.desk.clock()
    step = {"kind": "charge", "at": now}
    case = custody.add_step(on_shift, case.id, step, case.updated_at)
    printed = reports.custody_log(on_shift, case.id, tmp_path / "log.pdf")
    text = "\f".join(assert_official(printed.path))
    for said in (f"Custody log {case.reference}", "Łukasz Wójcik", "Marlbridge custody suite",
                 "Timeline (UK time)", "Charged", "Time in custody since charge",
                 "The custody officer's certificate", "No certificate is recorded."):  # fmt: skip
        assert said in text, said
    events = events_of_type(on_shift.desk.paths.database, on_shift.desk.db_key, "report.printed")
    assert events[-1]["payload"] == {"document": "custody_log", "pages": printed.pages,
                                     "encrypted": False, "case_id": case.id, "steps": 1,
                                     "open": True}  # fmt: skip


def test_the_longest_narrative_prints_whole_in_the_fields_and_the_history(
    on_shift: SignedIn, tmp_path: Path
) -> None:
    words = [f"n{n}" for n in range(3300)]  # 20,000 characters or just under: the most kept
    narrative = " ".join(words)
    assert len(narrative) <= TEXT_MAX
    saved = enquiries.create_enquiry(on_shift, QUICK).enquiry
    enquiries.save_enquiry(on_shift, saved.id, QUICK | {"narrative": narrative}, saved.updated_at)
    printed = reports.decision_record(on_shift, saved.id, tmp_path / "long.pdf")
    said = "\n".join(assert_official(printed.path))
    counted = Counter(said.split())
    # Once among the fields and once as the history's "after": nothing cut off with "…".
    assert [word for word in words if counted[word] != 2] == []
    assert "…" not in said
