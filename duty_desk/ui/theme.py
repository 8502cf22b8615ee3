"""Light and dark appearance: follows the system unless the desk's settings say otherwise.

Nothing here touches the ``Qt`` enum namespace: PySide6 builds all of it (about 40 ms)
on first use, and the sign-in window should not wait for that (see the start-up
benchmark). Alignment that the first window needs is set in a style sheet instead.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

MARKING_STYLE = (
    "QLabel#marking { background: #1d3557; color: #ffffff; font-weight: 700;"
    " letter-spacing: 2px; padding: 3px; qproperty-alignment: AlignCenter; }"
)
ERROR_STYLE = (
    "QLabel#error { color: palette(bright-text); background: #a4161a; padding: 6px;"
    " qproperty-textInteractionFlags: TextSelectableByMouse; }"
)
NAV_STYLE = (
    "QToolButton#place { border: 1px solid transparent; border-radius: 6px; padding: 6px; }"
    " QToolButton#place:hover { border-color: palette(mid); }"
    " QToolButton#place:checked { background: rgba(63, 114, 175, 0.28);"
    " border-left: 4px solid #3f72af; font-weight: 700; }"
    " QToolButton#place:focus { border: 2px solid palette(highlight); }"
)


def is_dark(appearance: str) -> bool:
    if appearance == "dark":
        return True
    if appearance == "light":
        return False
    # The platform's palette follows the system's light/dark choice (Qt 6.5+).
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def apply_appearance(app: QApplication, appearance: str) -> None:
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if is_dark(appearance) else app.style().standardPalette())
    # No application-wide style sheet: it would send every widget through Qt's slower
    # style-sheet style. The few styled widgets carry their own (MARKING_STYLE, ...).


def _dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#1f2428",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#15181b",
        QPalette.ColorRole.AlternateBase: "#23292e",
        QPalette.ColorRole.ToolTipBase: "#2b3137",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2b3137",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.Highlight: "#3f72af",
        QPalette.ColorRole.HighlightedText: "#ffffff",
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a8087"))
    return p
