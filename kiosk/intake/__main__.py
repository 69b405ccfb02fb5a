"""``kiosk-intake``: run the reference intake server.

    kiosk-intake --host 127.0.0.1 --port 8765 --db intake.sqlite3 [--enrolment-token-file F]
    kiosk-intake --db postgresql://user@host/dbname ...      (needs the psycopg package)

The enrolment token (needed by ``kiosk enroll``) comes from ``--enrolment-token-file`` or the
``KIOSK_INTAKE_ENROLMENT_TOKEN`` environment variable (not a command-line value, which would
show in the process list). ``--tls-cert``/``--tls-key`` serve HTTPS. The ``--fault-*`` options
and ``--allow-fault-injection`` are for tests only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import ssl
import sys
from pathlib import Path

from kiosk.intake.db import IntakeDBError, open_intake_db
from kiosk.intake.server import FaultPlan, IntakeServer

ENV_TOKEN = "KIOSK_INTAKE_ENROLMENT_TOKEN"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kiosk-intake", description="Reference intake server for cccd-kiosk submissions."
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--db", required=True, help="SQLite file, or a postgresql:// URL")
    p.add_argument("--enrolment-token-file", type=Path,
                   help=f"file holding the enrolment token (else ${ENV_TOKEN})")
    p.add_argument("--tls-cert", type=Path, help="PEM certificate chain (serve HTTPS)")
    p.add_argument("--tls-key", type=Path, help="PEM private key of --tls-cert")
    p.add_argument("--max-skew", type=int, default=300,
                   help="accepted clock difference of signed requests, seconds")
    p.add_argument("--log-level", default="warning",
                   choices=["debug", "info", "warning", "error"],
                   help="'info' adds an access log (request lines only) on stderr")
    p.add_argument("--reject-kind", action="append", default=[],
                   help="answer 422 for submissions of this kind (tests)")
    p.add_argument("--allow-fault-injection", action="store_true",
                   help="enable POST /_faults (tests only)")
    p.add_argument("--fault-fail-next", type=int, default=0)
    p.add_argument("--fault-status", type=int, default=500)
    p.add_argument("--fault-retry-after")
    p.add_argument("--fault-drop-next", type=int, default=0)
    p.add_argument("--fault-drop-after-commit", action="store_true")
    p.add_argument("--fault-delay-next", type=int, default=0)
    p.add_argument("--fault-delay", type=float, default=0.0)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    token = os.environ.get(ENV_TOKEN) or None
    try:
        if args.enrolment_token_file is not None:
            token = args.enrolment_token_file.read_text(encoding="utf-8").strip() or None
        context = None
        if args.tls_cert is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(args.tls_cert, args.tls_key)
        faults = FaultPlan(
            fail_next=args.fault_fail_next, fail_status=args.fault_status,
            retry_after=args.fault_retry_after, drop_next=args.fault_drop_next,
            drop_after_commit=args.fault_drop_after_commit,
            delay_next=args.fault_delay_next, delay_s=args.fault_delay,
        )
        inject = args.allow_fault_injection or any(
            (args.fault_fail_next, args.fault_drop_next, args.fault_delay_next)
        )
        db = open_intake_db(args.db)
        server = IntakeServer(
            db, host=args.host, port=args.port, enrolment_token=token,
            allow_fault_injection=inject, faults=faults if inject else None,
            max_skew_s=args.max_skew, ssl_context=context,
            reject_kinds=frozenset(args.reject_kind),
        )
    except (OSError, ssl.SSLError, IntakeDBError) as exc:
        msg = {"error": {"code": "intake_start", "message": f"{type(exc).__name__}: {exc}"}}
        print(json.dumps(msg, ensure_ascii=False), file=sys.stderr)
        return 1

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(json.dumps({"listening": server.url}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
