"""A private Secret Service (dbus + gnome-keyring) for the benchmark, as the tests use.

Started only when there is no session bus (so no keyring backend can work); the real
keyring of a developer's desktop session is used as it is otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def needs_private_service() -> bool:
    return sys.platform.startswith("linux") and not os.environ.get("DBUS_SESSION_BUS_ADDRESS")


@contextmanager
def secret_service() -> Iterator[None]:
    """Start a private, unlocked keyring if needed; stop it and remove its files after."""
    if not needs_private_service():
        yield
        return
    missing = [c for c in ("dbus-daemon", "gnome-keyring-daemon") if not shutil.which(c)]
    if missing:
        raise RuntimeError(f"no session bus, and {', '.join(missing)} is not installed")
    base = Path(tempfile.mkdtemp(prefix="duty-desk-bench-keyring-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.extend(_start(base))
        _wait_until_usable()
        yield
    finally:
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(base, ignore_errors=True)


def _start(base: Path) -> list[subprocess.Popen[bytes]]:
    for name in ("data", "run"):
        (base / name).mkdir(mode=0o700)
    os.environ.update(XDG_DATA_HOME=str(base / "data"), XDG_RUNTIME_DIR=str(base / "run"))
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert bus.stdout is not None
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert daemon.stdin is not None
    daemon.stdin.write(b"bench-keyring-password")
    daemon.stdin.close()
    return [bus, daemon]


def _wait_until_usable(timeout: float = 15.0) -> None:
    import keyring

    deadline = time.monotonic() + timeout
    while True:
        try:
            keyring.get_keyring().set_password("duty-desk-bench", "probe", "ok")
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
