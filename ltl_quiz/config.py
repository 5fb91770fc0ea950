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


def remembered_learner(path: Path) -> Learner | None:
    data = load(path).get("learner")
    if isinstance(data, dict) and data.get("id") and data.get("name"):
        return Learner(str(data["id"]), str(data["name"]), str(data.get("unit", "")))
    return None


def remember_learner(path: Path, learner: Learner) -> None:
    data = load(path)
    data["learner"] = asdict(learner)
    save(path, data)


def check_learner_id(value: str) -> str:
    """Staff numbers are short printable ids; refuse anything that would break an export or a path."""
    value = value.strip()
    if not value or len(value) > 64 or any(not (c.isalnum() or c in "-_./") for c in value):
        raise InputError(f"learner id {value!r} is not usable; use letters, digits, '-', '_', '.' or '/' (max 64)")
    return value
