"""Saving a document as a PDF: the file (typed, or chosen with Browse…), an optional
password typed twice, and whether an existing file may be replaced.

The service call runs in the background (``signoff_dialogs.ActionDialog``). A refusal (a
password too short, the two not matching, a file already there, no such folder) is shown
in the service's own words and the dialog stays open with everything typed; success closes
it, with the service's ``Printed`` in ``result_value``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QPushButton, QWidget

from duty_desk.domain.errors import ValidationError
from duty_desk.services.documents import MIN_PASSWORD, Printed, check_password
from duty_desk.ui.signoff_dialogs import ActionDialog
from duty_desk.ui.widgets import add_row, line_edit

Save = Callable[[Path, str | None, bool], Any]  # path, password, replace an existing file


def _tr(text: str) -> str:
    return QCoreApplication.translate("SaveDocumentDialog", text)


def saved_words(printed: Printed) -> str:
    """'Saved indicators.pdf (3 pages, encrypted)'."""
    pages = "1 page" if printed.pages == 1 else f"{printed.pages} pages"
    return f"Saved {printed.path.name} ({pages}{', encrypted' if printed.encrypted else ''})"


def ask_to_save(
    parent: QWidget,
    what: str,
    file_name: str,
    marking: str,
    act: Callable[..., Printed],
    done: Callable[[Printed], None],
) -> SaveDocumentDialog:
    """Open the dialog for ``act(path, password=…, overwrite=…)`` (a service call that
    saves a document); ``done`` hears what was saved. The caller keeps the dialog."""

    def save(path: Path, password: str | None, overwrite: bool) -> Printed:
        return act(path, password=password, overwrite=overwrite)

    dialog = SaveDocumentDialog(what, file_name, marking, save, parent)
    dialog.accepted.connect(lambda: done(dialog.result_value))
    dialog.open()
    return dialog


def save_from_window(
    window: QWidget,
    what: str,
    file_name: str,
    marking: str,
    act: Callable[..., Printed],
    say: Callable[[str], None],
    unsaved: Callable[[], bool],
) -> SaveDocumentDialog:
    """Save the document of the record a window shows (a decision record, a custody log):
    ``say`` hears what was saved, and that the window's unsaved typing is not in it."""

    def done(printed: Printed) -> None:
        left_out = _tr(": what you have typed since the last save is not in it")
        say(saved_words(printed) + (left_out if unsaved() else ""))

    return ask_to_save(window, what, file_name, marking, act, done)


def documents_folder() -> Path:
    """Where a new document is suggested: the Documents folder, else the home folder."""
    home = Path.home()
    return home / "Documents" if (home / "Documents").is_dir() else home


class SaveDocumentDialog(ActionDialog):
    """Save ``what`` (e.g. "the performance indicators") to a PDF file with ``save``."""

    def __init__(
        self,
        what: str,
        file_name: str,
        marking: str,
        save: Save,
        parent: QWidget | None = None,
        *,
        folder: Path | None = None,
    ) -> None:
        intro = (
            _tr(
                "Save %1 as a PDF. It is marked %2 on every page: keep it only where such "
                "documents may be kept. A password (at least %3 characters) encrypts it; "
                "tell the reader the password separately, never in the same email."
            )
            .replace("%1", what)
            .replace("%2", marking)
            .replace("%3", str(MIN_PASSWORD))
        )
        super().__init__(_tr("Save %1 as PDF").replace("%1", what), intro, parent)
        self.folder = folder or documents_folder()
        self.path = line_edit(self.tr("File"))
        self.path.setText(str(self.folder / file_name))
        self.browse = QPushButton(self.tr("&Browse…"))
        self.browse.setAccessibleName(self.tr("Browse for the file"))
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        holder = QWidget()
        holder.setLayout(row)
        self.password = line_edit(self.tr("Password (optional)"), secret=True)
        self.password.setPlaceholderText(self.tr("Leave empty for no password"))
        self.again = line_edit(self.tr("Password again"), secret=True)
        self.overwrite = QCheckBox(self.tr("Replace the file if it is already there"))
        self.overwrite.setAccessibleName(self.tr("Replace the file if it is already there"))
        add_row(self.form, self.tr("F&ile"), holder)
        add_row(self.form, self.tr("&Password (optional)"), self.password)
        add_row(self.form, self.tr("Password a&gain"), self.again)
        self.form.addRow(self.overwrite)
        self.save_button = self.add_action(self.tr("&Save"), save)
        self.save_button.setDefault(True)  # Enter saves
        self.path.setFocus()

    def _browse(self) -> None:
        start = self.path.text().strip() or str(self.folder)
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save as"), start, self.tr("PDF documents (*.pdf)")
        )
        if chosen:
            self.path.setText(chosen)

    def chosen_path(self) -> Path:
        text = self.path.text().strip()
        if not text:
            raise ValidationError(self.tr("Give the file a name."), "path")
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        return path if path.suffix else path.with_suffix(".pdf")

    def chosen_password(self) -> str | None:
        first, second = self.password.text(), self.again.text()
        if not first and not second:
            return None
        if first != second:
            raise ValidationError(
                self.tr("The two passwords are not the same: type them again."), "password"
            )
        check_password(first)
        return first

    def values(self) -> tuple[Any, ...]:
        return (self.chosen_path(), self.chosen_password(), self.overwrite.isChecked())

    def _failed(self, error: Exception) -> None:
        super()._failed(error)
        field = getattr(error, "field", None)
        if field == "password":
            self.password.setFocus()
            self.password.selectAll()
        elif field == "path":
            self.path.setFocus()
