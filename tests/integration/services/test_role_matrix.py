"""Every role against every service command: allowed or refused as the product rules say.

The expected outcome of each (role, command) is written out by hand below, not read from
``duty_desk.domain.roles``: a wrong grant in ``PERMISSIONS`` must fail here, not agree.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import duty_desk.services
from duty_desk.domain.errors import Forbidden
from duty_desk.domain.people import Person
from duty_desk.domain.roles import PERMISSIONS, Permission, Role
from duty_desk.services import audit, desk, people
from duty_desk.services.context import SignedIn
from duty_desk.services.paths import DeskPaths
from tests.conftest import ADMIN_PASSWORD, PASSWORD, FakeClock
from tests.support import copy_desk, dump_table, event_rows, raw_db

NEW_PASSWORD = "a completely new phrase"


@dataclass(frozen=True)
class Command:
    # The permission the service checks, named in the refusal it records; None for a
    # command every signed-in person may run, which has no gate of its own.
    gate: Permission | None
    call: Callable[[SignedIn], Any]
    check: Callable[[SignedIn, Any], None]


def _added(session: SignedIn, person: Person) -> None:
    assert person.username == "newcomer"
    assert person.must_change_password


def _disabled(session: SignedIn, person: Person) -> None:
    assert person.username == "target"
    assert not person.active


def _reset(session: SignedIn, person: Person) -> None:
    assert person.must_change_password


def _listed(session: SignedIn, found: list[Person]) -> None:
    assert "target" in {p.username for p in found}


def _verified(session: SignedIn, result: audit.AuditResult) -> None:
    assert result.ok, result.describe()


# Every public service function whose first argument is a SignedIn, with how to run it.
MATRIX: dict[str, Command] = {
    "people.list_people": Command(Permission.VIEW_PEOPLE, people.list_people, _listed),
    "people.add_person": Command(
        Permission.MANAGE_PEOPLE,
        lambda s: people.add_person(s, "newcomer", "New Comer", Role.DAY_TEAM, NEW_PASSWORD),
        _added,
    ),
    "people.disable_person": Command(
        Permission.MANAGE_PEOPLE, lambda s: people.disable_person(s, "target"), _disabled
    ),
    "people.reset_password": Command(
        Permission.MANAGE_PEOPLE, lambda s: people.reset_password(s, "target", NEW_PASSWORD), _reset
    ),
    "people.change_own_password": Command(
        Permission.CHANGE_OWN_PASSWORD,
        lambda s: people.change_own_password(s, PASSWORD, NEW_PASSWORD),
        lambda s, _: assert_true(desk.check_password(s, NEW_PASSWORD)),
    ),
    "audit.verify_log": Command(Permission.VERIFY_AUDIT, audit.verify_log, _verified),
    "audit.rebuild_projections": Command(
        Permission.REBUILD_PROJECTIONS,
        audit.rebuild_projections,
        lambda s, count: assert_true(count > 10),
    ),
    "desk.check_password": Command(
        None, lambda s: desk.check_password(s, PASSWORD), lambda s, ok: assert_true(ok is True)
    ),
    "desk.lock": Command(None, desk.lock, lambda s, _: None),
    "desk.unlock": Command(None, lambda s: desk.unlock(s, PASSWORD), lambda s, _: None),
    "desk.sign_out": Command(None, desk.sign_out, lambda s, _: None),
}

# Who may run what, from the product rules: the administrator may do everything; a
# manager may also list people and verify the audit log; everyone may change their own
# password and lock, unlock, check their password and sign out; only the administrator
# may add, disable or reset people and rebuild projections. Y: allowed, N: refused.
Y, N = True, False
ROLES = (
    Role.DUTY_SOCIAL_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.DAY_TEAM,
    Role.MANAGER,
    Role.ADMINISTRATOR,
)
# fmt: off
EXPECTED: dict[str, tuple[bool, ...]] = {
    #                               social  senior  day  manager  admin
    "people.list_people":          (N,      N,      N,   Y,       Y),
    "people.add_person":           (N,      N,      N,   N,       Y),
    "people.disable_person":       (N,      N,      N,   N,       Y),
    "people.reset_password":       (N,      N,      N,   N,       Y),
    "people.change_own_password":  (Y,      Y,      Y,   Y,       Y),
    "audit.verify_log":            (N,      N,      N,   Y,       Y),
    "audit.rebuild_projections":   (N,      N,      N,   N,       Y),
    "desk.check_password":         (Y,      Y,      Y,   Y,       Y),
    "desk.lock":                   (Y,      Y,      Y,   Y,       Y),
    "desk.unlock":                 (Y,      Y,      Y,   Y,       Y),
    "desk.sign_out":               (Y,      Y,      Y,   Y,       Y),
}
# fmt: on


def allowed(role: Role, command: str) -> bool:
    return EXPECTED[command][ROLES.index(role)]


# Not commands: the gate itself.
EXEMPT = {"authz.authorize"}


def assert_true(value: object) -> None:
    assert value is True


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskPaths]:
    paths = DeskPaths(tmp_path_factory.mktemp("matrix") / "desk")
    admin = desk.create_desk(paths, "admin", "Alex Administrator", ADMIN_PASSWORD, FakeClock())
    session = admin.session
    for role in Role:
        username = role.value.replace("_", "")[:12]
        people.add_person(session, username, role.label, role, PASSWORD, must_change_password=False)
    people.add_person(session, "target", "Tara Target", Role.DUTY_SOCIAL_WORKER, PASSWORD)
    desk.sign_out(session)
    yield paths
    desk.remove_desk(paths)


def _snapshot(session: SignedIn) -> dict[str, Any]:
    with raw_db(session.desk.paths.database, session.desk.db_key) as db:
        tables = {t: dump_table(db, t) for t in ("people", "desk", "alembic_version")}
        return {"events": event_rows(db), "tables": tables}


@pytest.mark.parametrize("command", sorted(MATRIX))
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_may_run_command_exactly_as_the_rules_say(
    template: DeskPaths, tmp_path: Path, role: Role, command: str
) -> None:
    paths = copy_desk(template, tmp_path / "desk")
    spec = MATRIX[command]
    session = desk.sign_in(paths, role.value.replace("_", "")[:12], PASSWORD, FakeClock())
    try:
        assert session.person.role is role
        before = _snapshot(session)
        keyfile_before = paths.keyfile.read_bytes()
        if allowed(role, command):
            spec.check(session, spec.call(session))
            return
        assert spec.gate is not None, f"{command} is refused to someone but has no gate"
        with pytest.raises(Forbidden, match=f"^A {role.label.lower()} may not "):
            spec.call(session)
        after = _snapshot(session)
        assert after["tables"] == before["tables"]
        assert paths.keyfile.read_bytes() == keyfile_before
        assert after["events"][:-1] == before["events"]
        denied = after["events"][-1]
        assert denied[6] == "access.denied"
        assert (denied[5], denied[8], denied[9]) == (session.person.id,) * 2 + (role.value,)
        assert json.loads(denied[7]) == {"action": spec.gate.value}
    finally:
        session.desk.close()


def _service_functions() -> set[str]:
    found = set()
    for info in pkgutil.iter_modules(duty_desk.services.__path__):
        module = importlib.import_module(f"duty_desk.services.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or func.__module__ != module.__name__:
                continue
            params = list(inspect.signature(func).parameters)
            if params and typing.get_type_hints(func).get(params[0]) is SignedIn:
                found.add(f"{info.name}.{name}")
    return found


def test_matrix_lists_every_service_command() -> None:
    found = _service_functions()
    assert {"people.add_person", "audit.verify_log"} <= found  # the scan itself works
    missing = found - set(MATRIX) - EXEMPT
    assert not missing, f"add these service commands to MATRIX and EXPECTED: {missing}"
    assert not (set(MATRIX) | EXEMPT) - found, "MATRIX names functions that no longer exist"


def test_the_expected_table_covers_every_role_and_command() -> None:
    assert sorted(ROLES) == sorted(Role)
    assert set(EXPECTED) == set(MATRIX)
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


def test_the_expected_table_and_the_permissions_agree() -> None:
    # A change to PERMISSIONS or to the table above must change the other too. A command
    # with no gate of its own is open to every role.
    from_permissions = {
        name: {r for r in Role if spec.gate is None or spec.gate in PERMISSIONS[r]}
        for name, spec in MATRIX.items()
    }
    from_table = {name: {r for r in Role if allowed(r, name)} for name in MATRIX}
    assert from_permissions == from_table
