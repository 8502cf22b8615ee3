"""The PostgreSQL roles a DBA sets up for the day service, as SQL to read and then run.

Three kinds of role. The owner owns the tables (``duty-desk day-service init`` connects as
it). Each team has a NOLOGIN group role, ``duty_device_<team>``, holding exactly what a
device needs: read its own team's events (row-level security), add events for its own team
only, read ``server_meta``; nothing else, so no UPDATE, DELETE, TRUNCATE or DDL. Each laptop
logs in as its own LOGIN role in its team's group. Passwords never appear in this SQL: the
DBA sets them with psql's ``\\password``, which sends only a SCRAM verifier to the server.

A device may not choose ``global_seq`` or ``tx`` (column-level INSERT): the service alone
puts events in order, so a device cannot hide an event behind everyone's pull cursor.
Names are checked here and then written into the SQL, so nothing else can get in.
"""

from __future__ import annotations

import re
import textwrap

from duty_desk.sync.schema import server_events

GROUP_PREFIX = "duty_device_"
# As the app's own setting (services/sync.py): the team a desk pushes as must name a role.
_TEAM = re.compile(r"[a-z][a-z0-9_]{0,29}")
_ROLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
# The columns a device writes; the service fills in global_seq and tx itself.
DEVICE_INSERT_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in server_events.columns if c.name not in ("global_seq", "tx")
)
# Set on each device login (settings are not inherited from a group role): a laptop that
# goes quiet inside a transaction must not hold back every other device's pull for long.
DEVICE_SESSION_SETTINGS: dict[str, str] = {
    "idle_in_transaction_session_timeout": "60s",
    "statement_timeout": "120s",
}


def check_team(team: str) -> str:
    """The team name, if it can name a role: a lowercase letter, then up to 29 lowercase
    letters, digits or underscores (the same rule as the app's team setting)."""
    if not _TEAM.fullmatch(team):
        raise ValueError(
            f"The team name {team!r} cannot be used: start with a lowercase letter, then up to "
            "29 lowercase letters, digits or underscores (for example edt or north_2)."
        )
    return team


def group_role(team: str) -> str:
    """The NOLOGIN group role a team's devices belong to, e.g. duty_device_north."""
    return GROUP_PREFIX + check_team(team)


def _check_role_name(name: str, what: str) -> str:
    if not _ROLE_NAME.fullmatch(name) or name.startswith("pg_") or name == "public":
        raise ValueError(
            f"The {what} name {name!r} cannot be used: start with a lowercase letter, then up "
            "to 62 lowercase letters, digits or underscores (not pg_..., not public)."
        )
    return name


def owner_setup_sql(owner_role: str) -> str:
    """Hardening and grants for the owner, run once by a superuser in the day service's
    database before ``duty-desk day-service init``. Safe to run again."""
    owner = _check_role_name(owner_role, "owner role")
    return f"""\
-- Duty Desk day service: database set-up for the owner role "{owner}".
-- Run as a superuser, connected to the day service's database. Safe to run again.
BEGIN;
DO $$
BEGIN
  -- Only roles granted CONNECT may connect; nobody else may make temporary tables.
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO "{owner}"', current_database());
END
$$;
-- Only the owner creates tables (PostgreSQL before 15 let every role create them here).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO "{owner}";
COMMIT;
"""


def team_role_sql(team: str) -> str:
    """The group role for one team's devices, its grants and its row-level policies.

    Run by a superuser in the day service's database after ``day-service init``; safe to
    run again, and it must be run again after a schema upgrade (new columns)."""
    role = group_role(team)
    columns = textwrap.fill(", ".join(DEVICE_INSERT_COLUMNS), 88, initial_indent="  ",
                            subsequent_indent="  ")  # fmt: skip
    return f"""\
-- Duty Desk day service: the device role for team '{team}'.
-- Run as a superuser, connected to the day service's database, after
-- `duty-desk day-service init`. Safe to run again; run it again after every upgrade.
BEGIN;
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{role}') THEN
    CREATE ROLE "{role}" NOLOGIN;
  END IF;
END
$$;
ALTER ROLE "{role}" NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
-- Start from nothing, then grant exactly what a device needs.
REVOKE ALL ON TABLE server_events, server_meta FROM "{role}";
DO $$
DECLARE
  events_sequence text := pg_get_serial_sequence('server_events', 'global_seq');
  events_schema text := (SELECT relnamespace::regnamespace::text FROM pg_catalog.pg_class
                         WHERE oid = 'server_events'::regclass);
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO "{role}"', current_database());
  EXECUTE format('GRANT USAGE ON SCHEMA %s TO "{role}"', events_schema);
  EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM "{role}"', events_sequence);
  EXECUTE format('GRANT USAGE ON SEQUENCE %s TO "{role}"', events_sequence);
END
$$;
GRANT SELECT ON TABLE server_events, server_meta TO "{role}";
-- Not global_seq nor tx: the service alone decides the order events are pulled in.
GRANT INSERT (
{columns}
) ON TABLE server_events TO "{role}";
-- Row-level security: the team's devices read and write the team's events only.
ALTER TABLE server_events ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS "{role}_read" ON server_events;
CREATE POLICY "{role}_read" ON server_events FOR SELECT TO "{role}"
  USING (team = '{team}');
DROP POLICY IF EXISTS "{role}_add" ON server_events;
CREATE POLICY "{role}_add" ON server_events FOR INSERT TO "{role}"
  WITH CHECK (team = '{team}');
COMMIT;
"""  # noqa: S608 (every name in it was checked above)


def device_login_sql(team: str, login: str) -> str:
    """A laptop's own LOGIN role in its team's group, without a password: the DBA then
    sets one with psql's ``\\password LOGIN`` (never typed into SQL or a log). Safe to
    run again; run team_role_sql for the team first."""
    role = group_role(team)
    name = _check_role_name(login, "device login")
    if name.startswith(GROUP_PREFIX):
        raise ValueError(f"The device login {name!r} must not start with {GROUP_PREFIX}.")
    settings = "".join(
        f"ALTER ROLE \"{name}\" SET {key} = '{value}';\n"
        for key, value in DEVICE_SESSION_SETTINGS.items()
    )
    return f"""\
-- Duty Desk day service: the device login "{name}" in team '{team}'.
-- Run as a superuser after the team's role exists. Safe to run again.
BEGIN;
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{name}') THEN
    CREATE ROLE "{name}" LOGIN;
  END IF;
END
$$;
ALTER ROLE "{name}" LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
GRANT "{role}" TO "{name}";
{settings}COMMIT;
-- Now give it a password in psql (it is sent only as a SCRAM verifier):
--   \\password {name}
"""
