"""The kiosk's on-screen keyboard: a plain QWidget of big keys that types into the focused field.

Not QtVirtualKeyboard: that one renders in a separate input-panel window that screenshots and
offscreen tests cannot drive. Layouts:

* ``numeric`` — ID numbers, dates, phone numbers (0-9, "/", backspace);
* ``letters`` — Vietnamese text: letter keys with Telex composition (``ui.vn_compose``), the
  vowel keys ă â đ ê ô ơ ư and the five tone keys, which put the tone on the right vowel of the
  word before the cursor;
* ``latin`` — e-mail addresses and codes: letters, digits and ``@ . - _``, no composition.

Keys never take the focus, so the field being typed in keeps it. A field chooses its layout with
the dynamic property ``keyboard`` ("numeric" / "letters" / "latin"); :meth:`layout_for` reads it.
"""

from __future__ import annotations

from typing import Literal

from ui.guard import never_raises
from ui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from ui.vn_compose import Tone, telex_key, toggle_tone, word_before

LayoutName = Literal["numeric", "letters", "latin"]
LAYOUTS: tuple[LayoutName, ...] = ("numeric", "letters", "latin")
KEY_MIN_PX = 56  # touch target (ui/theme.py kiosk metrics)
NUMERIC_MAX_WIDTH = 720  # a phone-sized pad, not a full-width row of keys

Target = QtWidgets.QLineEdit | QtWidgets.QPlainTextEdit

_LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWEL_KEYS = "ăâđêôơư"
_TONE_KEYS: tuple[tuple[Tone, str], ...] = (
    (Tone.SAC, "á"),
    (Tone.HUYEN, "à"),
    (Tone.HOI, "ả"),
    (Tone.NGA, "ã"),
    (Tone.NANG, "ạ"),
)
_NUMERIC_ROWS = ("123", "456", "789", "/0")


def layout_for(widget: QtWidgets.QWidget | None) -> LayoutName | None:
    """The layout a text field asks for (its ``keyboard`` property), or None for non-fields."""
    if not isinstance(widget, QtWidgets.QLineEdit | QtWidgets.QPlainTextEdit):
        return None
    if isinstance(widget, QtWidgets.QLineEdit) and widget.isReadOnly():
        return None
    if isinstance(widget, QtWidgets.QPlainTextEdit) and widget.isReadOnly():
        return None
    wanted = widget.property("keyboard")
    return wanted if wanted in LAYOUTS else "letters"


