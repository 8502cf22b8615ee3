"""The lists a council may word its own way, read from ``resources/lists``."""

from __future__ import annotations

from functools import cache

from duty_desk.domain.choices import DecisionTypes, parse_decision_types
from duty_desk.resources import resource


@cache
def decision_types() -> DecisionTypes:
    path = resource("lists", "decision_types.toml")
    return parse_decision_types(path.read_text(encoding="utf-8"), str(path))
