from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from duty_desk.services.settings import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings()


def press_ok(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
