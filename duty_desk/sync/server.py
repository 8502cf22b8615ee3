"""The day service: one shared database every device pushes to and pulls from.

Push (per device, in its own order): each event must continue the chain the service
already holds for that device; an event it already holds is a replay and is skipped; the
same sequence number or event id with different content is refused, never overwritten.
The answer is the highest sequence number the service holds for the device, contiguous
from 1 (a device's chain is contiguous by construction: every insert must follow on).

Pull: events after a cursor, in one global order that every device sees the same. On
PostgreSQL the cursor is (writing transaction id, global_seq) and a pull only returns rows
whose transaction is older than every transaction still running, so a row that commits
late can never be skipped. SQLite has one writer at a time, so global_seq alone is safe.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError

from duty_desk.domain.events import Event, canonical_json, event_hash, format_instant, parse_instant
from duty_desk.sync.schema import SCHEMA_VERSION, server_events, server_meta, server_metadata

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_SECURE_SSLMODES = frozenset({"require", "verify-ca", "verify-full"})
_RETRIES = 3  # a concurrent push of the same device's events: try again, then it is a replay


class DayServiceError(Exception):
    """The day service could not be reached or used; the message says what to do."""


class ChainRefused(DayServiceError):
    """The service refused a push that would fork, alter or skip part of a device's chain."""


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a pull got to: the writing transaction (PostgreSQL; 0 on SQLite) and global_seq."""

    tx: int = 0
    global_seq: int = 0


@dataclass(frozen=True, slots=True)
class PushResult:
    acked_seq: int  # the highest sequence the service holds for this device
    inserted: int
    replayed: int


@dataclass(frozen=True, slots=True)
class Page:
    events: list[Event]
    cursor: Cursor


def checked_url(url: str) -> URL:
    """A day service address, refused with a reason if it is unusable or not private."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DayServiceError(
            f"{url!r} is not a database address. Use postgresql+psycopg://user@host/db or "
            "sqlite:///path/to/day-service.sqlite."
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise DayServiceError("A SQLite day service needs a file: sqlite:///path/to/file.")
        return parsed.set(drivername="sqlite+pysqlite")
    if backend != "postgresql":
        raise DayServiceError(
            f"The day service must be PostgreSQL or a SQLite file, not {backend!r}."
        )
    host = parsed.host or ""
    sslmode = str(parsed.query.get("sslmode", ""))
    local = host in LOOPBACK or host == "" or host.startswith("/")
    if not local and sslmode not in _SECURE_SSLMODES:
        raise DayServiceError(
            f"The day service at {host} must be reached over TLS: add ?sslmode=verify-full "
            "(or require) to the address. Only a service on this machine may go without."
        )
    return parsed.set(drivername="postgresql+psycopg")


