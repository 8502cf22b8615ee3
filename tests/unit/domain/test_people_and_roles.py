"""The rules for usernames, names and passwords, and what each role may do."""

from __future__ import annotations

import pytest

from duty_desk.domain.errors import ValidationError
from duty_desk.domain.people import check_display_name, check_new_password, normalise_username
from duty_desk.domain.roles import PERMISSIONS, Grade, Permission, Role, may


@pytest.mark.parametrize(
    ("text", "expected"), [(" Sam.Okafor ", "sam.okafor"), ("ab", "ab"), ("a" * 32, "a" * 32)]
)
def test_usernames_are_normalised(text: str, expected: str) -> None:
    assert normalise_username(text) == expected


@pytest.mark.parametrize("text", ["a", "1abc", "a" * 33, "sam okafor", "sam@x", ""])
def test_bad_usernames_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="A username is 2 to 32 characters") as caught:
        normalise_username(text)
    assert caught.value.field == "username"


def test_display_names() -> None:
    assert check_display_name("  Priya \t Shah ") == "Priya Shah"
    with pytest.raises(ValidationError, match="Enter the person's full name"):
        check_display_name(" \n ")
    with pytest.raises(ValidationError, match="at most 120 characters"):
        check_display_name("x" * 121)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short one", "at least 10 characters"),
        ("my name is sam ok", "must not contain the username"),
        ("abcabcabcabc", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused(password: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        check_new_password(password, "Sam")
    assert caught.value.field == "password"


def test_a_good_password_passes() -> None:
    check_new_password("night shift staple", "sam")


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("manager", Role.MANAGER),
        ("Duty social worker", Role.DUTY_SOCIAL_WORKER),
        ("senior-practitioner", Role.SENIOR_PRACTITIONER),
        (" DAY_TEAM ", Role.DAY_TEAM),
    ],
)
def test_roles_parse_from_values_and_labels(text: str, role: Role) -> None:
    assert Role.parse(text) is role


def test_unknown_role_lists_the_choices() -> None:
    with pytest.raises(
        ValueError, match=r"Unknown role 'boss'\. Choose one of: duty_social_worker"
    ):
        Role.parse("boss")


# What each role may do, written out by hand from the product rules (not read from
# PERMISSIONS): a wrong grant there must fail here.
_P = Permission
_PRACTICE = {
    _P.RECORD_ENQUIRIES,
    _P.VIEW_ENQUIRIES,
    _P.RUN_SHIFTS,
    _P.CHANGE_OWN_PASSWORD,
    _P.SYNC,
    _P.SUBMIT_HANDOVER,
    _P.RESOLVE_CONFLICTS,
}
_MANAGING = _PRACTICE | {
    _P.SIGN_OFF,
    _P.VIEW_PEOPLE,
    _P.VERIFY_AUDIT,
    _P.VIEW_FIGURES,
    _P.MANAGE_ALERTS,
}
EXPECTED_PERMISSIONS = {
    Role.DUTY_SOCIAL_WORKER: _PRACTICE,
    Role.SENIOR_PRACTITIONER: _PRACTICE | {_P.SIGN_OFF},
    Role.MANAGER: _MANAGING,
    Role.SENIOR_MANAGER: _MANAGING,
    Role.DAY_TEAM: {
        _P.VIEW_ENQUIRIES,
        _P.VIEW_FIGURES,
        _P.CHANGE_OWN_PASSWORD,
        _P.SYNC,
        _P.RECEIVE_HANDOVER,
        _P.MANAGE_ALERTS,
    },
    Role.ADMINISTRATOR: {
        _P.MANAGE_PEOPLE,
        _P.VIEW_PEOPLE,
        _P.VERIFY_AUDIT,
        _P.REBUILD_PROJECTIONS,
        _P.MANAGE_RULES,
        _P.MANAGE_PROVIDERS,
        _P.VIEW_FIGURES,
        _P.CHANGE_OWN_PASSWORD,
        _P.SYNC,
        _P.CONFIGURE_SYNC,
        _P.PURGE,
    },
}


def test_permissions() -> None:
    assert set(PERMISSIONS) == set(Role) == set(EXPECTED_PERMISSIONS)
    for role in Role:
        assert {p for p in Permission if may(role, p)} == EXPECTED_PERMISSIONS[role], role
        assert may(role, Permission.CHANGE_OWN_PASSWORD)
    managers = [r for r in Role if may(r, Permission.MANAGE_PEOPLE)]
    assert managers == [Role.ADMINISTRATOR]
    assert {r for r in Role if may(r, Permission.VERIFY_AUDIT)} == {
        Role.MANAGER,
        Role.SENIOR_MANAGER,
        Role.ADMINISTRATOR,
    }
    assert {r for r in Role if may(r, Permission.SIGN_OFF)} == {
        Role.SENIOR_PRACTITIONER,
        Role.MANAGER,
        Role.SENIOR_MANAGER,
    }
    assert [r for r in Role if may(r, Permission.MANAGE_RULES)] == [Role.ADMINISTRATOR]
    assert [r for r in Role if may(r, Permission.MANAGE_PROVIDERS)] == [Role.ADMINISTRATOR]
    # Aggregate figures only: the duty worker and senior practitioner work the night instead.
    assert not may(Role.DUTY_SOCIAL_WORKER, Permission.VIEW_FIGURES)


@pytest.mark.parametrize(
    ("role", "grade"),
    [
        (Role.DUTY_SOCIAL_WORKER, Grade.DUTY_SOCIAL_WORKER),
        (Role.SENIOR_PRACTITIONER, Grade.SENIOR_PRACTITIONER),
        (Role.MANAGER, Grade.MANAGER),
        ("senior_manager", Grade.SENIOR_MANAGER),
        (Role.DAY_TEAM, None),
        (Role.ADMINISTRATOR, None),
        (None, None),
    ],
)
def test_grades_of_roles(role: Role | str | None, grade: Grade | None) -> None:
    assert Grade.of(role) is grade


def test_grades_rank_and_name_themselves() -> None:
    assert (
        Grade.DUTY_SOCIAL_WORKER < Grade.SENIOR_PRACTITIONER < Grade.MANAGER < Grade.SENIOR_MANAGER
    )
    assert Grade.SENIOR_MANAGER.id == "senior_manager"
    assert Grade.SENIOR_MANAGER.label == "Senior manager"
    assert Role.parse("Senior manager") is Role.SENIOR_MANAGER
