"""A pulled page is folded as a batch: the same tables, search index included, as folding
its events one at a time, whatever the page boundaries."""

from __future__ import annotations

import pytest

from duty_desk.services.enquiries import create_enquiry, decide, save_enquiry
from duty_desk.services.enquiry_lists import ListQuery, list_enquiries, previous_contacts
from duty_desk.sync.server import DayService
from tests.integration.sync.desks import add_worker, laptop, projection_dump, replayed_one_by_one

QUICK = {
    "channel": "police",
    "caller_name": "PC Jones",
    "child_name": "Kai Brennan",
    "child_dob": "2012-05-01",
    "concerns": ["domestic_abuse"],
    "summary": "Police at the house after a neighbour heard shouting",
}
TOWNS = ("Ashford", "Bexley", "Crayford")
DECIDED = {
    "risk_rating": "low",
    "can_wait": True,
    "can_wait_reason": "Safe at grandmother's tonight",
    "decision_type": "pass_to_day_screening",
    "rationale": "Grandmother there; day team to follow up",
    "child_words": "I want to stay at Nan's.",
}


@pytest.fixture
def service(day_service_url):  # type: ignore[no-untyped-def]
    DayService.init(day_service_url)
    opened = DayService.connect(day_service_url)
    yield opened
    opened.close()


@pytest.mark.parametrize("page", [1, 4, 500])
def test_a_night_pulled_in_any_pages_folds_as_one_event_at_a_time(
    service, tmp_path, clock, page: int
) -> None:
    north, south = laptop(tmp_path, "north", clock), laptop(tmp_path, "south", clock)
    try:
        add_worker(north, "sam")
        sam = north.sign_in("sam", clock)
        for n in range(3):
            made = create_enquiry(sam, QUICK | {"child_name": f"Kai Brennan{n}"}).enquiry
            clock.advance(minutes=5)
            # The name is corrected, a second child named, the narrative written: each
            # change reindexes what it touches.
            fields = QUICK | {"child_name": f"Kai Brennan-Okafor{n}", "narrative": f"In {TOWNS[n]}"}
            fields["other_children"] = [{"name": f"Mia Okafor{n}", "dob": "2016-02-03"}]
            saved = save_enquiry(sam, made.id, fields, made.updated_at).enquiry
            clock.advance(minutes=5)
            if n != 1:
                decide(sam, made.id, fields | DECIDED, saved.updated_at)
            clock.advance(minutes=5)
        north.sync(service)
        report = south.sync(service, batch=page)
        assert report.pulled > 10

        assert projection_dump(south) == replayed_one_by_one(south)
        north.sync(service)  # north takes in south's own first events (its desk, its admin)
        assert projection_dump(south) == projection_dump(north)
        # As the day team would look: the corrected names are found, the first ones not.
        add_worker(south, "dee")
        dee = south.sign_in("dee", clock)
        found = list_enquiries(dee, ListQuery(text="Okafor1")).rows
        assert [row.child_name for row in found] == ["Kai Brennan-Okafor1"]
        assert list_enquiries(dee, ListQuery(text="Crayford")).total == 1
        assert list_enquiries(dee, ListQuery(text="Brennan0")).total == 0
        assert len(previous_contacts(dee, "Mia Okafor2", "2016-02-03")) == 1
        assert previous_contacts(dee, "Kai Brennan0", "2012-05-01") == []
    finally:
        north.close()
        south.close()
