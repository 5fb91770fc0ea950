"""A force's records in each store: load time, export beside PostgreSQL's COPY, report time.

Run from a checkout with the test extras installed (psycopg, and PostgreSQL 15 at
/usr/lib/postgresql/15/bin or LTL_QUIZ_PG_BIN): `python bench/scale.py [--attempts N] [--runs N]`.
Loading takes minutes: to load once and time many, give a folder and an empty database, then reuse
them: `python bench/scale.py --folder /tmp/scale --pg-url URL --reuse [--only report] --runs 3`.

It generates 100,000 attempts with 1,000,000 answers (10 each, taken from real random walks
through the case studies in scenarios/, by 5,000 learners in five units, a tenth of them in group
sessions) and loads the same rows into a SQLite store and into a PostgreSQL store (a throwaway
server started here with its default, durable settings, on 127.0.0.1; or --pg-url). Then, in one
run, it prints:

- the time to load each store (SQLAlchemy Core batches, 2,000 attempts a transaction);
- time and peak memory (the child's max RSS, from os.wait4) of
  `ltl-quiz export --format csv --what answers` on each store, beside PostgreSQL's own
  `COPY (<the export's SELECT>) TO STDOUT (FORMAT csv)` through psql, and the ratio;
- time, CPU seconds and peak memory of `ltl-quiz report` on each store, each beside the target
  (PostgreSQL's own work is in its server, not in ltl-quiz's CPU seconds);
- with --merge, the time of `ltl-quiz merge` bringing the whole SQLite store into an empty
  PostgreSQL database (a laptop's records, at a force's scale).

Targets: export within 3x of COPY (issue 6), report under 3 s (issue 12), peak memory under 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from synthetic import SCENARIOS, UNITS, walks  # bench/ is on sys.path when a bench runs as a script

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO, TARGET_REPORT_S, TARGET_MB = 3.0, 3.0, 200.0
BATCH = 2000  # attempts a transaction while loading


# -- the records ----------------------------------------------------------------------------------
def records(attempts: int, per_attempt: int, seed: int = 39) -> Any:
    """Learners, sessions, then batches of (attempt rows, answer rows): the same for every store."""
    rng = random.Random(seed)
    templates = walks(12, rng)
    learners = [
        {"id": f"S{n:05d}", "name": f"Officer {n}", "unit": UNITS[n % len(UNITS)], "created_at": "2023-01-01T00:00:00.000Z"}
        for n in range(max(1, attempts // 20))
    ]
    sessions = [
        {
            "code": f"S{n:05X}",
            "scenario_id": rng.choice(templates)["scenario"].id,
            "scenario_sha256": "0" * 64,
            "track": "officer",
            "kind": "facilitated",
            "trainer": f"Trainer {n % 40}",
            "status": "closed",
            "created_at": "2023-01-01T00:00:00.000Z",
            "updated_at": "2023-01-01T00:00:00.000Z",
            "state": "{}",
        }
        for n in range(200)
    ]
    yield learners, sessions
    base = datetime(2023, 1, 1, tzinfo=UTC)
    attempt_rows: list[dict[str, Any]] = []
    answer_rows: list[dict[str, Any]] = []
    for n in range(attempts):
        t = rng.choice(templates)
        s = t["scenario"]
        start = base + timedelta(seconds=rng.randrange(3 * 365 * 86400))
        clock = start
        attempt_id = f"{n:08x}-0000-4000-8000-{rng.getrandbits(48):012x}"
        for seq in range(1, per_attempt + 1):
            a = t["answers"][(seq - 1) % len(t["answers"])]
            shown, clock = clock, clock + timedelta(seconds=rng.uniform(5, 120))
            answer_rows.append(
                {
                    "id": f"{attempt_id[:-4]}{seq:04d}",
                    "attempt_id": attempt_id,
                    "seq": seq,
                    "node_id": a.node_id,
                    "kind": a.kind,
                    "option_ids": json.dumps(a.option_ids),
                    "free_text": a.text,
                    "covered": json.dumps(a.covered),
                    "points": a.points,
                    "critical": bool(a.critical),
                    "shown_at": _ts(shown),
                    "answered_at": _ts(clock),
                }
            )
        attempt_rows.append(
            {
                "id": attempt_id,
                "learner_id": rng.choice(learners)["id"],
                "scenario_id": s.id,
                "scenario_title": s.title,
                "scenario_version": s.version,
                "scenario_sha256": s.sha256,
                "track": t["track"],
                "mode": "practice",
                "seed": 7,
                "status": "completed",
                "started_at": _ts(start),
                "updated_at": _ts(clock),
                "finished_at": _ts(clock),
                "score": t["score"],
                "best_score": t["best"],
                "percentage": t["percentage"],
                "passed": t["passed"],
                "critical_failures": t["critical"],
                "competencies": t["competencies"],
                "ending": t["ending"],
                "state": t["state"],
                "session_code": rng.choice(sessions)["code"] if rng.random() < 0.1 else None,
            }
        )
        if len(attempt_rows) >= BATCH:
            yield attempt_rows, answer_rows
            attempt_rows, answer_rows = [], []
    if attempt_rows:
        yield attempt_rows, answer_rows


def load(url: str, attempts: int, per_attempt: int) -> dict[str, float]:
    """Fill a store migrated by ltl-quiz itself; time only the writing, not the generating."""
    import sqlalchemy as sa

    from ltl_quiz.store import Store

    store = Store(url)
    meta = sa.MetaData()
    meta.reflect(store.engine, only=["learners", "sessions", "attempts", "answers"])
    tables = meta.tables
    writing = 0.0
    counts = {"attempts": 0, "answers": 0}
    batches = records(attempts, per_attempt)
    learners, sessions = next(batches)
    began = time.perf_counter()
    with store.engine.begin() as conn:
        conn.execute(sa.insert(tables["learners"]), learners)
        conn.execute(sa.insert(tables["sessions"]), sessions)
    writing += time.perf_counter() - began
    for attempt_rows, answer_rows in batches:
        began = time.perf_counter()
        with store.engine.begin() as conn:
            conn.execute(sa.insert(tables["attempts"]), attempt_rows)
            conn.execute(sa.insert(tables["answers"]), answer_rows)
        writing += time.perf_counter() - began
        counts["attempts"] += len(attempt_rows)
        counts["answers"] += len(answer_rows)
    began = time.perf_counter()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # what a DBA does after a bulk load; PostgreSQL's autovacuum would soon
    writing += time.perf_counter() - began
    store.close()
    return {"seconds": writing, **counts}


def attempts_held(url: str) -> int:
    """How many attempts the store at ``url`` holds already (0 when it has no tables yet)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("attempts"):
                return 0
            return int(conn.execute(sa.text("SELECT count(*) FROM attempts")).scalar_one())
    finally:
        engine.dispose()


