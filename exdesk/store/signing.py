"""The desk's Ed25519 key: what signs records, ledger entries and checkpoints.

The key never enters the database: it comes from ``EXDESK_LEDGER_SIGNING_KEY`` (PEM or
base64 of the 32-byte private key), from ``EXDESK_LEDGER_SIGNING_KEY_FILE``, or is made
once under the data directory (``ledger_signing_key.pem``, mode 0600). A record's or a
ledger entry's ``signature`` is the base64 Ed25519 signature of a domain-separated message
naming its hash, so a row appended by anyone without the key — a database superuser
included — is not signed, and one kind of signature never stands for the other.

The pool's connections carry the :class:`LogSigner` (:func:`attach_signer`), so the
decision log signs whatever the desk writes, whichever layer writes it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
from pathlib import Path
from typing import Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from psycopg import Connection

from exdesk.errors import ConfigurationError, InputError
from exdesk.settings import Settings

logger = logging.getLogger(__name__)

KEY_FILE_NAME: Final = "ledger_signing_key.pem"
"""The generated key's file under the data directory."""

SignedRow = Literal["record", "ledger_entry"]
"""What a signature stands for."""

_DOMAIN: Final[dict[SignedRow, bytes]] = {
    "record": b"exdesk decision record\x00",
    "ledger_entry": b"exdesk ledger entry\x00",
}


def signed_message(kind: SignedRow, row_hash: str) -> bytes:
    """What a row's signature covers: its kind and its hash."""
    return _DOMAIN[kind] + row_hash.encode()


class LogSigner:
    """Signs the hashes of the rows the desk appends."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self.key = key
        self.public_key = public_key_text(key)

    def sign(self, kind: SignedRow, row_hash: str) -> str:
        """The base64 signature of a row's hash."""
        return base64.b64encode(self.key.sign(signed_message(kind, row_hash))).decode()


class SignatureCheck:
    """Checks row signatures against the desk's public key."""

    def __init__(self, public_key: str) -> None:
        self.public_key = public_key
        self.fingerprint = key_fingerprint(public_key)
        self._key = Ed25519PublicKey.from_public_bytes(b64(public_key))

    def valid(self, kind: SignedRow, row_hash: str, signature: str) -> bool:
        """Whether ``signature`` is the desk's over this row's hash."""
        try:
            self._key.verify(
                base64.b64decode(signature, validate=True), signed_message(kind, row_hash)
            )
        except (InvalidSignature, ValueError, binascii.Error):
            return False
        return True


_ATTRIBUTE: Final = "exdesk_log_signer"


def attach_signer(conn: Connection[object], signer: LogSigner) -> None:
    """Make the decision log sign what it appends on this connection (a pool's
    ``configure`` hook)."""
    setattr(conn, _ATTRIBUTE, signer)


def signer_of(conn: Connection[object]) -> LogSigner | None:
    """The signer attached to a connection, if any (a bare connection signs nothing)."""
    found = getattr(conn, _ATTRIBUTE, None)
    return found if isinstance(found, LogSigner) else None


def key_fingerprint(public_key: str) -> str:
    """The fingerprint of a base64 public key."""
    return hashlib.sha256(b64(public_key)).hexdigest()[:16]


def public_key_text(key: Ed25519PrivateKey) -> str:
    """The key's public half, base64 of its 32 raw bytes."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def b64(text: str) -> bytes:
    """Bytes from base64 (InputError when it is not)."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise InputError(f"not base64: {text[:20]}…") from error


def parse_signing_key(text: str, where: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS#8) or base64 of its 32 raw bytes."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError("not an Ed25519 key")
            return key
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise ConfigurationError(
            f"invalid configuration: {where}: not an Ed25519 private key (PEM or base64 of"
            f" 32 bytes): {error}"
        ) from error


def load_signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The ledger signing key: ``EXDESK_LEDGER_SIGNING_KEY``, else the file
    ``EXDESK_LEDGER_SIGNING_KEY_FILE``, else ``<data_dir>/ledger_signing_key.pem``, made on
    first use (mode 0600)."""
    if settings.ledger_signing_key is not None:
        return parse_signing_key(
            settings.ledger_signing_key.get_secret_value(), "EXDESK_LEDGER_SIGNING_KEY"
        )
    if settings.ledger_signing_key_file is not None:
        path = settings.ledger_signing_key_file
        return parse_signing_key(path.read_text(encoding="utf-8"), str(path))
    return _data_dir_key(settings.data_dir / KEY_FILE_NAME)


def _data_dir_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        if path.stat().st_mode & 0o077:
            logger.warning("the ledger signing key %s is readable by others: chmod 600 it", path)
        return parse_signing_key(path.read_text(encoding="utf-8"), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    try:
        os.link(draft, path)  # whole or not at all; the first of two processes wins
    except FileExistsError:
        return parse_signing_key(path.read_text(encoding="utf-8"), str(path))
    finally:
        draft.unlink()
    logger.info("generated the ledger signing key %s", path)
    return key
