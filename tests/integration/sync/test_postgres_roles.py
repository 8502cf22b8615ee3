"""The day service's PostgreSQL roles on a real server: a device adds and reads its own
team's events, logs in with a password, and can change or remove nothing."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import create_engine, insert, inspect

from duty_desk.domain.events import GENESIS_HASH, Event, event_hash, next_hlc
from duty_desk.sync.roles import (
    DEVICE_INSERT_COLUMNS,
    device_login_sql,
    group_role,
    owner_setup_sql,
    team_role_sql,
)
from duty_desk.sync.schema import server_events, server_metadata
from duty_desk.sync.server import Cursor, DayService, DayServiceError
from tests.postgres import PostgresServer, connect

NOW = datetime(2026, 11, 21, 23, 10, tzinfo=UTC)
PASSWORD = "lamp post rota"
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


@dataclass(frozen=True)
class DayDatabase:
    server: PostgresServer
    name: str
    superuser_url: str
    owner: str
    north_login: str
    south_login: str

    def login_url(self, login: str, password: str = PASSWORD) -> str:
        return self.server.url(self.name, login, password)

    @property
    def north_url(self) -> str:
        return self.login_url(self.north_login)

    @property
    def south_url(self) -> str:
        return self.login_url(self.south_login)

    def snapshot(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Every event and meta row, as the superuser sees them."""
        return (
            self.server.run_sql(
                self.superuser_url, "SELECT *, tx::text FROM server_events ORDER BY global_seq"
            ),
            self.server.run_sql(self.superuser_url, "SELECT * FROM server_meta ORDER BY key"),
        )

    def teams(self) -> list[str]:
        rows = self.server.run_sql(self.superuser_url, "SELECT team FROM server_events")
        return sorted(team for (team,) in rows)


def event_row(team: str, device_id: str | None = None, seq: int = 1) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "team": team,
        "device_id": device_id or str(uuid.uuid4()),
        "seq": seq,
        "stream_kind": "enquiry",
        "stream_id": str(uuid.uuid4()),
        "type": "enquiry.opened",
        "payload": "{}",
        "actor_id": None,
        "actor_role": None,
        "occurred_at": "2026-11-21T23:10:00.000000Z",
        "hlc": "001763766600000.00000.x",
        "prev_hash": "0" * 64,
        "hash": "f" * 64,
    }


ADD_EVENT = (
    f"INSERT INTO server_events ({', '.join(DEVICE_INSERT_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(f'%({c})s' for c in DEVICE_INSERT_COLUMNS)})"
)
# RETURNING also applies the read policy to the new row: the refusal of another team's
# event must not depend on it, so that test uses ADD_EVENT as the app does.
INSERT_EVENT = ADD_EVENT + " RETURNING global_seq, tx::text"


@pytest.fixture(scope="module")
def day_db(postgres: PostgresServer) -> Iterator[DayDatabase]:
    """A day service database set up as docs/DAY_SERVICE.md says: an owner role created
    the schema; teams north and south each have a device login with a password."""
    suffix = uuid.uuid4().hex[:6]
    owner, north, south = f"owner_{suffix}", f"north_laptop_{suffix}", f"south_laptop_{suffix}"
    postgres.run_sql(postgres.superuser_url, f'CREATE ROLE "{owner}" LOGIN')
    postgres.set_password(owner, PASSWORD)
    url = postgres.new_database()
    name = url.rsplit("/", 1)[1]
    postgres.run_sql(url, owner_setup_sql(owner))
    # As `duty-desk day-service init URL` does, connected as the owner.
    assert "Created" in DayService.init(postgres.url(name, owner), PASSWORD)
    engine = create_engine(postgres.url(name, owner, PASSWORD))
    try:
        with engine.begin() as connection:
            seeds = [event_row(team) for team in ("north", "north", "south", "south")]
            connection.execute(insert(server_events), seeds)
    finally:
        engine.dispose()
    for team, login in (("north", north), ("south", south)):
        postgres.run_sql(url, team_role_sql(team))
        postgres.run_sql(url, device_login_sql(team, login))
        postgres.set_password(login, PASSWORD)
    yield DayDatabase(postgres, name, url, owner, north, south)
    postgres.drop_database(url)
    postgres.run_sql(postgres.superuser_url, f'DROP ROLE "{owner}", "{north}", "{south}"')


