"""The command line's documents (registered by ``duty_desk.cli``): ``duty-desk report …``.

``report pack FILE`` saves the morning handover pack (``--team`` for one receiving team);
``report record REF FILE`` one enquiry's decision record; ``report custody-log REF FILE``
one custody case's log; ``report indicators FROM TO FILE`` and ``report monitoring FROM
TO FILE`` the figures for a range of nights. Each is a marked PDF. ``--password-prompt``
encrypts it: the password comes from DUTY_DESK_DOCUMENT_PASSWORD or a hidden prompt
(asked twice), never the command line. An existing file is replaced only with ``--force``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from duty_desk.domain.errors import ValidationError

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn
    from duty_desk.services.documents import Printed

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Action = Callable[["SignedIn", argparse.Namespace], int]
Add = Callable[[Commands, str, Action, str], argparse.ArgumentParser]

DOCUMENT_PASSWORD_ENV = "DUTY_DESK_DOCUMENT_PASSWORD"  # noqa: S105 (a variable name)
_secrets: list[Callable[[str, str], str]] = []


def report_pack(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.reports import handover_pack

    printed = handover_pack(
        session, Path(args.file), team=args.team, password=_password(args),
        overwrite=args.force,
    )  # fmt: skip
    return _said(printed, "The handover pack")


def report_record(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.enquiry_lists import find_by_reference
    from duty_desk.services.reports import decision_record

    enquiry_id = find_by_reference(session, args.reference)
    printed = decision_record(
        session, enquiry_id, Path(args.file), password=_password(args), overwrite=args.force
    )
    return _said(printed, "The decision record")


def report_custody_log(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.custody import find_case
    from duty_desk.services.reports import custody_log

    case_id = find_case(session, args.reference)
    printed = custody_log(
        session, case_id, Path(args.file), password=_password(args), overwrite=args.force
    )
    return _said(printed, "The custody log")


def report_indicators(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.indicators import indicators_report

    start, end = _day(args.start, "FROM"), _day(args.end, "TO")
    printed = indicators_report(
        session, start, end, Path(args.file), password=_password(args), overwrite=args.force
    )
    return _said(printed, "The indicators report")


def report_monitoring(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.indicators import monitoring_report

    start, end = _day(args.start, "FROM"), _day(args.end, "TO")
    printed = monitoring_report(
        session, start, end, Path(args.file), password=_password(args), overwrite=args.force
    )
    return _said(printed, "The monitoring report")


def _said(printed: Printed, what: str) -> int:
    pages = f"{printed.pages} page{'s' if printed.pages != 1 else ''}"
    locked = ", encrypted: it opens only with its password" if printed.encrypted else ""
    print(f"{what} is saved in {printed.path} ({pages}{locked}).")
    return 0


def _password(args: argparse.Namespace) -> str | None:
    """The document's password (asked twice at a terminal), or None without the option."""
    if not args.password_prompt:
        return None
    from duty_desk.services.documents import check_password

    read = _secrets[0]
    password = read(DOCUMENT_PASSWORD_ENV, "Password for the document: ")
    if sys.stdin.isatty() and not os.environ.get(DOCUMENT_PASSWORD_ENV):
        again = read(DOCUMENT_PASSWORD_ENV, "The same password again: ")
        if again != password:
            raise ValidationError("The two passwords are not the same: nothing was saved.")
    check_password(password)
    return password


def _day(text: str, name: str) -> date:
    """A night's date as 22/11/2026 or 2026-11-22."""
    for form in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), form).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    raise ValidationError(f"{name} must be a date such as 22/11/2026 (or 2026-11-22).")


def register(
    commands: Commands,
    group: Callable[[Commands, str, str], Commands],
    add: Add,
    read_secret: Callable[[str, str], str],
) -> None:
    """Add ``report`` and its documents; ``read_secret`` is cli's (environment or a hidden
    prompt, never the command line)."""
    _secrets[:] = [read_secret]
    report = group(commands, "report", "save a document as a marked PDF")
    p = add(report, "pack", report_pack, "the morning handover pack (the day team)")
    p.add_argument("--team", help="only this receiving team's items")
    _common(p)
    p = add(report, "record", report_record, "one enquiry's decision record and history")
    p.add_argument("reference", help="for example EDT-261121-A1B2-001")
    _common(p)
    p = add(report, "custody-log", report_custody_log, "one custody case's log")
    p.add_argument("reference", help="for example CUS-261121-A1B2-001")
    _common(p)
    for name, action, said in (
        ("indicators", report_indicators, "the performance indicators for a range of nights"),
        ("monitoring", report_monitoring, "the Concordat monitoring report for a range"),
    ):
        p = add(report, name, action, said)
        p.add_argument("start", metavar="FROM", help="the first night, e.g. 16/11/2026")
        p.add_argument("end", metavar="TO", help="the last night, e.g. 22/11/2026")
        _common(p)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="where to save it (a .pdf file)")
    p.add_argument(
        "--password-prompt",
        action="store_true",
        help=f"encrypt it with a password ({DOCUMENT_PASSWORD_ENV} or a hidden prompt)",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
