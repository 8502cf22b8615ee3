"""Is this the first Duty Desk open on this desk? A lock file answers without Qt networking."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from duty_desk.filelock import try_lock


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "instance.lock"
        self._handle: IO[bytes] | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+b")
        if not try_lock(handle):
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
