"""Numbered schema migrations, applied in order when a store is opened and recorded as they run.

Each migration is a small function appended to ``MIGRATIONS``. Never edit one that has landed:
stores in the field have already run it. Add a new one instead. The SQL is kept portable
(text timestamps in ISO 8601 UTC, JSON as text) so the same list runs on SQLite and PostgreSQL.

The tables a migration creates are data: a column a line, as ``name type`` and its flags (see
``_column``), frozen as the migration first wrote them. They never read ``store/tables.py``, the
schema as it stands now: that moves on, and history must not move with it.
``_column`` and ``TYPES`` are history too: what a spec means never changes (a new kind of column
gets a new word). ``tests/test_migrations_frozen.py`` checks that the database they build never changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from ltl_quiz.store.migration_held import m013_attempt_held_time
from ltl_quiz.store.migration_steps import m012_answer_step_times
from ltl_quiz.store.migration_terms import m014_assignment_terms

Migration = Callable[[sa.Connection], None]
# A table a migration creates: its columns (``_column``'s specs) and any constraints over several columns.
TableSpec = tuple[str | sa.Constraint, ...]
# The keys later migrations refer to, as m001 and m002 created them.
KEYS = {"learners": ("id", 64), "attempts": ("id", 36), "sessions": ("code", 16)}
TYPES: dict[str, sa.types.TypeEngine[str] | sa.types.TypeEngine[int] | sa.types.TypeEngine[float] | sa.types.TypeEngine[bool]] = {
    "text": sa.Text(),
    "integer": sa.Integer(),
    "bigint": sa.BigInteger(),
    "float": sa.Float(),
    "boolean": sa.Boolean(),
}


def _column(spec: str) -> sa.Column[Any]:
    """One column from its spec, ``name type [flag ...]``: the type is ``varchar(N)`` or one of ``TYPES``;
    the flags are ``key`` (part of the primary key), ``null`` (nullable: a column is NOT NULL unless it says
    so), ``index``, ``->table.column`` (a foreign key) and ``=value`` (a server default: ``=''`` the empty
    text, ``=false`` false, any other value the text it says, so ``=0`` is ``DEFAULT '0'``). No column
    autoincrements: the store makes its own ids. A word it does not know is a mistake in the spec."""
    name, kind, *flags = spec.split()
    unknown = [flag for flag in flags if flag not in ("key", "null", "index") and not flag.startswith(("->", "="))]
    if unknown or not (kind in TYPES or kind.startswith("varchar(")):
        raise ValueError(f"column spec {spec!r}: {', '.join(unknown) or kind} is not a type or flag migrations know")
    column_type = sa.String(int(kind[len("varchar(") : -1])) if kind.startswith("varchar(") else TYPES[kind]
    keys = [sa.ForeignKey(flag[2:]) for flag in flags if flag.startswith("->")]
    default = next((flag[1:] for flag in flags if flag.startswith("=")), None)
    return sa.Column(
        name,
        column_type,
        *keys,
        primary_key="key" in flags,
        autoincrement=False,
        nullable="null" in flags,
        index=True if "index" in flags else None,
        server_default=sa.false() if default == "false" else None if default is None else default.strip("'"),
    )


def _create(conn: sa.Connection, tables: Mapping[str, TableSpec]) -> None:
    """Create these new tables and their indexes. A table they refer to exists already: it is declared
    by its key only (``KEYS``), so that the foreign keys resolve, and is not created."""
    meta = sa.MetaData()
    created = [sa.Table(name, meta, *(_column(c) if isinstance(c, str) else c for c in spec)) for name, spec in tables.items()]
    for name in {key.target_fullname.split(".")[0] for table in created for key in table.foreign_keys} - set(tables):
        key, length = KEYS[name]
        sa.Table(name, meta, sa.Column(key, sa.String(length), primary_key=True))
    meta.create_all(conn, tables=created)


def _add_column(conn: sa.Connection, table: str, column: str) -> None:
    """``ALTER TABLE ... ADD COLUMN``, in a savepoint of the migration's transaction."""
    with conn.begin_nested():
        conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column}"))


# m001: learners, their attempts, and every answer given.
M001: dict[str, TableSpec] = {
    "learners": (
        "id varchar(64) key",
        "name text",
        "unit text =''",
        "created_at varchar(32)",
    ),
    "attempts": (
        "id varchar(36) key",
        "learner_id varchar(64) ->learners.id index",
        "scenario_id varchar(100) index",
        "scenario_title text",
        "scenario_version integer",
        "scenario_sha256 varchar(64)",
        "track varchar(16)",
        "mode varchar(16)",
        "seed bigint",
        "status varchar(16) index",
        "started_at varchar(32) index",
        "updated_at varchar(32)",
        "finished_at varchar(32) null",
        "score integer =0",
        "best_score integer =0",
        "percentage float =0",
        "passed boolean null",
        "critical_failures text =[]",
        "competencies text ={}",
        "ending varchar(100) null",
        "state text",
    ),
    "answers": (
        "id varchar(36) key",
        "attempt_id varchar(36) ->attempts.id",
        "seq integer",
        "node_id varchar(100)",
        "kind varchar(16)",
        "option_ids text =[]",
        "free_text text null",
        "covered text =[]",
        "points integer =0",
        "critical boolean =false",
        "shown_at varchar(32)",
        "answered_at varchar(32)",
        sa.UniqueConstraint("attempt_id", "seq", name="uq_answers_attempt_seq"),
    ),
}

