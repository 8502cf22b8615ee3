"""The ``duty-desk`` command: the app, and the same services for administrators and scripts.

Passwords never come from the command line: each is read from an environment variable
or, failing that, one line of standard input (a prompt when it is a terminal).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from duty_desk import __version__
from duty_desk.domain.errors import DutyDeskError

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn
    from duty_desk.services.paths import DeskPaths

log = logging.getLogger("duty_desk.cli")

PASSWORD_ENV = "DUTY_DESK_PASSWORD"  # noqa: S105 (a variable name)
NEW_PASSWORD_ENV = "DUTY_DESK_NEW_PASSWORD"  # noqa: S105
RECOVERY_ENV = "DUTY_DESK_RECOVERY_KEY"
USER_ENV = "DUTY_DESK_USER"


class CliError(DutyDeskError):
    pass


def read_secret(env_name: str, prompt: str) -> str:
    value = os.environ.get(env_name)
    if value:
        return value
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    if not line:
        raise CliError(f"{prompt.rstrip(': ')} is needed: set {env_name} or give it on stdin.")
    return line.rstrip("\r\n")


def _paths(args: argparse.Namespace) -> DeskPaths:
    from duty_desk.services.paths import DeskPaths, default_data_dir

    return DeskPaths(Path(args.data_dir) if args.data_dir else default_data_dir())


def _signed_in(args: argparse.Namespace) -> SignedIn:
    from duty_desk.services.desk import sign_in

    username = args.as_user or os.environ.get(USER_ENV)
    if not username:
        raise CliError(f"Say who is acting: --as USERNAME (or set {USER_ENV}).")
    args.current_password = read_secret(PASSWORD_ENV, f"Password for {username}: ")
    return sign_in(_paths(args), username, args.current_password)


def _with_session(action: Callable[[SignedIn, argparse.Namespace], int]) -> Callable[..., int]:
    def run(args: argparse.Namespace) -> int:
        from duty_desk.services.desk import sign_out

        session = _signed_in(args)
        try:
            return action(session, args)
        finally:
            sign_out(session)

    return run


def cmd_app(args: argparse.Namespace) -> int:
    from duty_desk.ui.app import run_app

    code: int = run_app(_paths(args))
    return code


def cmd_init(args: argparse.Namespace) -> int:
    from duty_desk.services.desk import create_desk, sign_out

    password = read_secret(PASSWORD_ENV, "New administrator's password: ")
    created = create_desk(_paths(args), args.username, args.name, password)
    sign_out(created.session)
    print(f"Desk created in {_paths(args).root} with administrator {args.username!r}.")
    print("Recovery key (shown once; write it down and keep it locked away):")
    print(f"  {created.recovery_key}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from duty_desk.services.demo import build_demo, is_demo_desk
    from duty_desk.services.desk import remove_desk

    paths = _paths(args)
    if paths.exists():
        if not is_demo_desk(paths):
            raise CliError(
                f"{paths.root} holds a real desk, not a demo: nothing was changed. "
                "Choose another folder with --data-dir."
            )
        if not args.replace:
            print(f"A demo desk already exists in {paths.root}; --replace rebuilds it.")
            return 0
        remove_desk(paths)
    demo = build_demo(paths)
    print(f"Demo desk built in {paths.root}. Every demo account's password: {demo.password}")
    for account in demo.accounts:
        print(f"  {account.username:<10} {account.display_name:<22} {account.role.label}")
    print(f"Recovery key: {demo.recovery_key}")
    print(f"Day service (SQLite): {paths.day_service}")
    return 0


@_with_session
def cmd_users_list(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.clock import show_local
    from duty_desk.services.people import list_people

    people = list_people(session)
    print(f"{'USERNAME':<12} {'NAME':<28} {'ROLE':<20} {'STATUS':<9} ADDED")
    for p in people:
        status = "active" if p.active else "disabled"
        print(
            f"{p.username:<12} {p.display_name:<28} {p.role.label:<20} {status:<9} "
            f"{show_local(p.created_at)}"
        )
    return 0


@_with_session
def cmd_users_add(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.roles import Role
    from duty_desk.services.people import add_person

    try:
        role = Role.parse(args.role)
    except ValueError as error:
        raise CliError(str(error)) from None
    password = read_secret(NEW_PASSWORD_ENV, f"First password for {args.username}: ")
    person = add_person(session, args.username, args.name, role, password)
    print(f"Added {person.display_name} ({person.username}) as {person.role.label}.")
    return 0


@_with_session
def cmd_users_disable(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.people import disable_person

    person = disable_person(session, args.username)
    print(f"Disabled {person.display_name} ({person.username}).")
    return 0


@_with_session
def cmd_users_reset(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.people import reset_password

    password = read_secret(NEW_PASSWORD_ENV, f"New password for {args.username}: ")
    person = reset_password(session, args.username, password)
    print(f"Password reset for {person.display_name}; they must change it at next sign-in.")
    return 0


@_with_session
def cmd_audit_verify(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.audit import verify_log

    result = verify_log(session)
    print(result.describe())
    return 0 if result.ok else 1


@_with_session
def cmd_audit_rebuild(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.audit import rebuild_projections

    print(f"Rebuilt the desk's tables from {rebuild_projections(session)} events.")
    return 0


@_with_session
def cmd_password(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.people import change_own_password

    new = read_secret(NEW_PASSWORD_ENV, "New password: ")
    interactive = sys.stdin.isatty() and not os.environ.get(NEW_PASSWORD_ENV)
    if interactive and getpass.getpass("New password again: ") != new:
        raise CliError("The two new passwords are not the same; nothing was changed.")
    change_own_password(session, args.current_password, new)
    print(f"Password changed for {session.person.display_name}.")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from duty_desk.services.desk import recover, sign_out

    key = read_secret(RECOVERY_ENV, "Recovery key: ")
    password = read_secret(NEW_PASSWORD_ENV, f"New password for {args.username}: ")
    session = recover(
        _paths(args), key, args.username, password, new_device_secret=args.new_device_secret
    )
    sign_out(session)
    print(f"Recovered: {args.username} can sign in with the new password.")
    return 0


Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="duty-desk", description="Duty Desk " + __version__)
    parser.add_argument("--data-dir", help="the desk's data directory (default: per-user app data)")
    parser.add_argument("--version", action="version", version=f"duty-desk {__version__}")
    parser.set_defaults(func=cmd_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _desk_commands(commands)
    _user_commands(_group(commands, "users", "manage people"))
    _audit_commands(_group(commands, "audit", "check the audit log"))
    _shift_commands(_group(commands, "shift", "start, show or end tonight's duty shift"))
    _enquiry_commands(_group(commands, "enquiries", "list, read and trace enquiries"))
    _rules_commands(_group(commands, "rules", "check, install or show the sign-off rules"))
    _signoff_commands(_group(commands, "signoff", "the sign-off queue; approve, return, verbal"))
    _custody_commands(commands)
    _handover_commands(commands)  # the morning handover (cli_handover.py)
    _sync_commands(commands)  # the day service, sync and conflicts (cli_sync.py)
    _alerts_commands(commands)  # known-tonight alerts and the local purge (cli_alerts.py)
    _report_commands(commands)  # documents as marked PDFs (cli_reports.py)
    return parser


def _command(
    parent: Commands, name: str, func: Callable[..., int], help_text: str
) -> argparse.ArgumentParser:
    p = parent.add_parser(name, help=help_text, description=help_text)
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    p.set_defaults(func=func)
    return p


def _group(parent: Commands, name: str, help_text: str) -> Commands:
    return _command(parent, name, _name_an_action, help_text).add_subparsers(metavar="ACTION")


def _desk_commands(commands: Commands) -> None:
    _command(commands, "app", cmd_app, "open the app (the default)")
    p = _command(
        commands, "init", cmd_init, f"set up a desk and its administrator ({PASSWORD_ENV})"
    )
    p.add_argument("--username", required=True)
    p.add_argument("--name", required=True, help="the administrator's full name")
    p = _command(commands, "demo", cmd_demo, "build a demo desk with demo accounts")
    p.add_argument("--replace", action="store_true", help="rebuild an existing demo desk")
    p = _command(commands, "recover", cmd_recover, "open the desk with the recovery key")
    p.add_argument("--username", required=True, help="the administrator to recover")
    p.add_argument(
        "--new-device-secret",
        action="store_true",
        help="the credential store lost the device secret: make a new one (everyone else "
        "then needs a password reset)",
    )
    _acting(
        _command(commands, "password", cmd_password, f"change your password ({NEW_PASSWORD_ENV})")
    )


def _user_commands(users: Commands) -> None:
    _acting(_command(users, "list", cmd_users_list, "list people"))
    p = _command(users, "add", cmd_users_add, f"add a person (first password: {NEW_PASSWORD_ENV})")
    p.add_argument("username")
    p.add_argument("--name", required=True, help="their full name")
    p.add_argument("--role", required=True, help="duty_social_worker, manager, ...")
    _acting(p)
    p = _command(users, "disable", cmd_users_disable, "stop a person signing in")
    p.add_argument("username")
    _acting(p)
    p = _command(users, "reset-password", cmd_users_reset, f"new password ({NEW_PASSWORD_ENV})")
    p.add_argument("username")
    _acting(p)


def _audit_commands(audit: Commands) -> None:
    verify = "verify every event's hash chain; exit 1 on tampering"
    _acting(_command(audit, "verify", cmd_audit_verify, verify))
    rebuild = "rebuild the tables the app reads from the events"
    _acting(_command(audit, "rebuild", cmd_audit_rebuild, rebuild))


def _shift_commands(shift: Commands) -> None:
    from duty_desk import cli_enquiries

    p = _command(
        shift, "start", _with_session(cli_enquiries.shift_start), "start a shift on this desk"
    )
    p.add_argument("--on-duty", action="append", required=True, metavar="NAME",
                   help="who is on duty (repeat for each person)")  # fmt: skip
    p.add_argument("--senior", required=True, metavar="NAME", help="the on-call senior")
    p.add_argument("--senior-phone", required=True, metavar="PHONE")
    p.add_argument("--manager", required=True, metavar="NAME", help="the on-call manager")
    p.add_argument("--manager-phone", required=True, metavar="PHONE")
    _acting(p)
    _acting(
        _command(
            shift,
            "end",
            _with_session(cli_enquiries.shift_end),
            "end the shift running on this desk",
        )
    )
    _acting(
        _command(
            shift, "show", _with_session(cli_enquiries.shift_show), "who is on duty and on call now"
        )
    )


def _enquiry_commands(enquiries: Commands) -> None:
    from duty_desk import cli_enquiries

    p = _command(
        enquiries,
        "list",
        _with_session(cli_enquiries.enquiries_list),
        "the running shift's enquiries",
    )
    p.add_argument("--search", default="", metavar="TEXT", help="only those matching TEXT")
    p.add_argument("--all", action="store_true", help="every enquiry, not only this shift's")
    _acting(p)
    p = _command(
        enquiries,
        "show",
        _with_session(cli_enquiries.enquiries_show),
        "one enquiry in full (the view is recorded)",
    )
    p.add_argument("reference", help="for example EDT-261121-A1B2-001")
    _acting(p)
    p = _command(
        enquiries,
        "history",
        _with_session(cli_enquiries.enquiries_history),
        "every change to one enquiry",
    )
    p.add_argument("reference")
    _acting(p)


def _rules_commands(rules: Commands) -> None:
    from duty_desk import cli_signoff

    p = _command(rules, "check", cli_signoff.rules_check, "check a rules file, install nothing")
    p.add_argument("file")
    p = _command(
        rules,
        "install",
        _with_session(cli_signoff.rules_install),
        "install a rules file (administrators; refused whole if anything is wrong)",
    )
    p.add_argument("file")
    _acting(p)
    show = _with_session(cli_signoff.rules_show)
    _acting(_command(rules, "show", show, "the rules in force and where they came from"))


def _signoff_commands(signoff: Commands) -> None:
    from duty_desk import cli_signoff

    queue = _with_session(cli_signoff.signoff_queue)
    _acting(_command(signoff, "queue", queue, "what waits for your sign-off, oldest first"))
    p = _command(signoff, "approve", _with_session(cli_signoff.signoff_approve),
                 "sign off the current version of a decision")  # fmt: skip
    p.add_argument("reference")
    p.add_argument("--comments", help="your reasons (required where a rule says so)")
    _acting(p)
    p = _command(signoff, "return", _with_session(cli_signoff.signoff_return),
                 "send a decision back to the worker with comments")  # fmt: skip
    p.add_argument("reference")
    p.add_argument("--comments", required=True)
    _acting(p)
    p = _command(signoff, "verbal", _with_session(cli_signoff.signoff_verbal),
                 "record a sign-off given by phone or in person")  # fmt: skip
    p.add_argument("reference")
    p.add_argument("--approver", required=True, metavar="USERNAME")
    p.add_argument("--how", required=True, choices=["phone", "in_person"])
    p.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help="London time (default: now)")
    p.add_argument("--note", default="")
    _acting(p)
    p = _command(signoff, "confirm", _with_session(cli_signoff.signoff_confirm),
                 "confirm (or --dispute) the verbal sign-off you gave")  # fmt: skip
    p.add_argument("reference")
    p.add_argument("--dispute", action="store_true")
    p.add_argument("--comments", help="required when disputing")
    _acting(p)


def _custody_commands(commands: Commands) -> None:
    from duty_desk import cli_custody

    custody = _group(commands, "custody", "young people in police custody (PACE s.38(6))")
    cli_custody.register(
        custody, _group(commands, "providers", "the placements directory"), _signed_command
    )


def _handover_commands(commands: Commands) -> None:
    from duty_desk import cli_handover

    handover = _group(commands, "handover", "submit the night; the day team's handover inbox")
    cli_handover.register(handover, _signed_command)


def _sync_commands(commands: Commands) -> None:
    from duty_desk import cli_sync

    cli_sync.register(commands, _command, _signed_command, _group, read_secret)


def _alerts_commands(commands: Commands) -> None:
    from duty_desk import cli_alerts

    alerts = _group(commands, "alerts", "the day team's known-tonight alerts")
    cli_alerts.register(commands, alerts, _signed_command)


def _report_commands(commands: Commands) -> None:
    from duty_desk import cli_reports

    cli_reports.register(commands, _group, _signed_command, read_secret)


def _signed_command(
    group: Commands, name: str, func: Callable[..., int], help_text: str
) -> argparse.ArgumentParser:
    """A command that acts as a signed-in person (``--as``, password from the environment)."""
    p = _command(group, name, _with_session(func), help_text)
    _acting(p)
    return p


def _acting(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--as", dest="as_user", help=f"who is acting (or {USER_ENV}); password from {PASSWORD_ENV}"
    )


def _name_an_action(args: argparse.Namespace) -> int:
    raise CliError("Name an action; see --help.")


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from duty_desk import logs

    paths = _paths(args)
    try:
        if paths.exists():  # a refused "init" must leave nothing behind, not even a log
            logs.configure(paths.logs)
        else:
            logging.getLogger("duty_desk").addHandler(logging.NullHandler())
        log.info("command %s", getattr(args.func, "__name__", "?"))
        result: int = args.func(args)
        return result
    except DutyDeskError as error:
        log.warning("refused: %s", type(error).__name__)
        print(f"duty-desk: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # never a traceback: its text can hold personal data
        logs.log_unexpected(error)
        where = " Where it happened is in the desk's log." if paths.exists() else ""
        print(
            f"duty-desk: unexpected error ({type(error).__name__}); nothing more is shown "
            f"because details can hold personal data.{where}",
            file=sys.stderr,
        )
        return 3
