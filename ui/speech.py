"""Optional spoken prompts (QtTextToSpeech), off unless the site enables them.

At start the speaker looks for an engine with a voice in the interface language's locale
(Vietnamese first); without one it stays silent: on Linux Qt's speech-dispatcher engine fails
silently when no engine or voice is installed (engineering notes), so the check is explicit and
:attr:`Speaker.available` says what happened. Qt's ``mock`` test engine is never picked unless
asked for by name. Prompts are short fixed instructions, never the citizen's data.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ui.qt import QObject, QtCore, load_text_to_speech

if TYPE_CHECKING:
    from ui.qt import QTextToSpeech  # type: ignore[attr-defined]

_log = logging.getLogger("ui.speech")

TEST_ENGINES = frozenset({"mock"})


class Speaker(QObject):
    """``say(text)`` speaks when enabled and a voice for ``language`` exists; else no-op."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        enabled: bool,
        language: QtCore.QLocale.Language = QtCore.QLocale.Language.Vietnamese,
        engines: Sequence[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._enabled = enabled
        self._language = language
        self._tts: QTextToSpeech | None = None
        self._engine = ""
        self._last = ""
        if enabled:
            self._tts = self._find_engine(engines)
        if enabled and self._tts is None:
            _log.info("spoken prompts enabled but no engine has a voice for the language")

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def available(self) -> bool:
        """An engine with a voice in the language was found (and prompts are enabled)."""
        return self._tts is not None

    @property
    def engine(self) -> str:
        return self._engine

    @property
    def last_spoken(self) -> str:
        return self._last

    def say(self, text: str) -> bool:
        """Speak ``text`` (interrupting the previous prompt); False when silent."""
        tts = self._tts
        if tts is None or not text.strip():
            return False
        tts.stop()
        tts.say(text)
        self._last = text
        return True

    def stop(self) -> None:
        if self._tts is not None:
            self._tts.stop()
        self._last = ""

    def _find_engine(self, engines: Sequence[str] | None) -> QTextToSpeech | None:
        try:
            engine_class = load_text_to_speech()
        except ImportError:  # Addons not installed
            return None
        names = (
            list(engines)
            if engines is not None
            else [name for name in engine_class.availableEngines() if name not in TEST_ENGINES]
        )
        for name in names:
            tts = engine_class(name, self)
            if tts.state() == engine_class.State.Error:
                tts.deleteLater()
                continue
            for voice in tts.availableVoices():
                if voice.locale().language() == self._language:
                    tts.setLocale(voice.locale())
                    tts.setVoice(voice)
                    self._engine = name
                    return tts
            for locale in tts.availableLocales():
                if locale.language() == self._language:
                    tts.setLocale(locale)
                    self._engine = name
                    return tts
            tts.deleteLater()
        return None
