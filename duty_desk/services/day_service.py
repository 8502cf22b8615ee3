"""The embedded day service: a SQLite file beside the desk, for one machine and the demo."""

from __future__ import annotations

from pathlib import Path

from duty_desk.sync.server import DayService


def create_sqlite(path: Path) -> str:
    """Create (or bring up to date) the day service's tables in a SQLite file."""
    return DayService.init(f"sqlite:///{path}")
