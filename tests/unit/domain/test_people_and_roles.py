"""The rules for usernames, names and passwords, and what each role may do."""

from __future__ import annotations

import pytest

from duty_desk.domain.errors import ValidationError
from duty_desk.domain.people import check_display_name, check_new_password, normalise_username
from duty_desk.domain.roles import PERMISSIONS, Permission, Role, may


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


def test_permissions() -> None:
    assert set(PERMISSIONS) == set(Role)
    for role in Role:
        assert may(role, Permission.CHANGE_OWN_PASSWORD)
    managers = [r for r in Role if may(r, Permission.MANAGE_PEOPLE)]
    assert managers == [Role.ADMINISTRATOR]
    assert {r for r in Role if may(r, Permission.VERIFY_AUDIT)} == {
        Role.MANAGER,
        Role.ADMINISTRATOR,
    }
