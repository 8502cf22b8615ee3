"""The per-machine Windows Installer package (MSI), built with msitools' ``wixl``.

``installer/windows/duty-desk.wxs`` describes the product: where it installs, the Start-menu
shortcut, the major-upgrade rules and the two deployment properties. The files themselves
come from the one-folder bundle: ``wixl-heat`` lists them in a fragment at build time, so
whatever PyInstaller put in the bundle is what the MSI installs, in the same layout.

wixl 0.101 ignores ``Secure="yes"`` on a property and writes SecureCustomProperties itself
(for the upgrade properties only), so after building we add ORGANISATION and DAYSERVICEURL
to it with ``msibuild``. Without that an elevated install would drop both properties.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Ties every version of Duty Desk together. Never change it: a new code would make Windows
#: see a different product and install it beside the old one instead of replacing it.
UPGRADE_CODE = "AB443647-4632-4BA6-9259-B00B17C7FFE6"

#: The product definition, and the component group the bundle's files are gathered into.
WXS = Path(__file__).resolve().parent / "windows" / "duty-desk.wxs"
BUNDLE_GROUP = "BundleFiles"

#: Public properties set on the msiexec command line for a silent deployment.
DEPLOYMENT_PROPERTIES = ("ORGANISATION", "DAYSERVICEURL")

_TOOLS = ("wixl", "wixl-heat", "msibuild", "msiinfo")
_WINDOWS_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
_TIMEOUT = 600  # seconds; wixl packs a real bundle in well under a minute
_TAIL_LINES = 20
_PROPERTY_LIST = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*(;[A-Za-z_][A-Za-z0-9_.]*)*")


class MsiError(RuntimeError):
    """The MSI could not be built or read; the message says why in plain English."""


def windows_version(version: str) -> str:
    """``version`` if Windows Installer accepts it as a product version, else MsiError.

    Windows compares only three numbers, major.minor.build (at most 255.255.65535), so a
    development or pre-release version such as ``0.2.0.dev1`` or ``0.2.0rc1`` is refused:
    an MSI built from it would look the same as the release to Windows.
    """
    match = _WINDOWS_VERSION.fullmatch(version)
    if match is None:
        raise MsiError(
            f"Cannot build an MSI for version {version!r}: Windows Installer versions are "
            "three numbers, major.minor.build (for example 0.1.0). Build the MSI from a "
            "release version."
        )
    major, minor, build = (int(part) for part in match.groups())
    if major > 255 or minor > 255 or build > 65535:
        raise MsiError(
            f"Cannot build an MSI for version {version!r}: Windows Installer allows at most "
            "255 for the first two numbers and 65535 for the third."
        )
    return version


def bundle_files(bundle: Path) -> list[str]:
    """Every file in the one-folder ``bundle``, as sorted paths relative to it (with /)."""
    if not bundle.is_dir():
        raise MsiError(f"Cannot build an MSI: the bundle folder {bundle} does not exist.")
    files = sorted(
        path.relative_to(bundle).as_posix() for path in bundle.rglob("*") if path.is_file()
    )
    if not files:
        raise MsiError(f"Cannot build an MSI: the bundle folder {bundle} holds no files.")
    awkward = [name for name in files if "\n" in name or "\r" in name]
    if awkward:
        raise MsiError(
            f"Cannot build an MSI: a file name in the bundle has a line break: {awkward[0]!r}."
        )
    return files


def build_msi(bundle: Path, version: str, out: Path) -> Path:
    """Build the per-machine x64 MSI for the one-folder ``bundle`` at ``out``; return ``out``.

    ``out`` is only written once the package is complete, so a failed build leaves no
    half-made MSI behind. Raises MsiError if a tool is missing or fails.
    """
    windows_version(version)
    bundle = bundle.resolve()
    files = bundle_files(bundle)
    tools = _find_tools()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="duty-desk-msi-") as scratch:
        fragment = Path(scratch) / "bundle-files.wxs"
        fragment.write_text(_heat(tools["wixl-heat"], bundle, files), encoding="utf-8")
        package = Path(scratch) / out.name
        # wixl will not read a File Source given as an absolute path, so it runs inside the
        # bundle and the fragment's sources are relative to it.
        _run(
            [
                tools["wixl"],
                "--arch", "x64",
                "--define", f"Version={version}",
                "--define", "SourceDir=.",
                "--define", "Win64=yes",
                "--output", str(package),
                str(WXS),
                str(fragment),
            ],
            "wixl",
            cwd=bundle,
        )  # fmt: skip
        _secure_properties(tools["msibuild"], tools["msiinfo"], package)
        shutil.move(package, out)
    return out


def msi_table(msi: Path, table: str) -> list[list[str]]:
    """The rows of one table of ``msi``, each a list of its columns as text."""
    msiinfo = _find_tools()["msiinfo"]
    result = _run([msiinfo, "export", str(msi), table], "msiinfo")
    # msiinfo writes the column names, their types and the table's keys before the rows.
    return [line.split("\t") for line in result.splitlines()[3:] if line]


def msi_properties(msi: Path) -> dict[str, str]:
    """The Property table of ``msi``: name to value. A property whose default is empty is
    not in it (Windows Installer stores no empty values), only set on the command line."""
    return {row[0]: row[1] if len(row) > 1 else "" for row in msi_table(msi, "Property")}


def _find_tools() -> dict[str, str]:
    """The msitools programs, or MsiError naming those missing."""
    found = {name: shutil.which(name) for name in _TOOLS}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise MsiError(
            f"Cannot build or read an MSI: {', '.join(missing)} is not installed. On Debian "
            "or Ubuntu install the packages wixl and msitools (apt install wixl msitools)."
        )
    return {name: path for name, path in found.items() if path is not None}


def _heat(wixl_heat: str, bundle: Path, files: list[str]) -> str:
    """The WiX fragment that puts ``files`` (relative to ``bundle``) under INSTALLDIR."""
    return _run(
        [
            wixl_heat,
            "--prefix", f"{bundle}/",
            "--directory-ref", "INSTALLDIR",
            "--component-group", BUNDLE_GROUP,
            "--var", "var.SourceDir",
            "--win64",
        ],
        "wixl-heat",
        stdin="".join(f"{bundle}/{name}\n" for name in files),
    )  # fmt: skip


def _secure_properties(msibuild: str, msiinfo: str, package: Path) -> None:
    """Add the deployment properties to the SecureCustomProperties wixl wrote."""
    output = _run([msiinfo, "export", str(package), "Property"], "msiinfo")
    rows = dict(line.split("\t", 1) for line in output.splitlines()[3:] if "\t" in line)
    secure = [name for name in rows.get("SecureCustomProperties", "").split(";") if name]
    secure += [name for name in DEPLOYMENT_PROPERTIES if name not in secure]
    value = ";".join(secure)
    if not _PROPERTY_LIST.fullmatch(value):  # it goes into SQL below
        raise MsiError(f"Building the MSI failed: odd SecureCustomProperties {value!r}.")
    if "SecureCustomProperties" in rows:
        query = "UPDATE `Property` SET `Value` = '{}' WHERE `Property` = 'SecureCustomProperties'"
    else:
        query = (
            "INSERT INTO `Property` (`Property`, `Value`) VALUES ('SecureCustomProperties', '{}')"
        )
    _run([msibuild, str(package), "-q", query.format(value)], "msibuild")


def _run(
    command: list[str], name: str, *, cwd: Path | None = None, stdin: str | None = None
) -> str:
    """Run one msitools program and return what it printed, or MsiError with its last words."""
    try:
        result = subprocess.run(
            command,
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise MsiError(f"Building the MSI failed: {name} could not run ({error}).") from error
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-_TAIL_LINES:])
        raise MsiError(
            f"Building the MSI failed: {name} stopped with exit status {result.returncode}.\n"
            f"Its last messages:\n{tail or '(none)'}"
        )
    return result.stdout