# m002: group sessions run by a trainer.
M002: dict[str, TableSpec] = {
    "sessions": (
        "code varchar(16) key",
        "scenario_id varchar(100)",
        "scenario_sha256 varchar(64)",
        "track varchar(16)",
        "kind varchar(16)",  # facilitated | live
        "trainer text",
        "status varchar(16)",  # open | paused | closed
        "created_at varchar(32)",
        "updated_at varchar(32)",
        "state text ={}",
    ),
}

# m003: a group session's records (see ``m003_session_records``).
M003: dict[str, TableSpec] = {
    "session_participants": (
        "session_code varchar(16) ->sessions.code key",
        "learner_id varchar(64) ->learners.id key",
        "list_no integer",
        "attempt_id varchar(36) ->attempts.id null",
        "present boolean =false",
        "joined_at varchar(32) null",
        "joined_seq integer null",
        "left_at varchar(32) null",
    ),
    "session_steps": (
        "session_code varchar(16) ->sessions.code key",
        "seq integer key",
        "kind varchar(16)",
        "key varchar(100)",
        "method varchar(16) null",  # individual | hands | live
        "counts text ={}",
        "responses integer =0",
        "room_choice text =[]",
        "followed text =[]",
        "reason text null",
        "notes text null",
        "shown_at varchar(32)",
        "opened_at varchar(32) null",
        "revealed_at varchar(32) null",
        "closed_at varchar(32) null",
    ),
    "session_answers": (
        "id varchar(36) key",
        "session_code varchar(16) ->sessions.code",
        "seq integer",
        "learner_id varchar(64) ->learners.id",
        "key varchar(100)",
        "option_ids text =[]",
        "free_text text null",
        "covered text =[]",
        "entered_by varchar(16)",  # learner | trainer
        "answered_at varchar(32)",
        "recorded_at varchar(32)",
        sa.UniqueConstraint("session_code", "seq", "learner_id", name="uq_session_answers_step_learner"),
    ),
}

# m004: what each learning record store has accepted, keyed by the endpoint (without credentials)
# and the statement's deterministic id.
M004: dict[str, TableSpec] = {
    "lrs_accepted": (
        "endpoint varchar(500) key",
        "statement_id varchar(36) key",
        "attempt_id varchar(36) index",
        "accepted_at varchar(32)",
    ),
}

# m006: statements to be voided: ids and a reason only, nothing about the person; keyed like lrs_accepted.
M006: dict[str, TableSpec] = {
    "lrs_voids": (
        "endpoint varchar(500) key",
        "statement_id varchar(36) key",
        "void_id varchar(36)",
        "attempt_id varchar(36) index",
        "reason varchar(16)",  # erased | replaced
        "recorded_at varchar(32)",
    ),
}

# m007: compliance (see ``m007_assignments_certificates_erasure``).
M007: dict[str, TableSpec] = {
    # who must do which case on which track, by when, how often
    "assignments": (
        "id varchar(36) key",
        "learner_id varchar(64) ->learners.id index",
        "scenario_id varchar(100)",
        "track varchar(16)",
        "mode varchar(16) null",  # NULL: practice or assessed
        "due_on varchar(10)",
        "every_months integer null",  # NULL: once
        "allow_sessions boolean =false",
        "starts_at varchar(32)",
        "assigned_by text",
        "assigned_at varchar(32)",
    ),
    # the store's own settings: the certificate key
    "store_settings": (
        "name varchar(100) key",
        "value text",
    ),
    # the certificates issued, by code
    "certificates": (
        "code varchar(16) key",
        "attempt_id varchar(36) index",
        "expires_on varchar(10) null",
        "issued_at varchar(32)",
    ),
    # the audit of erasures
    "erasures": (
        "id varchar(36) key",
        "kind varchar(16)",  # forget | purge
        "subject varchar(100)",  # a keyed pseudonym, or 'before YYYY-MM-DD'
        "erased_by text",
        "erased_at varchar(32)",
        "rows integer",
        "counts text ={}",
    ),
    # the ids of the attempts they erased
    "erased_attempts": (
        "attempt_id varchar(36) key",
        "erased_at varchar(32)",
        "pushed boolean =false",  # an LRS had accepted its statements
    ),
}

# m008: whether each learner shares their written reflections, one row per decision.
M008: dict[str, TableSpec] = {
    "reflection_consents": (
        "id varchar(36) key",
        "learner_id varchar(64) ->learners.id index",
        "shares boolean",
        "decided_by text",
        "decided_at varchar(32)",
    ),
}


def m001_learners_attempts_answers(conn: sa.Connection) -> None:
    """The first schema: learners, their attempts, and every answer given."""
    _create(conn, M001)


