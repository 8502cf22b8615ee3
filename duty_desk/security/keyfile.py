"""The desk's key file: the database key, wrapped once per person and once for recovery.

Nothing in it is readable without a password plus this device's secret, or the
recovery key. Slot names are HMACs of usernames under the device secret, so the file
does not even list who uses the desk.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from duty_desk import filelock
from duty_desk.security import crypto
from duty_desk.security.crypto import (
    Argon2Params,
    argon2id,
    b64,
    hkdf,
    open_sealed,
    seal,
    unb64,
)
from duty_desk.security.errors import KeyFileProblem, WrongRecoveryKey

FORMAT = 1
RECOVERY_BYTES = 32


@dataclass(frozen=True, slots=True)
class Slot:
    salt: bytes
    params: Argon2Params
    nonce: bytes
    wrapped: bytes


@dataclass(frozen=True, slots=True)
class KeyFile:
    device_id: str
    slots: dict[str, Slot] = field(default_factory=dict)
    recovery_nonce: bytes = b""
    recovery_wrapped: bytes = b""


def slot_id(device_secret: bytes, username: str) -> str:
    digest = hmac.new(device_secret, f"user:{username.lower()}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def _slot_key(password: str, device_secret: bytes, salt: bytes, params: Argon2Params) -> bytes:
    return hkdf(argon2id(password, salt, params) + device_secret, salt, "duty-desk slot v1")


def new_slot(
    device_id: str,
    device_secret: bytes,
    username: str,
    password: str,
    db_key: bytes,
    params: Argon2Params | None = None,
) -> tuple[str, Slot]:
    """A person's slot, ready to go into the key file (the slow part: Argon2id)."""
    params = params or crypto.COST
    salt = secrets.token_bytes(16)
    sid = slot_id(device_secret, username)
    kek = _slot_key(password, device_secret, salt, params)
    nonce, wrapped = seal(kek, db_key, _aad(device_id, sid))
    return sid, Slot(salt, params, nonce, wrapped)


def new_enrolment(password: str, params: Argon2Params | None = None) -> dict[str, Any]:
    """What lets any laptop of the team give a person a slot without knowing their password:
    the Argon2id output of it under a fresh salt (as sensitive as a password hash; it travels
    only inside the day service and encrypted desks, and opens nothing without a desk's own
    device secret)."""
    params = params or crypto.COST
    salt = secrets.token_bytes(16)
    key = argon2id(password, salt, params)
    return {"salt": b64(salt), "kdf": params.as_dict(), "key": b64(key)}


def slot_from_enrolment(
    device_id: str,
    device_secret: bytes,
    username: str,
    enrolment: dict[str, Any],
    db_key: bytes,
) -> tuple[str, Slot]:
    """The same slot ``new_slot`` makes from the password, made from an enrolment."""
    salt, params = unb64(enrolment["salt"]), Argon2Params.from_dict(enrolment["kdf"])
    sid = slot_id(device_secret, username)
    kek = hkdf(unb64(enrolment["key"]) + device_secret, salt, "duty-desk slot v1")
    nonce, wrapped = seal(kek, db_key, _aad(device_id, sid))
    return sid, Slot(salt, params, nonce, wrapped)


def with_entry(keyfile: KeyFile, entry: tuple[str, Slot]) -> KeyFile:
    sid, slot = entry
    return replace(keyfile, slots={**keyfile.slots, sid: slot})


def with_slot(
    keyfile: KeyFile,
    device_secret: bytes,
    username: str,
    password: str,
    db_key: bytes,
    params: Argon2Params | None = None,
) -> KeyFile:
    entry = new_slot(keyfile.device_id, device_secret, username, password, db_key, params)
    return with_entry(keyfile, entry)


def without_slot(keyfile: KeyFile, device_secret: bytes, username: str) -> KeyFile:
    slots = dict(keyfile.slots)
    slots.pop(slot_id(device_secret, username), None)
    return replace(keyfile, slots=slots)


def has_slot(keyfile: KeyFile, device_secret: bytes, username: str) -> bool:
    return slot_id(device_secret, username) in keyfile.slots


