"""Trust anchors: the on-disk trust store and in-memory trust sources built from paths.

Both implement :class:`cardreader.verify.certificates.TrustSource` (``issuers_for``,
``crls_for``), backed by the same :class:`TrustIndex`: dictionaries from subject key identifier
and subject DN to certificates, and from issuer DN / AKI to CRLs, so a warm lookup is a couple
of dictionary reads (certificates are parsed once, when first needed).

On disk (default ``platformdirs.user_data_dir("cccd-kiosk")/trust``, mode 0700)::

    index.json            {"version": 1, "entries": [TrustEntry...]}  (written atomically)
    certs/<sha256>.der    one file per certificate, named by its SHA-256 fingerprint
    crls/<sha256>.der     one file per CRL

What may be imported (:func:`detect_kind` looks at the bytes, not the file name):

- an ICAO CSCA master list: its CMS signature is always checked against the signer embedded in
  it (a tampered list is refused); the signer must also chain to a CSCA the operator supplies
  (``ml_anchor``), or the import is refused unless ``unverified=True``, and then every entry
  says "NOT verified" in its source;
- certificates, DER or PEM (several per file): trusted because the operator chose them;
- CRLs, DER or PEM: kept as they are; a CRL counts only after its signature verifies with its
  CSCA during chain validation.

Concurrent writers are not coordinated: one process (the kiosk's admin command) imports at a
time; readers see either the old or the new index (atomic rename).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cardreader.errors import (
    BadSignatureError,
    CardReaderError,
    InputError,
    LimitExceededError,
    ParseError,
)
from cardreader.verify.certificates import (
    Certificate,
    is_pem,
    load_certificates,
    parse_certificate,
    pem_blocks,
)
from cardreader.verify.crl import Crl, parse_crl
from cardreader.verify.master_list import (
    MasterList,
    check_integrity,
    is_master_list,
    parse_master_list,
    verify_master_list,
)

INDEX_VERSION = 1
MAX_IMPORT_BYTES = 32 * 1024 * 1024
MAX_FOLDER_FILES = 10_000
APP_NAME = "cccd-kiosk"


def default_store_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "trust"


@dataclass(frozen=True, slots=True)
class TrustEntry:
    """One trusted certificate or CRL, as listed by ``cccd trust list``.

    For a CRL, ``subject`` is its issuer, ``not_before``/``not_after`` are thisUpdate and
    nextUpdate (``""`` when absent) and ``ski`` its authority key identifier."""

    kind: str  # "certificate" | "crl"
    fingerprint: str
    country: str | None
    subject: str
    subject_der: str  # hex
    ski: str | None
    aki: str | None
    not_before: str  # ISO 8601 UTC
    not_after: str
    source: str
    verified: bool  # False only for certificates from a master list whose chain was not checked
    key: str = ""  # "EC brainpoolP512r1 (explicit parameters)", "RSA-4096"; "" for CRLs
    self_signed: bool = False
    serial_number: str = ""  # hex

    def expired(self, at: _dt.datetime | None = None) -> bool:
        if not self.not_after:
            return False
        at = at or _dt.datetime.now(_dt.UTC)
        return _dt.datetime.fromisoformat(self.not_after) < at

    def to_dict(self, at: _dt.datetime | None = None) -> dict[str, Any]:
        out = asdict(self)
        out.pop("subject_der")
        out["expired"] = self.expired(at)
        return out


def _iso(when: _dt.datetime | None) -> str:
    return when.astimezone(_dt.UTC).isoformat() if when is not None else ""


def _key_description(cert: Certificate) -> str:
    try:
        return cert.public_key_info.describe()
    except CardReaderError as exc:
        return f"unusable key ({exc.message})"


def certificate_entry(cert: Certificate, source: str, *, verified: bool = True) -> TrustEntry:
    return TrustEntry(
        kind="certificate",
        fingerprint=cert.fingerprint_hex,
        country=cert.country,
        subject=cert.subject,
        subject_der=cert.subject_der.hex(),
        ski=cert.ski_hex,
        aki=cert.authority_key_identifier.hex() if cert.authority_key_identifier else None,
        not_before=_iso(cert.not_before),
        not_after=_iso(cert.not_after),
        source=source,
        verified=verified,
        key=_key_description(cert),
        self_signed=cert.is_self_signed,
        serial_number=format(cert.serial_number, "x"),
    )


def crl_entry(crl: Crl, source: str) -> TrustEntry:
    return TrustEntry(
        kind="crl",
        fingerprint=crl.fingerprint_hex,
        country=crl.country,
        subject=crl.issuer,
        subject_der=crl.issuer_der.hex(),
        ski=None,
        aki=crl.authority_key_identifier.hex() if crl.authority_key_identifier else None,
        not_before=_iso(crl.this_update),
        not_after=_iso(crl.next_update),
        source=source,
        verified=True,
        serial_number=format(crl.crl_number, "x") if crl.crl_number is not None else "",
    )


def _entry_from_json(raw: object) -> TrustEntry:
    """A TrustEntry from index.json, every field checked: the fingerprint names a file, so it
    must be exactly 64 hex digits; the hex fields must be hex; the times ISO 8601."""
    if not isinstance(raw, dict):
        raise ValueError("an entry is not an object")
    entry = TrustEntry(**raw)
    if entry.kind not in ("certificate", "crl"):
        raise ValueError(f"entry kind {entry.kind!r}")
    fp = entry.fingerprint
    if not isinstance(fp, str) or len(fp) != 64 or fp.strip("0123456789abcdef"):
        raise ValueError(f"entry fingerprint {fp!r}")
    for name in (
        "subject",
        "subject_der",
        "not_before",
        "not_after",
        "source",
        "key",
        "serial_number",
    ):
        if not isinstance(getattr(entry, name), str):
            raise ValueError(f"entry {name} is not a string")
    for name in ("country", "ski", "aki"):
        value = getattr(entry, name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"entry {name} is not a string")
    for value in (entry.subject_der, entry.ski or "", entry.aki or ""):
        bytes.fromhex(value)
    for value in (entry.not_before, entry.not_after):
        if value:
            _dt.datetime.fromisoformat(value)
    if not isinstance(entry.verified, bool) or not isinstance(entry.self_signed, bool):
        raise ValueError("entry flags are not booleans")
    return entry


# --- the index -----------------------------------------------------------------------------


class TrustIndex:
    """Entries plus lookup tables; objects are parsed lazily through ``_load``."""

    def __init__(self) -> None:
        self._entries: dict[str, TrustEntry] = {}
        self._by_ski: dict[bytes, list[str]] = {}
        self._by_subject: dict[bytes, list[str]] = {}
        self._crls_by_issuer: dict[bytes, list[str]] = {}
        self._crls_by_aki: dict[bytes, list[str]] = {}
        self._certs: dict[str, Certificate] = {}
        self._crls: dict[str, Crl] = {}
        self.warnings: list[str] = []

    # lookups (TrustSource) -----------------------------------------------------------------

    def issuers_for(self, cert: Certificate) -> Sequence[Certificate]:
        return self.certificates_for(cert.issuer_der, cert.authority_key_identifier)

    def certificates_for(self, subject_der: bytes, ski: bytes | None) -> list[Certificate]:
        """Stored certificates with this subject key identifier or this subject DN."""
        fps: list[str] = []
        if ski is not None:
            fps.extend(self._by_ski.get(ski, ()))
        for fp in self._by_subject.get(subject_der, ()):
            if fp not in fps:
                fps.append(fp)
        return [c for c in (self.certificate(fp) for fp in fps) if c is not None]

    def crls_for(self, issuer: Certificate) -> Sequence[Crl]:
        fps: list[str] = []
        if issuer.subject_key_identifier is not None:
            fps.extend(self._crls_by_aki.get(issuer.subject_key_identifier, ()))
        for fp in self._crls_by_issuer.get(issuer.subject_der, ()):
            if fp not in fps:
                fps.append(fp)
        found = [c for c in (self.crl(fp) for fp in fps) if c is not None]
        found.sort(key=lambda c: c.this_update, reverse=True)  # newest first
        return found

    def certificate(self, fingerprint: str) -> Certificate | None:
        cert = self._certs.get(fingerprint)
        if cert is None and fingerprint in self._entries:
            cert = self._load_certificate(fingerprint)
            if cert is not None:
                self._certs[fingerprint] = cert
        return cert

    def crl(self, fingerprint: str) -> Crl | None:
        crl = self._crls.get(fingerprint)
        if crl is None and fingerprint in self._entries:
            crl = self._load_crl(fingerprint)
            if crl is not None:
                self._crls[fingerprint] = crl
        return crl

    def _load_certificate(self, fingerprint: str) -> Certificate | None:
        return None

    def _load_crl(self, fingerprint: str) -> Crl | None:
        return None

    # contents --------------------------------------------------------------------------------

    def entries(self, country: str | None = None, kind: str | None = None) -> list[TrustEntry]:
        wanted = country.upper() if country else None
        out = [
            e
            for e in self._entries.values()
            if (wanted is None or e.country == wanted) and (kind is None or e.kind == kind)
        ]
        out.sort(key=lambda e: (e.kind, e.country or "", e.subject, e.not_before))
        return out

    def certificates(self) -> list[Certificate]:
        return [
            c
            for c in (self.certificate(e.fingerprint) for e in self.entries(kind="certificate"))
            if c is not None
        ]

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self._entries

    def _index(self, entry: TrustEntry) -> None:
        self._entries[entry.fingerprint] = entry
        key_bytes = bytes.fromhex(entry.subject_der)
        if entry.kind == "certificate":
            if entry.ski:
                self._by_ski.setdefault(bytes.fromhex(entry.ski), []).append(entry.fingerprint)
            self._by_subject.setdefault(key_bytes, []).append(entry.fingerprint)
        else:
            self._crls_by_issuer.setdefault(key_bytes, []).append(entry.fingerprint)
            if entry.aki:
                self._crls_by_aki.setdefault(bytes.fromhex(entry.aki), []).append(entry.fingerprint)

    def add_certificate(self, cert: Certificate, source: str, *, verified: bool = True) -> bool:
        """Add one certificate; False if it was already there (an entry that was not verified
        takes the source of a verified import of the same certificate)."""
        existing = self._entries.get(cert.fingerprint_hex)
        if existing is not None:
            if verified and not existing.verified:
                self._entries[cert.fingerprint_hex] = certificate_entry(cert, source)
                self._certs[cert.fingerprint_hex] = cert
            return False
        self._index(certificate_entry(cert, source, verified=verified))
        self._certs[cert.fingerprint_hex] = cert
        return True

    def add_crl(self, crl: Crl, source: str) -> bool:
        if crl.fingerprint_hex in self._entries:
            return False
        self._index(crl_entry(crl, source))
        self._crls[crl.fingerprint_hex] = crl
        return True


# --- reading files -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one imported file contributed."""

    path: str
    kind: str  # "master_list" | "certificates" | "crl"
    added: int
    already_present: int
    skipped: tuple[str, ...] = ()
    verified: bool = True
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "added": self.added,
            "already_present": self.already_present,
            "skipped": list(self.skipped),
            "verified": self.verified,
            "message": self.message,
        }


