"""Numbered schema migrations, applied in order when a store is opened and recorded as they run.

Each migration is a small function appended to ``MIGRATIONS``. Never edit one that has landed:
stores in the field have already run it. Add a new one instead. The SQL is kept portable
(text timestamps in ISO 8601 UTC, JSON as text) so the same list runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

Migration = Callable[[sa.Connection], None]
# The keys later migrations refer to, as m001 and m002 created them.
KEYS = {"learners": ("id", 64), "attempts": ("id", 36), "sessions": ("code", 16)}


def _referred(meta: sa.MetaData, *names: str) -> None:
    """The tables a new table refers to, by their keys only: they exist already and are not created."""
    for name in names:
        key, length = KEYS[name]
        sa.Table(name, meta, sa.Column(key, sa.String(length), primary_key=True))


def _create(conn: sa.Connection, *tables: sa.Table) -> None:
    """Create these new tables (and their indexes), not the ones they only refer to."""
    tables[0].metadata.create_all(conn, tables=list(tables))


def _add_column(conn: sa.Connection, table: str, column: str) -> None:
    """``ALTER TABLE ... ADD COLUMN``, in a savepoint of the migration's transaction."""
    with conn.begin_nested():
        conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column}"))


def m001_learners_attempts_answers(conn: sa.Connection) -> None:
    """The first schema: learners, their attempts, and every answer given."""
    meta = sa.MetaData()
    sa.Table(
        "learners",
        meta,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("unit", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    sa.Table(
        "attempts",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False, index=True),
        sa.Column("scenario_id", sa.String(100), nullable=False, index=True),
        sa.Column("scenario_title", sa.Text, nullable=False),
        sa.Column("scenario_version", sa.Integer, nullable=False),
        sa.Column("scenario_sha256", sa.String(64), nullable=False),
        sa.Column("track", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("started_at", sa.String(32), nullable=False, index=True),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("score", sa.Integer, nullable=False, server_default="0"),
        sa.Column("best_score", sa.Integer, nullable=False, server_default="0"),
        sa.Column("percentage", sa.Float, nullable=False, server_default="0"),
        sa.Column("passed", sa.Boolean),
        sa.Column("critical_failures", sa.Text, nullable=False, server_default="[]"),
        sa.Column("competencies", sa.Text, nullable=False, server_default="{}"),
        sa.Column("ending", sa.String(100)),
        sa.Column("state", sa.Text, nullable=False),
    )
    sa.Table(
        "answers",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("attempt_id", sa.String(36), sa.ForeignKey("attempts.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("node_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("option_ids", sa.Text, nullable=False, server_default="[]"),
        sa.Column("free_text", sa.Text),
        sa.Column("covered", sa.Text, nullable=False, server_default="[]"),
        sa.Column("points", sa.Integer, nullable=False, server_default="0"),
        sa.Column("critical", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("shown_at", sa.String(32), nullable=False),
        sa.Column("answered_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("attempt_id", "seq", name="uq_answers_attempt_seq"),
    )
    meta.create_all(conn)


def m002_group_sessions(conn: sa.Connection) -> None:
    """Group sessions run by a trainer; an attempt made in one carries the session's code."""
    meta = sa.MetaData()
    sa.Table(
        "sessions",
        meta,
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("scenario_sha256", sa.String(64), nullable=False),
        sa.Column("track", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # facilitated | live
        sa.Column("trainer", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),  # open | paused | closed
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("state", sa.Text, nullable=False, server_default="{}"),
    )
    meta.create_all(conn)
    _add_column(conn, "attempts", "session_code VARCHAR(16)")
    conn.execute(sa.text("CREATE INDEX ix_attempts_session_code ON attempts (session_code)"))


def m003_session_records(conn: sa.Connection) -> None:
    """A group session's records: who took part, each step the room took, each answer given in it.

    ``session_steps`` keeps the distribution at each decision, the branch followed and why, and the
    trainer's notes; ``session_answers`` is unique per session, step and learner, so an answer can
    be neither lost nor counted twice however many terminals answer at once.
    """
    meta = sa.MetaData()
    _referred(meta, "sessions", "learners", "attempts")
    participants = sa.Table(
        "session_participants",
        meta,
        sa.Column("session_code", sa.String(16), sa.ForeignKey("sessions.code"), primary_key=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), primary_key=True),
        sa.Column("list_no", sa.Integer, nullable=False),
        sa.Column("attempt_id", sa.String(36), sa.ForeignKey("attempts.id")),
        sa.Column("present", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("joined_at", sa.String(32)),
        sa.Column("joined_seq", sa.Integer),
        sa.Column("left_at", sa.String(32)),
    )
    steps = sa.Table(
        "session_steps",
        meta,
        sa.Column("session_code", sa.String(16), sa.ForeignKey("sessions.code"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("method", sa.String(16)),  # individual | hands | live
        sa.Column("counts", sa.Text, nullable=False, server_default="{}"),
        sa.Column("responses", sa.Integer, nullable=False, server_default="0"),
        sa.Column("room_choice", sa.Text, nullable=False, server_default="[]"),
        sa.Column("followed", sa.Text, nullable=False, server_default="[]"),
        sa.Column("reason", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("shown_at", sa.String(32), nullable=False),
        sa.Column("opened_at", sa.String(32)),
        sa.Column("revealed_at", sa.String(32)),
        sa.Column("closed_at", sa.String(32)),
    )
    answers = sa.Table(
        "session_answers",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("session_code", sa.String(16), sa.ForeignKey("sessions.code"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("option_ids", sa.Text, nullable=False, server_default="[]"),
        sa.Column("free_text", sa.Text),
        sa.Column("covered", sa.Text, nullable=False, server_default="[]"),
        sa.Column("entered_by", sa.String(16), nullable=False),  # learner | trainer
        sa.Column("answered_at", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("session_code", "seq", "learner_id", name="uq_session_answers_step_learner"),
    )
    _create(conn, participants, steps, answers)


def m004_lrs_accepted(conn: sa.Connection) -> None:
    """What each learning record store has accepted, so the next ``lrs push`` sends only new statements.

    Keyed by the endpoint (without credentials) and the statement's deterministic id.
    """
    meta = sa.MetaData()
    sa.Table(
        "lrs_accepted",
        meta,
        sa.Column("endpoint", sa.String(500), primary_key=True),
        sa.Column("statement_id", sa.String(36), primary_key=True),
        sa.Column("attempt_id", sa.String(36), nullable=False, index=True),
        sa.Column("accepted_at", sa.String(32), nullable=False),
    )
    meta.create_all(conn)


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
    meta = sa.MetaData()
    sa.Table(
        "lrs_voids",
        meta,
        sa.Column("endpoint", sa.String(500), primary_key=True),
        sa.Column("statement_id", sa.String(36), primary_key=True),
        sa.Column("void_id", sa.String(36), nullable=False),
        sa.Column("attempt_id", sa.String(36), nullable=False, index=True),
        sa.Column("reason", sa.String(16), nullable=False),  # erased | replaced
        sa.Column("recorded_at", sa.String(32), nullable=False),
    )
    meta.create_all(conn)


def m007_assignments_certificates_erasure(conn: sa.Connection) -> None:
    """Compliance (issue 15): assignments with due dates and renewal, the store's own settings (the
    certificate key), issued certificates, and the audit of erasures.

    ``erasures`` says who erased, when and how many rows, never whose: the subject is a keyed
    pseudonym, so the force can answer "was X erased?" without the store holding X.
    ``erased_attempts`` keeps only attempt ids (no personal data) so ``lrs push`` can send voided
    statements for those an LRS had accepted.
    """
    meta = sa.MetaData()
    _referred(meta, "learners")
    _create(conn, _m007_assignments(meta), *_m007_settings_and_certificates(meta), *_m007_erasures(meta))
    # The compliance report looks up each assignment's attempts: an index holding every column
    # the rule reads answers from the index alone, never reading rows with their large state.
    conn.execute(
        sa.text(
            "CREATE INDEX ix_attempts_compliance ON attempts "
            "(learner_id, scenario_id, track, status, finished_at, passed, mode, session_code, how_answered)"
        )
    )


def _m007_assignments(meta: sa.MetaData) -> sa.Table:
    """m007's ``assignments``: who must do which case on which track, by when, how often."""
    return sa.Table(
        "assignments",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False, index=True),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("track", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16)),  # NULL: practice or assessed
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.Column("every_months", sa.Integer),  # NULL: once
        sa.Column("allow_sessions", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("starts_at", sa.String(32), nullable=False),
        sa.Column("assigned_by", sa.Text, nullable=False),
        sa.Column("assigned_at", sa.String(32), nullable=False),
    )


def _m007_settings_and_certificates(meta: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """m007's ``store_settings`` (the certificate key) and ``certificates`` (codes issued)."""
    settings = sa.Table(
        "store_settings",
        meta,
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    certificates = sa.Table(
        "certificates",
        meta,
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("attempt_id", sa.String(36), nullable=False, index=True),
        sa.Column("expires_on", sa.String(10)),
        sa.Column("issued_at", sa.String(32), nullable=False),
    )
    return settings, certificates


def _m007_erasures(meta: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """m007's audit of erasures and the ids of the attempts they erased."""
    erasures = sa.Table(
        "erasures",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),  # forget | purge
        sa.Column("subject", sa.String(100), nullable=False),  # a keyed pseudonym, or 'before YYYY-MM-DD'
        sa.Column("erased_by", sa.Text, nullable=False),
        sa.Column("erased_at", sa.String(32), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("counts", sa.Text, nullable=False, server_default="{}"),
    )
    erased = sa.Table(
        "erased_attempts",
        meta,
        sa.Column("attempt_id", sa.String(36), primary_key=True),
        sa.Column("erased_at", sa.String(32), nullable=False),
        sa.Column("pushed", sa.Boolean, nullable=False, server_default=sa.false()),  # an LRS had accepted its statements
    )
    return erasures, erased


def m008_reflection_consents(conn: sa.Connection) -> None:
    """Whether each learner shares their written reflections with a CPD lead (see ``store/consent.py``).

    One row per decision, never updated: who recorded it and when, and yes or no. No row: not shared.
    """
    meta = sa.MetaData()
    _referred(meta, "learners")
    consents = sa.Table(
        "reflection_consents",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False, index=True),
        sa.Column("shares", sa.Boolean, nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("decided_at", sa.String(32), nullable=False),
    )
    _create(conn, consents)


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
]


def migration_name(index: int) -> str:
    return MIGRATIONS[index].__name__
