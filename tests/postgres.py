"""A real, throwaway PostgreSQL server for the tests: initdb, pg_ctl, and a few helpers.

One server per test process (so per pytest-xdist worker): its own temporary directory, a
free TCP port on 127.0.0.1 and its Unix socket in that directory, fsync off. The superuser
``postgres`` is trusted on loopback; every other role must give its password (SCRAM), as
a device login would on the council's server. Run as root (as CI does), the cluster is
owned by the ``postgres`` account and initdb and pg_ctl run through ``runuser``.

Quick to start: initdb runs once per PostgreSQL build and machine, and later servers copy
that pristine cluster; they live on /dev/shm when it is a roomy tmpfs. Measured here: about
0.3 s warm, 1 to 2.5 s when the copy must first be made (initdb), on a loaded 2-CPU machine.
A server left behind by a killed test process is stopped by the next one to start.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

SUPERUSER = "postgres"
_PREFIX = "duty-desk-pg-"
_OWNER_FILE = "started-by.pid"
_TEMPLATE_PREFIX = "duty-desk-pgtemplate-"
_SHM_NEEDED = 2 * 1024**3  # use /dev/shm only with this much free (Docker's default is 64 MB)
_INITDB_ARGS = (
    "-U",
    SUPERUSER,
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
    "--no-instructions",
)
_START_ATTEMPTS = 4  # a port found free can be taken by another process before we bind it
_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
    "max_wal_size": "1GB",
    "autovacuum": "off",
    "log_min_messages": "warning",
}
# Only the superuser is trusted; every other login proves its password, as in production.
_PG_HBA = f"""\
local   all  {SUPERUSER}  trust
host    all  {SUPERUSER}  127.0.0.1/32  trust
local   all  all          scram-sha-256
host    all  all          127.0.0.1/32  scram-sha-256
"""


class PostgresNotInstalled(RuntimeError):
    """No PostgreSQL server programs (initdb, pg_ctl) on this machine."""


def find_bindir() -> Path:
    """The newest installed PostgreSQL's bin directory (Debian layout, else pg_config)."""
    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if _has_server(p)]
    if candidates:
        return max(candidates, key=lambda p: _version_key(p.parent.name))
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and _has_server(Path(found)):
            return Path(found)
    for name in ("initdb", "pg_ctl"):
        on_path = shutil.which(name)
        if on_path and _has_server(Path(on_path).parent):
            return Path(on_path).parent
    raise PostgresNotInstalled(
        "These tests need a real PostgreSQL server, and none is installed (no initdb or "
        "pg_ctl under /usr/lib/postgresql/*/bin or from pg_config). Run the suite with "
        "./duty test, which installs the postgresql package."
    )