def detect_kind(data: bytes) -> str:
    """ "master_list", "crl" or "certificates" from the bytes (DER or PEM)."""
    if is_pem(data):
        labels = {label for label, _ in pem_blocks(data)}
        if labels & {"CERTIFICATE", "X509 CERTIFICATE"}:
            return "certificates"
        if "X509 CRL" in labels:
            return "crl"
        if "CMS" in labels or "PKCS7" in labels:
            return "master_list"
        raise ParseError(f"PEM file with {', '.join(sorted(labels)) or 'no'} blocks")
    if is_master_list(data):
        return "master_list"
    # Certificate: SEQUENCE { tbs SEQUENCE { [0] version ... } }; CertificateList's tbs starts
    # with INTEGER version or AlgorithmIdentifier, never [0].
    try:
        parse_certificate(data, "file")
        return "certificates"
    except ParseError:
        pass
    try:
        parse_crl(data, "file")
        return "crl"
    except ParseError:
        pass
    raise ParseError("not a master list, certificate or CRL (DER or PEM) that can be read")


def _read(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise LimitExceededError(f"{path}: {size} bytes, above the cap of {MAX_IMPORT_BYTES}")
    return path.read_bytes()


def _master_list_data(data: bytes) -> bytes:
    if is_pem(data):
        blocks = [der for label, der in pem_blocks(data) if label in ("CMS", "PKCS7")]
        if len(blocks) != 1:
            raise ParseError("PEM master list: expected one CMS block")
        return blocks[0]
    return data


def _ml_source(path: Path, ml: MasterList, verified_by: Certificate | None) -> str:
    when = f" signed {ml.signing_time:%Y-%m-%d}" if ml.signing_time else ""
    if verified_by is None:
        return f"master list {path.name}{when} (signature NOT verified against an anchor)"
    return f"master list {path.name}{when}, verified against {verified_by.subject}"


def _crl_signer(index: TrustIndex, crl: Crl) -> Certificate | None:
    """The stored CSCA whose key verifies ``crl``; a CRL that names a stored CSCA by its key
    identifier but does not verify with it is refused (BadSignatureError)."""
    candidates = index.certificates_for(crl.issuer_der, crl.authority_key_identifier)
    failure: CardReaderError | None = None
    for candidate in candidates:
        try:
            crl.verify_issued_by(candidate)
        except CardReaderError as exc:
            if (
                crl.authority_key_identifier is not None
                and candidate.subject_key_identifier == crl.authority_key_identifier
            ):
                failure = exc
            continue
        return candidate
    if failure is not None:
        raise BadSignatureError(
            f"CRL of {crl.issuer} does not verify with the CSCA key it names: {failure.message}"
        )
    return None


def import_into(
    index: TrustIndex,
    path: Path,
    *,
    ml_anchors: Sequence[Certificate] = (),
    unverified: bool = False,
    at: _dt.datetime | None = None,
) -> ImportResult:
    """Read one file into ``index``; see the module docstring for the rules."""
    data = _read(path)
    try:
        kind = detect_kind(data)
    except ParseError as exc:
        raise ParseError(f"{path}: {exc.message}") from exc
    if kind == "master_list":
        ml = parse_master_list(_master_list_data(data), f"master list {path.name}")
        anchor: Certificate | None = None
        if ml_anchors:
            anchor = verify_master_list(ml, ml_anchors, at=at).anchor
        elif unverified:
            check_integrity(ml)
        else:
            raise InputError(
                f"{path}: danh sách CSCA chưa được xác minh nên không nhập / a master list "
                "needs its signer's CSCA to be verified (--ml-anchor CERT, e.g. "
                "DE_ROOT_CA_CSCA07.cer for the German list; --unverified to import anyway)"
            )
        source = _ml_source(path, ml, anchor)
        added = present = 0
        for cert in ml.certificates:
            if index.add_certificate(cert, source, verified=anchor is not None):
                added += 1
            else:
                present += 1
        skipped = tuple(f"certificate {s.index}: {s.message}" for s in ml.skipped)
        message = f"{len(ml.certificates)} CSCA certificates, list signed by {ml.signer().subject}"
        return ImportResult(str(path), kind, added, present, skipped, anchor is not None, message)
    if kind == "crl":
        crl = parse_crl(data, f"CRL {path.name}")
        signer = _crl_signer(index, crl)
        added_crl = index.add_crl(crl, f"CRL file {path.name}")
        checked = (
            f"signature verified with {signer.subject}"
            if signer is not None
            else "no CSCA in the store verifies it yet: it counts once its CSCA is imported"
        )
        return ImportResult(
            str(path),
            kind,
            int(added_crl),
            int(not added_crl),
            verified=signer is not None,
            message=f"CRL of {crl.issuer}, {len(crl.revoked)} revoked; {checked}",
        )
    certs = load_certificates(data, f"certificate file {path.name}")
    added = present = 0
    for cert in certs:
        if index.add_certificate(cert, f"certificate file {path.name}"):
            added += 1
        else:
            present += 1
    return ImportResult(str(path), kind, added, present, message=certs[0].subject)


# --- the on-disk store ---------------------------------------------------------------------


class TrustStore(TrustIndex):
    """The persistent trust store (see the module docstring for the layout)."""

    def __init__(self, path: Path | str | None = None) -> None:
        super().__init__()
        self.path = Path(path) if path is not None else default_store_path()
        self._index_file = self.path / "index.json"
        if self._index_file.exists():
            self._read_index()

    def _read_index(self) -> None:
        try:
            doc = json.loads(self._index_file.read_text("utf-8"))
            if not isinstance(doc, dict) or doc.get("version") != INDEX_VERSION:
                raise ValueError(f"not a version {INDEX_VERSION} index")
            entries = doc.get("entries")
            if not isinstance(entries, list):
                raise ValueError("no entries list")
            for raw in entries:
                self._index(_entry_from_json(raw))
        except (ValueError, KeyError, TypeError) as exc:
            raise ParseError(f"trust store {self._index_file}: unreadable index ({exc})") from exc

    def _file(self, fingerprint: str) -> Path:
        entry = self._entries[fingerprint]
        return (
            self.path
            / ("certs" if entry.kind == "certificate" else "crls")
            / (fingerprint + ".der")
        )

    def _load_certificate(self, fingerprint: str) -> Certificate | None:
        try:
            cert = parse_certificate(self._file(fingerprint).read_bytes(), f"store {fingerprint}")
        except (OSError, ParseError) as exc:
            self.warnings.append(f"trust store entry {fingerprint} unreadable: {exc}")
            return None
        if cert.fingerprint_hex != fingerprint:
            self.warnings.append(f"trust store entry {fingerprint} does not match its name")
            return None
        return cert

    def _load_crl(self, fingerprint: str) -> Crl | None:
        try:
            crl = parse_crl(self._file(fingerprint).read_bytes(), f"store {fingerprint}")
        except (OSError, ParseError) as exc:
            self.warnings.append(f"trust store CRL {fingerprint} unreadable: {exc}")
            return None
        if crl.fingerprint_hex != fingerprint:
            self.warnings.append(f"trust store CRL {fingerprint} does not match its name")
            return None
        return crl

    def import_file(
        self,
        path: Path | str,
        *,
        ml_anchor: Path | str | None = None,
        unverified: bool = False,
        at: _dt.datetime | None = None,
    ) -> ImportResult:
        """Import one file (master list, certificate(s), CRL) and save the store."""
        anchors = (
            load_certificates(_read(Path(ml_anchor)), f"anchor {ml_anchor}")
            if (ml_anchor is not None)
            else []
        )
        result = import_into(self, Path(path), ml_anchors=anchors, unverified=unverified, at=at)
        self.save()
        return result

    def save(self) -> None:
        """Write new object files, then the index (atomically), with private permissions."""
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.path, 0o700)
        for sub in ("certs", "crls"):
            (self.path / sub).mkdir(exist_ok=True, mode=0o700)
        written = False
        for fp, cert in self._certs.items():
            written |= _write_once(self._file(fp), cert.der)
        for fp, crl in self._crls.items():
            written |= _write_once(self._file(fp), crl.der)
        if written:
            # One flush for hundreds of new files (an fsync each costs ~1 ms) before the index
            # that names them; a file lost anyway is caught by its fingerprint when loaded.
            _sync()
        doc = {
            "version": INDEX_VERSION,
            "entries": [asdict(e) for e in self.entries()],
        }
        _atomic_write(self._index_file, json.dumps(doc, ensure_ascii=False, indent=1).encode())


