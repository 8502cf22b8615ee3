"""Where a desk keeps its files inside its data directory."""

from __future__ import annotations

from pathlib import Path


class DeskPaths:
    """The files of the desk in ``root`` (a plain class: it is needed before the first
    window appears, and ``dataclasses`` alone costs more start-up time than it saves)."""

    __slots__ = ("root",)

    def __init__(self, root: Path) -> None:
        self.root = root

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeskPaths) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"DeskPaths(root={self.root!r})"

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
    def custody_thresholds(self) -> Path:
        """A council's own warning thresholds for custody cases (optional; TOML)."""
        return self.root / "custody-thresholds.toml"

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
