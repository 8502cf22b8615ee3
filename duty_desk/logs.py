"""The rotating log file. It records what happened (event types, ids, errors' kinds),
never who a child is: no names, no free text, no payloads.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(log_dir: Path, level: int = logging.INFO) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "duty-desk.log"
    root = logging.getLogger("duty_desk")
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    return path


def log_unexpected(error: BaseException) -> None:
    """Log where an unexpected error happened (its type and stack), never its message:
    messages from the database layer can carry the values of the record."""
    stack = "".join(traceback.format_tb(error.__traceback__))
    logging.getLogger("duty_desk").error("unexpected %s at\n%s", type(error).__name__, stack)
