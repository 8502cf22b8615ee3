"""Checking the audit log and rebuilding the tables the UI reads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from duty_desk.domain.audit import ChainProblem, ChainReport, verify_chain
from duty_desk.domain.clock import utc_now
from duty_desk.domain.events import SYSTEM, NewEvent
from duty_desk.domain.roles import Permission
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.store import projections, purge
from duty_desk.store.database import Store
from duty_desk.store.unit_of_work import UnitOfWork

GUARDS = (
    "events_refuse_update",
    "events_refuse_delete",
    "events_advance_head",
    "chain_heads_only_forward",
    "chain_heads_refuse_delete",
)


@dataclass(frozen=True, slots=True)
class AuditResult:
    report: ChainReport
    missing_guards: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.report.ok and not self.missing_guards

    def describe(self) -> str:
        lines = []
        if self.report.problem:
            lines.append(f"FAILED at {self.report.problem.describe()}")
        if self.missing_guards:
            lines.append(
                "FAILED: the protections that refuse edits to the log were removed: "
                + ", ".join(self.missing_guards)
            )
        if not lines:
            lines.append(
                f"OK: {self.report.events_checked} events from {self.report.devices} "
                "device(s); every chain is intact."
            )
            if self.report.purged:
                lines.append(
                    f"{self.report.purged} of them were blanked by the local purge; each is "
                    "listed by its purge record and matches its digest."
                )
        return "\n".join(lines)


def check_store(store: Store, device_id: str) -> AuditResult:
    """The whole check on an open store (no role check: callers do that)."""
    with UnitOfWork(store, device_id, SYSTEM, utc_now, read_only=True) as uow:
        present = {
            row[0]
            for row in uow.session.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            )
        }
        listed = purge.listed(uow.session)  # whose hashes the purge records' digests need
        report = verify_chain(uow.events.all(), uow.chain_heads(), listed=listed)
    missing = tuple(name for name in GUARDS if name not in present)
    return AuditResult(report, missing)


def verify_log(session: SignedIn) -> AuditResult:
    authorize(session, Permission.VERIFY_AUDIT)
    result = check_store(session.desk.store, session.desk.device_id)
    with session.uow() as uow:
        uow.record(NewEvent("desk", session.desk.device_id, "audit.verified", {"ok": result.ok}))
        uow.commit()
    return result


def rebuild_projections(session: SignedIn) -> int:
    authorize(session, Permission.REBUILD_PROJECTIONS)
    with session.uow() as uow:
        count = projections.rebuild(uow.session)
        uow.record(
            NewEvent("desk", session.desk.device_id, "audit.rebuilt", {"events_replayed": count})
        )
        uow.commit()
    return count


__all__ = ["AuditResult", "ChainProblem", "check_store", "rebuild_projections", "verify_log"]
