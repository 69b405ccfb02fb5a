"""The interface language: Vietnamese first (the source strings), English from Qt translation files.

Widgets write their texts as ``self.tr("Vietnamese text")`` in a ``retranslate()`` method and call
it from ``changeEvent`` on ``QEvent.LanguageChange``; :func:`set_language` installs or removes the
English translator, which makes Qt send that event to every widget. Texts that come from data
(procedure and field labels with ``_vi``/``_en`` variants) are chosen with :func:`pick`.

Translation sources: ``assets/i18n/en/*.ts`` (one per part of the UI, refreshed with
``pyside6-lupdate``), compiled into ``assets/i18n/cccd_kiosk_en.qm``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ui.qt import QtCore, QtWidgets

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
I18N_DIR = Path(__file__).resolve().parent.parent / "assets" / "i18n"
QM_FILE = I18N_DIR / "cccd_kiosk_en.qm"
TS_DIR = I18N_DIR / "en"

_current: Language = "vi"
_translator: QtCore.QTranslator | None = None


class TranslationMissingError(RuntimeError):
    """The compiled English translations are missing (run scripts/i18n.sh)."""

    code = "translations_missing"


def current_language() -> Language:
    return _current


def pick(vi: str, en: str) -> str:
    """The text for the current language; Vietnamese when there is no English."""
    return en if _current == "en" and en else vi


def set_language(language: Language) -> None:
    """Switch every widget to ``language`` (they receive QEvent.LanguageChange).

    Synchronous: when this returns, every live widget has re-translated its texts.
    """
    global _current, _translator
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    app = QtWidgets.QApplication.instance()
    if app is None:
        raise RuntimeError("set_language needs a QApplication")
    removed = False
    if _translator is not None:
        app.removeTranslator(_translator)
        _translator.deleteLater()
        _translator = None
        removed = True
    _current = language
    if language == "en":
        translator = QtCore.QTranslator(app)
        if not translator.load(str(QM_FILE)):
            _current = "vi"
            raise TranslationMissingError(f"cannot load {QM_FILE}")
        app.installTranslator(translator)
        _translator = translator
    elif not removed:
        # Removing a translator posts LanguageChange itself; post one when there was none.
        QtCore.QCoreApplication.postEvent(app, QtCore.QEvent(QtCore.QEvent.Type.LanguageChange))
    # Deliver it now (QApplication forwards it to every widget) instead of at the next loop turn.
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.LanguageChange)


def toggle_language() -> Language:
    """Switch to the other language (a keyboard shortcut on the desk); returns the new one."""
    new: Language = "en" if _current == "vi" else "vi"
    set_language(new)
    return new


@dataclass(frozen=True)
class SourceString:
    """A translatable string of a ui module, as ``pyside6-lupdate`` sees it."""

    context: str  # the class whose self.tr() it is (or translate()'s first argument)
    source: str
    plural: bool  # tr(text, disambiguation, n): needs numerus forms
    line: int


def source_strings(path: str | Path) -> list[SourceString]:
    """Every ``self.tr("…")`` / ``QCoreApplication.translate("Ctx", "…")`` of a Python file.

    Used by ``scripts/i18n.sh`` and the tests to prove that no string lacks its English.
    """
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    found: list[SourceString] = []

    def text(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return None

    def visit(node: ast.AST, context: str) -> None:
        if isinstance(node, ast.ClassDef):
            context = node.name
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            args = node.args
            plural = len(args) >= 3 or any(k.arg == "n" for k in node.keywords)
            if node.func.attr == "tr" and args and (source := text(args[0])) is not None:
                found.append(SourceString(context, source, plural, node.lineno))
            elif (node.func.attr == "translate" and len(args) >= 2
                  and (ctx := text(args[0])) is not None
                  and (source := text(args[1])) is not None):
                found.append(SourceString(ctx, source, len(args) >= 4, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, context)

    visit(tree, "")
    return found