# --- the SQL itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "team", ["", "North", "2north", "north-east", "a" * 31, "x'; DROP TABLE y; --"]
)
def test_a_team_name_that_cannot_name_a_role_is_refused(team: str) -> None:
    with pytest.raises(ValueError, match="cannot be used"):
        team_role_sql(team)
    with pytest.raises(ValueError, match="cannot be used"):
        device_login_sql(team, "laptop_1")


@pytest.mark.parametrize("login", ["", "1laptop", "pg_laptop", "public", 'a"b', "Laptop"])
def test_a_login_name_that_cannot_name_a_role_is_refused(login: str) -> None:
    with pytest.raises(ValueError, match="cannot be used"):
        device_login_sql("north", login)
    with pytest.raises(ValueError, match="cannot be used"):
        owner_setup_sql(login)


def test_no_password_is_ever_written_into_the_sql() -> None:
    script = device_login_sql("north", "north_laptop_1")
    statements = [line for line in script.splitlines() if not line.startswith("--")]
    assert not [line for line in statements if "password" in line.lower()]
    assert "\\password north_laptop_1" in script
    assert "team = 'north'" in team_role_sql("north")
    assert "south" not in team_role_sql("north")


def test_the_sql_in_the_dba_guide_is_what_the_code_prints() -> None:
    guide = (Path(__file__).parents[3] / "docs" / "DAY_SERVICE.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in guide.split("```sql\n")[1:]]
    assert blocks[:3] == [
        owner_setup_sql("duty_desk_owner"),
        team_role_sql("edt"),
        device_login_sql("edt", "edt_laptop_07"),
    ]


# --- what the device role holds ---------------------------------------------------------


def privileges(db: DayDatabase, role: str) -> dict[str, set[str]]:
    """What ``role`` may do, as the server itself decides (grants, inherited ones too)."""
    checks: dict[str, tuple[str, tuple[str, ...]]] = {
        "sequence": (
            "has_sequence_privilege(%s, pg_get_serial_sequence('server_events', 'global_seq'), %s)",
            ("USAGE", "SELECT", "UPDATE"),
        ),
        "database": (
            "has_database_privilege(%s, current_database(), %s)",
            ("CONNECT", "CREATE", "TEMP"),
        ),
        "schema public": ("has_schema_privilege(%s, 'public', %s)", ("USAGE", "CREATE")),
    }
    held: dict[str, set[str]] = {}
    with connect(db.superuser_url) as admin:

        def has(call: str, *args: str) -> bool:
            return bool((admin.execute(f"SELECT {call}", args).fetchone() or (False,))[0])

        for table in ("server_events", "server_meta"):
            held[table] = {
                p
                for p in TABLE_PRIVILEGES
                if has("has_table_privilege(%s, %s, %s)", role, table, p)
            }
            held[f"{table} columns"] = {
                f"{p} {c}"
                for c in inspect_columns(db, table)
                for p in ("INSERT", "UPDATE", "REFERENCES")
                if has("has_column_privilege(%s, %s, %s, %s)", role, table, c, p)
            }
        for what, (call, kinds) in checks.items():
            held[what] = {k for k in kinds if has(call, role, k)}
    return held


def inspect_columns(db: DayDatabase, table: str) -> list[str]:
    rows = db.server.run_sql(
        db.superuser_url,
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        (table,),
    )
    return sorted(name for (name,) in rows)


EXPECTED_DEVICE_PRIVILEGES = {
    "server_events": {"SELECT"},
    "server_events columns": {f"INSERT {c}" for c in DEVICE_INSERT_COLUMNS},
    "server_meta": {"SELECT"},
    "server_meta columns": set(),
    "sequence": {"USAGE"},
    "database": {"CONNECT"},
    "schema public": {"USAGE"},
}


def test_the_device_role_holds_exactly_what_a_device_needs(day_db: DayDatabase) -> None:
    assert privileges(day_db, group_role("north")) == EXPECTED_DEVICE_PRIVILEGES
    # The laptop's login has them through its team's group, and nothing of its own.
    assert privileges(day_db, day_db.north_login) == EXPECTED_DEVICE_PRIVILEGES
    assert "tx" in inspect_columns(day_db, "server_events")
    assert "global_seq" not in " ".join(EXPECTED_DEVICE_PRIVILEGES["server_events columns"])


def test_running_the_scripts_again_in_psql_changes_nothing(day_db: DayDatabase) -> None:
    before = privileges(day_db, day_db.north_login)
    script = team_role_sql("north") + device_login_sql("north", day_db.north_login)
    script = owner_setup_sql(day_db.owner) + script
    done = subprocess.run(
        [str(day_db.server.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
         "-h", day_db.server.host, "-p", str(day_db.server.port), "-U", "postgres",
         "-d", day_db.name, "-f", "-"],
        input=script, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ERROR" not in done.stderr
    assert privileges(day_db, day_db.north_login) == before
    with connect(day_db.north_url) as device:
        assert device.execute(INSERT_EVENT, event_row("north")).fetchone() is not None


# --- a north laptop on the real server --------------------------------------------------


def test_a_device_logs_in_with_its_password_only(day_db: DayDatabase) -> None:
    with connect(day_db.north_url) as device:
        assert device.execute("SELECT current_user").fetchone() == (day_db.north_login,)
        assert device.execute("SHOW idle_in_transaction_session_timeout").fetchone() == ("1min",)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(day_db.login_url(day_db.north_login, "wrong password"))
    stranger = f"stranger_{uuid.uuid4().hex[:6]}"
    day_db.server.run_sql(day_db.superuser_url, f'CREATE ROLE "{stranger}" LOGIN')
    day_db.server.set_password(stranger, PASSWORD)
    try:
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            connect(day_db.login_url(stranger))
    finally:
        day_db.server.run_sql(day_db.superuser_url, f'DROP ROLE "{stranger}"')


def test_a_north_device_adds_and_reads_north_events_only(day_db: DayDatabase) -> None:
    row = event_row("north")
    with connect(day_db.north_url) as device:
        global_seq, tx = device.execute(INSERT_EVENT, row).fetchone() or (0, "0")
        seen = device.execute("SELECT id, team FROM server_events").fetchall()
    assert global_seq > 0 and int(tx) > 0  # the service drew both
    assert (row["id"], "north") in seen
    assert {team for _, team in seen} == {"north"}
    assert len(seen) == day_db.teams().count("north")
    assert "south" in day_db.teams()


def test_a_north_device_cannot_add_an_event_for_south(day_db: DayDatabase) -> None:
    before = day_db.snapshot()
    with (
        connect(day_db.north_url) as device,
        pytest.raises(errors.InsufficientPrivilege, match="row-level security") as refused,
    ):
        device.execute(ADD_EVENT, event_row("south"))
    assert refused.value.sqlstate == "42501"
    assert day_db.snapshot() == before


FORBIDDEN = {
    "update events": "UPDATE server_events SET payload = '{\"purged\":true}'",
    "update own team": "UPDATE server_events SET team = 'north' WHERE team = 'north'",
    "delete events": "DELETE FROM server_events",
    "truncate events": "TRUNCATE server_events",
    "alter table": "ALTER TABLE server_events ADD COLUMN note text",
    "switch off row security": "ALTER TABLE server_events DISABLE ROW LEVEL SECURITY",
    "drop policy": 'DROP POLICY "duty_device_north_read" ON server_events',
    "drop table": "DROP TABLE server_events",
    "update meta": "UPDATE server_meta SET value = '99'",
    "delete meta": "DELETE FROM server_meta",
    "insert meta": "INSERT INTO server_meta (key, value) VALUES ('owner', 'me')",
    "create table": "CREATE TABLE sneaky (x int)",
    "temporary table": "CREATE TEMPORARY TABLE sneaky (x int)",
    "choose tx": (
        "INSERT INTO server_events (tx, id, team, device_id, seq, stream_kind, stream_id, "
        "type, payload, occurred_at, hlc, prev_hash, hash) VALUES ('1'::xid8, 'e1', "
        "'north', 'd1', 1, 'k', 's', 't', '{}', 'o', 'h', 'p', 'h')"
    ),
    "choose global_seq": (
        "INSERT INTO server_events (global_seq, id, team, device_id, seq, stream_kind, "
        "stream_id, type, payload, occurred_at, hlc, prev_hash, hash) VALUES (1, 'e2', "
        "'north', 'd2', 1, 'k', 's', 't', '{}', 'o', 'h', 'p', 'h')"
    ),
    "reset sequence": "SELECT setval(pg_get_serial_sequence('server_events', 'global_seq'), 1)",
}


@pytest.mark.parametrize("statement", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_a_device_can_change_or_remove_nothing(day_db: DayDatabase, statement: str) -> None:
    before = day_db.snapshot()
    with (
        connect(day_db.north_url) as device,
        pytest.raises(errors.InsufficientPrivilege) as refused,
    ):
        device.execute(statement)
    assert refused.value.sqlstate == "42501"
    assert day_db.snapshot() == before


# --- pulls ------------------------------------------------------------------------------

PULL = (
    "SELECT global_seq, tx::text, id FROM server_events "
    "WHERE (tx, global_seq) > ('0'::xid8, 0) "
    "AND tx < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY tx, global_seq"
)


def test_a_device_pulls_gap_free_by_writing_transaction(day_db: DayDatabase) -> None:
    early, late = event_row("north"), event_row("north")
    with connect(day_db.north_url) as reader, connect(day_db.north_url, autocommit=False) as slow:
        # The slow push draws its number first and has not committed yet.
        slow_seq, slow_tx = slow.execute(INSERT_EVENT, early).fetchone() or (0, "0")
        assert slow.execute("SELECT pg_current_xact_id()::text").fetchone() == (slow_tx,)
        with connect(day_db.north_url) as fast:
            fast_seq, fast_tx = fast.execute(INSERT_EVENT, late).fetchone() or (0, "0")
        assert int(slow_tx) < int(fast_tx) and slow_seq < fast_seq
        # The fast push has committed, but a pull must not pass the open one: not yet.
        pulled = [event_id for _, _, event_id in reader.execute(PULL).fetchall()]
        assert late["id"] not in pulled and early["id"] not in pulled
        slow.commit()
        rows = reader.execute(PULL).fetchall()
    pulled = [event_id for _, _, event_id in rows]
    assert pulled.index(early["id"]) + 1 == pulled.index(late["id"])
    assert rows == sorted(rows, key=lambda r: (int(r[1]), r[0]))
    assert len(rows) == day_db.teams().count("north")


def chain(device_id: str, length: int) -> list[Event]:
    events: list[Event] = []
    previous_hash, hlc = GENESIS_HASH, None
    for seq in range(1, length + 1):
        hlc = next_hlc(hlc, NOW, device_id)
        draft = Event(
            id=str(uuid.uuid4()), device_id=device_id, seq=seq, stream_kind="enquiry",
            stream_id="e-1", type="enquiry.noted", payload={"n": seq}, actor_id=None,
            actor_role=None, occurred_at=NOW, hlc=hlc, prev_hash=previous_hash, hash="",
        )  # fmt: skip
        events.append(replace(draft, hash=event_hash(draft)))
        previous_hash = events[-1].hash
    return events


def test_the_app_pushes_and_pulls_as_a_device_login(day_db: DayDatabase) -> None:
    device_id = str(uuid.uuid4())
    events = chain(device_id, 3)
    north = DayService.connect(day_db.north_url)
    south = DayService.connect(day_db.south_url)
    try:
        assert north.push("north", device_id, events).acked_seq == 3
        assert north.push("north", device_id, events).replayed == 3  # read back under RLS
        pulled = north.pull("north", Cursor(), limit=10_000).events
        assert [e.id for e in pulled if e.device_id == device_id] == [e.id for e in events]
        # South sees none of it, even when asking for north, and cannot write as north.
        assert south.pull("north", Cursor(), limit=10_000).events == []
        with pytest.raises(DayServiceError, match="row-level security"):
            stranger = str(uuid.uuid4())
            south.push("north", stranger, chain(stranger, 2))
    finally:
        north.close()
        south.close()


# --- the harness itself -----------------------------------------------------------------


def test_the_test_server_is_real_and_quick_to_start(postgres: PostgresServer) -> None:
    version = postgres.run_sql(postgres.superuser_url, "SHOW server_version_num")[0][0]
    assert int(version) >= 130000  # xid8 and pg_current_snapshot() arrived in 13
    assert (
        postgres.superuser_url
        == f"postgresql+psycopg://postgres@127.0.0.1:{postgres.port}/postgres"
    )
    assert 0 < postgres.startup_seconds < 20


def test_each_day_service_url_is_a_fresh_empty_database(day_service_url: str) -> None:
    engine = create_engine(day_service_url)
    try:
        assert inspect(engine).get_table_names() == []
        server_metadata.create_all(engine)
        assert {"server_events", "server_meta"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
