"""The group-session tables (migrations 2, 3 and 9) as the session store reads and writes them.

Lightweight ``sa.table`` views, not the schema: the migrations create the tables, and these name
only the columns the code uses.
"""

from __future__ import annotations

import sqlalchemy as sa

sessions_t = sa.table(
    "sessions",
    *(
        sa.column(c)
        for c in ("code", "scenario_id", "scenario_sha256", "track", "kind", "trainer", "status", "created_at", "updated_at", "state")
    ),
)
participants_t = sa.table(
    "session_participants",
    *(sa.column(c) for c in ("session_code", "learner_id", "list_no", "attempt_id", "present", "joined_at", "joined_seq", "left_at")),
)
steps_t = sa.table(
    "session_steps",
    *(
        sa.column(c)
        for c in (
            "session_code",
            "seq",
            "kind",
            "key",
            "method",
            "counts",
            "responses",
            "room_choice",
            "followed",
            "reason",
            "notes",
            "shown_at",
            "opened_at",
            "revealed_at",
            "closed_at",
        )
    ),
)
answers_t = sa.table(
    "session_answers",
    *(
        sa.column(c)
        for c in (
            "id",
            "session_code",
            "seq",
            "learner_id",
            "key",
            "option_ids",
            "free_text",
            "covered",
            "entered_by",
            "answered_at",
            "recorded_at",
        )
    ),
)
