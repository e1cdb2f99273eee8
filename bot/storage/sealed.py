"""Encryption at rest: column types that seal personal text with Fernet before it is stored.

A sealed value is stored as a Fernet token (AES-128-CBC + HMAC-SHA256, base64url, always
starting with "gAAAAA"), so a database file, a dump or a backup shows no free text or health
answer. Reads are transparent: the column types unseal every value in the token form with
any of the installed keys, newest first (MultiFernet), so a key rotation can run while the
bot serves. The keys live in the process, never in the database: the types are declared on
the models at import time, so the keyring is installed once at start (`install_keys`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import JSON, Text, TypeDecorator
from sqlalchemy.engine import Dialect

# Version byte 0x80 plus a timestamp whose top bytes are zero for millennia: "gAAAAA...".
_TOKEN = re.compile(r"^gAAAAA[A-Za-z0-9_-]{90,}={0,2}$")


class SealError(RuntimeError):
    """Sealed data cannot be read or written: no key installed, or none of the keys fits."""


class _Keyring:
    def __init__(self) -> None:
        self.fernet: MultiFernet | None = None
        self.primary: Fernet | None = None

    def install(self, keys: Sequence[str]) -> None:
        if not keys:
            raise SealError("at least one data key is needed")
        try:
            fernets = [Fernet(key.strip().encode("ascii")) for key in keys]
        except (ValueError, binascii.Error, UnicodeEncodeError) as exc:
            raise SealError(
                "a data key is not a Fernet key (32 url-safe base64-encoded bytes); "
                "make one with 'jaarrond keys generate'"
            ) from exc
        self.primary = fernets[0]
        self.fernet = MultiFernet(fernets)

    def require(self) -> MultiFernet:
        if self.fernet is None:
            raise SealError("no data key is installed; set JAARROND_DATA_KEYS")
        return self.fernet


_keyring = _Keyring()


def install_keys(keys: Sequence[str]) -> None:
    """Use these keys from now on: the first seals, every one of them unseals."""
    _keyring.install(keys)


def has_keys() -> bool:
    return _keyring.fernet is not None


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def looks_sealed(stored: object) -> bool:
    return isinstance(stored, str) and _TOKEN.match(stored) is not None


def seal(text: str) -> str:
    return _keyring.require().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    try:
        return _keyring.require().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise SealError("a sealed value fits none of the installed data keys") from exc


def sealed_with_newest(token: str) -> bool:
    """True when the newest key already sealed this token, so rotation can leave it."""
    primary = _keyring.primary
    if primary is None:
        raise SealError("no data key is installed; set JAARROND_DATA_KEYS")
    try:
        primary.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def reseal(token: str) -> str:
    """The same clear text, sealed with the newest key."""
    return _keyring.require().rotate(token.encode("ascii")).decode("ascii")


def key_fingerprint(key: str) -> str:
    """A short, non-secret name for a key (its signing half's first bytes, hashed)."""
    import hashlib

    raw = base64.urlsafe_b64decode(key.strip().encode("ascii"))
    return hashlib.sha256(raw).hexdigest()[:12]


class Private(str):
    """Clear text that must be sealed when stored in a `SealableText` column.

    Reading a sealed value hands back a `Private` too, so rewriting it keeps it sealed.
    """

    __slots__ = ()


class SealedText(TypeDecorator[str]):
    """Free text that is always sealed; clear values from before sealing still read."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not looks_sealed(value):
            return value
        return unseal(value)


class SealableText(TypeDecorator[str]):
    """Text sealed only when the value is `Private`: answers stay countable in SQL when they
    are scale or choice answers of non-health questions, everything else is sealed."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if isinstance(value, Private):
            return seal(str(value))
        return value

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not looks_sealed(value):
            return value
        return Private(unseal(value))


class SealedJSON(TypeDecorator[Any]):
    """A JSON document sealed whole; stored as one JSON string, so the column stays JSON."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if looks_sealed(value):
            return json.loads(unseal(value))
        return value
