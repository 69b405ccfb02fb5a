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
from kiosk.bhyt.ticket_slip import render_ticket_slip, ticket_slip_png
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
    "render_ticket_slip",
    "ticket_slip_png",
]
