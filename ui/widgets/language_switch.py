"""``VI | EN``: the language toggle present on every screen.

Pressing a side calls :func:`ui.i18n.set_language`, which sends ``LanguageChange`` to every
widget of the application; every switch on every screen then shows the current language as
checked. Each side is labelled in its own language ("Tiếng Việt", "English") so that a reader of
either finds it. Size comes from the theme: in kiosk mode the buttons are touch targets
(at least 56 px).
"""

from __future__ import annotations

from ui.guard import never_raises
from ui.i18n import Language, current_language, set_language
from ui.qt import QtCore, QtWidgets, Signal

# Each side: (language, button text, accessible name in that language, never translated).
SIDES: tuple[tuple[Language, str, str], ...] = (
    ("vi", "VI", "Tiếng Việt"),
    ("en", "EN", "English"),
)


class LanguageSwitch(QtWidgets.QWidget):
    """Two exclusive buttons, VI and EN; emits :attr:`language_changed` after a switch."""

    language_changed = Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("language_switch")
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self._group = QtWidgets.QButtonGroup(self)
        self._group.setExclusive(True)
        self._buttons: dict[Language, QtWidgets.QPushButton] = {}
        for language, text, name in SIDES:
            button = QtWidgets.QPushButton(text, self)
            button.setObjectName(f"lang_{language}")
            button.setCheckable(True)
            button.setProperty("role", "secondary")
            button.setAccessibleName(name)
            button.setToolTip(name)
            button.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
            button.clicked.connect(lambda _checked=False, lang=language: self.choose(lang))
            self._group.addButton(button)
            layout.addWidget(button)
            self._buttons[language] = button
        self._sync()
        self.retranslate()

    def button(self, language: Language) -> QtWidgets.QPushButton:
        return self._buttons[language]

    def choose(self, language: Language) -> None:
        """Switch the whole application to ``language`` (no-op when it is already on)."""
        if language != current_language():
            set_language(language)
            self.language_changed.emit(language)
        self._sync()

    def _sync(self) -> None:
        self._buttons[current_language()].setChecked(True)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Ngôn ngữ"))
        self.setToolTip(self.tr("Chọn ngôn ngữ hiển thị"))

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self._sync()
            self.retranslate()
        super().changeEvent(event)
