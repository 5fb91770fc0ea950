"""The compliance report at a force's scale: 50,000 learners x 10 cases, 500,000 attempts.

Run from a checkout with the test extras installed: `python bench/compliance.py [--learners N]
[--db URL]` (default: a new SQLite file in a temporary folder; --db an empty PostgreSQL database,
vacuumed and analysed after loading, as autovacuum leaves a store in use).

Every learner is assigned all ten cases (500,000 assignments) and has ten attempts spread over the
cases, a mix of passed, failed, unfinished and scripted ones (real engine states from random walks).
It prints the time of `ltl-quiz compliance` in every format (table, csv, json, html, xlsx, ics:
the whole command, start-up included; and the CSV alone, in process) beside a plain `SELECT
count(*) FROM attempts`, each the best of --runs, with the processor seconds of that run (this
process's, or the command's; a PostgreSQL server's own work is not in them). `--reuse` times a
store an earlier run loaded (`--db` a SQLite file or a PostgreSQL database) without loading it
again. Target (issue 15): under 2 s for every format.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
TARGET_S = 2.0
UNITS = ["Kent, safeguarding hub", "Met, online CSE team", "West Midlands, CID", "Dyfed-Powys, response", "North Yorkshire, control room"]


def load(url: str, learners: int, per_learner: int, seed: int = 15) -> None:
    import force_factory as ff

    from ltl_quiz.store import Store

    rng = random.Random(seed)
    templates = list(ff.templates().values())
    today = datetime.now(UTC).date()
    # Assignments are made in batches: one due date and interval per unit and case.
    batches = {
        (u, t.scenario_id): ((today + timedelta(days=rng.randint(-60, 90))).isoformat(), rng.choice([12, 36, None]))
        for u in UNITS
        for t in templates
    }
    store = Store(url)
    try:
        for start in range(0, learners, 5000):
            people, assignments, attempts = [], [], []
            for n in range(start, min(start + 5000, learners)):
                staff = f"B{n:06d}"
                people.append(ff.learner_row(staff, f"Officer {n}", UNITS[n % 5]))
                for t in templates:
                    due, every = batches[(UNITS[n % 5], t.scenario_id)]
                    assignments.append(ff.assignment_row(staff, t.scenario_id, t.track, due, "2025-01-01T00:00:00.000Z", every))
                for _ in range(per_learner):
                    t = rng.choice(templates)
                    finished = None if rng.random() < 0.1 else _stamp(today - timedelta(days=rng.randint(0, 700)))
                    how = "scripted" if rng.random() < 0.05 else "terminal"
                    attempts.append(ff.attempt_row(t, staff, finished, rng.random() < 0.7, how_answered=how))
            with store.engine.begin() as conn:
                ff.insert(conn, "learners", people)
                ff.insert(conn, "assignments", assignments)
                ff.insert(conn, "attempts", attempts)
        settle(store)
    finally:
        store.close()


def settle(store: object) -> None:
    """On PostgreSQL, VACUUM ANALYZE: what autovacuum soon does to a store in use. Straight after a
    bulk load the tables' visibility map is empty, so every index-only read visits the table too."""
    import sqlalchemy as sa

    engine = store.engine  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T10:00:00.000Z"


def timed(fn: object) -> tuple[float, float]:
    """Wall seconds and processor seconds (this process and the children it waited for)."""
    began, cpu = time.perf_counter(), _cpu()
    fn()  # type: ignore[operator]
    return time.perf_counter() - began, _cpu() - cpu


def _cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def best(fn: object, runs: int) -> tuple[float, float]:
    return min(timed(fn) for _ in range(runs))


FORMATS = ("table", "csv", "json", "html", "xlsx", "ics")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--attempts-per-learner", type=int, default=10)
    parser.add_argument("--db", help="an empty store to fill (default: a new SQLite file)")
    parser.add_argument("--reuse", action="store_true", help="--db already holds a force this bench loaded: time it, load nothing")
    parser.add_argument("--runs", type=int, default=3, help="take the best of N runs")
    parser.add_argument("--formats", default=",".join(FORMATS), help="which formats to time (default: all)")
    args = parser.parse_args()
    import sqlalchemy as sa

    from ltl_quiz.app.compliance import compliance
    from ltl_quiz.locations import redact, resolve
    from ltl_quiz.store import Store

    folder = Path(tempfile.mkdtemp(prefix="ltl-bench-compliance-"))
    try:
        url = args.db or f"sqlite:///{folder / 'ltl-quiz.sqlite3'}"
        print(
            f"compliance bench: {args.learners:,} learners x 10 cases, {args.learners * args.attempts_per_learner:,} attempts; {redact(url)}"
        )
        if not args.reuse:
            load_s, _ = timed(lambda: load(url, args.learners, args.attempts_per_learner))
            print(f"load                      {load_s:7.1f} s")
        store = Store(url)
        with store.engine.connect() as conn:
            n = conn.execute(sa.text("SELECT count(*) FROM attempts")).scalar_one()
            count_s, count_cpu = best(lambda: conn.execute(sa.text("SELECT count(*) FROM attempts")).scalar_one(), args.runs)
        store.close()
        print(f"SELECT count(*) attempts  {count_s:7.3f} s  cpu {count_cpu:6.3f} s  ({n:,} attempts)")
        where = resolve(scenarios=ROOT / "scenarios", db=url)
        lines: list[int] = []
        report_s, report_cpu = best(lambda: lines.append(compliance(where, None, None, "csv", folder / "p.csv")), args.runs)
        print(f"compliance (in process)   {report_s:7.3f} s  cpu {report_cpu:6.3f} s  ({lines[-1]:,} person-case lines, csv)")
        for fmt in args.formats.split(","):
            command = [sys.executable, "-m", "ltl_quiz", "--db", url, "compliance", "--format", fmt, "--out", str(folder / f"c.{fmt}")]
            took, cpu = best(lambda: subprocess.run(command, check=True, capture_output=True), args.runs)  # noqa: B023
            print(
                f"ltl-quiz compliance {fmt:<5} {took:7.3f} s  cpu {cpu:6.3f} s  (whole command, start-up included); "
                f"target < {TARGET_S:g} s: {'met' if took < TARGET_S else 'NOT met'}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # a force's SQLite store is 2 GB


if __name__ == "__main__":
    main()
