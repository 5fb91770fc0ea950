"""The rule as SQL (``rule.satisfying_sql``) agrees with the rule in Python on every edge, on every store.

Each edge case of test_compliance_rule.py is written into a real store (its own learner), and
the report the store computes must give the standing the Python rule gives, which that file
checks against hand-worked answers.
"""

from __future__ import annotations

import sqlalchemy as sa
from test_compliance_rule import CASES

from ltl_quiz.app.compliance import compute
from ltl_quiz.compliance.rule import standing
from ltl_quiz.locations import resolve
from ltl_quiz.store import Store


def test_sql_and_python_agree_on_every_edge(db_url: str) -> None:
    store = Store(db_url)
    with store.engine.begin() as conn:
        for kind in ("facilitated", "live"):
            conn.execute(
                sa.text(
                    "INSERT INTO sessions (code, scenario_id, scenario_sha256, track, kind, trainer, status, created_at, updated_at, state) "
                    "VALUES (:k, 'hotel', 'x', 'officer', :k, 'T', 'closed', 'x', 'x', '{}')"
                ),
                {"k": kind},
            )
        for n, (_, a, evidence, _today, _, _) in enumerate(CASES):
            who = {"S1": f"L{n}", "S2": f"O{n}"}
            for person in who.values():
                conn.execute(
                    sa.text("INSERT INTO learners (id, name, unit, created_at) VALUES (:i, :n, 'U', 'x')"), {"i": person, "n": person}
                )
            conn.execute(
                sa.text(
                    "INSERT INTO assignments (id, learner_id, scenario_id, track, mode, due_on, every_months, allow_sessions, starts_at, assigned_by, assigned_at) "
                    "VALUES (:id, :l, :s, :t, :m, :d, :e, :allow, :st, 'lead', :st)"
                ),
                {
                    "id": f"a{n}",
                    "l": who[a.learner_id],
                    "s": a.scenario_id,
                    "t": a.track,
                    "m": a.mode,
                    "d": a.due_on.isoformat(),
                    "e": a.every_months,
                    "allow": a.allow_sessions,
                    "st": a.starts_at,
                },
            )
            for i, e in enumerate(evidence):
                conn.execute(
                    sa.text(
                        "INSERT INTO attempts (id, learner_id, scenario_id, scenario_title, scenario_version, scenario_sha256, track, mode, seed, "
                        "status, started_at, updated_at, finished_at, passed, state, session_code, how_answered) VALUES "
                        "(:id, :l, :s, 't', 1, 'x', :t, :m, 0, :st, 'x', 'x', :f, :p, '{}', :sc, :h)"
                    ),
                    {
                        "id": f"t{n}-{i}",
                        "l": who[e.learner_id],
                        "s": e.scenario_id,
                        "t": e.track,
                        "m": e.mode,
                        "st": e.status,
                        "f": e.finished_at,
                        "p": e.passed,
                        "sc": e.session_kind,
                        "h": e.answered_how,
                    },
                )
    store.close()
    where = resolve(db=db_url)
    for n, (name, a, evidence, today, state, on) in enumerate(CASES):
        lines = compute(where, None, None, today=today, learner_id=f"L{n}").lines
        assert len(lines) == 1, name
        python = standing(a, evidence, today)
        assert (lines[0].state, lines[0].on) == (python.state, python.on) == (state, on), name


def test_an_earlier_completion_the_rule_does_not_count_is_the_one_python_names(db_url: str) -> None:
    """``rule.marked_sql``: the report names the day of a completion refused only as before the
    assignment started (and nothing where one counts), as ``rule.earlier`` does, on every edge."""
    from ltl_quiz.compliance.rule import earlier

    test_sql_and_python_agree_on_every_edge(db_url)  # writes every edge into the store
    where = resolve(db=db_url)
    named = 0
    for n, (name, a, evidence, today, _, _) in enumerate(CASES):
        (line,) = compute(where, None, None, today=today, learner_id=f"L{n}").lines
        assert line.earlier == earlier(a, evidence), name
        named += line.earlier is not None
    assert named >= 2  # the edges hold passes before the start: the check is not of Nones only
