"""The local config: the remembered learner and per-installation settings, as one JSON file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ltl_quiz.atomic import write_text
from ltl_quiz.errors import InputError
from ltl_quiz.text import typed


@dataclass
class Learner:
    """Who is taking part: the staff number is the stable id every record hangs on."""

    id: str
    name: str
    unit: str = ""

    def __post_init__(self) -> None:
        # WHY here: every way a person enters (prompt, option, roster, config, store) makes a Learner,
        # so no control character (NUL would block a PostgreSQL sync) gets past this point.
        self.id, self.name, self.unit = typed(self.id), typed(self.name), typed(self.unit)

    @property
    def described(self) -> str:
        """How a screen names whom a record is for: 'Kim Ode (PC1, Response)'."""
        return f"{self.name} ({self.id}{', ' + self.unit if self.unit else ''})"


def load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the config ({exc}); fix or delete the file") from None
    return data if isinstance(data, dict) else {}


def save(path: Path, data: dict[str, Any]) -> None:
    write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n", private=True)


# The remembered learner belongs to the store it was used with: a run with --db against another
# store remembers its learner for that store only, and the default store's learner stays its own
# (a bare ``history`` said "No attempts yet for 9999" after one such run). ``learner`` is the one
# last remembered anywhere; it stands for every store only in a config that names no store's own
# (one written before stores had their own, or by ``remember_learner`` with no store).
BY_STORE = "learners_by_store"


def store_key(db_url: str) -> str:
    """How the config names a store: its URL with any password replaced (never kept in the config)."""
    from ltl_quiz.locations import redact

    return redact(db_url)


def _by_store(data: dict[str, Any]) -> dict[str, Any]:
    found = data.get(BY_STORE)
    return found if isinstance(found, dict) else {}


def _learner(data: Any) -> Learner | None:
    if isinstance(data, dict) and data.get("id") and data.get("name"):
        return Learner(str(data["id"]), str(data["name"]), str(data.get("unit", "")))
    return None


def remembered_learner(path: Path, store: str | None = None) -> Learner | None:
    """The learner last used with ``store`` (a database URL), or last used anywhere when no store is named."""
    data = load(path)
    by_store = _by_store(data)
    if store is None or not by_store:
        return _learner(data.get("learner"))
    return _learner(by_store.get(store_key(store)))


def remember_learner(path: Path, learner: Learner, store: str | None = None) -> None:
    """Remember ``learner`` for ``store`` (a database URL); with no store, for every store."""
    data = load(path)
    data["learner"] = asdict(learner)
    if store is None:
        data.pop(BY_STORE, None)
    else:
        data[BY_STORE] = {**_by_store(data), store_key(store): asdict(learner)}
    save(path, data)


def forget_learner(path: Path, staff_number: str, dry_run: bool = False) -> bool:
    """Whether ``staff_number`` was remembered for any store; unless ``dry_run``, no longer."""
    data = load(path)
    by_store = _by_store(data)
    kept = {key: value for key, value in by_store.items() if not (isinstance(value, dict) and value.get("id") == staff_number)}
    legacy = (data.get("learner") or {}).get("id") == staff_number
    if not legacy and len(kept) == len(by_store):
        return False
    if not dry_run:
        if legacy:
            del data["learner"]
        data[BY_STORE] = kept
        save(path, data)
    return True


def check_learner_id(value: str) -> str:
    """Staff numbers are short printable ids; refuse anything that would break an export or a path."""
    value = value.strip()
    if not value or len(value) > 64 or any(not (c.isalnum() or c in "-_./") for c in value):
        raise InputError(f"learner id {value!r} is not usable; use letters, digits, '-', '_', '.' or '/' (max 64)")
    return value
