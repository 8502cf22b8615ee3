"""The sign-off rules in force: the default file, or the latest an administrator installed.

Installing is an audited event carrying the whole file, so every desk that replays the
log knows exactly which rules each decision was judged by. A file is checked whole before
it is installed; a refused file changes nothing. ``gate`` is what deciding calls.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from duty_desk.domain.clock import LONDON
from duty_desk.domain.enquiry import EnquiryInvalid, Problem
from duty_desk.domain.events import NewEvent, format_instant
from duty_desk.domain.roles import Permission, Role
from duty_desk.domain.signoff import due_at
from duty_desk.domain.signoff_rules import Requirement, RuleSet, RulesInvalid, facts_of, parse_rules
from duty_desk.resources import resource
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.lists import decision_types
from duty_desk.store import signoffs as store
from duty_desk.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

DEFAULT_SOURCE = "the default rules (resources/rules/signoff.toml)"
SOURCE_MAX = 300


@dataclass(frozen=True, slots=True)
class RulesInForce:
    rules: RuleSet
    source: str  # a file name, or DEFAULT_SOURCE
    sha256: str
    installed_at: datetime | None
    installed_by: str | None  # a person id


def check_rules(text: str, source: str) -> RuleSet:
    """Read a rules file without installing it. Raises ``RulesInvalid`` naming each line."""
    return _parsed(text, source)


@lru_cache(maxsize=8)
def _parsed(text: str, source: str) -> RuleSet:
    return parse_rules(text, decision_types().labels, source)


def default_text() -> str:
    return resource("rules", "signoff.toml").read_text(encoding="utf-8")


def in_force(uow: UnitOfWork) -> RulesInForce:
    """The newest installed file that still reads (a decision type could have been removed
    since); else the default."""
    for row in store.installed_rules(uow.session):
        try:
            rules = _parsed(row.text, row.source)
        except RulesInvalid:
            log.warning("installed rules version at position %s no longer read", row.position)
            continue
        return RulesInForce(rules, row.source, row.sha256, row.installed_at, row.installed_by)
    text = default_text()
    return RulesInForce(_parsed(text, DEFAULT_SOURCE), DEFAULT_SOURCE, _sha(text), None, None)


def rules_in_force(session: SignedIn) -> RulesInForce:
    """Anyone signed in may read the rules their decisions are judged by."""
    with session.uow(read_only=True) as uow:
        return in_force(uow)


def install_rules(session: SignedIn, text: str, source: str) -> RulesInForce:
    """Check and install a rules file; it applies to every decision from now on."""
    authorize(session, Permission.MANAGE_RULES)
    name = source.strip()[-SOURCE_MAX:] or "a rules file"
    rules = check_rules(text, name)
    with session.uow() as uow:
        payload = {"version": rules.version, "text": text, "sha256": _sha(text), "source": name}
        uow.record(NewEvent("rules", "signoff", "rules.installed", payload))
        uow.commit()
        return in_force(uow)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def requirement(
    uow: UnitOfWork, content: Mapping[str, Any], role: Role | str, now: datetime
) -> Requirement:
    facts = facts_of(content, role, _local_date(content, now))
    return in_force(uow).rules.evaluate(facts)


def gate(
    uow: UnitOfWork,
    content: Mapping[str, Any],
    role: Role | str,
    now: datetime,
    handover_due: datetime,
) -> dict[str, Any]:
    """What a decision made now must have before it is final, for its event; a decision a
    rule blocks is refused, with the rule's message at the decision field."""
    required = requirement(uow, content, role, now)
    if required.blocks:
        raise EnquiryInvalid(
            [
                Problem("decision_type", f"{message} (rule {ident})")
                for ident, message in required.blocks
            ]
        )
    due = due_at(required, now, handover_due) if required.needed else None
    return required.to_payload() | {"due": format_instant(due) if due else None}


def _local_date(content: Mapping[str, Any], now: datetime) -> date:
    """Ages are worked out on the day the call came in (London time)."""
    received = content.get("received_at")
    moment = now if not received else datetime.fromisoformat(received.replace("Z", "+00:00"))
    return moment.astimezone(LONDON).date()
