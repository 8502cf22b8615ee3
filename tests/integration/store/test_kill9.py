"""kill -9 at random moments while a process appends events: nothing committed is lost."""

from __future__ import annotations

import itertools
import os
import random
import secrets
import signal
import time
import traceback
from pathlib import Path

import pytest

from duty_desk.domain.clock import utc_now
from duty_desk.domain.events import Actor, NewEvent
from duty_desk.services.audit import check_store
from duty_desk.store.database import Store
from duty_desk.store.unit_of_work import UnitOfWork
from tests.support import raw_db

KILLS = 200
# On a loaded machine the child may write little between kills: go on past KILLS (to this
# many at most) until it has committed more events than there were kills.
MAX_KILLS = 1000
DEVICE = "7e1f0c2a-0000-4000-8000-00000000d1ce"
ACTOR = Actor("writer", "duty_social_worker")


def _append_forever(path: Path, key: bytes, out: int) -> None:
    """The child: open the store, then append one event per commit and report its seq."""
    try:
        store = Store.open(path, key)
        n = 0
        while True:
            n += 1
            with UnitOfWork(store, DEVICE, ACTOR, utc_now) as uow:
                event = uow.record(
                    NewEvent("enquiry", f"e-{n % 7}", "test.appended", {"n": n, "pad": "x" * 300})
                )
                uow.commit()
            os.write(out, f"{event.seq}\n".encode())
    except BaseException:
        os.write(out, f"ERR {traceback.format_exc()}\n".encode())
    finally:
        os._exit(1)


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


def _run_child_and_kill(path: Path, key: bytes, delay: float) -> list[int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        os.close(read_end)
        _append_forever(path, key, write_end)
    os.close(write_end)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    output = _read_all(read_end)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, output
    assert "ERR" not in output, output
    return [int(line) for line in output.splitlines() if line.strip()]


@pytest.mark.slow
def test_two_hundred_kill_nines_lose_no_committed_event(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    key = secrets.token_bytes(32)
    Store.create(path, key).close()
    rng = random.Random(9)
    reported = 0
    head = 0
    mid_write_kills = 0
    started = time.monotonic()
    for kill in itertools.count(1):
        # No connection is open in this process while the child runs.
        seqs = _run_child_and_kill(path, key, rng.uniform(0.0, 0.12))
        assert seqs == list(range(head + 1, head + 1 + len(seqs))), seqs[:5]
        reported += len(seqs)
        mid_write_kills += Path(f"{path}-wal").exists()
        with raw_db(path, key) as db:
            stored = {seq for (seq,) in db.execute("SELECT seq FROM events")}
        missing = set(seqs) - stored
        assert not missing, f"kill {kill}: committed events lost: {sorted(missing)[:10]}"
        # One more than reported is fine: committed, then killed before it could report.
        assert stored == set(range(1, len(stored) + 1))
        assert len(stored) in (head + len(seqs), head + len(seqs) + 1)
        head = len(stored)
        if kill % 10 == 0:
            store = Store.open(path, key)
            try:
                result = check_store(store, DEVICE)
            finally:
                store.close()
            assert result.ok, f"kill {kill}: {result.describe()}"
            assert result.report.events_checked == head
            if kill >= KILLS and (head > KILLS or kill >= MAX_KILLS):
                break
    elapsed = time.monotonic() - started
    print(
        f"\nkill -9: {kill} kills, {head} events committed and verified ({reported} reported), "
        f"{mid_write_kills} kills left a WAL behind, {elapsed:.1f} s"
    )
    assert head > KILLS, "the child hardly wrote anything: the test proved little"
    assert mid_write_kills > KILLS // 2, "most kills should land while the store is open"
