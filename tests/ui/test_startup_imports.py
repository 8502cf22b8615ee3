"""The way to the first window stays light: no database, crypto or keyring modules, and
not PySide6's ``Qt`` namespace (see the start-up benchmark and docs/ARCHITECTURE.md)."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import PySide6.QtCore as core
from duty_desk.__main__ import main
from duty_desk.ui import app, sign_in, first_run
from duty_desk.services.paths import DeskPaths
names = ("sqlalchemy", "sqlcipher3", "argon2", "cryptography", "keyring", "alembic",
         "duty_desk.store", "duty_desk.security.keyfile")
heavy = [m for m in names if m in sys.modules]
print("heavy:", heavy)
print("Qt namespace built:", "Qt" in vars(core))
"""


def test_the_first_window_needs_no_heavy_modules() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=60
    )
    assert "heavy: []" in result.stdout, result.stdout
    assert "Qt namespace built: False" in result.stdout, result.stdout
