"""Two processes on one desk (the app and the command line) never lose each other's changes."""

from __future__ import annotations

import os
import subprocess
import sys

from duty_desk.domain.events import SYSTEM
from duty_desk.services.audit import rebuild_projections
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import sign_in, sign_out
from duty_desk.services.paths import DeskPaths
from duty_desk.store.event_log import EventLog
from tests.conftest import ADMIN_PASSWORD, PASSWORD


def test_people_added_at_the_same_time_from_four_processes_all_get_key_slots(
    admin: SignedIn, paths: DeskPaths
) -> None:
    env = dict(os.environ, DUTY_DESK_PASSWORD=ADMIN_PASSWORD, DUTY_DESK_NEW_PASSWORD=PASSWORD)
    names = [f"worker{n}" for n in range(4)]
    command = [sys.executable, "-m", "duty_desk", "--data-dir", str(paths.root), "users", "add"]
    role = ["--role", "duty_social_worker", "--as", "admin"]
    adds = [
        subprocess.Popen(
            [*command, name, "--name", f"Worker {name}", *role],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for process in adds:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    for name in names:  # every slot survived the others' read-modify-write of desk.json
        sign_out(sign_in(paths, name, PASSWORD))


def test_a_rebuild_is_itself_recorded(admin: SignedIn) -> None:
    replayed = rebuild_projections(admin)
    with admin.desk.uow(SYSTEM) as uow:
        last = list(EventLog(uow.session, admin.desk.device_id).all())[-1]
    assert last.type == "audit.rebuilt"
    assert last.payload == {"events_replayed": replayed}
    assert last.actor_id == admin.person.id
