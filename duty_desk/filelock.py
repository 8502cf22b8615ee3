"""Cross-process file locks (POSIX ``flock``, Windows ``msvcrt.locking``).

The operating system drops a lock when its holder exits, even after a crash or a kill,
so a stale lock can never keep a desk shut.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def try_lock(handle: IO[bytes]) -> bool:
    """Take the lock now, or say it is held elsewhere."""
    try:
        _lock(handle, blocking=False)
    except OSError:
        return False
    return True


@contextmanager
def held(path: Path) -> Iterator[None]:
    """Wait for, and hold for the block, an exclusive lock on ``path`` (created if absent)."""
    with path.open("a+b") as handle:
        _lock(handle, blocking=True)
        yield


def _lock(handle: IO[bytes], blocking: bool) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK if blocking else msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        flags = fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB
        fcntl.flock(handle.fileno(), flags)
