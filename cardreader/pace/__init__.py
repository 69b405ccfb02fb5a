"""PACE (ICAO Doc 9303-11 4.4): password-authenticated secure messaging with MRZ or CAN.

- :mod:`cardreader.pace.curve`: EC arithmetic on PACE's mapped generators;
- :mod:`cardreader.pace.crypto`: password keys, nonce, mapping, tokens (both sides);
- :mod:`cardreader.pace.protocol`: the inspection-system side over a plain channel.
"""

from cardreader.pace.crypto import PASSWORD_CAN, PASSWORD_MRZ, PacePassword, PaceSuite
from cardreader.pace.curve import EcGroup, group_for_parameter_id
from cardreader.pace.protocol import (
    PaceProtocol,
    PaceRefusedError,
    PaceResult,
    cam_matches,
    choose_pace_info,
    verify_cam,
)

__all__ = [
    "PASSWORD_CAN",
    "PASSWORD_MRZ",
    "EcGroup",
    "PacePassword",
    "PaceProtocol",
    "PaceRefusedError",
    "PaceResult",
    "PaceSuite",
    "cam_matches",
    "choose_pace_info",
    "group_for_parameter_id",
    "verify_cam",
]