def _has_server(bindir: Path) -> bool:
    return (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file()


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name)) or (0,)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def conninfo(url: str) -> dict[str, Any]:
    """psycopg connection arguments for a SQLAlchemy ``postgresql+psycopg://`` URL."""
    parsed = make_url(url)
    args: dict[str, Any] = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "dbname": parsed.database,
        "connect_timeout": 10,
    }
    if parsed.password is not None:
        args["password"] = parsed.password
    args.update({str(k): v for k, v in parsed.query.items()})
    return args


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A plain psycopg connection (autocommit unless asked) to a SQLAlchemy URL."""
    return psycopg.connect(**conninfo(url), autocommit=autocommit)


def run_sql(url: str, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
    """Run SQL in its own autocommit connection; the rows of the last statement, if any.

    Without ``params`` the text may hold several statements (and DO blocks), as a DBA's
    script run through psql would.
    """
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall() if cursor.description is not None else []
        while cursor.nextset():
            rows = cursor.fetchall() if cursor.description is not None else []
        return rows


class PostgresServer:
    """A running PostgreSQL cluster in a temporary directory; ``stop()`` removes it all."""

    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.host = "127.0.0.1"
        self.port = 0
        self.startup_seconds = 0.0
        self._databases = 0

    # --- addresses ----------------------------------------------------------------------

    def url(
        self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None
    ) -> str:
        """A SQLAlchemy URL for ``user`` on ``database`` over TCP on 127.0.0.1."""
        return URL.create(
            "postgresql+psycopg",
            username=user,
            password=password,
            host=self.host,
            port=self.port,
            database=database,
        ).render_as_string(hide_password=False)

    @property
    def superuser_url(self) -> str:
        return self.url()

    # --- helpers for tests ----------------------------------------------------------------

    def run_sql(self, url: str, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
        return run_sql(url, statement, params)

    def new_database(self, owner: str = SUPERUSER) -> str:
        """A fresh, empty database (owned by ``owner``); its superuser URL."""
        self._databases += 1
        name = f"t{os.getpid()}_{self._databases}_{uuid.uuid4().hex[:8]}"
        run_sql(
            self.superuser_url,
            sql.SQL("CREATE DATABASE {} OWNER {}")
            .format(sql.Identifier(name), sql.Identifier(owner))
            .as_string(None),
        )
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by new_database, closing whatever is still connected."""
        name = make_url(url).database
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name or "")
        )
        run_sql(self.superuser_url, statement.as_string(None))

    def set_password(self, role: str, password: str) -> None:
        """Give a login role its password as psql's \\password does: only the SCRAM
        verifier, computed here, reaches the server (never the password in clear)."""
        with connect(self.superuser_url) as connection:
            verifier = connection.pgconn.encrypt_password(
                password.encode(), role.encode(), b"scram-sha-256"
            ).decode()
            connection.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(verifier)
                )
            )

    # --- life cycle -----------------------------------------------------------------------

    def start(self) -> None:
        began = time.perf_counter()
        self._initdb()
        for attempt in range(_START_ATTEMPTS):
            self.port = free_port()
            if self._pg_ctl_start():
                break
            if attempt == _START_ATTEMPTS - 1:
                raise RuntimeError(f"PostgreSQL did not start:\n{self._log_tail()}")
        self.startup_seconds = time.perf_counter() - began

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(
                    "pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False
                )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _initdb(self) -> None:
        template = cluster_template(self.bindir, self.root.parent)
        copied = (
            template is not None
            and subprocess.run(
                ["cp", "-a", str(template), str(self.data)], capture_output=True, check=False
            ).returncode
            == 0
        )
        if not copied:
            shutil.rmtree(self.data, ignore_errors=True)
            self._run("initdb", "-D", str(self.data), *_INITDB_ARGS)
        settings = "".join(f"{key} = {value}\n" for key, value in _SETTINGS.items())
        settings += f"unix_socket_directories = '{self.root}'\n"
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(settings)
        (self.data / "pg_hba.conf").write_text(_PG_HBA, encoding="utf-8")

    def _pg_ctl_start(self) -> bool:
        done = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
            "-o", f"-p {self.port}", "start", check=False,
        )  # fmt: skip
        return done.returncode == 0

    def _run(
        self, program: str, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        done = _run_as_postgres(self.bindir, program, *args)
        if check and done.returncode != 0:
            raise RuntimeError(
                f"{program} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                f"{self._log_tail()}"
            )
        return done

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8").splitlines()[-20:])
        except OSError:
            return ""


def _run_as_postgres(bindir: Path, program: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(bindir / program), *args]
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        command = ["runuser", "-u", SUPERUSER, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def cluster_template(bindir: Path, parent: Path) -> Path | None:
    """A pristine data directory from initdb, made once per PostgreSQL build and shared by
    later servers on this machine: copying it is several times quicker than initdb."""
    initdb = (bindir / "initdb").resolve()
    found = initdb.stat()
    stamp = f"{initdb}:{found.st_size}:{found.st_mtime_ns}:{' '.join(_INITDB_ARGS)}"
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:12]
    final = parent / f"{_TEMPLATE_PREFIX}{os.geteuid()}-{digest}"
    if not _trusted_template(final):
        build = Path(tempfile.mkdtemp(prefix=f"{_TEMPLATE_PREFIX}build-", dir=parent))
        try:
            data = build / "data"
            data.mkdir(mode=0o700)
            if os.geteuid() == 0:
                build.chmod(0o711)
                shutil.chown(data, user=SUPERUSER, group=None)
            if _run_as_postgres(bindir, "initdb", "-D", str(data), *_INITDB_ARGS).returncode:
                return None
            (build / "complete").touch()
            build.rename(final)  # atomic: another process may have won the race, which is fine
        except OSError:
            pass
        finally:
            shutil.rmtree(build, ignore_errors=True)
    return final / "data" if _trusted_template(final) else None


def _trusted_template(path: Path) -> bool:
    """Ours, whole, and not writable by anyone else (the name in /tmp is predictable)."""
    try:
        found = path.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(found.st_mode)
        and found.st_uid == os.geteuid()
        and not found.st_mode & 0o022
        and (path / "complete").is_file()
    )


def server_parent() -> Path:
    """Where test servers live: $DUTY_DESK_TEST_PG_DIR if set, else /dev/shm when it is a
    roomy tmpfs (memory: no disk writes at all), else the temporary directory."""
    chosen = os.environ.get("DUTY_DESK_TEST_PG_DIR")
    if chosen:
        return Path(chosen)
    shm = Path("/dev/shm")
    try:
        roomy = os.statvfs(shm).f_bavail * os.statvfs(shm).f_frsize >= _SHM_NEEDED
    except OSError:
        roomy = False
    if roomy and _others_can_enter(str(shm)) and os.access(shm, os.W_OK):
        return shm
    parent = tempfile.gettempdir()
    if len(parent) > 60 or (os.geteuid() == 0 and not _others_can_enter(parent)):
        parent = "/tmp"  # the server's socket needs a short path the postgres user can reach
    return Path(parent)


def _private_root() -> Path:
    """A new directory only this process uses; short, as a socket path must be."""
    root = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=server_parent()))
    (root / _OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    if os.geteuid() == 0:
        shutil.chown(root, user=SUPERUSER, group=None)
    return root


def _others_can_enter(directory: str) -> bool:
    path = Path(directory)
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents])


def reap_orphans(bindir: Path, parent: Path) -> None:
    """Stop and remove servers left by test processes that were killed (kill -9, a crashed
    xdist worker): each server's directory names the process that started it."""
    for root in parent.glob(f"{_PREFIX}*"):
        try:
            owner = int((root / _OWNER_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue  # being set up right now, or not one of ours
        if _alive(owner):
            continue
        PostgresServer(bindir, root).stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def running_postgres(bindir: Path | None = None) -> Iterator[PostgresServer]:
    """Start a throwaway server, yield it, then stop it and delete its files."""
    bindir = bindir or find_bindir()
    root = _private_root()
    reap_orphans(bindir, root.parent)
    server = PostgresServer(bindir, root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