def redacted(url: str) -> str:
    """The address without any password, safe to show and to log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database address)"


class DayService:
    """An open connection pool to the day service (PostgreSQL or a SQLite file)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    @classmethod
    def connect(cls, url: str, password: str | None = None, *, timeout: float = 10) -> DayService:
        parsed = checked_url(url)
        if password:
            parsed = parsed.set(password=password)
        args: dict[str, Any] = {}
        if parsed.get_backend_name() == "postgresql":
            args["connect_timeout"] = max(1, int(timeout))
            engine = create_engine(parsed, connect_args=args, pool_pre_ping=True)
        else:
            engine = create_engine(parsed, connect_args={"timeout": timeout})
            event.listen(engine, "connect", _sqlite_pragmas)
            # A push says at BEGIN that it will write (a push that read the head and then
            # found another writer had moved on would otherwise fail, not wait); reads take
            # a plain BEGIN so twenty laptops pulling at once never queue for the lock.
            event.listen(engine, "begin", _sqlite_begin)
        return cls(engine)

    @classmethod
    def init(cls, url: str, password: str | None = None) -> str:
        """Create the schema, or bring an older one up to date; says what it did."""
        service = cls.connect(url, password)
        try:
            with service._begin(writes=True) as connection:
                found = connection.dialect.has_table(connection, "server_meta")
                version = None
                if found:
                    version = connection.execute(
                        select(server_meta.c.value).where(server_meta.c.key == "schema_version")
                    ).scalar()
                if version is not None and int(version) > SCHEMA_VERSION:
                    raise DayServiceError(
                        f"The day service's schema is version {version}, newer than this "
                        f"Duty Desk knows ({SCHEMA_VERSION}). Nothing was changed."
                    )
                server_metadata.create_all(connection)
                if version is None:
                    connection.execute(
                        insert(server_meta).values(key="schema_version", value=str(SCHEMA_VERSION))
                    )
                    return f"Created the day service's tables (schema {SCHEMA_VERSION})."
                return f"The day service's schema is up to date (version {version})."
        finally:
            service.close()

    def close(self) -> None:
        self.engine.dispose()

    # --- push ---------------------------------------------------------------------------

    def push(self, team: str, device_id: str, events: Sequence[Event]) -> PushResult:
        """Store a device's events, in order, exactly once; answer its acknowledged mark."""
        for _attempt in range(_RETRIES):
            try:
                with self._begin(writes=True) as connection:
                    return _push(connection, team, device_id, events)
            except IntegrityError:
                # Another push of the same events committed first: the retry sees them as
                # replays. Anything still conflicting then is refused by the checks.
                continue
        raise ChainRefused(
            "The day service already holds an event with the same id but different contents "
            "(or another device is pushing as this one). Nothing from this push was stored; "
            "ask your administrator."
        )

    def acked_seq(self, device_id: str) -> int:
        with self._begin() as connection:
            return _head(connection, device_id)[0]

    # --- pull ---------------------------------------------------------------------------

    def pull(self, team: str, cursor: Cursor, limit: int = 1000) -> Page:
        """The next events after ``cursor`` in the one global order, none ever skipped."""
        with self._begin() as connection:
            if self.postgres:
                rows = connection.execute(
                    _PG_PULL,
                    {"team": team, "tx": str(cursor.tx), "seq": cursor.global_seq, "n": limit},
                )
            else:
                rows = connection.execute(
                    _SQLITE_PULL, {"team": team, "seq": cursor.global_seq, "n": limit}
                )
            events, last = [], cursor
            for row in rows.mappings():
                events.append(_event(row))
                last = Cursor(int(row["tx"]), int(row["global_seq"]))
        return Page(events, last)

    def pull_naive(self, team: str, after: int, limit: int = 1000) -> Page:
        """The WRONG cursor, ``global_seq > last``: kept only so a test can show it skips
        events that commit out of order. Never used by the app."""
        with self._begin() as connection:
            rows = connection.execute(_SQLITE_PULL, {"team": team, "seq": after, "n": limit})
            events, last = [], Cursor(0, after)
            for row in rows.mappings():
                events.append(_event(row))
                last = Cursor(0, int(row["global_seq"]))
        return Page(events, last)

    @contextmanager
    def _begin(self, *, writes: bool = False) -> Iterator[Connection]:
        engine = self.engine.execution_options(**{_WRITES: True}) if writes else self.engine
        try:
            with engine.begin() as connection:
                yield connection
        except (ChainRefused, IntegrityError):
            raise
        except DBAPIError as error:
            raise DayServiceError(_plain(error)) from error


_COLUMNS = ", ".join(c.name for c in server_events.columns if c.name not in ("global_seq", "team"))
_PG_PULL = text(
    f"SELECT global_seq, tx::text AS tx, {_COLUMNS} FROM server_events "  # noqa: S608
    "WHERE team = :team AND (tx, global_seq) > (CAST(:tx AS xid8), :seq) "
    "AND tx < pg_snapshot_xmin(pg_current_snapshot()) "
    "ORDER BY server_events.tx, server_events.global_seq LIMIT :n"  # the column, not the text
)
_SQLITE_PULL = text(
    f"SELECT global_seq, 0 AS tx, {_COLUMNS} FROM server_events "  # noqa: S608
    "WHERE team = :team AND global_seq > :seq ORDER BY global_seq LIMIT :n"
)