class OnScreenKeyboard(QtWidgets.QFrame):
    """Big keys; :meth:`set_target` names the field they type into."""

    key_pressed = Signal()  # any key (the window restarts the idle timer)
    enter_pressed = Signal()

    def __init__(
        self, parent: QtWidgets.QWidget | None = None, *, layout: LayoutName = "letters"
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keyboard")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._target: Target | None = None
        self._shift = False
        self._telex = True
        self._layout_name: LayoutName = layout
        self._letter_keys: list[QtWidgets.QPushButton] = []
        self._special: dict[str, QtWidgets.QPushButton] = {}

        self._stack = QtWidgets.QStackedLayout()
        self._pages: dict[LayoutName, QtWidgets.QWidget] = {
            "numeric": self._build_numeric(),
            "letters": self._build_letters(latin=False),
            "latin": self._build_letters(latin=True),
        }
        for page in self._pages.values():
            self._stack.addWidget(page)
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addLayout(self._stack)
        self.set_layout(layout)
        self.retranslate()

    # -- public API -----------------------------------------------------------------------------

    @property
    def layout_name(self) -> LayoutName:
        return self._layout_name

    @property
    def telex_enabled(self) -> bool:
        return self._telex

    def set_telex(self, enabled: bool) -> None:
        self._telex = enabled
        self._special["telex"].setChecked(enabled)

    def set_layout(self, name: LayoutName) -> None:
        if name not in LAYOUTS:
            raise ValueError(f"unknown keyboard layout {name!r}")
        self._layout_name = name
        # Only the shown page counts for the keyboard's size: the number pad is a row lower
        # than the letters, and that row goes to the screen above on a 720 px tall kiosk.
        ignored = QtWidgets.QSizePolicy.Policy.Ignored
        preferred = QtWidgets.QSizePolicy.Policy.Preferred
        for page_name, page in self._pages.items():
            policy = preferred if page_name == name else ignored
            page.setSizePolicy(policy, policy)
        self._stack.setCurrentWidget(self._pages[name])
        self.updateGeometry()

    def set_target(self, widget: QtWidgets.QWidget | None) -> None:
        """Type into ``widget`` (a QLineEdit or QPlainTextEdit); None types nowhere."""
        if widget is not None and not isinstance(
            widget, QtWidgets.QLineEdit | QtWidgets.QPlainTextEdit
        ):
            raise TypeError("the keyboard types into QLineEdit or QPlainTextEdit only")
        self._target = widget
        wanted = layout_for(widget)
        if wanted is not None:
            self.set_layout(wanted)

    @property
    def target(self) -> Target | None:
        return self._target

    def key(self, name: str) -> QtWidgets.QPushButton:
        """The key button labelled/named ``name`` on the current layout (tests, walkthrough):
        a character ("a", "7", "ư"), a tone ("sac"…), or "backspace", "space", "enter",
        "shift", "telex"."""
        page = self._pages[self._layout_name]
        for button in page.findChildren(QtWidgets.QPushButton):
            if button.property("key") == name:
                return button
        raise KeyError(name)

    def type_text(self, text: str) -> None:
        """Press the keys for ``text`` one by one (Telex applies on the letters layout)."""
        for ch in text:
            if ch == " ":
                self._press_space()
            else:
                self._press_char(ch)

    # -- building -------------------------------------------------------------------------------

    def _button(
        self, key: str, text: str, *, stretch_role: str = "secondary"
    ) -> QtWidgets.QPushButton:
        button = QtWidgets.QPushButton(text)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setProperty("key", key)
        button.setProperty("role", stretch_role)
        button.setMinimumSize(KEY_MIN_PX, KEY_MIN_PX)
        button.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed
        )
        button.setAutoRepeat(key == "backspace")
        return button

    def _char_button(self, ch: str) -> QtWidgets.QPushButton:
        button = self._button(ch, ch)
        button.clicked.connect(lambda _=False, c=ch: self._press_char(c))
        if ch.isalpha():
            self._letter_keys.append(button)
        return button

    def _special_button(self, key: str, role: str = "secondary") -> QtWidgets.QPushButton:
        button = self._button(key, "", stretch_role=role)
        self._special[f"{key}:{len(self._special)}"] = button
        if key == "backspace":
            button.clicked.connect(self._press_backspace)
        elif key == "space":
            button.clicked.connect(self._press_space)
        elif key == "enter":
            button.clicked.connect(self._press_enter)
        elif key == "shift":
            button.setCheckable(True)
            button.clicked.connect(self._press_shift)
        return button

    def _build_numeric(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        pad = QtWidgets.QWidget(page)
        pad.setMaximumWidth(NUMERIC_MAX_WIDTH)
        grid = QtWidgets.QGridLayout(pad)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        for row, keys in enumerate(_NUMERIC_ROWS):
            for col, ch in enumerate(keys):
                grid.addWidget(self._char_button(ch), row, col)
        grid.addWidget(self._special_button("backspace"), 3, 2)
        enter = self._special_button("enter", "primary")
        enter.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding
        )
        grid.addWidget(enter, 0, 3, 4, 1)
        centre = QtWidgets.QHBoxLayout(page)
        centre.setContentsMargins(0, 0, 0, 0)
        centre.addStretch(1)
        centre.addWidget(pad, 4)
        centre.addStretch(1)
        return page

    def _build_letters(self, *, latin: bool) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        rows = QtWidgets.QVBoxLayout(page)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(6)

        def row_of(widgets: list[QtWidgets.QWidget], stretches: list[int] | None = None) -> None:
            line = QtWidgets.QHBoxLayout()
            line.setSpacing(6)
            for i, w in enumerate(widgets):
                line.addWidget(w, stretches[i] if stretches else 1)
            rows.addLayout(line)

        if latin:
            row_of([self._char_button(c) for c in "1234567890"])
        else:
            vowels: list[QtWidgets.QWidget] = [self._char_button(c) for c in _VOWEL_KEYS]
            for tone, label in _TONE_KEYS:
                button = self._button(tone.value, label, stretch_role="secondary")
                button.setProperty("tone", True)
                button.clicked.connect(lambda _=False, t=tone: self._press_tone(t))
                vowels.append(button)
            row_of(vowels)
        row_of([self._char_button(c) for c in _LETTER_ROWS[0]])
        second = [self._char_button(c) for c in _LETTER_ROWS[1]]
        row_of([*second, self._special_button("backspace")], [1] * len(second) + [2])
        third: list[QtWidgets.QWidget] = [self._special_button("shift")]
        third += [self._char_button(c) for c in _LETTER_ROWS[2]]
        if latin:
            third += [self._char_button(c) for c in "@.-_"]
        row_of(third, [2] + [1] * (len(third) - 1))
        bottom: list[QtWidgets.QWidget] = []
        stretches: list[int] = []
        if not latin:
            telex = self._button("telex", "Telex")
            telex.setCheckable(True)
            telex.setChecked(self._telex)
            telex.toggled.connect(self._toggle_telex)
            self._special["telex"] = telex
            bottom.append(telex)
            stretches.append(2)
            comma = self._char_button(",")
            bottom.append(comma)
            stretches.append(1)
        bottom.append(self._special_button("space"))
        stretches.append(6)
        if not latin:
            bottom.append(self._char_button("."))
            stretches.append(1)
        bottom.append(self._special_button("enter", "primary"))
        stretches.append(3)
        row_of(bottom, stretches)
        return page

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        for name, button in self._special.items():
            key = name.split(":")[0]
            if key == "backspace":
                button.setText("⌫")
                button.setToolTip(self.tr("Xoá"))
            elif key == "space":
                button.setText(self.tr("dấu cách"))
            elif key == "enter":
                button.setText(self.tr("Xong"))
            elif key == "shift":
                button.setText("⇧")
                button.setToolTip(self.tr("Chữ hoa"))
            elif key == "telex":
                button.setToolTip(self.tr("Gõ kiểu Telex: aa → â, dd → đ, s f r x j → dấu"))
        tone_names = {
            Tone.SAC: self.tr("dấu sắc"),
            Tone.HUYEN: self.tr("dấu huyền"),
            Tone.HOI: self.tr("dấu hỏi"),
            Tone.NGA: self.tr("dấu ngã"),
            Tone.NANG: self.tr("dấu nặng"),
        }
        for page in self._pages.values():
            for button in page.findChildren(QtWidgets.QPushButton):
                if button.property("tone"):
                    button.setToolTip(tone_names[Tone(str(button.property("key")))])

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- typing ---------------------------------------------------------------------------------

    def _toggle_telex(self, enabled: bool) -> None:
        self._telex = enabled

    def _press_shift(self) -> None:
        self._set_shift(not self._shift)
        self.key_pressed.emit()

    def _set_shift(self, on: bool) -> None:
        self._shift = on
        for button in self._special.values():
            if button.property("key") == "shift":
                button.setChecked(on)
        for button in self._letter_keys:
            ch = str(button.property("key"))
            button.setText(ch.upper() if on else ch)

    def _press_char(self, ch: str) -> None:
        if self._shift and ch.isalpha():
            ch = ch.upper()
            self._set_shift(False)
        target = self._target
        if target is not None:
            if self._layout_name == "letters" and self._telex and ch.isalpha():
                start, word = self._word()
                self._replace_word(start, word, telex_key(word, ch))
            else:
                self._insert(ch)
        self.key_pressed.emit()

    def _press_tone(self, tone: Tone) -> None:
        if self._target is not None:
            start, word = self._word()
            if word:
                self._replace_word(start, word, toggle_tone(word, tone))
        self.key_pressed.emit()

    def _press_space(self) -> None:
        self._insert(" ")
        self.key_pressed.emit()

    def _press_backspace(self) -> None:
        target = self._target
        if isinstance(target, QtWidgets.QLineEdit):
            target.backspace()
        elif isinstance(target, QtWidgets.QPlainTextEdit):
            target.textCursor().deletePreviousChar()
        self.key_pressed.emit()

    def _press_enter(self) -> None:
        target = self._target
        if isinstance(target, QtWidgets.QPlainTextEdit):
            target.insertPlainText("\n")
        elif isinstance(target, QtWidgets.QLineEdit):
            target.returnPressed.emit()
            target.editingFinished.emit()
        self.key_pressed.emit()
        self.enter_pressed.emit()

    def _insert(self, text: str) -> None:
        target = self._target
        if isinstance(target, QtWidgets.QLineEdit):
            target.insert(text)
        elif isinstance(target, QtWidgets.QPlainTextEdit):
            target.insertPlainText(text)

    def _word(self) -> tuple[int, str]:
        target = self._target
        if isinstance(target, QtWidgets.QLineEdit):
            return word_before(target.text(), target.cursorPosition())
        if isinstance(target, QtWidgets.QPlainTextEdit):
            cursor = target.textCursor()
            block = cursor.block().text()
            start, word = word_before(block, cursor.positionInBlock())
            return cursor.position() - (cursor.positionInBlock() - start), word
        return 0, ""

    def _replace_word(self, start: int, old: str, new: str) -> None:
        target = self._target
        if isinstance(target, QtWidgets.QLineEdit):
            if old:
                target.setSelection(start, len(old))
            target.insert(new)
        elif isinstance(target, QtWidgets.QPlainTextEdit):
            cursor = target.textCursor()
            cursor.setPosition(start)
            cursor.setPosition(start + len(old), QtGui.QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(new)
            target.setTextCursor(cursor)
