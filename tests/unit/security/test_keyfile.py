"""Key slots, recovery wrapping and the key file on disk (cheap Argon2 settings for speed)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from duty_desk.security import keyfile as kf
from duty_desk.security.crypto import Argon2Params, open_sealed, seal
from duty_desk.security.errors import KeyFileProblem, WrongRecoveryKey

FAST = Argon2Params(time_cost=1, memory_kib=8, parallelism=1)
DEVICE = "0d7b5a52-8f1c-4a2b-9e3d-1c2b3a4d5e6f"


@pytest.fixture
def material() -> tuple[bytes, bytes]:
    return secrets.token_bytes(32), secrets.token_bytes(32)  # device secret, db key


def test_a_slot_opens_only_with_its_password_and_device_secret(material) -> None:
    secret, db_key = material
    keyfile = kf.with_slot(kf.KeyFile(DEVICE), secret, "Sam", "night shift staple", db_key, FAST)
    assert kf.unwrap(keyfile, secret, "sam", "night shift staple") == db_key
    assert kf.unwrap(keyfile, secret, "sam", "night shift stapler") is None
    assert kf.unwrap(keyfile, secrets.token_bytes(32), "sam", "night shift staple") is None
    assert kf.unwrap(keyfile, secret, "priya", "night shift staple") is None


def test_slot_names_do_not_reveal_usernames(material) -> None:
    secret, db_key = material
    keyfile = kf.with_slot(kf.KeyFile(DEVICE), secret, "sam", "night shift staple", db_key, FAST)
    (sid,) = keyfile.slots
    assert "sam" not in sid and len(sid) == 32
    assert kf.has_slot(keyfile, secret, "SAM")
    assert not kf.has_slot(kf.without_slot(keyfile, secret, "sam"), secret, "sam")


def test_a_slot_moved_to_another_desk_does_not_open(material) -> None:
    secret, db_key = material
    keyfile = kf.with_slot(kf.KeyFile(DEVICE), secret, "sam", "night shift staple", db_key, FAST)
    moved = kf.KeyFile("another-device", keyfile.slots)
    assert kf.unwrap(moved, secret, "sam", "night shift staple") is None


def test_recovery_key_round_trip(material) -> None:
    _, db_key = material
    raw = kf.new_recovery_key()
    text = kf.format_recovery_key(raw)
    assert len(text.split("-")) == 13 and all(len(g) == 4 for g in text.split("-"))
    assert kf.parse_recovery_key(text.lower().replace("-", " ")) == raw
    keyfile = kf.with_recovery(kf.KeyFile(DEVICE), raw, db_key)
    assert kf.unwrap_with_recovery(keyfile, raw) == db_key
    with pytest.raises(WrongRecoveryKey, match="does not open this desk"):
        kf.unwrap_with_recovery(keyfile, kf.new_recovery_key())


@pytest.mark.parametrize("text", ["", "ABCD", "!!!!-????", "A" * 60])
def test_malformed_recovery_keys(text: str) -> None:
    with pytest.raises(WrongRecoveryKey, match="13 groups of 4 letters and digits"):
        kf.parse_recovery_key(text)


def test_the_file_round_trips_and_holds_no_secrets(tmp_path: Path, material) -> None:
    secret, db_key = material
    keyfile = kf.with_slot(kf.KeyFile(DEVICE), secret, "sam", "night shift staple", db_key, FAST)
    keyfile = kf.with_recovery(keyfile, kf.new_recovery_key(), db_key)
    path = tmp_path / "desk.json"
    kf.save(path, keyfile)
    assert kf.load(path) == keyfile
    text = path.read_text()
    for needle in (db_key.hex(), secret.hex(), "sam", "night shift"):
        assert needle not in text
    assert [p.name for p in tmp_path.iterdir()] == ["desk.json"]  # no temporary file left


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is damaged (JSONDecodeError"),
        ('{"format": 2}', "has format 2; this version of Duty Desk reads format 1"),
        ('{"format": 1, "device_id": "x"}', "is damaged (KeyError"),
        ("[]", "is damaged (AttributeError"),
    ],
)
def test_damaged_key_files_are_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "desk.json"
    path.write_text(content)
    with pytest.raises(KeyFileProblem, match=message.replace("(", r"\(")):
        kf.load(path)


def test_a_changed_wrapped_key_is_refused(tmp_path: Path, material) -> None:
    secret, db_key = material
    keyfile = kf.with_slot(kf.KeyFile(DEVICE), secret, "sam", "night shift staple", db_key, FAST)
    keyfile = kf.with_recovery(keyfile, kf.new_recovery_key(), db_key)
    path = tmp_path / "desk.json"
    kf.save(path, keyfile)
    data = json.loads(path.read_text())
    (slot,) = data["slots"].values()
    slot["wrapped"] = slot["wrapped"][:-4] + ("AAAA" if slot["wrapped"][-4:] != "AAAA" else "BBBB")
    path.write_text(json.dumps(data))
    assert kf.unwrap(kf.load(path), secret, "sam", "night shift staple") is None


def test_sealing_binds_the_associated_data() -> None:
    key = secrets.token_bytes(32)
    nonce, sealed = seal(key, b"db key", b"device/slot")
    assert open_sealed(key, nonce, sealed, b"device/slot") == b"db key"
    assert open_sealed(key, nonce, sealed, b"device/other") is None
    assert open_sealed(secrets.token_bytes(32), nonce, sealed, b"device/slot") is None


def test_new_slots_and_enrolments_cost_what_ships(material, monkeypatch) -> None:
    from duty_desk.security import crypto

    # RFC 9106's second recommended option; the suite runs at a lower cost (conftest).
    assert Argon2Params() == Argon2Params(time_cost=3, memory_kib=65536, parallelism=4)
    assert Argon2Params() != crypto.COST
    monkeypatch.setattr(crypto, "COST", Argon2Params())
    secret, db_key = material
    _, slot = kf.new_slot(DEVICE, secret, "sam", "night shift staple", db_key)
    assert slot.params == Argon2Params()
    assert kf.new_enrolment("night shift staple")["kdf"] == {"t": 3, "m": 65536, "p": 4}
