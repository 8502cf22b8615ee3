"""The start-up floor: a bare QMainWindow, shown the way the app shows its first window.

Prints ``DUTY_DESK_SHOWN`` once the window has been shown and the event loop has run,
then quits, exactly like ``python -m duty_desk`` under ``DUTY_DESK_EXIT_WHEN_SHOWN=1``.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def _shown(app: QApplication) -> None:
    print("DUTY_DESK_SHOWN", flush=True)
    app.quit()


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("Bare Qt")
    window.resize(480, 360)
    window.show()
    QTimer.singleShot(0, lambda: _shown(app))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