def unwrap(keyfile: KeyFile, device_secret: bytes, username: str, password: str) -> bytes | None:
    """The database key, or None for an unknown username or a wrong password."""
    sid = slot_id(device_secret, username)
    slot = keyfile.slots.get(sid)
    if slot is None:
        # Spend the same effort so timing does not tell who is enrolled.
        argon2id(password, b"\0" * 16, crypto.COST)
        return None
    kek = _slot_key(password, device_secret, slot.salt, slot.params)
    return open_sealed(kek, slot.nonce, slot.wrapped, _aad(keyfile.device_id, sid))


def _aad(device_id: str, sid: str) -> bytes:
    return f"{device_id}/{sid}".encode()


# --- recovery ---------------------------------------------------------------------------


def new_recovery_key() -> bytes:
    return secrets.token_bytes(RECOVERY_BYTES)


def format_recovery_key(raw: bytes) -> str:
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    padded = cleaned + "=" * (-len(cleaned) % 8)
    try:
        raw = base64.b32decode(padded)
    except ValueError:
        raw = b""
    if len(raw) != RECOVERY_BYTES:
        raise WrongRecoveryKey(
            "That is not a Duty Desk recovery key: it should be 13 groups of 4 letters and "
            "digits, as shown when the desk was set up."
        )
    return raw


def with_recovery(keyfile: KeyFile, recovery_key: bytes, db_key: bytes) -> KeyFile:
    kek = hkdf(recovery_key, keyfile.device_id.encode(), "duty-desk recovery v1")
    nonce, wrapped = seal(kek, db_key, keyfile.device_id.encode())
    return replace(keyfile, recovery_nonce=nonce, recovery_wrapped=wrapped)


def unwrap_with_recovery(keyfile: KeyFile, recovery_key: bytes) -> bytes:
    kek = hkdf(recovery_key, keyfile.device_id.encode(), "duty-desk recovery v1")
    db_key = open_sealed(
        kek, keyfile.recovery_nonce, keyfile.recovery_wrapped, keyfile.device_id.encode()
    )
    if db_key is None:
        raise WrongRecoveryKey("That recovery key does not open this desk. Nothing was changed.")
    return db_key


# --- the file -------------------------------------------------------------------------


def load(path: Path) -> KeyFile:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise KeyFileProblem(
                f"The desk key file {path} has format {data.get('format')!r}; this version "
                f"of Duty Desk reads format {FORMAT}."
            )
        slots = {sid: _slot_from(raw) for sid, raw in data["slots"].items()}
        return KeyFile(
            device_id=str(data["device_id"]),
            slots=slots,
            recovery_nonce=unb64(data["recovery"]["nonce"]),
            recovery_wrapped=unb64(data["recovery"]["wrapped"]),
        )
    except FileNotFoundError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise KeyFileProblem(
            f"The desk key file {path} is damaged ({type(error).__name__}: {error}). "
            "Nothing has been changed; an administrator can restore it from a backup."
        ) from None


def _slot_from(raw: dict[str, Any]) -> Slot:
    return Slot(
        salt=unb64(raw["salt"]),
        params=Argon2Params.from_dict(raw["kdf"]),
        nonce=unb64(raw["nonce"]),
        wrapped=unb64(raw["wrapped"]),
    )


def save(path: Path, keyfile: KeyFile) -> None:
    """Write atomically: a crash leaves either the old file or the new one."""
    data = {
        "format": FORMAT,
        "device_id": keyfile.device_id,
        "slots": {
            sid: {
                "salt": b64(s.salt),
                "kdf": s.params.as_dict(),
                "nonce": b64(s.nonce),
                "wrapped": b64(s.wrapped),
            }
            for sid, s in sorted(keyfile.slots.items())
        },
        "recovery": {
            "nonce": b64(keyfile.recovery_nonce),
            "wrapped": b64(keyfile.recovery_wrapped),
        },
    }
    write_atomically(path, json.dumps(data, indent=2).encode("utf-8"))


def update(path: Path, lock: Path, change: Callable[[KeyFile], KeyFile]) -> KeyFile:
    """Read, change and write the key file holding ``lock``, so that two processes on one
    desk (the app and the command line) never lose each other's changes."""
    with filelock.held(lock):
        changed = change(load(path))
        save(path, changed)
    return changed


def write_atomically(path: Path, content: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with tmp.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
