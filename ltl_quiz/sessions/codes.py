"""Join codes: short enough to read off a projector and type, with no letters that look alike."""

from __future__ import annotations

import secrets

from ltl_quiz.errors import SessionNotFound

# No 0/O, 1/I/L or 5/S pairs: a code is read aloud and typed from a screen across a room.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
LENGTH = 6


def new_code() -> str:
    """A fresh random code; the store retries on the rare clash with an existing one."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str) -> str:
    """The code as stored, from what a learner typed: any case, spaces and dashes ignored."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        raise SessionNotFound(f"'{text}' is not a session code; a code is {LENGTH} letters and digits, as shown on the trainer's screen")
    return code
