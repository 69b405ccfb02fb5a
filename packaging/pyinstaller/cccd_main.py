"""Entry point of the bundled ``cccd`` executable (the chip and QR command line)."""

from __future__ import annotations

import sys

from cardreader.cli import main

if __name__ == "__main__":
    sys.exit(main())
