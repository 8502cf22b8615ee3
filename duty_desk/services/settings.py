"""Desk settings with their defaults, in one place: ``settings.json`` in the data directory.

Holds nothing secret and nothing personal: the protective marking, the idle lock, the
appearance, and how many days after acknowledgement the local purge waits. Read before
the first window appears, so it imports nothing it can avoid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from duty_desk.domain.errors import ValidationError
from duty_desk.domain.working_days import SUBDIVISIONS

APPEARANCES = ("system", "light", "dark")


class Settings(NamedTuple):
    marking: str = "OFFICIAL-SENSITIVE"
    idle_lock_minutes: int = 10
    appearance: str = "system"
    bank_holidays: str = "ENG"  # whose bank holidays count for due times: ENG, WLS, SCT, NIR
    purge_after_days: int = 7  # personal data leaves the laptop this long after acknowledgement


def checked(settings: Settings) -> Settings:
    marking, minutes, appearance = settings.marking, settings.idle_lock_minutes, settings.appearance
    bank_holidays = settings.bank_holidays
    if not isinstance(marking, str) or not marking.strip() or len(marking) > 60:
        raise ValidationError("The protective marking must be 1 to 60 characters.", "marking")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 120:
        raise ValidationError(
            "The idle lock must be a whole number of minutes from 1 to 120.", "idle_lock_minutes"
        )
    if appearance not in APPEARANCES:
        raise ValidationError(f"Appearance must be one of {', '.join(APPEARANCES)}.", "appearance")
    if bank_holidays not in SUBDIVISIONS:
        raise ValidationError(
            f"bank_holidays must be one of {', '.join(SUBDIVISIONS)} (England, Wales, Scotland, "
            "Northern Ireland).",
            "bank_holidays",
        )
    _check_purge_days(settings.purge_after_days)
    return settings


def _check_purge_days(days: object) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
        raise ValidationError(
            "purge_after_days must be a whole number of days from 1 to 90: how long after the "
            "day team acknowledges a record its personal data stays on this laptop.",
            "purge_after_days",
        )


def load_settings(path: Path) -> Settings:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    import json

    try:
        raw: Any = json.loads(text)
    except ValueError as error:
        raise ValidationError(f"The settings file {path} is not valid JSON: {error}.") from None
    if not isinstance(raw, dict):
        raise ValidationError(f"The settings file {path} must hold a JSON object.")
    unknown = sorted(set(raw) - set(Settings._fields))
    if unknown:
        raise ValidationError(
            f"The settings file {path} has unknown settings: {', '.join(unknown)}. "
            f"Known settings: {', '.join(Settings._fields)}."
        )
    try:
        return checked(Settings(**raw))
    except ValidationError as error:
        raise ValidationError(f"The settings file {path}: {error}", error.field) from None


def save_settings(path: Path, settings: Settings) -> None:
    import json

    path.write_text(json.dumps(checked(settings)._asdict(), indent=2), encoding="utf-8")
