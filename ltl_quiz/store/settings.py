"""The store's own settings: values every terminal pointed at the store must share.

The certificate key lives here, not in a terminal's local config, so that ``ltl-quiz verify``
works from any terminal and survives a backup and restore of the store. It is never printed,
exported or shown by ``db status``.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from ltl_quiz.errors import StoreError
from ltl_quiz.store.db import Store
from ltl_quiz.store.tables import store_settings as settings

CERTIFICATE_KEY = "certificate_key"


def get(store: Store, name: str) -> str | None:
    with store.reading() as conn:
        row = conn.execute(sa.select(settings.c.value).where(settings.c.name == name)).first()
    return None if row is None else str(row[0])


def certificate_key(store: Store, create: bool = True) -> bytes | None:
    """The force's certificate key, made on first use; two terminals making it at once agree on one."""
    value = get(store, CERTIFICATE_KEY)
    if value is None and create:
        try:
            with store.begin() as conn:
                conn.execute(sa.insert(settings).values(name=CERTIFICATE_KEY, value=secrets.token_hex(32)))
        except StoreError:  # another terminal inserted it first; read theirs
            pass
        value = get(store, CERTIFICATE_KEY)
    return None if value is None else bytes.fromhex(value)
