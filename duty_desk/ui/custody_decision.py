"""The council's decision in a custody case: which one, why, and the risk rating.

The decision is the linked enquiry's, so it goes through the sign-off rules like any
other (refusing or failing to provide accommodation needs a manager, for example). When
the enquiry still lacks something a decision needs, the dialog says what, in plain words,
and offers to open the enquiry to fill it in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.choices import RISK_RATINGS
from duty_desk.domain.custody_records import Case
from duty_desk.domain.enquiry import EnquiryInvalid, Problem
from duty_desk.domain.errors import DutyDeskError
from duty_desk.services import custody as service
from duty_desk.services import enquiries
from duty_desk.services.context import SignedIn
from duty_desk.services.custody import DECISIONS
from duty_desk.ui.custody_close import ok_cancel
from duty_desk.ui.enquiry_fields_widgets import ChoiceField, TextField
from duty_desk.ui.enquiry_sections import FieldProblem, in_words, with_mnemonic
from duty_desk.ui.widgets import ErrorLine

# What deciding returns when refused: the problems with what the dialog asks, and what the
# enquiry lacks (its own fields, and the sign-off rules' demands); both empty: decided.
Refusal = tuple[list[Problem], list[Problem]]
Decider = Callable[[dict[str, Any]], Refusal]
OWN = ("decision_type", "rationale", "risk_rating")
ASKED = ("rationale", "risk_rating")  # the enquiry's fields the dialog itself fills in


def decision_dialog(
    session: SignedIn,
    case: Case,
    labels: Mapping[str, str],
    decided: Callable[[Case], None],
    parent: QWidget,
) -> DecisionDialog:
    """The dialog for ``case``, its risk rating and rationale taken from the enquiry."""
    assert case.enquiry_id is not None
    prefill: dict[str, Any] = {"decision_type": case.decision_type}
    trouble = ""
    try:
        enquiry = enquiries.open_enquiry(session, case.enquiry_id)
        prefill |= {name: enquiry.content.get(name) for name in ("risk_rating", "rationale")}
    except DutyDeskError as error:
        trouble = str(error)

    def decide(fields: dict[str, Any]) -> Refusal:
        try:
            service.decide(session, case.id, fields)
            fresh = service.get_case(session, case.id, record_view=False)
        except EnquiryInvalid as error:
            asked = [p for p in error.problems if p.field in ASKED]
            return asked, [p for p in error.problems if p.field not in ASKED]
        except DutyDeskError as error:
            return [Problem(getattr(error, "field", None) or "decision_type", str(error))], []
        decided(fresh)
        return [], []

    reference = case.enquiry_reference or parent.tr("(its enquiry)")
    dialog = DecisionDialog(labels, (case.enquiry_id, reference), prefill, decide, parent)
    if trouble:
        dialog.show_error(trouble)
    return dialog


class DecisionDialog(QDialog):
    """Choose the decision; OK decides, a refusal stays open and says what is missing."""

    open_enquiry_requested = Signal(str)  # the enquiry's id

    def __init__(
        self,
        labels: Mapping[str, str],
        enquiry: tuple[str, str],  # (id, reference)
        prefill: Mapping[str, Any],
        decide: Decider,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("The council's decision — Duty Desk"))
        self.setMinimumWidth(640)
        self._decide = decide
        self._enquiry_id, reference = enquiry
        options = {key: labels.get(key, key) for key in DECISIONS}
        self.editors: dict[str, Any] = {
            "decision_type": ChoiceField(self.tr("Decision"), options),
            "rationale": TextField(self.tr("Rationale"), 5),
            "risk_rating": ChoiceField(self.tr("Risk rating"), RISK_RATINGS),
        }
        self.problems = {name: FieldProblem() for name in OWN}
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Recorded on enquiry %1 and signed off by its rules: refusing or not "
                "providing accommodation, or disputing a secure request, needs sign-off."
            ).replace("%1", reference)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._form())
        self.missing = ErrorLine()
        layout.addWidget(self.missing)
        self.open_button = QPushButton(
            self.tr("&Open enquiry %1 to fill them in").replace("%1", reference)
        )
        self.open_button.setAccessibleName(self.tr("Open the enquiry"))
        self.open_button.clicked.connect(self._open_enquiry)
        self.open_button.hide()
        layout.addWidget(self.open_button)
        self.buttons = ok_cancel(self.tr("Decide"))
        self.buttons.accepted.connect(self.try_decide)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for name, editor in self.editors.items():
            editor.set_value(prefill.get(name))
        self.editors["decision_type"].setFocus(Qt.FocusReason.OtherFocusReason)

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        used: set[str] = {"o"}  # the button that opens the enquiry
        for name, text in zip(OWN, ("Decision", "Rationale", "Risk rating"), strict=True):
            label = QLabel(with_mnemonic(self.tr(text), used))
            label.setBuddy(self.editors[name])
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(self.editors[name])
            column.addWidget(self.problems[name])
            form.addRow(label, box)
        return form

    def fields(self) -> dict[str, Any]:
        found = {name: editor.value() for name, editor in self.editors.items()}
        return {name: value for name, value in found.items() if value is not None}

    def try_decide(self) -> None:
        asked, lacking = self._decide(self.fields())
        if not asked and not lacking:
            self.accept()
            return
        self.show_problems(asked, lacking)

    def show_problems(self, asked: Sequence[Problem], elsewhere: Sequence[Problem]) -> None:
        """Problems with what the dialog asks at their fields; what the enquiry lacks listed,
        with the way to open it."""
        for name, label in self.problems.items():
            label.show_lines([in_words(p) for p in asked if p.field == name])
        if elsewhere:
            lines = "\n".join(f"• {in_words(p)}" for p in elsewhere)
            self.missing.show_message(
                self.tr(
                    "Not decided. The enquiry still needs:\n%1\nOpen the enquiry to add them, "
                    "then decide again."
                ).replace("%1", lines)
            )
        else:
            self.missing.show_message(self.tr("Not decided."))
        self.open_button.setVisible(bool(elsewhere))
        first = next((p.field for p in asked if p.field in self.editors), None)
        target = self.editors[first] if first else self.open_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, text: str) -> None:
        self.missing.show_message(text)

    def _open_enquiry(self) -> None:
        self.open_enquiry_requested.emit(self._enquiry_id)
