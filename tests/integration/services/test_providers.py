"""The placements directory through the services: the administrator adds, changes, retires
and restores entries; practitioners read the active ones; every refusal names the field."""

from __future__ import annotations

import pytest

from duty_desk.domain.custody_records import Provider
from duty_desk.domain.errors import Forbidden, NotFound, ValidationError
from duty_desk.services.providers import (
    add_provider,
    change_provider,
    providers,
    restore_provider,
    retire_provider,
)
from tests.support import events_of_type

OAK = {
    "name": "Oak House",
    "type": "childrens_home",
    "secure": False,
    "accepts_pace": True,
    "phone": "0113 496 0000",
    "notes": "Ring the manager after 22:00.",
}


def test_add_and_read_back(admin, on_shift) -> None:  # type: ignore[no-untyped-def]
    oak = add_provider(admin, OAK | {"name": "  Oak House  "})
    assert oak == Provider(id=oak.id, active=True, **OAK)
    ash = add_provider(admin, {"name": "Ash Lodge"})  # the rest defaults
    assert (ash.type, ash.secure, ash.accepts_pace, ash.phone, ash.notes) == (
        "other", False, False, "", ""
    )  # fmt: skip
    assert [p.name for p in providers(on_shift)] == ["Ash Lodge", "Oak House"]  # by name
    assert providers(admin) == providers(on_shift)  # the keeper reads it too


def test_change_keeps_what_is_not_given(admin, paths) -> None:  # type: ignore[no-untyped-def]
    oak = add_provider(admin, OAK)
    changed = change_provider(admin, oak.id, {"phone": "0113 496 1111", "secure": True})
    expected = OAK | {"phone": "0113 496 1111", "secure": True}
    assert changed == Provider(id=oak.id, active=True, **expected)
    assert change_provider(admin, oak.id, {"phone": "0113 496 1111"}) == changed  # no change
    [event] = events_of_type(paths.database, admin.desk.db_key, "provider.changed")
    assert event["payload"] == {"provider": {"phone": "0113 496 1111", "secure": True}}
    with pytest.raises(NotFound, match="not in the directory"):
        change_provider(admin, "no-such-placement", {"phone": "1"})


def test_retired_entries_are_hidden_but_kept(admin, on_shift, paths) -> None:  # type: ignore[no-untyped-def]
    oak = add_provider(admin, OAK)
    ash = add_provider(admin, {"name": "Ash Lodge", "type": "foster"})
    retired = retire_provider(admin, oak.id)
    assert not retired.active and retired.name == "Oak House"
    assert providers(on_shift) == [ash]
    assert providers(admin, include_retired=True) == [ash, retired]
    assert retire_provider(admin, oak.id) == retired  # already retired: nothing recorded
    changes = events_of_type(paths.database, admin.desk.db_key, "provider.changed")
    assert [e["payload"] for e in changes] == [{"provider": {"active": False}}]
    restored = restore_provider(admin, oak.id)
    assert restored.active and providers(on_shift) == [ash, restored]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Give the placement's name."),
        ({"name": "   "}, "name", "Give the placement's name."),
        ({"name": "Oak\nHouse"}, "name", "The name contains a control character"),
        ({"name": "x" * 201}, "name", "The name is 201 characters long"),
        ({"type": "castle"}, "type", "Choose the type of placement: one of Foster care,"),
        ({"type": ["foster"]}, "type", "Choose the type of placement"),
        ({"secure": "yes"}, "secure", "“Secure” must be yes or no."),
        ({"accepts_pace": None}, "accepts_pace", "“Takes PACE transfers” must be yes or no."),
        ({"phone": "0113\t4960000"}, "phone", "The phone number contains a control character"),
        ({"notes": "x" * 2001}, "notes", "The notes are longer than 2,000 characters."),
        ({"colour": "red", "website": "x"}, "colour", "Not part of a placement: colour, website."),
    ],
)
def test_refusals_name_the_field(admin, paths, fields, field, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        add_provider(admin, OAK | fields)
    assert refused.value.field == field and str(refused.value).startswith(message)
    oak = add_provider(admin, OAK)
    with pytest.raises(ValidationError) as refused:
        change_provider(admin, oak.id, fields)
    assert refused.value.field == field
    assert events_of_type(paths.database, admin.desk.db_key, "provider.changed") == []


def test_only_the_administrator_keeps_the_directory(admin, on_shift, approvers, paths) -> None:  # type: ignore[no-untyped-def]
    oak = add_provider(admin, OAK)
    for session in (on_shift, approvers["morgan"]):
        with pytest.raises(Forbidden, match="may not change the placements directory"):
            add_provider(session, OAK)
        with pytest.raises(Forbidden):
            change_provider(session, oak.id, {"phone": "1"})
        with pytest.raises(Forbidden):
            retire_provider(session, oak.id)
        with pytest.raises(Forbidden):
            restore_provider(session, oak.id)
        with pytest.raises(Forbidden):
            providers(session, include_retired=True)
    assert len(events_of_type(paths.database, admin.desk.db_key, "provider.added")) == 1
    assert events_of_type(paths.database, admin.desk.db_key, "provider.changed") == []
    denied = events_of_type(paths.database, admin.desk.db_key, "access.denied")
    assert {e["payload"]["action"] for e in denied} == {"manage_providers"}
    assert providers(on_shift) == [oak]
