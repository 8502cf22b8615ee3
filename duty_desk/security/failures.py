"""Failed sign-ins, counted while the desk is still locked.

A failed attempt cannot be written to the encrypted log (the database key is not
available yet), so attempts are kept in a small file sealed with a key derived from the
device secret, and moved into the log as events at the next successful sign-in. After
``PAUSE_AFTER`` failures in a row for one username, each further attempt for that
username must wait ``PAUSE_SECONDS`` (others can still sign in).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from duty_desk import filelock
from duty_desk.domain.events import format_instant, parse_instant
from duty_desk.security.crypto import hkdf, open_sealed, seal
from duty_desk.security.errors import SignInPaused
from duty_desk.security.keyfile import write_atomically

PAUSE_AFTER = 5
PAUSE_SECONDS = 30
KEEP_OTHERS = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class FailedAttempt:
    username: str
    at: datetime
    recorded: bool = False  # already in the event log (still counts towards a pause)


class FailureLog:
    def __init__(self, path: Path, device_secret: bytes, device_id: str) -> None:
        self._path = path
        self._lock = path.with_name(path.name + ".lock")
        self._secret = device_secret
        self._key = hkdf(device_secret, device_id.encode(), "duty-desk failed sign-ins v1")
        self._aad = device_id.encode()

    def read(self) -> list[FailedAttempt]:
        try:
            blob = self._path.read_bytes()
        except FileNotFoundError:
            return []
        plain = open_sealed(self._key, blob[:12], blob[12:], self._aad)
        if plain is None:
            # Unreadable: keep the evidence that something was here.
            return [FailedAttempt("(unreadable failure record)", datetime.fromtimestamp(0, UTC))]
        return [
            FailedAttempt(a["u"], parse_instant(a["t"]), bool(a.get("r")))
            for a in json.loads(plain)
        ]

    def add(self, username: str, at: datetime, *, recorded: bool = False) -> int:
        """Count a failure; returns how many failures in a row this username now has."""
        with filelock.held(self._lock):
            attempts = [*self.read(), FailedAttempt(username, at, recorded)]
            self._write(attempts)
        return sum(1 for a in attempts if a.username == username)

    def unrecorded(self) -> list[FailedAttempt]:
        return [a for a in self.read() if not a.recorded]

    def settle(
        self, logged: Sequence[FailedAttempt], now: datetime, got_in: str | None = None
    ) -> None:
        """``logged`` are now in the event log and ``got_in`` (if anyone) has just signed in:
        forget that person's failures, keep counting everyone else's for a day. An attempt
        that was never logged is kept until it is."""
        done = {(a.username, a.at) for a in logged}
        since = now - KEEP_OTHERS
        with filelock.held(self._lock):
            kept = []
            for attempt in self.read():
                recorded = attempt.recorded or (attempt.username, attempt.at) in done
                if recorded and (attempt.username == got_in or attempt.at < since):
                    continue
                kept.append(replace(attempt, recorded=recorded))
            if kept:
                self._write(kept)
            else:
                self._path.unlink(missing_ok=True)

    def _write(self, attempts: list[FailedAttempt]) -> None:
        raw = json.dumps(
            [{"u": a.username, "t": format_instant(a.at), "r": a.recorded} for a in attempts]
        )
        nonce, sealed = seal(self._key, raw.encode(), self._aad)
        write_atomically(self._path, nonce + sealed)

    def counted_name(self, username: str, enrolled: bool) -> str:
        """What is kept of a typed username: the name if someone here has it, otherwise a
        keyed hash (it may be a password typed in the wrong box)."""
        if enrolled:
            return username
        return "?" + hmac.new(self._secret, username.encode(), hashlib.sha256).hexdigest()[:16]

    def check_not_paused(self, username: str, now: datetime) -> None:
        attempts = [a for a in self.read() if a.username == username]
        if len(attempts) < PAUSE_AFTER:
            return
        wait_until = attempts[-1].at + timedelta(seconds=PAUSE_SECONDS)
        if now < wait_until:
            seconds = math.ceil((wait_until - now).total_seconds())
            raise SignInPaused(
                f"{len(attempts)} wrong passwords in a row for this username. Wait {seconds} "
                "seconds before trying again, or ask an administrator to reset the password.",
                seconds,
            )
