"""The device secret: 32 random bytes held only in the OS credential store (keyring).

A copied database and password are useless on another machine without it. If no real
credential store exists we refuse plainly; we never fall back to a file.
"""

from __future__ import annotations

import contextlib
import secrets

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

from duty_desk.security.errors import DeviceSecretMissing, NoCredentialStore

SERVICE = "Duty Desk"
SECRET_BYTES = 32

NO_STORE = (
    "No credential store is available on this computer, so Duty Desk cannot keep its "
    "device secret safely and will not start a desk here. On Windows and macOS the store is "
    "built in; on Linux, sign in to a desktop session that runs GNOME Keyring or KWallet "
    "(the Secret Service), then try again. Nothing has been created or saved.{detail}"
)
MISSING = (
    "This computer's credential store no longer holds the Duty Desk device secret for this "
    "desk, so the desk cannot be opened with a password. An administrator can open it with "
    "the recovery key (duty-desk recover). Nothing has been changed."
)


def _usable_backends() -> list[keyring.backend.KeyringBackend]:
    backend = keyring.get_keyring()
    candidates = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    return [b for b in candidates if _is_real(b)]


def _is_real(backend: keyring.backend.KeyringBackend) -> bool:
    if isinstance(backend, null.Keyring | fail.Keyring):
        return False
    # keyrings.alt's file backends keep secrets in a plain or weakly protected file.
    return not type(backend).__module__.startswith("keyrings.alt")


def require_credential_store() -> keyring.backend.KeyringBackend:
    backends = _usable_backends()
    if not backends:
        raise NoCredentialStore(NO_STORE.format(detail=""))
    return backends[0]


def _account(device_id: str) -> str:
    return f"device-secret:{device_id}"


def create(device_id: str) -> bytes:
    backend = require_credential_store()
    secret = secrets.token_bytes(SECRET_BYTES)
    try:
        backend.set_password(SERVICE, _account(device_id), secret.hex())
        stored = backend.get_password(SERVICE, _account(device_id))
    except keyring.errors.KeyringError as error:
        raise NoCredentialStore(NO_STORE.format(detail=f" ({error})")) from None
    if stored != secret.hex():
        raise NoCredentialStore(NO_STORE.format(detail=" (the store did not keep the secret)"))
    return secret


def load(device_id: str) -> bytes:
    backend = require_credential_store()
    try:
        stored = backend.get_password(SERVICE, _account(device_id))
    except keyring.errors.KeyringError as error:
        raise NoCredentialStore(NO_STORE.format(detail=f" ({error})")) from None
    if not stored:
        raise DeviceSecretMissing(MISSING)
    try:
        secret = bytes.fromhex(stored)
    except ValueError:
        raise DeviceSecretMissing(MISSING) from None
    if len(secret) != SECRET_BYTES:
        raise DeviceSecretMissing(MISSING)
    return secret


def delete(device_id: str) -> None:
    """Remove the secret (used when a half-made desk is cleaned up)."""
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.get_keyring().delete_password(SERVICE, _account(device_id))


def replace(device_id: str) -> bytes:
    """A fresh device secret (recovery); the old one, if any, is overwritten."""
    delete(device_id)
    return create(device_id)
