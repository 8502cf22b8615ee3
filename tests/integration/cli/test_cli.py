"""The real ``duty-desk`` command: passwords from the environment or stdin, never argv."""

from __future__ import annotations

import argparse
import re

import pytest

from duty_desk.cli import build_parser
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import sign_in
from duty_desk.services.paths import DeskPaths
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.support import run_cli

ADMIN_ENV = {"DUTY_DESK_PASSWORD": ADMIN_PASSWORD}


def _all_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _all_parsers(sub)
    return found


def test_no_command_takes_a_secret_as_an_option() -> None:
    parsers = _all_parsers(build_parser())
    assert len(parsers) >= 10  # the walk reached the sub-commands
    # options that take a value (flags such as --new-device-secret carry no secret)
    options = {o for p in parsers for a in p._actions if a.nargs != 0 for o in a.option_strings}
    assert "--username" in options and "--as" in options
    assert not [o for o in options if re.search("pass|secret|key|recovery", o)], options


@pytest.mark.parametrize("where", [[], ["users", "add", "someone", "--name", "X Y", "--role", "x"]])
def test_password_option_is_rejected(paths: DeskPaths, where: list[str]) -> None:
    result = run_cli("--data-dir", str(paths.root), *where, "--password=hunter22hunter")
    assert result.returncode == 2
    assert "unrecognized arguments: --password=hunter22hunter" in result.stderr


def test_users_add_reads_the_new_password_from_stdin(
    admin: SignedIn, paths: DeskPaths, clock
) -> None:
    result = run_cli(
        *("--data-dir", str(paths.root), "users", "add", "newbie"),
        *("--name", "Nell Newbie", "--role", "Senior practitioner", "--as", "admin"),
        env=ADMIN_ENV,
        stdin="piped long phrase\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Added Nell Newbie (newbie) as Senior practitioner.\n"
    sign_in(paths, "newbie", "piped long phrase", clock).desk.close()


def test_both_passwords_can_come_from_stdin(admin: SignedIn, paths: DeskPaths, clock) -> None:
    result = run_cli(
        *("--data-dir", str(paths.root), "users", "add", "piper"),
        *("--name", "Pat Piper", "--role", "manager", "--as", "admin"),
        stdin=f"{ADMIN_PASSWORD}\n{PASSWORD}\n",
    )
    assert result.returncode == 0, result.stderr
    sign_in(paths, "piper", PASSWORD, clock).desk.close()


def test_missing_password_is_asked_for_by_name(admin: SignedIn, paths: DeskPaths) -> None:
    result = run_cli("--data-dir", str(paths.root), "users", "list", "--as", "admin")
    assert result.returncode == 2
    assert "set DUTY_DESK_PASSWORD or give it on stdin" in result.stderr


def test_wrong_password_exits_2_with_a_plain_message(admin: SignedIn, paths: DeskPaths) -> None:
    result = run_cli(
        *("--data-dir", str(paths.root), "users", "list", "--as", "admin"),
        env={"DUTY_DESK_PASSWORD": "not the password"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("duty-desk: That username and password do not match")
    assert "Traceback" not in result.stderr


def test_users_list_and_role_refusal(admin: SignedIn, people, paths: DeskPaths) -> None:
    listed = run_cli("--data-dir", str(paths.root), "users", "list", "--as", "admin", env=ADMIN_ENV)
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"^manager\s+Test Manager\s+Manager\s+active", listed.stdout, re.M)
    refused = run_cli(
        *("--data-dir", str(paths.root), "audit", "rebuild", "--as", "dayteam"),
        env={"DUTY_DESK_PASSWORD": PASSWORD},
    )
    assert refused.returncode == 2
    assert refused.stderr == (
        "duty-desk: A day team may not rebuild the desk's tables from the log.\n"
    )


def test_init_then_recover_from_the_cli(paths: DeskPaths, clock) -> None:
    data_dir = ("--data-dir", str(paths.root))
    init = run_cli(*data_dir, "init", "--username", "boss", "--name", "Bo Boss", env=ADMIN_ENV)
    assert init.returncode == 0, init.stderr
    found = re.search(r"^  ([A-Z2-7]{4}(?:-[A-Z2-7]{1,4}){12})$", init.stdout, re.M)
    assert found, init.stdout
    recovered = run_cli(
        *data_dir,
        *("recover", "--username", "boss"),
        env={"DUTY_DESK_RECOVERY_KEY": found.group(1), "DUTY_DESK_NEW_PASSWORD": PASSWORD},
    )
    assert recovered.returncode == 0, recovered.stderr
    assert recovered.stdout == "Recovered: boss can sign in with the new password.\n"
    sign_in(paths, "boss", PASSWORD, clock).desk.close()
    wrong = run_cli(
        *data_dir,
        *("recover", "--username", "boss"),
        env={"DUTY_DESK_RECOVERY_KEY": "AAAA-BBBB", "DUTY_DESK_NEW_PASSWORD": PASSWORD},
    )
    assert wrong.returncode == 2
    assert "That is not a Duty Desk recovery key" in wrong.stderr
