"""Every table of the results store, declared once: the schema the numbered migrations build.

The migrations (``store/migrations.py``) are history and never change; this module is the schema
as it stands after the last of them, for the code that reads and writes rows. ``tests/test_tables.py``
applies the migrations to an empty database and checks, with SQLAlchemy's inspector, that they
build exactly these tables: the same columns, types, nullability, keys and indexes. A new migration
therefore comes with its change here, or that test fails.

Imported only by the store's own modules, never by what ``ltl-quiz --help`` or ``list`` loads.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
# Covering indexes: every column a compliance query reads, so the database answers it from the index alone.
COMPLIANCE_INDEX = ("learner_id", "scenario_id", "track", "status", "finished_at", "passed", "mode", "session_code", "how_answered")
# The learning report's ranking of each learner's attempts at a scenario (their first is analysed), in its order.
FIRST_ATTEMPTS_INDEX = ("learner_id", "scenario_id", "started_at", "id", "track", "status", "mode", "how_answered")
# The learning report's completed attempts' held time (m013), per scenario and track.
HELD_INDEX = ("status", "scenario_id", "track", "how_answered", "held_ms")
REPORT_INDEX = ("learner_id", "scenario_id", "assigned_at", "track", "due_on", "every_months", "starts_at", "mode", "allow_sessions")
TERMS_INDEX = (*REPORT_INDEX, "terms_key")  # m014: the same, with each assignment's terms as the report keys them

_TIME = sa.String(32)  # ISO 8601 UTC text, as ``store.db.now`` writes it
_DAY = sa.String(10)  # YYYY-MM-DD
_LEARNER = sa.String(64)  # a staff number
_UUID = sa.String(36)
_CODE = sa.String(16)  # a group session's code, a status, a track, a mode...
_SLUG = sa.String(100)  # a scenario's or a node's id


def _learner_key(nullable: bool = False, primary_key: bool = False) -> sa.Column[str]:
    return sa.Column("learner_id", _LEARNER, sa.ForeignKey("learners.id"), nullable=nullable, primary_key=primary_key)


def _session_key(primary_key: bool = False) -> sa.Column[str]:
    return sa.Column("session_code", _CODE, sa.ForeignKey("sessions.code"), nullable=False, primary_key=primary_key)


migrations = sa.Table(
    "ltl_migrations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", _TIME, nullable=False),
)

learners = sa.Table(  # m001
    "learners",
    metadata,
    sa.Column("id", _LEARNER, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", _TIME, nullable=False),
)

attempts = sa.Table(  # m001, with session_code (m002), how_answered (m005) and held_ms (m013)
    "attempts",
    metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("learner_id", _LEARNER, sa.ForeignKey("learners.id"), nullable=False, index=True),
    sa.Column("scenario_id", _SLUG, nullable=False, index=True),
    sa.Column("scenario_title", sa.Text, nullable=False),
    sa.Column("scenario_version", sa.Integer, nullable=False),
    sa.Column("scenario_sha256", sa.String(64), nullable=False),
    sa.Column("track", _CODE, nullable=False),
    sa.Column("mode", _CODE, nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("status", _CODE, nullable=False, index=True),
    sa.Column("started_at", _TIME, nullable=False, index=True),
    sa.Column("updated_at", _TIME, nullable=False),
    sa.Column("finished_at", _TIME),
    sa.Column("score", sa.Integer, nullable=False, server_default="0"),
    sa.Column("best_score", sa.Integer, nullable=False, server_default="0"),
    sa.Column("percentage", sa.Float, nullable=False, server_default="0"),
    sa.Column("passed", sa.Boolean),
    sa.Column("critical_failures", sa.Text, nullable=False, server_default="[]"),
    sa.Column("competencies", sa.Text, nullable=False, server_default="{}"),
    sa.Column("ending", _SLUG),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("session_code", _CODE, index=True),
    sa.Column("how_answered", _CODE),  # terminal | scripted | trainer; NULL: not recorded
    # m013: time before the learner at prompts that leave no answer row (a step left, feedback read)
    sa.Column("held_ms", sa.BigInteger, nullable=False, server_default="0"),
    # m007: every column the compliance rule reads, so it is answered from the index alone
    sa.Index("ix_attempts_compliance", *COMPLIANCE_INDEX),
    # m011: the learning report's first attempts, ranked from the index alone
    sa.Index("ix_attempts_first", *FIRST_ATTEMPTS_INDEX),
    # m013: the learning report's sums of completed attempts' held time, from the index alone
    sa.Index("ix_attempts_held", *HELD_INDEX),
)

answers = sa.Table(  # m001, with the step times (m012)
    "answers",
    metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("attempt_id", _UUID, sa.ForeignKey("attempts.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("node_id", _SLUG, nullable=False),
    sa.Column("kind", _CODE, nullable=False),
    sa.Column("option_ids", sa.Text, nullable=False, server_default="[]"),
    sa.Column("free_text", sa.Text),
    sa.Column("covered", sa.Text, nullable=False, server_default="[]"),
    sa.Column("points", sa.Integer, nullable=False, server_default="0"),
    sa.Column("critical", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("shown_at", _TIME, nullable=False),
    sa.Column("answered_at", _TIME, nullable=False),
    # m012: kept by the database's triggers (store/migration_steps.py), never written by the code
    sa.Column("scenario_id", _SLUG),  # the attempt's
    sa.Column("track", _CODE),  # the attempt's
    sa.Column("step_ms", sa.BigInteger),  # the step's time (queries.step_seconds), in milliseconds
    sa.Column("step_s", sa.Integer),  # the same, in whole seconds as the database rounds them
    sa.UniqueConstraint("attempt_id", "seq", name="uq_answers_attempt_seq"),
    sa.Index("ix_answers_step_times", "scenario_id", "track", "node_id", "step_s", "step_ms"),
    sa.Index("ix_answers_marks", "attempt_id", "kind", "node_id", "points", "option_ids"),  # m012: the item sums' reads
)

sessions = sa.Table(  # m002
    "sessions",
    metadata,
    sa.Column("code", _CODE, primary_key=True),
    sa.Column("scenario_id", _SLUG, nullable=False),
    sa.Column("scenario_sha256", sa.String(64), nullable=False),
    sa.Column("track", _CODE, nullable=False),
    sa.Column("kind", _CODE, nullable=False),  # facilitated | live
    sa.Column("trainer", sa.Text, nullable=False),
    sa.Column("status", _CODE, nullable=False),  # open | paused | closed
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("updated_at", _TIME, nullable=False),
    sa.Column("state", sa.Text, nullable=False, server_default="{}"),
)

session_participants = sa.Table(  # m003, with the lease (m009)
    "session_participants",
    metadata,
    _session_key(primary_key=True),
    _learner_key(primary_key=True),
    sa.Column("list_no", sa.Integer, nullable=False),
    sa.Column("attempt_id", _UUID, sa.ForeignKey("attempts.id")),
    sa.Column("present", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("joined_at", _TIME),
    sa.Column("joined_seq", sa.Integer),
    sa.Column("left_at", _TIME),
    sa.Column("terminal", _UUID),
    sa.Column("terminal_host", sa.String(255)),
    sa.Column("terminal_pid", sa.Integer),
    sa.Column("seen_at", _TIME),
)

session_steps = sa.Table(  # m003
    "session_steps",
    metadata,
    _session_key(primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", _CODE, nullable=False),
    sa.Column("key", _SLUG, nullable=False),
    sa.Column("method", _CODE),  # individual | hands | live
    sa.Column("counts", sa.Text, nullable=False, server_default="{}"),
    sa.Column("responses", sa.Integer, nullable=False, server_default="0"),
    sa.Column("room_choice", sa.Text, nullable=False, server_default="[]"),
    sa.Column("followed", sa.Text, nullable=False, server_default="[]"),
    sa.Column("reason", sa.Text),
    sa.Column("notes", sa.Text),
    sa.Column("shown_at", _TIME, nullable=False),
    sa.Column("opened_at", _TIME),
    sa.Column("revealed_at", _TIME),
    sa.Column("closed_at", _TIME),
)

session_answers = sa.Table(  # m003
    "session_answers",
    metadata,
    sa.Column("id", _UUID, primary_key=True),
    _session_key(),
    sa.Column("seq", sa.Integer, nullable=False),
    _learner_key(),
    sa.Column("key", _SLUG, nullable=False),
    sa.Column("option_ids", sa.Text, nullable=False, server_default="[]"),
    sa.Column("free_text", sa.Text),
    sa.Column("covered", sa.Text, nullable=False, server_default="[]"),
    sa.Column("entered_by", _CODE, nullable=False),  # learner | trainer
    sa.Column("answered_at", _TIME, nullable=False),
    sa.Column("recorded_at", _TIME, nullable=False),
    sa.UniqueConstraint("session_code", "seq", "learner_id", name="uq_session_answers_step_learner"),
)

lrs_accepted = sa.Table(  # m004
    "lrs_accepted",
    metadata,
    sa.Column("endpoint", sa.String(500), primary_key=True),
    sa.Column("statement_id", _UUID, primary_key=True),
    sa.Column("attempt_id", _UUID, nullable=False, index=True),
    sa.Column("accepted_at", _TIME, nullable=False),
)

lrs_voids = sa.Table(  # m006
    "lrs_voids",
    metadata,
    sa.Column("endpoint", sa.String(500), primary_key=True),
    sa.Column("statement_id", _UUID, primary_key=True),
    sa.Column("void_id", _UUID, nullable=False),
    sa.Column("attempt_id", _UUID, nullable=False, index=True),
    sa.Column("reason", _CODE, nullable=False),  # erased | replaced
    sa.Column("recorded_at", _TIME, nullable=False),
)

assignments = sa.Table(  # m007
    "assignments",
    metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("learner_id", _LEARNER, sa.ForeignKey("learners.id"), nullable=False, index=True),
    sa.Column("scenario_id", _SLUG, nullable=False),
    sa.Column("track", _CODE, nullable=False),
    sa.Column("mode", _CODE),  # NULL: practice or assessed
    sa.Column("due_on", _DAY, nullable=False),
    sa.Column("every_months", sa.Integer),  # NULL: once
    sa.Column("allow_sessions", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("starts_at", _TIME, nullable=False),
    sa.Column("assigned_by", sa.Text, nullable=False),
    sa.Column("assigned_at", _TIME, nullable=False),
    # m014: kept by the database's triggers (store/migration_terms.py), never written by the code
    sa.Column("terms_key", sa.Text),  # 'hotel officer 2027-03-14 12 ': case, track, due on, every months, each and a space
    # m010: the compliance report in its order, from the index alone; m014: with the terms
    sa.Index("ix_assignments_report", *REPORT_INDEX),
    sa.Index("ix_assignments_terms", *TERMS_INDEX),
)

store_settings = sa.Table(  # m007
    "store_settings",
    metadata,
    sa.Column("name", _SLUG, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

certificates = sa.Table(  # m007
    "certificates",
    metadata,
    sa.Column("code", _CODE, primary_key=True),
    sa.Column("attempt_id", _UUID, nullable=False, index=True),
    sa.Column("expires_on", _DAY),
    sa.Column("issued_at", _TIME, nullable=False),
)

erasures = sa.Table(  # m007
    "erasures",
    metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("kind", _CODE, nullable=False),  # forget | purge
    sa.Column("subject", _SLUG, nullable=False),  # a keyed pseudonym, or 'before YYYY-MM-DD'
    sa.Column("erased_by", sa.Text, nullable=False),
    sa.Column("erased_at", _TIME, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("counts", sa.Text, nullable=False, server_default="{}"),
)

erased_attempts = sa.Table(  # m007
    "erased_attempts",
    metadata,
    sa.Column("attempt_id", _UUID, primary_key=True),
    sa.Column("erased_at", _TIME, nullable=False),
    sa.Column("pushed", sa.Boolean, nullable=False, server_default=sa.false()),
)

reflection_consents = sa.Table(  # m008
    "reflection_consents",
    metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("learner_id", _LEARNER, sa.ForeignKey("learners.id"), nullable=False, index=True),
    sa.Column("shares", sa.Boolean, nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("decided_at", _TIME, nullable=False),
)
