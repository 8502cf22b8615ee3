"""Checking a saved PDF with the real tools: qpdf, pdffonts, pdftotext, pdfinfo."""

from __future__ import annotations

import subprocess
from pathlib import Path

MARKING = "OFFICIAL-SENSITIVE"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


def pages_text(path: Path, password: str | None = None) -> list[str]:
    """Each page's text (pdftotext splits pages with a form feed)."""
    extra = ["-upw", password] if password else []
    done = run("pdftotext", *extra, str(path), "-")
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\f")[:-1]


def assert_official(path: Path, password: str | None = None) -> list[str]:
    """qpdf finds no fault, every font is embedded (no Helvetica), the marking is at the
    top and bottom of every page; returns each page's text."""
    check = run("qpdf", *([f"--password={password}"] if password else []), "--check", str(path))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout
    fonts = run("pdffonts", *(["-upw", password] if password else []), str(path))
    assert fonts.returncode == 0, fonts.stderr
    rows = fonts.stdout.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        assert "Helvetica" not in row, row
        assert row.split()[-5] == "yes", f"not embedded: {row}"
    pages = pages_text(path, password)
    assert pages
    for number, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert lines[0] == MARKING, (number, lines[:2])  # the top line of the page
        assert MARKING in lines[-3:] and page.count(MARKING) >= 2, (number, lines[-3:])
        assert f"Page {number} of {len(pages)}" in page
    return pages


def assert_locked(path: Path, password: str) -> None:
    """Opens with the password only."""
    assert run("qpdf", "--check", str(path)).returncode != 0
    assert run("pdfinfo", str(path)).returncode != 0
    assert run("pdfinfo", "-upw", "wrong-password", str(path)).returncode != 0
    opened = run("pdfinfo", "-upw", password, str(path))
    assert (
        opened.returncode == 0
        and "AES" in run("qpdf", f"--password={password}", "--show-encryption", str(path)).stdout
    )
