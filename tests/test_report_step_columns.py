"""The step times each answer row holds (m012, kept by the database's triggers) are exactly what the
report computed from the timestamps before them, on random stores written as every writer writes
them: rows inserted one by one and in batches, times changed afterwards, a room's step closed later.

The old computation is the one definition still in ``store.queries`` (``step_seconds`` over
``with_steps``); the report's sums (``step_times``: steps' counts, the completed attempts' milliseconds) are
checked against that definition too, scripted attempts left out as the report leaves them out.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ltl_quiz.store import Store
from ltl_quiz.store.queries import Filters, step_seconds, with_steps
from ltl_quiz.store.report_queries import step_times
from ltl_quiz.store.tables import answers, attempts, learners, session_steps, sessions

BASE = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
ROOM = "ROOM1"


def _ts(ms: int) -> str:
    return (BASE + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


answer_st = st.tuples(
    st.sampled_from(["n1", "n2", "n3"]),
    st.integers(0, 10**6),  # shown, in milliseconds from BASE
    st.one_of(st.integers(0, 400).map(lambda q: q * 250), st.integers(0, 10**6)),  # taken: half seconds, where rounding decides, or any
)
attempt_st = st.fixed_dictionaries(
    {
        "scenario": st.sampled_from(["case-a", "case-b"]),
        "status": st.sampled_from(["completed", "in-progress", "abandoned"]),
        "how": st.sampled_from([None, "terminal", "scripted"]),
        "room": st.booleans(),
        "answers": st.lists(answer_st, max_size=5),
    }
)
store_st = st.fixed_dictionaries(
    {
        "attempts": st.lists(attempt_st, max_size=6),
        "closes": st.lists(st.one_of(st.none(), st.integers(0, 10**6)), min_size=5, max_size=5),  # the room's steps 1-5
        "batched": st.booleans(),
        "moved": st.one_of(st.none(), st.integers(0, 10**5)),  # later: every answer's times pinned again
        "reclosed": st.one_of(st.none(), st.integers(0, 10**6)),  # later: the room's step 1 closed at another time
    }
)


def _write(store: Store, spec: dict[str, Any]) -> None:
    with store.engine.begin() as conn:
        for table in (answers, session_steps, attempts, sessions, learners):
            conn.execute(sa.delete(table))
        conn.execute(sa.insert(learners).values(id="L1", name="Officer", unit="", created_at=_ts(0)))
        conn.execute(
            sa.insert(sessions).values(
                code=ROOM,
                scenario_id="case-a",
                scenario_sha256="0" * 64,
                track="officer",
                kind="facilitated",
                trainer="T",
                status="closed",
                created_at=_ts(0),
                updated_at=_ts(0),
                state="{}",
            )
        )
        for seq, close in enumerate(spec["closes"], start=1):
            closed = None if close is None else _ts(close + 500)
            conn.execute(
                sa.insert(session_steps).values(
                    session_code=ROOM, seq=seq, kind="decision", key="k", shown_at=_ts(close or 0), closed_at=closed
                )
            )
        rows = []
        for n, a in enumerate(spec["attempts"]):
            attempt_id = f"attempt-{n}"
            conn.execute(
                sa.insert(attempts).values(
                    id=attempt_id,
                    learner_id="L1",
                    scenario_id=a["scenario"],
                    scenario_title="T",
                    scenario_version=1,
                    scenario_sha256="0" * 64,
                    track="officer",
                    mode="practice",
                    seed=1,
                    status=a["status"],
                    started_at=_ts(n),
                    updated_at=_ts(n),
                    state="{}",
                    session_code=ROOM if a["room"] else None,
                    how_answered=a["how"],
                )
            )
            for seq, (node, shown, took) in enumerate(a["answers"], start=1):
                rows.append(
                    {
                        "id": f"{attempt_id}-{seq}",
                        "attempt_id": attempt_id,
                        "seq": seq,
                        "node_id": node,
                        "kind": "decision",
                        "shown_at": _ts(shown),
                        "answered_at": _ts(shown + took),
                    }
                )
        if rows and spec["batched"]:
            conn.execute(sa.insert(answers), rows)
        for row in rows if not spec["batched"] else ():
            conn.execute(sa.insert(answers).values(**row))
    with store.engine.begin() as conn:
        if spec["moved"] is not None:
            conn.execute(sa.update(answers).values(shown_at=_ts(spec["moved"]), answered_at=_ts(spec["moved"] * 3 + 1)))
        if spec["reclosed"] is not None:
            conn.execute(sa.update(session_steps).where(session_steps.c.seq == 1).values(closed_at=_ts(spec["reclosed"])))


def _old(store: Store) -> list[Any]:
    """Each answer as the report computed its step before m012: from the timestamps, at report time."""
    seconds = step_seconds()
    query = sa.select(
        answers.c.id,
        attempts.c.scenario_id,
        attempts.c.status,
        attempts.c.track,
        attempts.c.how_answered,
        answers.c.node_id,
        seconds.label("seconds"),
        sa.func.round(seconds).label("rounded"),
    ).select_from(with_steps(attempts.join(answers, answers.c.attempt_id == attempts.c.id)))
    with store.reading() as conn:
        return list(conn.execute(query))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=store_st)
def test_the_stored_step_times_are_the_old_computation(db_url: str, spec: dict[str, Any]) -> None:
    with Store(db_url) as store:
        _write(store, spec)
        old = {r.id: r for r in _old(store)}
        with store.reading() as conn:
            kept = {r.id: r for r in conn.execute(sa.select(answers.c.id, answers.c.scenario_id, answers.c.step_ms, answers.c.step_s))}
        assert kept.keys() == old.keys()
        for answer_id, r in old.items():
            got = kept[answer_id]
            assert (got.scenario_id, got.step_s, got.step_ms) == (r.scenario_id, int(r.rounded), round(r.seconds * 1000)), answer_id

        expected: Counter[tuple[str, str, float]] = Counter()
        spent: Counter[tuple[str, str]] = Counter()
        for r in old.values():
            if r.how_answered != "scripted":
                expected[(r.scenario_id, r.node_id, float(r.rounded))] += 1
                if r.status == "completed":
                    spent[(r.scenario_id, r.track)] += round(r.seconds * 1000)
        filters = Filters(include_scripted=False)
        assert Counter({(r.scenario_id, r.node_id, float(r.rounded)): int(r.n) for r in step_times(store, filters)}) == expected
        by_filter = Counter(
            {(r.scenario_id, r.node_id, float(r.rounded)): int(r.n) for r in step_times(store, Filters(status="completed"))}
        )
        assert by_filter == Counter((r.scenario_id, r.node_id, float(r.rounded)) for r in old.values() if r.status == "completed")
        counted: Counter[tuple[str, str]] = Counter()
        for r in step_times(store, filters):
            counted[(r.scenario_id, r.track)] += int(r.completed_ms or 0)
        assert +counted == +spent
