"""Signed ledger checkpoints: signed over what they say, checked against the ledger, and
the signing key read from the environment, a file, or made once under the data directory."""

from __future__ import annotations

import base64
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr

from exdesk.errors import ConfigurationError, InputError
from exdesk.settings import Settings
from exdesk.store.audit_log import LedgerData
from exdesk.store.cases import GENESIS_HASH
from exdesk.store.checkpoint import LedgerCheckpoint, check_checkpoint, sign_checkpoint
from exdesk.store.record_hashes import ledger_hash
from exdesk.store.signing import KEY_FILE_NAME, load_signing_key, public_key_text

KEY = Ed25519PrivateKey.generate()
AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def ledger(length: int, tenant: str = "acme") -> LedgerData:
    """A well-formed ledger of ``length`` entries."""
    entries: list[dict[str, Any]] = []
    previous = GENESIS_HASH
    for seq in range(1, length + 1):
        entry: dict[str, Any] = {
            "tenant_id": tenant,
            "seq": seq,
            "at": AT,
            "case_id": f"case_{seq}",
            "case_seq": 1,
            "case_hash": f"{seq:064x}",
            "reason": "created",
            "prev_hash": previous,
        }
        entry["hash"] = ledger_hash(entry)
        entries.append(entry)
        previous = entry["hash"]
    return LedgerData(entries, {"seq": length, "hash": previous} if entries else None)


def test_a_checkpoint_signs_the_last_entry_and_holds() -> None:
    signed = sign_checkpoint(KEY, "acme", ledger(3), AT)
    assert (signed.ledger_seq, signed.head_hash) == (3, ledger(3).entries[-1]["hash"])
    assert signed.format == "exdesk-ledger-checkpoint/1"
    assert check_checkpoint(signed, "acme", ledger(5), public_key_text(KEY)) == []
    again = LedgerCheckpoint.model_validate_json(signed.model_dump_json())
    assert check_checkpoint(again, "acme", ledger(3), public_key_text(KEY)) == []


def test_an_empty_ledger_has_a_checkpoint_too() -> None:
    signed = sign_checkpoint(KEY, "acme", ledger(0), AT)
    assert (signed.ledger_seq, signed.head_hash) == (0, GENESIS_HASH)
    assert check_checkpoint(signed, "acme", ledger(2), None) == []


def test_a_ledger_that_lost_or_changed_the_signed_entry_is_reported() -> None:
    signed = sign_checkpoint(KEY, "acme", ledger(3), AT)
    shorter = [str(p) for p in check_checkpoint(signed, "acme", ledger(2), None)]
    assert shorter == [
        f"ledger: entry 3 signed by the checkpoint of entry 3 ({AT.isoformat()}) is gone:"
        " the ledger was truncated or replaced"
    ]
    other = ledger(4, tenant="acme")
    other.entries[2]["case_hash"] = "f" * 64
    other.entries[2]["hash"] = ledger_hash(other.entries[2])
    assert "was rewritten" in str(check_checkpoint(signed, "acme", other, None)[0])


@pytest.mark.parametrize(
    "change",
    [
        {"ledger_seq": 2},
        {"head_hash": "a" * 64},
        {"tenant_id": "globex"},
        {"at": datetime.now(UTC)},
    ],
)
def test_a_changed_checkpoint_no_longer_verifies(change: dict[str, Any]) -> None:
    signed = sign_checkpoint(KEY, "acme", ledger(3), AT)
    forged = signed.model_copy(update=change)
    problems = [str(p) for p in check_checkpoint(forged, "acme", ledger(3), None)]
    assert len(problems) == 1
    assert "is not validly signed by its public key" in problems[0]


def test_a_checkpoint_signed_by_another_key_is_named() -> None:
    other = Ed25519PrivateKey.generate()
    signed = sign_checkpoint(other, "acme", ledger(3), AT)
    problems = [str(p) for p in check_checkpoint(signed, "acme", ledger(3), public_key_text(KEY))]
    assert len(problems) == 1
    assert f"signed by key {signed.key_fingerprint}, not by this desk's key" in problems[0]
    assert check_checkpoint(signed, "globex", ledger(3), None)[0].message.endswith("acme's")


def test_a_broken_ledger_is_never_signed() -> None:
    broken = ledger(3)
    broken.entries[1]["reason"] = "resolved"
    with pytest.raises(InputError, match="ledger: entry 2 was changed"):
        sign_checkpoint(KEY, "acme", broken, AT)


def _pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _raw(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def test_the_key_comes_from_the_environment_or_a_file(tmp_path: Path) -> None:
    for text in (_pem(KEY), _raw(KEY)):
        settings = Settings(data_dir=tmp_path, ledger_signing_key=SecretStr(text))
        assert public_key_text(load_signing_key(settings)) == public_key_text(KEY)
    key_file = tmp_path / "key.pem"
    key_file.write_text(_pem(KEY))
    settings = Settings(data_dir=tmp_path, ledger_signing_key_file=key_file)
    assert public_key_text(load_signing_key(settings)) == public_key_text(KEY)
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_without_a_key_one_is_made_once_readable_only_by_its_owner(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = load_signing_key(settings)
    made = tmp_path / "data" / KEY_FILE_NAME
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert public_key_text(load_signing_key(settings)) == public_key_text(first)


def test_a_key_that_is_not_ed25519_stops_with_one_line(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, ledger_signing_key=SecretStr("bm90IGEga2V5"))
    with pytest.raises(ConfigurationError, match="EXDESK_LEDGER_SIGNING_KEY: not an Ed25519"):
        load_signing_key(settings)
