"""The command line for the day service: set it up, sync now, see conflicts.

``duty-desk day-service init URL`` and ``roles`` need no desk (a DBA runs them);
the rest act as a signed-in person, like every other command.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from typing import TypeAlias

from duty_desk.domain.clock import show_local
from duty_desk.services.context import SignedIn

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Add = Callable[[Commands, str, Callable[..., int], str], argparse.ArgumentParser]
Plain = Callable[[Commands, str, Callable[..., int], str], argparse.ArgumentParser]

PASSWORD_ENV = "DUTY_DESK_DAY_SERVICE_PASSWORD"  # noqa: S105 (the variable's name)


def day_service_init(args: argparse.Namespace) -> int:
    from duty_desk.sync.server import DayService, redacted

    password = os.environ.get(PASSWORD_ENV) or None
    print(f"{redacted(args.url)}: {DayService.init(args.url, password)}")
    return 0


def day_service_roles(args: argparse.Namespace) -> int:
    from duty_desk.domain.errors import ValidationError
    from duty_desk.sync.roles import team_role_sql

    try:
        print(team_role_sql(args.team))
    except ValueError as error:
        raise ValidationError(str(error), "team") from None
    return 0


def day_service_configure(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services import sync
    from duty_desk.sync.server import redacted

    password = None
    if args.password:
        password = _read_secret(PASSWORD_ENV, "The day service password for this desk: ")
    config = sync.configure(session, args.url, args.team, password)
    print(f"This desk now syncs with {redacted(config.url)} as team {config.team}.")
    if password:
        print("Its password is kept in this computer's credential store.")
    return 0


def sync_run(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services import sync

    if args.status:
        return _print_status(session)
    report = sync.sync_now(session)
    print(f"Synced: {report.summary()}.")
    return _print_status(session)


def _print_status(session: SignedIn) -> int:
    from duty_desk.services import sync

    found = sync.status(session)
    last = show_local(found.last_sync_at) if found.last_sync_at else "never"
    print(f"Day service: {found.address} (team {found.team}); last synced {last}")
    print(f"  records written here: {found.own_seq}; held by the day service: {found.acked_seq}")
    if found.unsent:
        print(f"  not yet sent: {found.unsent}")
    if found.open_conflicts:
        print(f"  conflicts to look at: {found.open_conflicts} (duty-desk conflicts list)")
    if found.last_error:
        print(f"  last attempt: {found.last_error}")
    return 0


def conflicts_list(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services import sync

    found = sync.list_conflicts(session, include_resolved=args.all)
    if not found:
        print("No conflicts.")
    for conflict in found:
        state = "resolved" if conflict.resolved_at else "open"
        print(f"{conflict.event_id}  {conflict.stream_kind} {conflict.stream_id}  "
              f"{conflict.kind}  {show_local(conflict.raised_at)}  {state}")  # fmt: skip
        print("  " + json.dumps(conflict.detail, ensure_ascii=False, sort_keys=True))
    return 0


def conflicts_resolve(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services import sync

    sync.resolve_conflict(session, args.event_id, args.note or "")
    print("Marked as resolved.")
    return 0


_secrets: list[Callable[[str, str], str]] = []  # cli.read_secret, given by register


def _read_secret(env_name: str, prompt: str) -> str:
    return _secrets[0](env_name, prompt)


def register(
    commands: Commands,
    plain: Plain,
    add: Add,
    group: Callable[..., Commands],
    read_secret: Callable[[str, str], str],
) -> None:
    """Add the day-service, sync and conflicts commands (``read_secret``: cli's, for the
    password: from the environment or a hidden prompt, never the command line)."""
    _secrets[:] = [read_secret]
    service = group(commands, "day-service", "the shared day service: create it, connect to it")
    p = plain(service, "init", day_service_init,
              f"create or migrate the day service's tables at URL ({PASSWORD_ENV})")  # fmt: skip
    p.add_argument(
        "url", help="postgresql+psycopg://owner@host/db?sslmode=verify-full or sqlite:///file"
    )
    p = plain(service, "roles", day_service_roles, "print the SQL for a team's device role")
    p.add_argument("--team", required=True)
    p = add(service, "configure", day_service_configure, "set where this desk syncs (admin)")
    p.add_argument("url", help="the day service's address, without a password")
    p.add_argument("--team", required=True, help="the team's name on the day service, e.g. edt")
    p.add_argument(
        "--password",
        action="store_true",
        help=f"ask for the password (or {PASSWORD_ENV}); kept in the keyring",
    )
    p = add(commands, "sync", sync_run, "push this desk's records and pull the team's, now")
    p.add_argument("--status", action="store_true", help="only say where sync stands")
    conflicts = group(commands, "conflicts", "what two laptops changed at once")
    p = add(conflicts, "list", conflicts_list, "conflicts to look at")
    p.add_argument("--all", action="store_true", help="resolved ones too")
    p = add(conflicts, "resolve", conflicts_resolve, "say a conflict has been dealt with")
    p.add_argument("event_id")
    p.add_argument("--note", help="what was done")
