"""Health-insurance (BHYT) clinic check-in: gateway client, fake gateway, queue tickets."""

from kiosk.bhyt.checkin import CheckIn, ClinicCheckIn
from kiosk.bhyt.client import BhytGateway, CardLookup, CardStatus
from kiosk.bhyt.errors import (
    BhytConfigError,
    BhytError,
    GatewayAuthError,
    GatewayProtocolError,
    GatewayUnavailableError,
    TicketError,
)
from kiosk.bhyt.settings import BhytSettings, Receptionist
from kiosk.bhyt.tickets import Ticket, TicketBook

__all__ = [
    "BhytConfigError",
    "BhytError",
    "BhytGateway",
    "BhytSettings",
    "CardLookup",
    "CardStatus",
    "CheckIn",
    "ClinicCheckIn",
    "GatewayAuthError",
    "GatewayProtocolError",
    "GatewayUnavailableError",
    "Receptionist",
    "Ticket",
    "TicketBook",
    "TicketError",
]
