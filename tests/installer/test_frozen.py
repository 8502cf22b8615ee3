"""The frozen Duty Desk, really built: the one-folder bundle, its self-test, its window under
Xvfb, the .tar.gz, the .deb and the MSI from the same bundle (``installer/build.py``).

One build for the module (PyInstaller takes a few minutes), into a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from installer.build import ROOT, Built, build, version
from installer.msi import UPGRADE_CODE, msi_properties, msi_table

pytestmark = pytest.mark.slow
SET_UP = "Duty Desk — set up this desk"  # the first-run window's title
LICENCES = ("LGPL-3.0.txt", "GPL-3.0.txt", "THIRD-PARTY.md")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    yield build(tmp_path_factory.mktemp("installer"))


def headless_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}


def test_the_frozen_app_passes_its_self_test_headless(built: Built) -> None:
    done = subprocess.run([str(built.executable), "--self-test"], env=headless_env(),
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    said = done.stdout.splitlines()
    assert said[0] == f"Duty Desk {version()} self-test"
    checks = ("encrypted store created and 5 events written", "the chain of 5 events verifies",
              "holds no event in clear", "PDF rendered with the shipped font",
              "started headless (offscreen)")  # fmt: skip
    for check in checks:
        assert any(line.startswith("ok: ") and check in line for line in said), check
    assert said[-1] == "self-test passed"


def test_the_same_binary_opens_its_window_under_xvfb(built: Built, tmp_path: Path) -> None:
    # The window is looked for from outside, as X sees it: xwininfo lists it by title.
    script = f"""
        "$0" --data-dir "$1" & app=$!
        for _ in $(seq 120); do
            if xwininfo -root -tree | grep -qF "{SET_UP}"; then kill $app; exit 0; fi
            kill -0 $app 2>/dev/null || exit 3
            sleep 0.5
        done
        kill $app; exit 4
    """
    command = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "sh", "-c", script,
               str(built.executable), str(tmp_path / "desk")]  # fmt: skip
    done = subprocess.run(command, env=headless_env(), capture_output=True, text=True,
                          timeout=180, check=False)  # fmt: skip
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"


def test_the_bundle_carries_the_licences_the_about_box_shows(built: Built) -> None:
    resources = built.bundle / "_internal" / "resources"
    shipped = [Path("licences", name) for name in LICENCES] + [Path("fonts", "LICENSE-DejaVu.txt")]
    for name in shipped:
        assert (resources / name).read_bytes() == (ROOT / "resources" / name).read_bytes(), name


def test_the_tarball_holds_the_bundle_owned_by_root(built: Built) -> None:
    with tarfile.open(built.archives["tar.gz"]) as archive:
        members = {m.name: m for m in archive.getmembers()}
    assert members["duty-desk/duty-desk"].mode & 0o111
    assert "duty-desk/_internal/resources/licences/LGPL-3.0.txt" in members
    assert {m.uname for m in members.values()} == {"root"}


def test_the_deb_installs_under_opt_with_a_command_and_the_licences(built: Built) -> None:
    deb = str(built.archives["deb"])

    def field(name: str) -> str:
        return subprocess.run(["dpkg-deb", "-f", deb, name], capture_output=True, text=True,
                              check=True).stdout.strip()  # fmt: skip

    assert (field("Package"), field("Version"), field("Architecture")) == (
        "duty-desk", version(), "amd64")  # fmt: skip
    assert "libxcb-cursor0" in field("Depends")
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
    for path in ("./opt/duty-desk/duty-desk", "./usr/bin/duty-desk -> /opt/duty-desk/duty-desk",
                 "./usr/share/applications/duty-desk.desktop",
                 "./usr/share/doc/duty-desk/LGPL-3.0.txt",
                 "./usr/share/doc/duty-desk/LICENSE-DejaVu.txt"):  # fmt: skip
        assert path in listing, path
    assert " root/root " in listing and "./opt/duty-desk/_internal/" in listing


def test_the_msi_from_the_bundle_has_its_upgrade_code_and_every_file(built: Built) -> None:
    msi = built.archives["msi"]
    properties = msi_properties(msi)
    assert properties["UpgradeCode"] == "{" + UPGRADE_CODE + "}"
    assert properties["ProductVersion"] == version()
    assert properties["ALLUSERS"] == "1"
    assert "ORGANISATION" in properties["SecureCustomProperties"]
    files = [p for p in built.bundle.rglob("*") if p.is_file()]
    assert len(msi_table(msi, "File")) == len(files)
