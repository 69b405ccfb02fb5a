"""Errors of the BHYT check-in adapter."""

from __future__ import annotations


class BhytError(Exception):
    """Base class; ``code`` is stable and safe to log (no personal data in messages)."""

    code = "bhyt"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BhytConfigError(BhytError):
    """The [bhyt] configuration is missing a key or has a bad value (the message names it)."""

    code = "bhyt_config"


class GatewayUnavailableError(BhytError):
    """The gateway could not be reached or answered with a server error: try again later."""

    code = "bhyt_unavailable"


class GatewayAuthError(BhytError):
    """The gateway refused the clinic's account (wrong user name or password)."""

    code = "bhyt_auth"


class GatewayProtocolError(BhytError):
    """The gateway answered something this adapter does not understand."""

    code = "bhyt_protocol"


class TicketError(BhytError):
    """The queue-ticket store failed."""

    code = "ticket"
