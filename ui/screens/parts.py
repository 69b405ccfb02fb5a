"""Small building blocks shared by the kiosk screens (labels and buttons styled by ui/theme.py).

Plain factory functions (not base classes: a class that calls ``self.tr`` must not be
subclassed, its translation context is its own name).
"""

from __future__ import annotations

from ui.qt import Qt, QtWidgets

#: Smallest height of a touch target in kiosk mode (px), as ui/theme.py's kiosk metrics.
TOUCH_MIN_PX = 56


def label(parent: QtWidgets.QWidget, name: str = "", *, center: bool = False) -> QtWidgets.QLabel:
    """A word-wrapped label; ``name`` is its objectName (title, subtitle, hint, big_number…)."""
    widget = QtWidgets.QLabel(parent)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(True)
    if center:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


def button(
    parent: QtWidgets.QWidget, role: str = "secondary", *, name: str = ""
) -> QtWidgets.QPushButton:
    """A touch button with a theme ``role`` (primary, secondary, danger)."""
    widget = QtWidgets.QPushButton(parent)
    widget.setProperty("role", role)
    widget.setMinimumHeight(TOUCH_MIN_PX)
    widget.setMinimumWidth(160)
    if name:
        widget.setObjectName(name)
    return widget


def button_row(*buttons: QtWidgets.QPushButton) -> QtWidgets.QHBoxLayout:
    """Buttons at the bottom of a screen: secondary ones left, the last (main action) right."""
    row = QtWidgets.QHBoxLayout()
    row.setSpacing(16)
    for widget in buttons[:-1]:
        row.addWidget(widget)
    row.addStretch(1)
    if buttons:
        row.addWidget(buttons[-1])
    return row


#: A screen's margins and spacing: tight enough that every screen, its buttons included, fits
#: a 1280x720 kiosk without scrolling (taller content scrolls in the window's page).
SCREEN_MARGINS = (40, 12, 40, 12)
SCREEN_SPACING = 10


def screen_layout(widget: QtWidgets.QWidget) -> QtWidgets.QVBoxLayout:
    layout = QtWidgets.QVBoxLayout(widget)
    layout.setContentsMargins(*SCREEN_MARGINS)
    layout.setSpacing(SCREEN_SPACING)
    return layout


def relayout(widget: QtWidgets.QWidget) -> None:
    """Lay the screen out now after its texts changed length (wrapped labels grow at once, so
    a screenshot or the next paint never shows stale, overlapping geometry)."""
    layout = widget.layout()
    if layout is not None:
        layout.activate()


def touch_scrolling(area: QtWidgets.QAbstractScrollArea) -> None:
    """Scroll ``area`` by dragging it with a finger (kiosk touch screens send mouse events);
    a tap still clicks what is under it."""
    viewport = area.viewport()
    QtWidgets.QScroller.grabGesture(
        viewport, QtWidgets.QScroller.ScrollerGestureType.LeftMouseButtonGesture
    )
    scroller = QtWidgets.QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    # Pass a press on at once: a tap on a button inside is a click, not a pending drag.
    properties.setScrollMetric(QtWidgets.QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.0)
    scroller.setScrollerProperties(properties)