def _write_once(path: Path, data: bytes) -> bool:
    """Object files are named by their SHA-256, checked when read: a plain write is enough (a
    torn file is detected and reported, never trusted)."""
    if path.exists() and path.stat().st_size == len(data):
        return False
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return True


def _sync() -> None:
    sync = getattr(os, "sync", None)
    if sync is not None:
        sync()


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- trust from --trust PATH arguments -----------------------------------------------------


class MemoryTrustSource(TrustIndex):
    """A trust source held in memory (``cccd verify --trust PATH...``); ``results`` says what
    each file contributed, ``warnings`` what was skipped or not verified."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[ImportResult] = []


def _files(path: Path) -> Iterable[Path]:
    """The files of a folder (recursively; hidden files and a trust store's own index.json
    left out) or the path itself."""
    if path.is_dir():
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and not p.name.startswith(".")
            and not (p.name == "index.json" and (p.parent / "certs").is_dir())
        )
        if len(found) > MAX_FOLDER_FILES:
            raise LimitExceededError(f"{path}: more than {MAX_FOLDER_FILES} files")
        return found
    return [path]


def load_trust_sources(
    paths: Sequence[Path | str],
    *,
    ml_anchors: Sequence[Path | str] = (),
    at: _dt.datetime | None = None,
) -> MemoryTrustSource:
    """Build a trust source from certificates, folders, master lists and CRLs.

    A master list is verified against the ``ml_anchors`` certificates if any are given (and
    refused if it does not verify); otherwise against every certificate given directly in
    ``paths`` (the operator trusts those); failing that it is still used, its integrity checked
    but its chain NOT verified, which ``warnings`` and each entry's source say plainly. Files in
    a folder that are none of the three kinds are skipped with a warning.
    """
    source = MemoryTrustSource()
    explicit: list[Certificate] = []
    for anchor in ml_anchors:
        explicit.extend(load_certificates(_read(Path(anchor)), f"anchor {anchor}"))
    pending_ml: list[Path] = []
    for given in paths:
        base = Path(given)
        if not base.exists():
            raise InputError(f"--trust {base}: no such file or folder")
        in_folder = base.is_dir()
        for file in _files(base):
            try:
                data = _read(file)
                kind = detect_kind(data)
            except ParseError as exc:
                if not in_folder:
                    raise
                source.warnings.append(f"{file}: skipped ({exc.message})")
                continue
            if kind == "master_list":
                pending_ml.append(file)
                continue
            source.results.append(import_into(source, file))
    pool = explicit or source.certificates()
    for file in pending_ml:
        result: ImportResult | None = None
        if explicit:
            result = import_into(source, file, ml_anchors=explicit, at=at)
        reason = "no certificate was given to check it against"
        if result is None and pool:
            try:
                result = import_into(source, file, ml_anchors=pool, at=at)
            except CardReaderError as exc:
                if exc.code not in ("untrusted_issuer", "expired"):
                    raise
                reason = exc.message
        if result is None:
            result = import_into(source, file, unverified=True, at=at)
            source.warnings.append(
                f"{file}: danh sách CSCA CHƯA được xác minh / master list signature NOT "
                f"verified against a trusted CSCA (give its signer's CSCA, e.g. with "
                f"--ml-anchor): {reason}"
            )
        source.results.append(result)
    return source
