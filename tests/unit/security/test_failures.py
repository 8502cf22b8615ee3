"""The sealed file of failed sign-ins and the pause after five."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from duty_desk.security.errors import SignInPaused
from duty_desk.security.failures import PAUSE_AFTER, PAUSE_SECONDS, FailureLog

T0 = datetime(2026, 11, 21, 23, 10, tzinfo=UTC)


@pytest.fixture
def log(tmp_path: Path) -> FailureLog:
    return FailureLog(tmp_path / "failures.bin", secrets.token_bytes(32), "device-1")


def test_attempts_are_counted_and_sealed(log: FailureLog, tmp_path: Path) -> None:
    assert log.read() == []
    assert log.add("zyxwvutsrq", T0) == 1
    assert log.add("zyxwvutsrq", T0 + timedelta(seconds=1)) == 2
    assert [(a.username, a.at) for a in log.read()] == [
        ("zyxwvutsrq", T0),
        ("zyxwvutsrq", T0 + timedelta(seconds=1)),
    ]
    assert b"zyxwvutsrq" not in (tmp_path / "failures.bin").read_bytes()
    log.settle(log.unrecorded(), T0 + timedelta(seconds=2), got_in="zyxwvutsrq")
    assert log.read() == [] and not (tmp_path / "failures.bin").exists()


def test_one_persons_success_keeps_counting_everyone_else(log: FailureLog) -> None:
    for n in range(PAUSE_AFTER):
        log.add("mallory", T0 + timedelta(seconds=n))
    log.add("sam", T0 + timedelta(seconds=6))
    assert len(log.unrecorded()) == PAUSE_AFTER + 1
    # sam got in: their count goes, mallory's stays (marked as already recorded)
    log.settle(log.unrecorded(), T0 + timedelta(seconds=7), got_in="sam")
    assert log.unrecorded() == []
    assert [a.username for a in log.read()] == ["mallory"] * PAUSE_AFTER
    with pytest.raises(SignInPaused):
        log.check_not_paused("mallory", T0 + timedelta(seconds=7))


def test_another_device_secret_cannot_read_it(log: FailureLog, tmp_path: Path) -> None:
    log.add("sam", T0)
    stranger = FailureLog(tmp_path / "failures.bin", secrets.token_bytes(32), "device-1")
    (attempt,) = stranger.read()
    assert attempt.username == "(unreadable failure record)"


def test_pause_after_five_for_that_username_only(log: FailureLog) -> None:
    for n in range(PAUSE_AFTER - 1):
        log.add("sam", T0 + timedelta(seconds=n))
    log.check_not_paused("sam", T0 + timedelta(seconds=PAUSE_AFTER))
    last = T0 + timedelta(seconds=10)
    assert log.add("sam", last) == PAUSE_AFTER
    with pytest.raises(SignInPaused, match=r"^5 wrong passwords in a row") as paused:
        log.check_not_paused("sam", last + timedelta(seconds=10))
    assert paused.value.seconds_left == PAUSE_SECONDS - 10
    assert f"Wait {PAUSE_SECONDS - 10} seconds" in str(paused.value)
    assert "ask an administrator to reset the password" in str(paused.value)
    log.check_not_paused("admin", last + timedelta(seconds=10))  # others are not shut out
    log.check_not_paused("sam", last + timedelta(seconds=PAUSE_SECONDS))


def test_other_peoples_failures_are_forgotten_after_a_day(log: FailureLog) -> None:
    log.add("mallory", T0)
    log.settle(log.unrecorded(), T0 + timedelta(hours=25), got_in="sam")
    assert log.read() == []


def test_an_attempt_that_was_never_logged_is_kept_until_it_is(log: FailureLog) -> None:
    log.add("sam", T0)
    logged = log.unrecorded()
    log.add("sam", T0 + timedelta(seconds=1))  # arrives after the log was written
    log.settle(logged, T0 + timedelta(seconds=2), got_in="sam")
    assert [(a.at, a.recorded) for a in log.read()] == [(T0 + timedelta(seconds=1), False)]


def test_unknown_usernames_are_kept_only_as_a_keyed_hash(log: FailureLog) -> None:
    typed = "my-password-in-the-wrong-box"
    counted = log.counted_name(typed, enrolled=False)
    assert counted.startswith("?") and typed not in counted
    assert log.counted_name(typed, enrolled=False) == counted  # still counted per name
    assert log.counted_name("sam", enrolled=True) == "sam"
