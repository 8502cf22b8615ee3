"""What council IT set when it deployed Duty Desk: the organisation and the day service.

On Windows the MSI writes them (``msiexec … ORGANISATION=… DAYSERVICEURL=…``) to
``HKLM\\SOFTWARE\\Duty Desk\\Deployment``; on Linux they are read from
``/etc/duty-desk/deployment.toml`` (``organisation = "…"``, ``day_service_url = "…"``).
Either may be missing: then both are empty. They are machine settings, not secrets: a
password never goes in the address (``services.sync.configure`` refuses one).
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

LINUX_FILE = Path("/etc/duty-desk/deployment.toml")
WINDOWS_KEY = r"SOFTWARE\Duty Desk\Deployment"


@dataclass(frozen=True, slots=True)
class Deployment:
    organisation: str = ""
    day_service_url: str = ""
    problem: str = ""  # why the settings could not be read, in words; empty when fine


def deployment(path: Path = LINUX_FILE) -> Deployment:
    """The machine's deployment settings (empty when none were set)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return _from_registry()
    return from_file(path)


def from_file(path: Path) -> Deployment:
    if not path.is_file():
        return Deployment()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Deployment(problem=f"{path} could not be read ({error}): its settings are ignored.")
    found = {key: data.get(key, "") for key in ("organisation", "day_service_url")}
    if not all(isinstance(value, str) for value in found.values()):
        return Deployment(problem=f"{path}: organisation and day_service_url must be text.")
    return Deployment(found["organisation"].strip(), found["day_service_url"].strip())


if sys.platform == "win32":  # pragma: no cover - the MSI's registry values, Windows only

    def _from_registry() -> Deployment:
        import winreg

        values = {}
        try:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, WINDOWS_KEY) as key:
                for name in ("Organisation", "DayServiceUrl"):
                    try:
                        values[name] = str(winreg.QueryValueEx(key, name)[0]).strip()
                    except FileNotFoundError:
                        values[name] = ""
        except FileNotFoundError:
            return Deployment()
        return Deployment(values["Organisation"], values["DayServiceUrl"])
