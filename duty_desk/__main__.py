"""``python -m duty_desk`` and the ``duty-desk`` command."""

from __future__ import annotations

import sys


def _is_plain_launch(argv: list[str]) -> bool:
    """``duty-desk`` or ``duty-desk --data-dir DIR``: just open the app."""
    return (
        not argv
        or (len(argv) == 2 and argv[0] == "--data-dir")
        or (len(argv) == 1 and argv[0].startswith("--data-dir="))
    )


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--self-test"]:  # does this installation work? (headless; exit status 0/1)
        from duty_desk.ui.self_test import main as self_test

        sys.exit(self_test())
    if _is_plain_launch(argv):
        # The quick way to the sign-in window: no argparse, no logging set-up first.
        from pathlib import Path

        from duty_desk.services.paths import DeskPaths, default_data_dir
        from duty_desk.ui.app import run_app

        given = argv[-1].removeprefix("--data-dir=") if argv else ""
        sys.exit(run_app(DeskPaths(Path(given) if given else default_data_dir())))
    from duty_desk.cli import main as cli_main

    sys.exit(cli_main(argv))


if __name__ == "__main__":
    main()
