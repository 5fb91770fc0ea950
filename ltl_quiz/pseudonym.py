"""Keyed pseudonyms for staff numbers, so records can leave the force without saying who is who.

A pseudonym is an HMAC-SHA256 of the staff number under a secret key kept in the local config.
The same learner always gets the same pseudonym from this installation (so a CPD lead can follow
one person's progress across exports), but without the key nobody can turn a pseudonym back
into a staff number, even by hashing every possible staff number: a plain hash would allow that.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from ltl_quiz import config
from ltl_quiz.errors import InputError

KEY_FIELD = "pseudonym_key"
PREFIX = "p-"


def load_key(config_file: Path) -> bytes:
    """This installation's key, made and saved on first use; never printed or exported."""
    data = config.load(config_file)
    value = data.get(KEY_FIELD)
    if value is None:
        value = secrets.token_hex(32)
        data[KEY_FIELD] = value
        config.save(config_file, data)
    try:
        key = bytes.fromhex(str(value))
    except ValueError:
        key = b""
    if len(key) < 16:
        raise InputError(
            f"{config_file}: '{KEY_FIELD}' is not a usable key; restore it from a backup (or delete it to start new pseudonyms)"
        )
    return key


class Pseudonymiser:
    """Turns an identifier into its pseudonym; memoised, because an export asks for each learner many times."""

    def __init__(self, key: bytes):
        self._key = key
        self._seen: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        found = self._seen.get(value)
        if found is None:
            digest = hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()
            found = self._seen[value] = PREFIX + digest[:32]
        return found
