"""Admin → Placements: add, refuse, change, retire and restore, through the real services."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence

from duty_desk.services.providers import add_provider, providers, retire_provider
from duty_desk.ui.main_window import MainWindow
from duty_desk.ui.provider_model import ProviderModel
from tests.ui.conftest import press_ok

LARCHFIELD = {
    "name": "Larchfield House",
    "type": "childrens_home",
    "accepts_pace": True,
    "phone": "01632 960733",
    "notes": "Ask for the shift leader.\nSix beds.",
}
HOLLYBANK = {"name": "Hollybank Secure Children's Home", "type": "secure_home", "secure": True}


def _panel(qtbot, admin, settings):  # type: ignore[no-untyped-def]
    window = MainWindow(admin, settings)
    qtbot.addWidget(window)
    window.show()
    window.show_place("admin")
    return window.providers_panel


def _select(panel, name: str) -> None:  # type: ignore[no-untyped-def]
    for row in range(panel.proxy.rowCount()):
        if panel.proxy.index(row, 0).data() == name:
            panel.table.selectionModel().select(
                panel.proxy.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            return
    raise AssertionError(f"{name} not listed")


def _shown(panel) -> list[list[str]]:  # type: ignore[no-untyped-def]
    proxy = panel.proxy
    return [
        [proxy.index(r, c).data() for c in range(proxy.columnCount())]
        for r in range(proxy.rowCount())
    ]


def test_the_admin_page_lists_the_directory_with_retired_ones(qtbot, admin, settings):  # type: ignore[no-untyped-def]
    add_provider(admin, LARCHFIELD)
    retire_provider(admin, add_provider(admin, {"name": "Ashdown House"}).id)
    add_provider(admin, HOLLYBANK)
    panel = _panel(qtbot, admin, settings)
    assert panel.isVisible()
    assert _shown(panel) == [
        ["Ashdown House", "Other", "No", "No", "", "Retired", ""],
        ["Hollybank Secure Children's Home", "Secure children's home", "Yes", "No", "",
         "Active", ""],
        ["Larchfield House", "Children's home", "No", "Yes", "01632 960733", "Active",
         "Ask for the shift leader. Six beds."],
    ]  # fmt: skip
    notes = panel.proxy.index(2, 6).data(Qt.ItemDataRole.ToolTipRole)
    assert notes == "Ask for the shift leader.\nSix beds."
    panel.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [row[1] for row in _shown(panel)] == [
        "Secure children's home",
        "Other",
        "Children's home",
    ]
    for button, keys in (
        (panel.add_button, "Alt+P"),
        (panel.change_button, "Alt+G"),
        (panel.retire_button, "Alt+T"),
        (panel.restore_button, "Alt+O"),
    ):
        assert button.shortcut() == QKeySequence(keys)
    assert not any(b.isEnabled() for b in (panel.change_button, panel.retire_button))


def test_add_by_keyboard_and_a_refusal_names_the_field(qtbot, admin, settings):  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, admin, settings)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog.isVisible() and dialog.isModal()
    qtbot.keyClicks(dialog.phone, "01632 960745")
    dialog.phone.setFocus()
    assert dialog.focusWidget() is dialog.phone
    press_ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error.text() == "Give the placement's name."
    assert dialog.focusWidget() is dialog.name
    qtbot.keyClicks(dialog.name, "Copperbeech Lodge")
    dialog.type.setCurrentIndex(dialog.type.findData("childrens_home"))
    qtbot.keyClick(dialog.accepts_pace, Qt.Key.Key_Space)
    qtbot.keyClicks(dialog.notes, "Two emergency beds")
    press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    (added,) = providers(admin, include_retired=True)
    assert (added.name, added.type, added.accepts_pace, added.secure) == (
        "Copperbeech Lodge",
        "childrens_home",
        True,
        False,
    )
    assert (added.phone, added.notes) == ("01632 960745", "Two emergency beds")
    assert panel.selected() == added and panel.said.text() == "Saved Copperbeech Lodge."


def test_enter_on_a_row_changes_it(qtbot, admin, settings):  # type: ignore[no-untyped-def]
    add_provider(admin, LARCHFIELD)
    add_provider(admin, HOLLYBANK)
    panel = _panel(qtbot, admin, settings)
    _select(panel, "Larchfield House")
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    dialog = panel.dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Change Larchfield House"
    assert dialog.phone.text() == "01632 960733" and dialog.accepts_pace.isChecked()
    dialog.phone.clear()
    qtbot.keyClicks(dialog.phone, "01632 960734")
    dialog.name.setText("Hollybank Secure Children's Home\nwith a second line")
    press_ok(qtbot, dialog)
    assert dialog.isVisible() and "The name" in dialog.error.text()
    dialog.name.setText("Larchfield House (Marlbridge)")
    press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    found = {p.name: p for p in providers(admin)}
    assert found["Larchfield House (Marlbridge)"].phone == "01632 960734"
    assert "Larchfield House" not in found
    assert panel.selected() == found["Larchfield House (Marlbridge)"]


def test_retire_then_restore(qtbot, admin, worker, settings):  # type: ignore[no-untyped-def]
    add_provider(admin, LARCHFIELD)
    add_provider(admin, HOLLYBANK)
    panel = _panel(qtbot, admin, settings)
    _select(panel, "Larchfield House")
    assert panel.retire_button.isEnabled() and not panel.restore_button.isEnabled()
    qtbot.mouseClick(panel.retire_button, Qt.MouseButton.LeftButton)
    assert [p.name for p in providers(worker)] == ["Hollybank Secure Children's Home"]
    assert panel.selected().name == "Larchfield House" and not panel.selected().active
    assert _shown(panel)[1][5] == "Retired"
    assert panel.said.text().startswith("Retired Larchfield House: no longer offered")
    assert panel.restore_button.isEnabled() and not panel.retire_button.isEnabled()
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert [p.name for p in providers(worker)] == [
        "Hollybank Secure Children's Home",
        "Larchfield House",
    ]
    assert panel.said.text() == "Restored Larchfield House: offered again."


def test_the_model_passes_the_model_tester(qtmodeltester, admin):  # type: ignore[no-untyped-def]
    add_provider(admin, LARCHFIELD)
    retire_provider(admin, add_provider(admin, HOLLYBANK).id)
    model = ProviderModel()
    model.set_providers(providers(admin, include_retired=True))
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == 7
