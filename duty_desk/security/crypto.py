"""Key derivation and wrapping: Argon2id, HKDF-SHA256, AES-256-GCM."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


@dataclass(frozen=True, slots=True)
class Argon2Params:
    """RFC 9106's second recommended option; above OWASP's minimum (19 MiB, t=2)."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    def as_dict(self) -> dict[str, int]:
        return {"t": self.time_cost, "m": self.memory_kib, "p": self.parallelism}

    @classmethod
    def from_dict(cls, data: dict[str, int]) -> Argon2Params:
        return cls(time_cost=data["t"], memory_kib=data["m"], parallelism=data["p"])


# The cost of every new slot and enrolment (each records its own, so sign-in reads it back).
# Only the test suite lowers it (``tests/conftest.py``: the same Argon2id, a smaller cost);
# ``tests/unit/security/test_keyfile.py`` checks what ships and that a desk records it.
COST = Argon2Params()


def argon2id(password: str, salt: bytes, params: Argon2Params) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def hkdf(material: bytes, salt: bytes, info: str) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt, info.encode()).derive(material)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    nonce = secrets.token_bytes(12)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes | None:
    """The plaintext, or None if the key is wrong or the bytes were changed."""
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        return None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
