"""Admin → Sign-off rules: installing a file, and a refused one listed by line."""

from __future__ import annotations

from pathlib import Path

from duty_desk.services.rules import default_text, rules_in_force
from duty_desk.services.settings import Settings
from duty_desk.ui.main_window import MainWindow


def _panel(qtbot, admin):  # type: ignore[no-untyped-def]
    window = MainWindow(admin, Settings())
    qtbot.addWidget(window)
    window.show_place("admin")
    return window.rules_panel


def test_a_refused_file_is_listed_by_line_and_changes_nothing(qtbot, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, admin)
    assert "Version default-2026-11b (6 rules), from the default rules" in panel.in_force.text()
    bad = tmp_path / "council.toml"
    text = default_text().replace("within_minutes = 60\n", "within_minutes = -5\n", 1)
    bad.write_text(text, encoding="utf-8")
    line = text.splitlines().index("within_minutes = -5") + 1
    assert not panel.install_from(str(bad))
    shown = panel.outcome.toPlainText()
    assert f"council.toml, line {line}: rule 'legal-or-accommodation': within_minutes" in shown
    assert "the rules in force are unchanged" in shown
    assert rules_in_force(admin).rules.version == "default-2026-11b"
    assert "default-2026-11b" in panel.in_force.text()


def test_installing_a_file_shows_it_in_force(qtbot, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, admin)
    good = tmp_path / "marlshire.toml"
    good.write_text(default_text().replace('"default-2026-11b"', '"marlshire-1"'), "utf-8")
    assert panel.install_from(str(good))
    assert "Installed version marlshire-1 from marlshire.toml" in panel.outcome.toPlainText()
    assert "Version marlshire-1 (6 rules), from marlshire.toml. Installed" in panel.in_force.text()
    assert rules_in_force(admin).source == "marlshire.toml"
    binary = tmp_path / "photo.toml"
    binary.write_bytes(b"\xff\xfe\x00rules")
    assert not panel.install_from(str(binary))
    assert "could not be read as UTF-8" in panel.outcome.toPlainText()
