"""Is this the first Duty Desk open on this desk? A lock file answers without Qt networking.

The operating system releases the lock when the process ends, even after a crash or a
kill, so a stale lock can never keep the desk shut.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "instance.lock"
        self._handle: IO[bytes] | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+b")
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _lock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
