"""``duty-desk --self-test``: does this installation work? Headless, in a few seconds.

The checks without Qt (``services.self_test``: a throwaway encrypted store, events written
and verified, a PDF rendered) and then Qt itself: started on the offscreen platform, the
app's icon loaded from the bundle's resources and a window drawn. Each check that passes
prints a line; the first that fails prints why, and the exit status is 1. Council IT runs
it after deploying; the installer's tests run it on the frozen bundle.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

from duty_desk import __version__


def main(out: TextIO = sys.stdout) -> int:
    def say(line: str) -> None:
        print(f"ok: {line}", file=out, flush=True)

    print(f"Duty Desk {__version__} self-test", file=out, flush=True)
    try:
        from duty_desk.services.self_test import run_checks

        run_checks(say)
        _qt(say)
    except Exception as error:
        print(f"FAILED: {type(error).__name__}: {error}", file=out, flush=True)
        return 1
    print("self-test passed", file=out, flush=True)
    return 0


def _qt(say: Callable[[str], None]) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # headless, whatever display there is
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication, QLabel

    from duty_desk.ui.widgets import icon

    app = QApplication.instance() or QApplication([])
    if icon("app").isNull():
        raise RuntimeError("the app's icon is missing from the installation's resources")
    label = QLabel("Duty Desk self-test")
    label.resize(240, 60)
    label.show()
    app.processEvents()
    drawn = label.grab().toImage()
    if drawn.isNull() or drawn.format() == QImage.Format.Format_Invalid:
        raise RuntimeError("Qt could not draw a window")
    label.close()
    say(f"Qt {qVersion()} started headless ({QApplication.platformName()}) and drew a window")
