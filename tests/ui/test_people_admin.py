"""Admin → People: add, refuse a duplicate, disable and reset, all through the real services."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox

from duty_desk.domain.roles import Role
from duty_desk.services.desk import sign_in, sign_out
from duty_desk.services.people import list_people
from duty_desk.ui.main_window import MainWindow
from duty_desk.ui.people_model import PeopleModel
from tests.ui.conftest import press_ok


def _admin_page(qtbot, admin, settings):  # type: ignore[no-untyped-def]
    window = MainWindow(admin, settings)
    qtbot.addWidget(window)
    window.show()
    window.show_place("admin")
    return window.people_page


def _select(page, username: str) -> None:  # type: ignore[no-untyped-def]
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, 1).data() == username:
            page.table.selectionModel().select(
                page.proxy.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            return
    raise AssertionError(f"{username} not listed")


def test_add_a_person_then_they_can_sign_in(qtbot, admin, paths, settings):  # type: ignore[no-untyped-def]
    page = _admin_page(qtbot, admin, settings)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog.isVisible() and dialog.isModal()
    qtbot.keyClicks(dialog.username, "rhian")
    dialog.full_name.setText("Rhian Llŷr")  # QTest cannot type non-ASCII keys
    dialog.role.setCurrentIndex(dialog.role.findData(Role.SENIOR_PRACTITIONER.value))
    qtbot.keyClicks(dialog.password, "first night password")
    qtbot.keyClicks(dialog.confirm, "first night password")
    press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    names = [page.model.person(r).display_name for r in range(page.model.rowCount())]
    assert "Rhian Llŷr" in names
    session = sign_in(paths, "rhian", "first night password")
    assert session.person.role is Role.SENIOR_PRACTITIONER
    assert session.person.must_change_password
    sign_out(session)


def test_a_refused_add_keeps_the_dialog_open_with_the_reason(qtbot, admin, settings):  # type: ignore[no-untyped-def]
    page = _admin_page(qtbot, admin, settings)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.username.setText("admin")
    dialog.full_name.setText("Second Admin")
    dialog.password.setText("some long password")
    dialog.confirm.setText("some long password")
    press_ok(qtbot, dialog)
    assert dialog.error.text() == "The username 'admin' is already taken."
    assert dialog.isVisible()
    dialog.confirm.setText("a different password")
    press_ok(qtbot, dialog)
    assert dialog.error.text() == "The two passwords are not the same."
    dialog.reject()


def test_disable_and_reset_password(qtbot, admin, people, paths, settings):  # type: ignore[no-untyped-def]
    page = _admin_page(qtbot, admin, settings)
    worker = people[Role.DUTY_SOCIAL_WORKER]
    _select(page, worker)
    assert page.disable_button.isEnabled()
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    page.dialog.password.setText("brand new phrase 1")
    page.dialog.confirm.setText("brand new phrase 1")
    press_ok(qtbot, page.dialog)
    assert not page.dialog.isVisible()
    sign_out(sign_in(paths, worker, "brand new phrase 1"))

    _select(page, worker)
    qtbot.mouseClick(page.disable_button, Qt.MouseButton.LeftButton)
    box = page.dialog
    assert isinstance(box, QMessageBox)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    status = {p.username: p.active for p in list_people(admin)}
    assert status[worker] is False
    _select(page, worker)
    assert not page.disable_button.isEnabled()


def test_own_row_cannot_be_disabled(qtbot, admin, settings):  # type: ignore[no-untyped-def]
    page = _admin_page(qtbot, admin, settings)
    _select(page, "admin")
    assert not page.disable_button.isEnabled()
    assert page.reset_button.isEnabled()


def test_filter_and_sort(qtbot, admin, people, settings):  # type: ignore[no-untyped-def]
    page = _admin_page(qtbot, admin, settings)
    qtbot.keyClicks(page.filter, "senior manager")
    assert page.proxy.rowCount() == 1
    page.filter.clear()
    qtbot.keyClicks(page.filter, "manager")
    assert page.proxy.rowCount() == 2  # the manager and the senior manager
    page.filter.clear()
    page.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    roles = [page.proxy.index(r, 2).data() for r in range(page.proxy.rowCount())]
    assert roles == sorted(roles)


def test_people_model_passes_the_model_tester(qtmodeltester, admin, people):  # type: ignore[no-untyped-def]
    model = PeopleModel()
    model.set_people(list_people(admin))
    qtmodeltester.check(model)
    assert model.rowCount() == 7  # the administrator and one of each role
