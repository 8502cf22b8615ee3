from __future__ import annotations

import subprocess
import sys

from duty_desk.ui.instance_lock import InstanceLock


def test_only_one_holder_per_desk_and_released_on_exit(tmp_path):  # type: ignore[no-untyped-def]
    first, second, other = (InstanceLock(tmp_path / n) for n in ("desk", "desk", "other"))
    assert first.acquire()
    assert not second.acquire()
    assert other.acquire()
    first.release()
    assert second.acquire()
    second.release()
    other.release()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):  # type: ignore[no-untyped-def]
    code = (
        "import sys, time; from pathlib import Path;"
        "from duty_desk.ui.instance_lock import InstanceLock;"
        f"lock = InstanceLock(Path({str(tmp_path)!r})); assert lock.acquire();"
        "print('held', flush=True);"
        "time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        assert not InstanceLock(tmp_path).acquire()  # refused: nothing left open
    finally:
        child.kill()
        child.wait()
        assert child.stdout is not None
        child.stdout.close()
    after = InstanceLock(tmp_path)
    assert after.acquire()
    after.release()
