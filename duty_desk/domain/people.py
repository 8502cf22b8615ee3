"""People who use the desk, and the rules their details must meet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from duty_desk.domain.errors import ValidationError
from duty_desk.domain.roles import Role

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    username: str
    display_name: str
    role: Role
    active: bool
    must_change_password: bool
    created_at: datetime


def normalise_username(text: str) -> str:
    username = text.strip().lower()
    if not _USERNAME.match(username):
        raise ValidationError(
            "A username is 2 to 32 characters: lower-case letters, digits, dot, dash or "
            "underscore, starting with a letter.",
            field="username",
        )
    return username


def check_display_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise ValidationError("Enter the person's full name as colleagues know it.", "display_name")
    if len(name) > 120:
        raise ValidationError("A name can be at most 120 characters.", "display_name")
    return name


def check_new_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters; "
            "a short phrase works well.",
            field="password",
        )
    if username and username.lower() in password.lower():
        raise ValidationError("A password must not contain the username.", field="password")
    if len(set(password)) < 4:
        raise ValidationError("That password is too easy to guess.", field="password")
