"""A person's name written through the services never reaches the disk in clear."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import pytest

from duty_desk.domain.roles import Role
from duty_desk.security.errors import WrongCredentials
from duty_desk.services import audit, people
from duty_desk.services.desk import create_desk, lock, sign_in, sign_out, unlock
from duty_desk.services.paths import DeskPaths
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.support import raw_db, run_cli

# Made up afresh for each run: a fixed word can turn up by chance in whatever else the suite
# writes to the temporary folder meanwhile ("zyxwvutsrq" did, in a Qt image plugin of the
# installer tests' bundle).
_TOKEN = secrets.token_hex(6)
MARKER_NAME = f"Zq{_TOKEN} Markername"
MARKER_USER = f"zq{_TOKEN}"
NEEDLES = [
    text.encode(codec)
    for text in (MARKER_NAME, MARKER_USER, "Markername")
    for codec in ("utf-8", "utf-16-le")
]


def _files_under(root: Path) -> set[Path]:
    found = set()
    for folder, _, names in os.walk(root):
        found.update(Path(folder, name) for name in names)
    return found


def _hits(files: set[Path]) -> list[str]:
    hits = []
    for path in sorted(files):
        try:
            data = path.read_bytes()[:50_000_000]
        except OSError:
            continue  # vanished, or another user's
        hits += [f"{path}: {needle!r}" for needle in NEEDLES if needle in data]
    return hits


@pytest.mark.secret_service
def test_marker_never_on_disk_in_clear(paths: DeskPaths, clock, tmp_path: Path) -> None:
    temp_root = Path(tempfile.gettempdir())
    temp_before = _files_under(temp_root)
    control = tmp_path / "control"
    control.mkdir()

    session = create_desk(paths, "admin", "Alex Administrator", ADMIN_PASSWORD, clock).session
    key = session.desk.db_key
    # A reader holding a snapshot keeps the WAL (and the marker's pages) on disk.
    with raw_db(paths.database, key) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM events").fetchall()
        people.add_person(session, MARKER_USER, MARKER_NAME, Role.DUTY_SOCIAL_WORKER, PASSWORD)
        people.reset_password(session, MARKER_USER, "another long phrase")
        with pytest.raises(WrongCredentials):
            sign_in(paths, MARKER_USER, "a wrong password", clock)
        assert paths.failures.exists()
        other = sign_in(paths, MARKER_USER, "another long phrase", clock)
        people.change_own_password(other, "another long phrase", "my own new phrase")
        sign_out(other)
        lock(session)
        unlock(session, ADMIN_PASSWORD)
        cli = run_cli(
            *("--data-dir", str(paths.root), "users", "add", f"{MARKER_USER}2"),
            *("--name", f"{MARKER_NAME} Two", "--role", "manager", "--as", "admin"),
            env={"DUTY_DESK_PASSWORD": ADMIN_PASSWORD, "DUTY_DESK_NEW_PASSWORD": PASSWORD},
        )
        assert cli.returncode == 0, cli.stderr
        assert audit.verify_log(session).ok
        with pytest.raises(WrongCredentials):
            sign_in(paths, f"{MARKER_USER}2", "yet another wrong one", clock)

        # Positive controls: the marker is really there to be found, and the scan finds it.
        names = {p.display_name for p in people.list_people(session)}
        assert {MARKER_NAME, f"{MARKER_NAME} Two"} <= names
        assert reader.execute("SELECT count(*) FROM people").fetchone() == (1,)  # old snapshot
        with raw_db(paths.database, key) as fresh:
            rows = fresh.execute("SELECT display_name FROM people").fetchall()
        assert (MARKER_NAME,) in rows
        (control / "plain.txt").write_text(f"name: {MARKER_NAME}", encoding="utf-8")
        (control / "wide.txt").write_text(MARKER_NAME, encoding="utf-16-le")
        assert len(_hits(_files_under(control))) == 4

        wal = Path(f"{paths.database}-wal")
        assert wal.exists() and wal.stat().st_size > 0, "the WAL should be on disk now"
        assert paths.failures.exists()
        assert list(paths.logs.glob("*.log")), "the CLI should have written its log"
        desk_files = _files_under(paths.root)
        assert {wal.name, "desk.db-shm", "desk.db", "desk.json"} <= {p.name for p in desk_files}
        assert _hits(desk_files) == []
        reader.execute("ROLLBACK")

    sign_out(session)
    assert not wal.exists(), "closing the last connection checkpoints the WAL"
    new_temp = _files_under(temp_root) - temp_before - _files_under(control)
    assert _hits(_files_under(paths.root) | new_temp) == []
    # The names are still there, encrypted: the key brings them back.
    with raw_db(paths.database, key) as db:
        stored = {name for (name,) in db.execute("SELECT display_name FROM people")}
    assert {MARKER_NAME, f"{MARKER_NAME} Two"} <= stored
