"""The real ``duty-desk`` process: its first window appears, and a second launch on the same
desk brings the first forward instead of opening another."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from duty_desk.services.context import SignedIn
from duty_desk.services.paths import DeskPaths


def _launch(root, **extra: str) -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra}
    return subprocess.Popen(
        [sys.executable, "-m", "duty_desk", "--data-dir", str(root)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_first_window_appears_on_a_new_and_an_existing_desk(
    tmp_path, admin: SignedIn, paths: DeskPaths
) -> None:  # type: ignore[no-untyped-def]
    for root in (tmp_path / "brand-new", paths.root):
        app = _launch(root, DUTY_DESK_EXIT_WHEN_SHOWN="1")
        out, err = app.communicate(timeout=60)
        assert app.returncode == 0, err
        assert out.strip() == "DUTY_DESK_SHOWN"
    assert not (tmp_path / "brand-new" / "desk.json").exists()  # showing creates no desk


def test_a_second_launch_brings_the_first_forward(admin: SignedIn, paths: DeskPaths) -> None:
    first = _launch(paths.root)
    try:
        log = paths.logs / "duty-desk.log"
        deadline = time.monotonic() + 30
        while not (log.exists() and "app started" in log.read_text(encoding="utf-8")):
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, "the first instance never finished starting"
            time.sleep(0.1)
        second = _launch(paths.root)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        assert "already open for this desk; it has been brought forward" in out
        assert first.poll() is None  # the first is still running
    finally:
        first.terminate()
        first.communicate(timeout=30)
