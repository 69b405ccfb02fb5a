"""The interface language: Vietnamese first (the source strings), English from Qt translation files.

Widgets write their texts as ``self.tr("Vietnamese text")`` in a ``retranslate()`` method and call
it from ``changeEvent`` on ``QEvent.LanguageChange``; :func:`set_language` installs or removes the
English translator, which makes Qt send that event to every widget. Texts that come from data
(procedure and field labels with ``_vi``/``_en`` variants) are chosen with :func:`pick`.

Translation sources: ``assets/i18n/en/*.ts`` (one per part of the UI, refreshed with
``pyside6-lupdate``), compiled into ``assets/i18n/cccd_kiosk_en.qm``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ui.qt import QtCore, QtWidgets

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
I18N_DIR = Path(__file__).resolve().parent.parent / "assets" / "i18n"
QM_FILE = I18N_DIR / "cccd_kiosk_en.qm"

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
    """Switch every widget to ``language`` (they receive QEvent.LanguageChange)."""
    global _current, _translator
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    app = QtWidgets.QApplication.instance()
    if app is None:
        raise RuntimeError("set_language needs a QApplication")
    if _translator is not None:
        app.removeTranslator(_translator)
        _translator = None
    _current = language
    if language == "en":
        translator = QtCore.QTranslator(app)
        if not translator.load(str(QM_FILE)):
            _current = "vi"
            raise TranslationMissingError(f"cannot load {QM_FILE}")
        app.installTranslator(translator)
        _translator = translator
    else:
        # Removing the translator already posts LanguageChange; post one when there was none.
        QtCore.QCoreApplication.postEvent(app, QtCore.QEvent(QtCore.QEvent.Type.LanguageChange))
