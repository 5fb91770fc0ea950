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


# What is left out, for the message: "6 letters and digits" alone was refused to 'NOPE12', which is that.
LEFT_OUT = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" if c not in ALPHABET]


def _listed(chars: list[str]) -> str:
    return chars[0] if len(chars) == 1 else f"{', '.join(chars[:-1])} or {chars[-1]}"


def normalise_code(text: str) -> str:
    """The code as stored, from what a learner typed: any case, spaces and dashes ignored."""
    code = "".join(text.split()).replace("-", "").upper()
    unused = sorted({c for c in code if c not in ALPHABET}, key=code.index)
    if len(code) != LENGTH or unused:
        what = f"a code has no {_listed(unused)} in it" if unused else f"a code is {LENGTH} letters and digits"
        raise SessionNotFound(
            f"'{text}' is not a session code: {what} (it never uses {_listed(LEFT_OUT)}); type it as the trainer's screen shows it"
        )
    return code
