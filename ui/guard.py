"""No exception escapes a Qt virtual override: PySide 6.12 crashes in shiboken's error path.

An exception raised in ``changeEvent``, ``keyPressEvent``, ``eventFilter``, ``paintEvent``,
``closeEvent``… is reported by shiboken from inside C++ and that path segfaulted (seen on a
language switch when a closed store raised). Every override of the application is therefore
wrapped: the exception is logged by its type only — never its message, which may hold a
citizen's data — and the override returns a neutral value (``None``; ``False`` for an event
filter, "not handled").

    class Screen(QtWidgets.QWidget):
        @never_raises(None)
        def changeEvent(self, event: QtCore.QEvent) -> None: ...

        @never_raises(False)
        def eventFilter(self, watched: QObject, event: QtCore.QEvent) -> bool: ...
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

_log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def guarded(action: Callable[[], object], what: str) -> None:
    """Run ``action`` (from inside a Qt override); log the type of any exception and go on."""
    try:
        action()
    except Exception as exc:
        _log.error("%s failed (%s)", what, type(exc).__name__)


def never_raises(fallback: R) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a Qt virtual override: an exception is logged by type and ``fallback``
    returned instead of letting it reach shiboken."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                _log.error("%s failed (%s)", func.__qualname__, type(exc).__name__)
                return fallback

        return wrapper

    return decorate
