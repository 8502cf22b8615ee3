"""Where a desk keeps its files inside its data directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class DeskPaths:
    root: Path

    @property
    def keyfile(self) -> Path:
        return self.root / "desk.json"

    @property
    def keyfile_lock(self) -> Path:
        """Held while the key file is read, changed and rewritten (``keyfile.update``)."""
        return self.root / "desk.json.lock"

    @property
    def database(self) -> Path:
        return self.root / "desk.db"

    @property
    def failures(self) -> Path:
        return self.root / "sign-in-failures.bin"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def day_service(self) -> Path:
        return self.root / "day-service.sqlite"

    def exists(self) -> bool:
        return self.keyfile.exists()

    def database_files(self) -> list[Path]:
        db = self.database
        return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("DutyDesk", "DutyDesk", roaming=False))