def _push(connection: Connection, team: str, device_id: str, events: Sequence[Event]) -> PushResult:
    head_seq, head_hash = _head(connection, device_id)
    fresh: list[tuple[Event, str]] = []  # with its payload's canonical JSON, made once
    replays: list[Event] = []
    for item in events:
        if item.device_id != device_id:
            raise ChainRefused(f"Event {item.id} belongs to device {item.device_id}, not this one.")
        if item.seq <= head_seq:
            replays.append(item)
            continue
        expected = head_seq + 1
        if item.seq != expected:
            raise ChainRefused(
                f"Event {item.id} is sequence {item.seq} but the day service holds up to "
                f"{head_seq} for this device: sequence {expected} is missing. Nothing from "
                "this push was stored."
            )
        if item.prev_hash != head_hash:
            raise ChainRefused(
                f"Event {item.id} (sequence {item.seq}) does not follow on from the event the "
                "day service holds before it: this device's history was changed or forked. "
                "Nothing from this push was stored; ask your administrator."
            )
        payload = canonical_json(item.payload)
        if event_hash(item, payload) != item.hash:
            raise ChainRefused(
                f"Event {item.id} (sequence {item.seq}): its contents do not match its hash, "
                "so it was altered after it was recorded. Nothing from this push was stored."
            )
        fresh.append((item, payload))
        head_seq, head_hash = item.seq, item.hash
    _check_replays(connection, device_id, replays)
    if fresh:
        # Straight to the driver's executemany: the rows are plain text and numbers, and
        # SQLAlchemy's per-row parameter handling cost more than the inserts themselves.
        sql = _INSERT_SQL[connection.dialect.paramstyle == "qmark"]
        connection.exec_driver_sql(sql, [_row(team, item, payload) for item, payload in fresh])
    return PushResult(head_seq, len(fresh), len(replays))


def _head(connection: Connection, device_id: str) -> tuple[int, str]:
    row = connection.execute(
        select(server_events.c.seq, server_events.c.hash)
        .where(server_events.c.device_id == device_id)
        .order_by(server_events.c.seq.desc())
        .limit(1)
    ).first()
    return (0, "0" * 64) if row is None else (int(row[0]), str(row[1]))


def _check_replays(connection: Connection, device_id: str, replays: list[Event]) -> None:
    """Events the service already holds must be exactly those events, to the last byte."""
    if not replays:
        return
    held = {
        seq: (event_id, held_hash)
        for seq, event_id, held_hash in connection.execute(
            select(server_events.c.seq, server_events.c.id, server_events.c.hash)
            .where(server_events.c.device_id == device_id)
            .where(server_events.c.seq.between(replays[0].seq, replays[-1].seq))
        ).all()
    }
    for item in replays:
        if held.get(item.seq) != (item.id, item.hash) or event_hash(item) != item.hash:
            raise ChainRefused(
                f"Event {item.id} (sequence {item.seq}) differs from the event the day service "
                "already holds at that sequence: the same record cannot be written twice with "
                "different contents. Nothing from this push was stored; ask your administrator."
            )


_PUSHED = (
    "id", "team", "device_id", "seq", "stream_kind", "stream_id", "type", "payload",
    "actor_id", "actor_role", "occurred_at", "hlc", "prev_hash", "hash",
)  # fmt: skip

_INSERT_SQL = {  # by whether the driver's placeholders are "?" (SQLite) or "%s" (psycopg)
    qmark: f"INSERT INTO server_events ({', '.join(_PUSHED)}) "  # noqa: S608 (our own names)
    f"VALUES ({', '.join(['?' if qmark else '%s'] * len(_PUSHED))})"
    for qmark in (True, False)
}


def _row(team: str, item: Event, payload: str) -> tuple[object, ...]:
    """One pushed event's values, in the order of ``_PUSHED``."""
    return (
        item.id,
        team,
        item.device_id,
        item.seq,
        item.stream_kind,
        item.stream_id,
        item.type,
        payload,
        item.actor_id,
        item.actor_role,
        format_instant(item.occurred_at),
        item.hlc,
        item.prev_hash,
        item.hash,
    )


def _event(row: Any) -> Event:
    return Event(
        id=row["id"],
        device_id=row["device_id"],
        seq=int(row["seq"]),
        stream_kind=row["stream_kind"],
        stream_id=row["stream_id"],
        type=row["type"],
        payload=json.loads(row["payload"]),
        actor_id=row["actor_id"],
        actor_role=row["actor_role"],
        occurred_at=parse_instant(row["occurred_at"]),
        hlc=row["hlc"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


_WRITES = "duty_desk_day_service_writes"  # execution option: this transaction writes


def _sqlite_begin(connection: Connection) -> None:
    writes = connection.get_execution_options().get(_WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # BEGIN is ours (see DayService.connect)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _plain(error: DBAPIError) -> str:
    detail = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
    if "server_events" in detail and ("no such table" in detail or "does not exist" in detail):
        return (
            "The day service has no Duty Desk tables yet: its administrator runs "
            "duty-desk day-service init URL first."
        )
    if error.connection_invalidated or "connect" in detail.lower():
        return (
            f"The day service cannot be reached ({detail}). Work carries on here; "
            "it syncs when the service answers."
        )
    return f"The day service refused the request ({detail})."