def _ts(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# -- measuring ------------------------------------------------------------------------------------
def measure(cmd: list[str], out: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MB and CPU seconds (user + system, which a busy machine moves
    less than wall time) of one child process writing to ``out``."""
    with open(out, "wb") as sink, tempfile.TemporaryFile() as errors:
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=sink, stderr=errors, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - began
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(cmd[:1] + cmd[-6:])} failed: {errors.read().decode(errors='replace')[:800]}")
    return elapsed, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def copy_sql() -> str:
    """The export's own SELECT, compiled for PostgreSQL with its parameters inlined, inside a COPY."""
    from sqlalchemy.dialects import postgresql

    from ltl_quiz.store.queries import Filters, answers_query

    select = answers_query(Filters()).compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return f"COPY ({select}) TO STDOUT (FORMAT csv, HEADER)"


def psql_command(url: str, sql: str) -> tuple[list[str], dict[str, str]]:
    """psql for the store at ``url``; the password goes in PGPASSWORD, never on a command line."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    env = {"PGPASSWORD": u.password or "", "PGHOST": u.host or "127.0.0.1", "PGPORT": str(u.port or 5432), "PGUSER": u.username or ""}
    return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", u.database or "", "-c", sql], env


def csv_rows(path: Path) -> int:
    import csv

    with open(path, newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def ltl_quiz() -> list[str]:
    exe = shutil.which("ltl-quiz", path=os.path.dirname(sys.executable)) or shutil.which("ltl-quiz")
    return [exe] if exe else [sys.executable, "-m", "ltl_quiz"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--answers-per-attempt", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1, help="repeat each measurement and take the median")
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to use instead of a throwaway server")
    parser.add_argument("--merge", action="store_true", help="also time 'ltl-quiz merge' of the SQLite store into PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--folder", help="keep the SQLite store and outputs in this folder (kept afterwards) instead of a temporary one")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --folder and --pg-url: time stores an earlier run loaded (load once, time many); loads them when empty",
    )
    parser.add_argument("--only", choices=("report", "export"), help="time only the report, or only the export and COPY")
    parser.add_argument("--load", help=argparse.SUPPRESS)  # internal: load this store, print what it took as JSON
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load(args.load, args.attempts, args.answers_per_attempt)))
        return

    from ltl_quiz.locations import redact

    if args.reuse and not (args.folder and args.pg_url):
        parser.error("--reuse needs --folder and --pg-url: the stores an earlier run loaded")
    folder = Path(args.folder) if args.folder else Path(tempfile.mkdtemp(prefix="ltl-bench-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    server = None
    if args.pg_url:
        pg_url = args.pg_url
    else:
        sys.path.insert(0, str(ROOT / "tests"))
        import pg

        server = pg.PgServer(fast=False)  # the product's settings: fsync on
        server.start()
        pg_url = server.create_database("ltl_scale")
    stores = {"SQLite": f"sqlite:///{folder / 'ltl-quiz.sqlite3'}", "PostgreSQL": pg_url}
    env = {**os.environ, "LTL_QUIZ_HOME": str(folder / "home"), "NO_COLOR": "1"}
    try:
        print(f"ltl-quiz scale bench: {args.attempts:,} attempts x {args.answers_per_attempt} answers; PostgreSQL at {redact(pg_url)}")
        loaded = {}
        for name, url in stores.items():  # in a child each: this process stays small, and both get the same rows
            if args.reuse and (held := attempts_held(url)):
                print(f"load {name:10} reused ({held:,} attempts already there)")
                continue
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--load",
                    url,
                    "--attempts",
                    str(args.attempts),
                    "--answers-per-attempt",
                    str(args.answers_per_attempt),
                ],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            )
            loaded[name] = json.loads(done.stdout.strip().splitlines()[-1])
            figures = loaded[name]
            print(f"load {name:10} {figures['seconds']:7.1f} s  ({figures['attempts']:,} attempts, {figures['answers']:,} answers)")

        results: dict[str, list[tuple[float, float, float]]] = {}
        outputs: dict[str, Path] = {}
        for name, url in stores.items():
            out = folder / f"export-{name}.csv"
            outputs[f"export {name}"] = out
            export = [
                *ltl_quiz(),
                "--scenarios",
                str(SCENARIOS),
                "--db",
                url,
                "export",
                "--format",
                "csv",
                "--what",
                "answers",
                "--out",
                str(out),
            ]
            report = [*ltl_quiz(), "--scenarios", str(SCENARIOS), "--db", url, "report", "--plain"]
            for _ in range(args.runs):
                if args.only != "report":
                    results.setdefault(f"export {name}", []).append(measure(export, folder / "stdout.txt", env))
                if args.only != "export":
                    results.setdefault(f"report {name}", []).append(measure(report, folder / f"report-{name}.txt", env))
        if args.only != "report":
            copy, copy_env = psql_command(pg_url, copy_sql())
            outputs["COPY PostgreSQL"] = folder / "copy.csv"
            for _ in range(args.runs):
                results.setdefault("COPY PostgreSQL", []).append(measure(copy, outputs["COPY PostgreSQL"], {**env, **copy_env}))
        if args.merge:
            merged_url = server.create_database("ltl_merged") if server else None
            if merged_url:
                merge = [*ltl_quiz(), "--db", merged_url, "merge", str(folder / "ltl-quiz.sqlite3")]
                results["merge SQLite -> PostgreSQL"] = [measure(merge, folder / "merge.txt", env)]

        print(f"{'command':32} {'seconds':>8} {'cpu s':>8} {'peak MB':>8}  rows")
        medians, cpu = {}, {}
        for name, values in results.items():
            medians[name] = statistics.median(t for t, _, _ in values)
            cpu[name] = statistics.median(c for _, _, c in values)
            rows = f"{csv_rows(outputs[name]):,}" if name in outputs else ""
            print(f"{name:32} {medians[name]:8.2f} {cpu[name]:8.2f} {max(m for _, m, _ in values):8.1f}  {rows}")
        peak = max(m for name, values in results.items() if not name.startswith("COPY") for _, m, _ in values)
        if args.only != "report":
            ratio = medians["export PostgreSQL"] / medians["COPY PostgreSQL"]
            print(f"export / COPY on PostgreSQL: {ratio:.2f}x (target <= {TARGET_RATIO:g}x: {'ok' if ratio <= TARGET_RATIO else 'OVER'})")
        for name in stores if args.only != "export" else ():
            seconds = medians[f"report {name}"]
            verdict = "ok" if seconds < TARGET_REPORT_S else "OVER"
            print(
                f"report on {name}: {seconds:.2f} s, {cpu[f'report {name}']:.2f} CPU s in ltl-quiz"
                f" (median of {args.runs}; target < {TARGET_REPORT_S:g} s: {verdict})"
            )
        print(f"peak memory of ltl-quiz: {peak:.1f} MB (target < {TARGET_MB:g} MB: {'ok' if peak < TARGET_MB else 'OVER'})")
    finally:
        if server:
            server.destroy()
        if args.keep or args.folder:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
