"""The shell: places per role, keyboard, accessible names, marking, About, appearance."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QMenuBar,
    QTabBar,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

from duty_desk.domain.roles import Role
from duty_desk.services.desk import sign_in
from duty_desk.services.settings import Settings
from duty_desk.ui.about import AboutDialog
from duty_desk.ui.main_window import MainWindow
from duty_desk.ui.people_dialogs import AddPersonDialog, SetPasswordDialog
from duty_desk.ui.sign_in import SignInWindow
from duty_desk.ui.theme import apply_appearance
from tests.conftest import PASSWORD


def _inside(widget: QWidget, kinds: tuple[type, ...]) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, kinds) or type(parent).__name__ == "QComboBoxPrivateContainer":
            return True
        parent = parent.parentWidget()
    return False


def _unnamed_controls(root: QWidget) -> list[str]:
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView)
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, kinds) or isinstance(widget.parent(), QTabBar):
            continue
        if widget.objectName().startswith("qt_") or isinstance(widget.parent(), QMenuBar):
            continue  # Qt's own internals (menu-bar extension, scroll-area corners)
        if _inside(widget, (QComboBox, QAbstractItemView, QLineEdit)):
            continue  # internals of a named control (popup lists, clear buttons)
        if not widget.accessibleName():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_places(qtbot, people, paths, role):  # type: ignore[no-untyped-def]
    session = sign_in(paths, people[role], PASSWORD)
    window = MainWindow(session, Settings())
    qtbot.addWidget(window)
    expected = ["enquiries", "sign-off", "custody", "handover", "reports"]
    if role is Role.ADMINISTRATOR:
        expected.append("admin")
    assert list(window.place_buttons) == expected
    assert window.who.text() == f"Signed in: Test {role.label} ({role.label})"
    # Closing signs out (so the desk's engine is released before the desk is removed);
    # qtbot closes the window again at teardown, which is harmless, and also when a
    # check above fails: close() reaches closeEvent for a window never shown.
    window.close()
    assert window.session is None


def test_idle_lock_interval_comes_from_settings(qtbot, admin):  # type: ignore[no-untyped-def]
    window = MainWindow(admin, Settings(idle_lock_minutes=3))
    qtbot.addWidget(window)
    assert window.idle.interval_ms == 3 * 60_000


def test_places_by_keyboard(qtbot, admin):  # type: ignore[no-untyped-def]
    window = MainWindow(admin, Settings())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget().objectName() == "place-custody"
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.people_page.parent()


def test_every_control_has_an_accessible_name(qtbot, admin, paths):  # type: ignore[no-untyped-def]
    window = MainWindow(admin, Settings())
    sign = SignInWindow(paths, "OFFICIAL-SENSITIVE")
    dialogs = [
        AboutDialog(),
        AddPersonDialog(lambda *a: None),
        SetPasswordDialog("Change", lambda *a: None, ask_current=True),
    ]
    for widget in [window, sign, *dialogs]:
        qtbot.addWidget(widget)
        assert _unnamed_controls(widget) == [], type(widget).__name__


def test_marking_is_shown_top_and_bottom_with_configured_text(qtbot, admin):  # type: ignore[no-untyped-def]
    window = MainWindow(admin, Settings(marking="OFFICIAL-SENSITIVE PERSONAL"))
    qtbot.addWidget(window)
    window.show()
    banners = [w for w in window.findChildren(QWidget) if w.objectName() == "marking"]
    visible = [b for b in banners if b.isVisible()]
    assert len(visible) == 2
    assert {b.text() for b in banners} == {"OFFICIAL-SENSITIVE PERSONAL"}
    top, bottom = sorted(visible, key=lambda b: b.mapTo(window, b.rect().topLeft()).y())
    assert top.mapTo(window, top.rect().topLeft()).y() < window.height() / 4
    assert bottom.mapTo(window, bottom.rect().topLeft()).y() > window.height() * 3 / 4


def test_about_lists_versions_and_licences(qtbot):  # type: ignore[no-untyped-def]
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    tabs = dialog.findChild(QTabWidget)
    assert tabs is not None
    titles = [tabs.tabText(i).replace("&", "") for i in range(tabs.count())]
    assert titles == ["Versions", "Licences", "LGPL-3.0 (Qt)", "Fonts (DejaVu)"]
    versions, licences, lgpl, fonts = (tabs.widget(i) for i in range(4))
    assert isinstance(versions, QTextBrowser) and qVersion() in versions.toPlainText()
    assert isinstance(licences, QTextBrowser) and "LGPL-3.0" in licences.toPlainText()
    assert isinstance(lgpl, QTextBrowser)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in lgpl.toPlainText()
    assert isinstance(fonts, QTextBrowser) and "Bitstream Vera" in fonts.toPlainText()
    assert "reportlab" in versions.toPlainText() and "DejaVu" in licences.toPlainText()
    assert "Organisation" in versions.toPlainText()  # as deployed (services/deployment)


def test_dark_and_light_appearance(qtbot):  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    try:
        apply_appearance(app, "dark")
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
        apply_appearance(app, "light")
        assert app.palette().color(QPalette.ColorRole.Window).lightness() > 180
    finally:
        apply_appearance(app, "light")
