"""The reference intake server (``kiosk-intake``): receives signed, idempotent submissions."""

from kiosk.intake.db import IntakeDB, SqliteIntakeDB, open_intake_db
from kiosk.intake.server import FaultPlan, IntakeServer

__all__ = ["FaultPlan", "IntakeDB", "IntakeServer", "SqliteIntakeDB", "open_intake_db"]
