"""Build Duty Desk for council IT: ``python -m installer.build [--out DIR] [--no-msi]``.

On Linux (``./duty build`` installs what it needs, then runs this):

- ``DIR/dist/duty-desk/``: the PyInstaller one-folder bundle (``installer/duty-desk.spec``);
- ``DIR/duty-desk-VERSION-linux-x86_64.tar.gz``: that folder, to unpack anywhere;
- ``DIR/duty-desk_VERSION_amd64.deb``: the folder under ``/opt/duty-desk``, ``duty-desk`` on
  the PATH, a desktop entry and icon, the licences under ``/usr/share/doc/duty-desk``;
- ``DIR/DutyDesk-VERSION-x64.msi``: the per-machine MSI (``installer/msi.py``) built with
  wixl from this bundle, which checks the Windows definition (on Windows, the same build
  gives the real MSI from the Windows bundle).

It prints what it made, how big, and how long the build took. ``DIR`` defaults to
``build/installer``. Nothing here is personal data; the bundle holds no desk.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from installer.msi import build_msi

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "duty-desk.spec"
NAME = "duty-desk"
# What the bundle needs from the system: the X11/xcb libraries Qt's xcb platform loads, GL,
# fonts, D-Bus (the Secret Service), and a Secret Service itself for the device secret.
DEB_DEPENDS = (
    "libc6 (>= 2.31), libgl1, libegl1, libfontconfig1, libfreetype6, libdbus-1-3, "
    "libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, "
    "libxcb-shape0, libxcb-randr0, libxcb-render-util0, libxcb-image0, libxcb-xinerama0, "
    "libxcb-xkb1, gnome-keyring | kwalletmanager | keepassxc"
)


class BuildFailed(RuntimeError):
    """A step of the build that did not work, in words."""


@dataclass
class Built:
    bundle: Path
    executable: Path
    archives: dict[str, Path] = field(default_factory=dict)  # kind -> file
    seconds: dict[str, float] = field(default_factory=dict)  # step -> seconds


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(out: Path, *, msi: bool = True) -> Built:
    """The bundle, then each package from it; every step timed."""
    out.mkdir(parents=True, exist_ok=True)
    release = version()
    started = time.perf_counter()
    bundle = _pyinstaller(out)
    built = Built(bundle, bundle / (NAME + (".exe" if os.name == "nt" else "")))
    built.seconds["bundle"] = time.perf_counter() - started
    if sys.platform.startswith("linux"):
        step = time.perf_counter()
        built.archives["tar.gz"] = _tarball(bundle, out / f"{NAME}-{release}-linux-x86_64.tar.gz")
        built.archives["deb"] = _deb(bundle, out / f"{NAME}_{release}_amd64.deb", release)
        built.seconds["tar.gz and deb"] = time.perf_counter() - step
    if msi:
        step = time.perf_counter()
        built.archives["msi"] = build_msi(bundle, release, out / f"DutyDesk-{release}-x64.msi")
        built.seconds["msi"] = time.perf_counter() - step
    built.seconds["total"] = time.perf_counter() - started
    return built


def _pyinstaller(out: Path) -> Path:
    dist, work = out / "dist", out / "work"
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(SPEC)]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    bundle = dist / NAME
    if done.returncode != 0 or not bundle.is_dir():
        tail = "\n".join((done.stderr or done.stdout).splitlines()[-25:])
        raise BuildFailed(f"PyInstaller failed (exit {done.returncode}):\n{tail}")
    return bundle


def _tarball(bundle: Path, target: Path) -> Path:
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
        archive.add(bundle, arcname=NAME, filter=_owned_by_root)
    partial.replace(target)
    return target


def _owned_by_root(member: tarfile.TarInfo) -> tarfile.TarInfo:
    member.uid = member.gid = 0
    member.uname = member.gname = "root"
    return member


def _deb(bundle: Path, target: Path, release: str) -> Path:
    with tempfile.TemporaryDirectory(prefix="duty-desk-deb-") as folder:
        root = Path(folder) / "root"
        shutil.copytree(bundle, root / "opt" / NAME, symlinks=True)
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "usr" / "bin" / NAME).symlink_to(f"/opt/{NAME}/{NAME}")
        apps = root / "usr" / "share" / "applications"
        apps.mkdir(parents=True)
        (apps / f"{NAME}.desktop").write_text(_DESKTOP, encoding="utf-8")
        icons = root / "usr" / "share" / "icons" / "hicolor" / "96x96" / "apps"
        icons.mkdir(parents=True)
        shutil.copy2(ROOT / "resources" / "icons" / "app-96.png", icons / f"{NAME}.png")
        docs = root / "usr" / "share" / "doc" / NAME
        shutil.copytree(ROOT / "resources" / "licences", docs)
        shutil.copy2(ROOT / "resources" / "fonts" / "LICENSE-DejaVu.txt", docs)
        control = root / "DEBIAN"
        control.mkdir()
        size_kib = folder_size(root) // 1024
        (control / "control").write_text(_CONTROL.format(version=release, size=size_kib),
                                         encoding="utf-8")  # fmt: skip
        # gzip: xz makes the .deb about a quarter smaller (85 MiB, not 111) but adds some 40 s.
        command = ["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(target)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BuildFailed(f"dpkg-deb failed (exit {done.returncode}): {done.stderr.strip()}")
    return target


_CONTROL = f"""Package: {NAME}
Version: {{version}}
Architecture: amd64
Maintainer: Duty Desk <duty-desk@example.gov.uk>
Installed-Size: {{size}}
Depends: {DEB_DEPENDS}
Section: misc
Priority: optional
Homepage: https://example.gov.uk/duty-desk
Description: Out-of-hours desk for children's emergency duty teams
 Records evening and weekend enquiries about children with the child's voice and a
 decision, applies sign-off rules, tracks young people in police custody who need a
 placement, and hands the night over to the day service in the morning.
"""

_DESKTOP = f"""[Desktop Entry]
Type=Application
Name=Duty Desk
Comment=Children's emergency duty: enquiries, sign-off, custody and the morning handover
Exec=/usr/bin/{NAME}
Icon={NAME}
Terminal=false
Categories=Office;
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m installer.build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "installer")
    parser.add_argument("--no-msi", action="store_true", help="skip the Windows MSI")
    args = parser.parse_args(argv)
    try:
        built = build(args.out.resolve(), msi=not args.no_msi)
    except Exception as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    print(f"bundle   {built.bundle}  {folder_size(built.bundle) / 2**20:.0f} MiB")
    for kind, path in built.archives.items():
        print(f"{kind:<8} {path}  {path.stat().st_size / 2**20:.0f} MiB")
    print("seconds  " + ", ".join(f"{k} {v:.0f}" for k, v in built.seconds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
