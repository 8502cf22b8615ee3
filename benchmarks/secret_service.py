"""A private Secret Service (dbus + gnome-keyring), for the benchmark and the tests.

The benchmark starts one only when there is no session bus (so no keyring backend can
work) and uses the real keyring of a developer's desktop session otherwise. The tests
always start one (``always=True``), so they never touch a developer's own keyring.
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

PROGRAMS = ("dbus-daemon", "gnome-keyring-daemon")
# What the private service changes in os.environ; put back as it was when it stops.
_ENVIRONMENT = ("XDG_DATA_HOME", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS")


def needs_private_service() -> bool:
    return sys.platform.startswith("linux") and not os.environ.get("DBUS_SESSION_BUS_ADDRESS")


def missing_programs() -> list[str]:
    """The programs a private service needs that are not on PATH."""
    return [program for program in PROGRAMS if not shutil.which(program)]


@contextmanager
def secret_service(*, always: bool = False) -> Iterator[None]:
    """Start a private, unlocked keyring (if needed, or ``always``); stop it after.

    While it runs, the session bus and XDG directories in ``os.environ`` point at it; on
    the way out the processes are stopped, their files removed and the environment put
    back as it was.
    """
    if not (always or needs_private_service()):
        yield
        return
    missing = missing_programs()
    if missing:
        raise RuntimeError(f"a private Secret Service needs {', '.join(missing)}, not installed")
    saved = {name: os.environ.get(name) for name in _ENVIRONMENT}
    base = Path(tempfile.mkdtemp(prefix="duty-desk-keyring-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        _start(base, processes)
        _wait_until_usable()
        yield
    finally:
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(base, ignore_errors=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _start(base: Path, processes: list[subprocess.Popen[bytes]]) -> None:
    """Start the bus, then the keyring on it; each joins ``processes`` once started."""
    for name in ("data", "run"):
        (base / name).mkdir(mode=0o700)
    os.environ.update(XDG_DATA_HOME=str(base / "data"), XDG_RUNTIME_DIR=str(base / "run"))
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    processes.append(bus)
    assert bus.stdout is not None
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    processes.append(daemon)
    assert daemon.stdin is not None
    daemon.stdin.write(b"private-keyring-password")
    daemon.stdin.close()


def _wait_until_usable(timeout: float = 15.0) -> None:
    import keyring

    deadline = time.monotonic() + timeout
    while True:
        try:
            keyring.get_keyring().set_password("duty-desk-private-keyring", "probe", "ok")
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
    if process.stdout is not None:
        process.stdout.close()
