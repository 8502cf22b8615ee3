"""Desk settings with their defaults, in one place: ``settings.json`` in the data directory.

Holds nothing secret and nothing personal: the protective marking, the idle lock and
the appearance.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from duty_desk.domain.errors import ValidationError

APPEARANCES = ("system", "light", "dark")


@dataclass(frozen=True, slots=True)
class Settings:
    marking: str = "OFFICIAL-SENSITIVE"
    idle_lock_minutes: int = 10
    appearance: str = "system"

    def __post_init__(self) -> None:
        if not self.marking.strip() or len(self.marking) > 60:
            raise ValidationError("The protective marking must be 1 to 60 characters.", "marking")
        if not 1 <= self.idle_lock_minutes <= 120:
            raise ValidationError(
                "The idle lock must be between 1 and 120 minutes.", "idle_lock_minutes"
            )
        if self.appearance not in APPEARANCES:
            raise ValidationError(
                f"Appearance must be one of {', '.join(APPEARANCES)}.", "appearance"
            )


def load_settings(path: Path) -> Settings:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except ValueError as error:
        raise ValidationError(f"The settings file {path} is not valid JSON: {error}.") from None
    if not isinstance(raw, dict):
        raise ValidationError(f"The settings file {path} must hold a JSON object.")
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValidationError(
            f"The settings file {path} has unknown settings: {', '.join(unknown)}. "
            f"Known settings: {', '.join(sorted(known))}."
        )
    try:
        return Settings(**raw)
    except TypeError as error:
        raise ValidationError(f"The settings file {path} has a wrong value: {error}.") from None


def save_settings(path: Path, settings: Settings) -> None:
    path.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