def m002_group_sessions(conn: sa.Connection) -> None:
    """Group sessions run by a trainer; an attempt made in one carries the session's code."""
    _create(conn, M002)
    _add_column(conn, "attempts", "session_code VARCHAR(16)")
    conn.execute(sa.text("CREATE INDEX ix_attempts_session_code ON attempts (session_code)"))


def m003_session_records(conn: sa.Connection) -> None:
    """A group session's records: who took part, each step the room took, each answer given in it.

    ``session_steps`` keeps the distribution at each decision, the branch followed and why, and the
    trainer's notes; ``session_answers`` is unique per session, step and learner, so an answer can
    be neither lost nor counted twice however many terminals answer at once.
    """
    _create(conn, M003)


def m004_lrs_accepted(conn: sa.Connection) -> None:
    """What each learning record store has accepted, so the next ``lrs push`` sends only new statements.

    Keyed by the endpoint (without credentials) and the statement's deterministic id.
    """
    _create(conn, M004)


def m005_how_answered(conn: sa.Connection) -> None:
    """How each attempt was answered: ``terminal`` (a person at the prompts), ``scripted`` (an answers
    file, ``run --answers``) or ``trainer`` (entered by the trainer in a facilitated session).

    A scripted run finishes a case in a fraction of a second and must never pass for a learner's own
    work. Attempts made before this column existed keep it empty ("not recorded"), except those of
    facilitated sessions, which the trainer always entered.
    """
    _add_column(conn, "attempts", "how_answered VARCHAR(16)")
    conn.execute(sa.text("UPDATE attempts SET how_answered = 'trainer' WHERE mode = 'facilitated'"))


def m006_lrs_voids(conn: sa.Connection) -> None:
    """Statements an LRS accepted that are to be voided (erased people, replaced attempts): see ``store/voids.py``.

    Ids and a reason only, nothing about the person; keyed like ``lrs_accepted``.
    """
    _create(conn, M006)


def m007_assignments_certificates_erasure(conn: sa.Connection) -> None:
    """Compliance (issue 15): assignments with due dates and renewal, the store's own settings (the
    certificate key), issued certificates, and the audit of erasures.

    ``erasures`` says who erased, when and how many rows, never whose: the subject is a keyed
    pseudonym, so the force can answer "was X erased?" without the store holding X.
    ``erased_attempts`` keeps only attempt ids (no personal data) so ``lrs push`` can send voided
    statements for those an LRS had accepted.
    """
    _create(conn, M007)
    # The compliance report looks up each assignment's attempts: an index holding every column
    # the rule reads answers from the index alone, never reading rows with their large state.
    conn.execute(
        sa.text(
            "CREATE INDEX ix_attempts_compliance ON attempts "
            "(learner_id, scenario_id, track, status, finished_at, passed, mode, session_code, how_answered)"
        )
    )


def m008_reflection_consents(conn: sa.Connection) -> None:
    """Whether each learner shares their written reflections with a CPD lead (see ``store/consent.py``).

    One row per decision, never updated: who recorded it and when, and yes or no. No row: not shared.
    """
    _create(conn, M008)


def m009_participant_lease(conn: sa.Connection) -> None:
    """A live participant's lease on their place in a session (issue 13): the joined terminal's id,
    host and process, and when it was last seen. A second terminal joining as the same learner is
    refused while the lease is fresh, on whichever computer it runs (``sessions/presence.py``)."""
    for column in ("terminal VARCHAR(36)", "terminal_host VARCHAR(255)", "terminal_pid INTEGER", "seen_at VARCHAR(32)"):
        _add_column(conn, "session_participants", column)


def m010_compliance_report_index(conn: sa.Connection) -> None:
    """The compliance report reads every assignment in its order (person, case, when assigned) with
    the columns the rule needs: an index holding them all in that order lets the store answer from
    the index alone, with no sort and no visit to the table's rows (issue 15: a force in 2 s).
    """
    conn.execute(
        sa.text(
            "CREATE INDEX ix_assignments_report ON assignments "
            "(learner_id, scenario_id, assigned_at, track, due_on, every_months, starts_at, mode, allow_sessions)"
        )
    )


def m011_report_first_attempts_index(conn: sa.Connection) -> None:
    """The learning report's item statistics rank each learner's attempts at a scenario by start
    (their first is the one analysed): an index in that order, holding the columns the ranking
    reads, gives the ranking with no sort and no visit to the rows with their large state (issue 12)."""
    conn.execute(
        sa.text("CREATE INDEX ix_attempts_first ON attempts (learner_id, scenario_id, started_at, id, track, status, mode, how_answered)")
    )


MIGRATIONS: list[Migration] = [
    m001_learners_attempts_answers,
    m002_group_sessions,
    m003_session_records,
    m004_lrs_accepted,
    m005_how_answered,
    m006_lrs_voids,
    m007_assignments_certificates_erasure,
    m008_reflection_consents,
    m009_participant_lease,
    m010_compliance_report_index,
    m011_report_first_attempts_index,
    m012_answer_step_times,
    m013_attempt_held_time,
    m014_assignment_terms,
]


def migration_name(index: int) -> str:
    return MIGRATIONS[index].__name__
