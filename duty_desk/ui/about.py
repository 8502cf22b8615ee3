"""About Duty Desk: versions of everything that matters, and the licences."""

from __future__ import annotations

import platform
from html import escape
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from duty_desk import __version__
from duty_desk.resources import resource
from duty_desk.services.deployment import deployment
from duty_desk.ui.widgets import heading, icon

COMPONENTS = ("SQLAlchemy", "alembic", "sqlcipher3", "keyring", "argon2-cffi", "cryptography",
              "reportlab", "pikepdf")  # fmt: skip


def versions() -> list[tuple[str, str]]:
    rows = [
        ("Duty Desk", __version__),
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", pyside_version),
    ]
    for name in COMPONENTS:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return rows


def deployed() -> list[tuple[str, str]]:
    """What council IT set at deployment (the MSI's properties, or /etc/duty-desk)."""
    found = deployment()
    if found.problem:
        return [("Deployment", found.problem)]
    unset = "not set at deployment"
    return [
        ("Organisation", found.organisation or unset),
        ("Day service (as deployed)", found.day_service_url or unset),
    ]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Duty Desk"))
        self.setWindowIcon(icon("app"))
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Duty Desk %1").replace("%1", __version__)))
        blurb = QLabel(
            self.tr(
                "For children's emergency duty teams out of hours: enquiries with the child's "
                "voice, safe sign-off, young people in police custody, and the morning handover."
            )
        )
        blurb.setWordWrap(True)
        layout.addWidget(blurb)
        tabs = QTabWidget()
        tabs.setAccessibleName(self.tr("About tabs"))
        tabs.addTab(self._text(self._versions_html(), self.tr("Versions")), self.tr("&Versions"))
        licences = resource("licences")
        tabs.addTab(
            self._text(
                (licences / "THIRD-PARTY.md").read_text(encoding="utf-8"),
                self.tr("Licences"),
                markdown=True,
            ),
            self.tr("&Licences"),
        )
        tabs.addTab(
            self._text(
                (licences / "LGPL-3.0.txt").read_text(encoding="utf-8"), "LGPL-3.0", plain=True
            ),
            self.tr("L&GPL-3.0 (Qt)"),
        )
        tabs.addTab(
            self._text(
                resource("fonts", "LICENSE-DejaVu.txt").read_text(encoding="utf-8"),
                self.tr("Font licence"),
                plain=True,
            ),
            self.tr("&Fonts (DejaVu)"),
        )
        layout.addWidget(tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(self.tr("Close"))
        layout.addWidget(buttons)
        self.resize(620, 520)

    def _versions_html(self) -> str:
        rows = "".join(f"<tr><td><b>{n}</b></td><td>{escape(v)}</td></tr>"
                       for n, v in versions() + deployed())  # fmt: skip
        return f"<table cellpadding='4'>{rows}</table>"

    @staticmethod
    def _text(content: str, name: str, markdown: bool = False, plain: bool = False) -> QTextBrowser:
        view = QTextBrowser()
        view.setAccessibleName(name)
        view.setOpenExternalLinks(True)
        if markdown:
            view.setMarkdown(content)
        elif plain:
            view.setPlainText(content)
        else:
            view.setHtml(content)
        return view
