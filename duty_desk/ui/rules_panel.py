"""Admin → Sign-off rules: which rules are in force, and installing a council's own file.

A file with any problem is refused whole by the service; every problem is listed here with
its line, and the rules in force stay as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.clock import show_local
from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.signoff_rules import RulesInvalid
from duty_desk.services import rules as service
from duty_desk.ui.widgets import heading, icon

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn


class RulesPanel(QWidget):
    def __init__(self, session: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.dialog: QFileDialog | None = None
        self.in_force = QLabel()
        self.in_force.setWordWrap(True)
        self.in_force.setAccessibleName(self.tr("Sign-off rules in force"))
        self.install_button = QPushButton(icon("sign-off"), self.tr("&Install a rules file…"))
        self.install_button.setAccessibleName(self.tr("Install a sign-off rules file"))
        self.install_button.clicked.connect(self.choose_file)
        self.outcome = QPlainTextEdit()
        self.outcome.setReadOnly(True)
        self.outcome.setAccessibleName(self.tr("What happened to the last rules file"))
        self.outcome.setMaximumHeight(140)
        self.outcome.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(heading(self.tr("Sign-off rules"), 1.3))
        layout.addWidget(self.in_force)
        row = QHBoxLayout()
        row.addWidget(self.install_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.outcome)
        self.refresh()

    def refresh(self) -> None:
        found = service.rules_in_force(self._session)
        said = self.tr("Version %1 (%2 rules), from %3.").replace("%1", found.rules.version)
        said = said.replace("%2", str(len(found.rules.rules))).replace("%3", found.source)
        if found.installed_at is not None:
            said += " " + self.tr("Installed %1.").replace("%1", show_local(found.installed_at))
        self.in_force.setText(said)

    def choose_file(self) -> None:
        self.dialog = QFileDialog(self, self.tr("Choose a sign-off rules file"))
        self.dialog.setNameFilter(self.tr("Rules files (*.toml)"))
        self.dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.dialog.fileSelected.connect(self.install_from)
        self.dialog.open()

    def install_from(self, name: str) -> bool:
        """Install the file; True if it was installed. Problems are listed by line."""
        path = Path(name)
        self.outcome.show()
        try:
            text = path.read_text(encoding="utf-8")
            installed = service.install_rules(self._session, text, path.name)
        except RulesInvalid as refused:
            self.outcome.setPlainText(str(refused))
            return False
        except (OSError, UnicodeDecodeError):
            self.outcome.setPlainText(
                self.tr("%1 could not be read as UTF-8 text; nothing was installed.").replace(
                    "%1", path.name
                )
            )
            return False
        except DutyDeskError as error:
            self.outcome.setPlainText(str(error))
            return False
        self.outcome.setPlainText(
            self.tr("Installed version %1 from %2. It applies to decisions from now on.")
            .replace("%1", installed.rules.version)
            .replace("%2", path.name)
        )
        self.refresh()
        return True
