"""The Windows MSI: built with wixl from a small fake bundle, then read back with msitools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from installer.msi import UPGRADE_CODE, MsiError, build_msi, msi_properties, msi_table

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("wixl", "wixl-heat", "msibuild", "msiinfo")),
    reason="needs msitools and wixl (apt install wixl msitools)",
)

FAKE_BUNDLE = {
    "duty-desk.exe": b"MZ\x90\x00fake",
    "_internal/base_library.zip": b"PK\x05\x06",
    "_internal/python311.dll": b"MZ\x90\x00dll",
    "resources/licences/LGPL-3.0.txt": b"GNU LESSER GENERAL PUBLIC LICENSE\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One MSI built from the fake bundle, shared by the read-only checks below."""
    root = tmp_path_factory.mktemp("msi")
    bundle = root / "duty-desk"
    for name, content in FAKE_BUNDLE.items():
        (bundle / name).parent.mkdir(parents=True, exist_ok=True)
        (bundle / name).write_bytes(content)
    out = root / "out" / "DutyDesk-0.1.0-x64.msi"
    assert build_msi(bundle, "0.1.0", out) == out.resolve()
    return out


def test_product_properties(built: Path) -> None:
    properties = msi_properties(built)
    assert properties["ProductName"] == "Duty Desk"
    assert properties["Manufacturer"] == "Duty Desk"
    assert properties["ProductVersion"] == "0.1.0"
    assert properties["ProductLanguage"] == "2057"
    assert properties["UpgradeCode"] == "{" + UPGRADE_CODE + "}"
    assert properties["ALLUSERS"] == "1"


def test_deployment_properties_are_secure(built: Path) -> None:
    # Empty by default, so not in the Property table (it holds no empty values): they exist
    # only when msiexec is given them, and Secure lets them through to the elevated install.
    properties = msi_properties(built)
    secure = properties["SecureCustomProperties"].split(";")
    assert {"ORGANISATION", "DAYSERVICEURL"} <= set(secure)
    assert "ORGANISATION" not in properties
    assert "DAYSERVICEURL" not in properties


def test_newer_replaces_older_and_downgrade_is_refused(built: Path) -> None:
    code = "{" + UPGRADE_CODE + "}"
    rows = {row[6]: row for row in msi_table(built, "Upgrade")}
    older, newer = rows["WIX_UPGRADE_DETECTED"], rows["WIX_DOWNGRADE_DETECTED"]
    # UpgradeCode, VersionMin, VersionMax, Language, Attributes, Remove, ActionProperty
    assert older[:3] == [code, "", "0.1.0"]  # any older version is found ...
    assert newer[:3] == [code, "0.1.0", ""]  # ... and so is a newer one
    assert int(newer[4]) & 2  # only detected, never removed
    sequence = {row[0]: int(row[2]) for row in msi_table(built, "InstallExecuteSequence")}
    assert sequence["InstallValidate"] < sequence["RemoveExistingProducts"]
    assert sequence["RemoveExistingProducts"] < sequence["InstallInitialize"]
    conditions = dict(msi_table(built, "LaunchCondition"))
    assert "NOT WIX_DOWNGRADE_DETECTED" in conditions
    assert "newer version of Duty Desk" in conditions["NOT WIX_DOWNGRADE_DETECTED"]


def test_registry_keeps_the_deployment_properties(built: Path) -> None:
    # Registry, Root (2 is HKLM), Key, Name, Value, Component_
    values = {row[3]: row for row in msi_table(built, "Registry")}
    for name, value in [("Organisation", "[ORGANISATION]"), ("DayServiceUrl", "[DAYSERVICEURL]")]:
        _, root, key, _, written, _ = values[name]
        assert (root, key.rstrip("\\"), written) == ("2", r"SOFTWARE\Duty Desk\Deployment", value)


def test_installs_per_machine_under_program_files(built: Path) -> None:
    directories = {row[0]: row for row in msi_table(built, "Directory")}
    assert directories["INSTALLDIR"][1:] == ["ProgramFiles64Folder", "Duty Desk"]
    components = msi_table(built, "Component")
    assert all(int(row[3]) & 256 for row in components)  # every component is 64-bit
    summary = subprocess.run(
        ["msiinfo", "suminfo", str(built)], capture_output=True, text=True, check=True
    ).stdout
    assert "Template: x64;" in summary


def test_start_menu_shortcut_starts_the_app(built: Path) -> None:
    shortcuts = msi_table(built, "Shortcut")
    assert [(row[1], row[2], row[4], row[11]) for row in shortcuts] == [
        ("ProgramMenuFolder", "Duty Desk", "[INSTALLDIR]duty-desk.exe", "INSTALLDIR")
    ]


def test_every_bundle_file_comes_back_in_place(built: Path, tmp_path: Path) -> None:
    subprocess.run(["msiextract", "-C", str(tmp_path), str(built)], capture_output=True, check=True)
    installed = tmp_path / "Duty Desk"
    found = {
        path.relative_to(installed).as_posix() for path in installed.rglob("*") if path.is_file()
    }
    assert found == set(FAKE_BUNDLE)
    for name, content in FAKE_BUNDLE.items():
        assert (installed / name).read_bytes() == content


@pytest.mark.parametrize("version", ["0.2.0.dev1", "0.2.0rc1", "1.0", "v1.0.0", "256.0.0"])
def test_a_version_windows_cannot_compare_is_refused(tmp_path: Path, version: str) -> None:
    (tmp_path / "duty-desk.exe").write_bytes(b"MZ")
    out = tmp_path / "DutyDesk.msi"
    with pytest.raises(MsiError, match=rf"Cannot build an MSI for version '{version}'"):
        build_msi(tmp_path, version, out)
    assert not out.exists()


def test_an_empty_bundle_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MsiError, match="holds no files"):
        build_msi(tmp_path, "0.1.0", tmp_path / "DutyDesk.msi")


def test_wixl_failure_names_wixl_and_its_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.wxs"
    broken.write_text("<Wix><Product", encoding="utf-8")
    monkeypatch.setattr("installer.msi.WXS", broken)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "duty-desk.exe").write_bytes(b"MZ")
    out = tmp_path / "DutyDesk.msi"
    with pytest.raises(MsiError, match="wixl stopped with exit status") as raised:
        build_msi(bundle, "0.1.0", out)
    assert "Its last messages:" in str(raised.value)
    assert not out.exists()
