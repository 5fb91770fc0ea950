"""Who takes part: the learner from the options, the remembered one, or asked at the terminal.

A remembered learner is confirmed on a shared account, and a staff number the store already holds
is confirmed by that person's name: a typo must not record a colleague's attempt (issue 13).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from typing import TYPE_CHECKING

from ltl_quiz import config
from ltl_quiz.app.opening import open_attempt_store
from ltl_quiz.app.ports import Asker, nobody_to_ask
from ltl_quiz.config import Learner
from ltl_quiz.errors import InputError

if TYPE_CHECKING:
    from ltl_quiz.locations import Locations


def resolve_learner(where: Locations, learner_id: str | None, name: str | None, unit: str | None, ask: Asker | None) -> Learner:
    """The learner from the options, else the remembered one, else asked (and then remembered)."""
    remembered = config.remembered_learner(where.config_file, where.db_url)
    if learner_id:
        learner_id = config.check_learner_id(learner_id)
        if remembered and remembered.id == learner_id:
            learner = Learner(learner_id, name or remembered.name, unit if unit is not None else remembered.unit)
        elif name:
            learner = Learner(learner_id, name, unit or "")
        elif known := _stored_learner(where, learner_id):
            learner = Learner(learner_id, known.name, unit if unit is not None else known.unit)
        else:
            raise InputError(f"learner {learner_id} is new here: give --name (and --unit) too")
    elif remembered and not _someone_else(remembered, ask):
        learner = Learner(remembered.id, name or remembered.name, unit if unit is not None else remembered.unit)
    elif ask is not None and not nobody_to_ask(ask):
        learner = ask_learner(ask, known=lambda staff: _known_learner(where, staff))
    else:
        raise InputError("who is taking part? give --learner STAFF_NUMBER --name NAME (and --unit UNIT)")
    config.remember_learner(where.config_file, learner, where.db_url)
    return learner


def _someone_else(remembered: Learner, ask: Asker | None) -> bool:
    """On a shared account or PC the remembered learner may be a colleague (issue 13): say whom
    the record is for, and let a person at the terminal say it is not them."""
    if ask is None or nobody_to_ask(ask):
        return False
    who = remembered.described
    return not ask.confirm("learner_is_me", f"This will be recorded for {who}. Is that you? (No: enter your own details)", True)


def learner_for_run(where: Locations, learner_id: str | None, name: str | None, unit: str | None, ask: Asker) -> tuple[Learner, bool]:
    """The learner for ``run``, and whether to say whom the attempt is recorded for (issue 13: typed
    details were never said back), unless "This will be recorded for ... Is that you?" just did."""
    remembered = config.remembered_learner(where.config_file, where.db_url)
    asked = learner_id is None and remembered is not None and not nobody_to_ask(ask)
    learner = resolve_learner(where, learner_id, name, unit, ask)
    return learner, not (asked and remembered is not None and learner.described == remembered.described)


def _known_learner(where: Locations, learner_id: str) -> Learner | None:
    """The stored learner with this staff number, or None when there is none or the store cannot
    be read just now (then the name is asked, as for anyone new; the store's own error comes when
    the attempt is saved)."""
    try:
        return _stored_learner(where, learner_id)
    except Exception:  # a lookup to confirm who someone is must never stop them
        return None


def _stored_learner(where: Locations, learner_id: str) -> Learner | None:
    """A learner this store already knows, e.g. a colleague who used this terminal before."""
    with closing(open_attempt_store(where)) as store:
        return store.learner(learner_id)


def ask_learner(ask: Asker, known: Callable[[str], Learner | None] | None = None) -> Learner:
    """Who is taking part, asked once at the terminal (the answer is remembered by the caller).

    A staff number the store already holds is confirmed by that person's name instead of taking a
    new name: a mistyped number (a colleague's, at the next computer in a live session) used to
    rename the colleague's record and merge the two people into one."""
    while True:
        staff = ask.text("learner_id", "Your staff number (it identifies your records):").strip()
        try:
            staff = config.check_learner_id(staff)
        except InputError as exc:
            ask.say(str(exc))
            continue
        stored = known(staff) if known else None
        if stored is None:
            break
        unit = f" ({stored.unit})" if stored.unit else ""
        if ask.confirm(
            "learner_known", f"{staff} is {stored.name}{unit} in the records. Is that you? (No: type your own staff number)", True
        ):
            return stored
    name = ""
    while not name:
        name = ask.text("learner_name", "Your name:").strip()
    unit = ask.text("learner_unit", "Your force and unit (for example 'North Yorkshire, control room'):").strip()
    return Learner(staff, name, unit)
