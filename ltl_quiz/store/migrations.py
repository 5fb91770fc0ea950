"""Numbered schema migrations, applied in order when a store is opened and recorded as they run.

Each migration is a small function appended to ``MIGRATIONS``. Never edit one that has landed:
stores in the field have already run it. Add a new one instead. The SQL is kept portable
(text timestamps in ISO 8601 UTC, JSON as text) so the same list runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

Migration = Callable[[sa.Connection], None]


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
    with conn.begin_nested():
        conn.execute(sa.text("ALTER TABLE attempts ADD COLUMN session_code VARCHAR(16)"))
    conn.execute(sa.text("CREATE INDEX ix_attempts_session_code ON attempts (session_code)"))


MIGRATIONS: list[Migration] = [
    m001_learners_attempts_answers,
    m002_group_sessions,
]


def migration_name(index: int) -> str:
    return MIGRATIONS[index].__name__
