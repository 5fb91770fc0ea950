"""Time and peak memory of `ltl-quiz export --format csv --what answers` beside `sqlite3 -csv` on the same rows.

Run from a checkout with the package installed: `python bench/export.py [--attempts N] [--runs N]`.
It builds a store of 100,000 attempts with 1,000,000 answers (10 each: decisions, multi choices
and reflections taken from real random walks through the case studies in scenarios/, with
learners, units and group sessions), then runs, interleaved, in one run:

- ltl-quiz's csv export of every answer (question and option text looked up in the scenarios);
- the sqlite3 shell dumping the same rows with `-csv`: the very SELECT the export streams
  (joins, filters, ordering, seconds taken), compiled from ltl_quiz.store.queries.

It prints each one's median wall time and peak memory (the child's max RSS, from os.wait4), and
the time ratio. Targets: ratio <= 3 and the export's peak memory under 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from synthetic import SCENARIOS, UNITS, walks  # bench/ is on sys.path when a bench runs as a script

ANSWERS_PER_ATTEMPT = 10
TARGET_RATIO, TARGET_MB = 3.0, 200.0


def answer_templates(rng: random.Random) -> list[tuple[str, dict, list[tuple]]]:
    """The shared random walks, with each answer as the tuple this bench inserts."""
    out = []
    for t in walks(12, rng):
        kept = [
            (a.node_id, a.kind, json.dumps(a.option_ids), a.text, json.dumps(a.covered), a.points, bool(a.critical)) for a in t["answers"]
        ]
        out.append((t["scenario"].id, t, kept))
    return out


def build(db: Path, attempts: int, seed: int = 39) -> int:
    """Fill a fresh store (migrated by ltl-quiz itself) with ``attempts`` attempts; return the answers written."""
    from ltl_quiz.store import Store

    Store(f"sqlite:///{db}").close()
    rng = random.Random(seed)
    templates = answer_templates(rng)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous=OFF")
    learners = [(f"S{n:05d}", f"Officer {n}", UNITS[n % len(UNITS)], "2023-01-01T00:00:00.000Z") for n in range(max(1, attempts // 20))]
    conn.executemany("INSERT INTO learners (id, name, unit, created_at) VALUES (?, ?, ?, ?)", learners)
    sessions = [
        (f"S{n:05X}", rng.choice(templates)[0], "x" * 64, "officer", "facilitated", f"Trainer {n % 40}", "closed") for n in range(200)
    ]
    conn.executemany(
        "INSERT INTO sessions (code, scenario_id, scenario_sha256, track, kind, trainer, status, created_at, updated_at, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, '2023-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z', '{}')",
        sessions,
    )
    base = datetime(2023, 1, 1, tzinfo=UTC)
    written = 0
    attempt_rows, answer_rows = [], []
    for n in range(attempts):
        scenario_id, f, kept = rng.choice(templates)
        s = f["scenario"]
        start = base + timedelta(seconds=rng.randrange(3 * 365 * 86400))
        clock = start
        rows = [kept[i % len(kept)] for i in range(ANSWERS_PER_ATTEMPT)]
        attempt_id = f"{n:08x}-0000-4000-8000-{rng.getrandbits(48):012x}"
        for seq, (node_id, kind, options, text, covered, points, critical) in enumerate(rows, 1):
            shown = clock
            clock = shown + timedelta(seconds=rng.uniform(5, 120))
            answer_rows.append(
                (
                    f"{attempt_id[:-4]}{seq:04d}",
                    attempt_id,
                    seq,
                    node_id,
                    kind,
                    options,
                    text,
                    covered,
                    points,
                    critical,
                    _ts(shown),
                    _ts(clock),
                )
            )
        session = rng.choice(sessions)[0] if rng.random() < 0.1 else None
        attempt_rows.append(
            (
                attempt_id,
                rng.choice(learners)[0],
                scenario_id,
                s.title,
                s.version,
                s.sha256,
                f["track"],
                "practice",
                7,
                "completed",
                _ts(start),
                _ts(clock),
                _ts(clock),
            )
            + (f["score"], f["best"], f["percentage"], f["passed"], f["critical"], f["competencies"], f["ending"], f["state"], session)
        )
        written += len(rows)
        if len(attempt_rows) >= 5000:
            _flush(conn, attempt_rows, answer_rows)
    _flush(conn, attempt_rows, answer_rows)
    conn.close()
    return written


def _flush(conn: sqlite3.Connection, attempt_rows: list, answer_rows: list) -> None:
    conn.executemany(
        "INSERT INTO attempts (id, learner_id, scenario_id, scenario_title, scenario_version, scenario_sha256, track, mode, seed, status, "
        "started_at, updated_at, finished_at, score, best_score, percentage, passed, critical_failures, competencies, ending, state, session_code) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        attempt_rows,
    )
    conn.executemany(
        "INSERT INTO answers (id, attempt_id, seq, node_id, kind, option_ids, free_text, covered, points, critical, shown_at, answered_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        answer_rows,
    )
    conn.commit()
    attempt_rows.clear()
    answer_rows.clear()


def _ts(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def same_select_sql() -> str:
    """The export's own SELECT, compiled for SQLite with its parameters inlined, for the sqlite3 shell."""
    from sqlalchemy.dialects import sqlite

    from ltl_quiz.store.queries import Filters, answers_query

    return str(answers_query(Filters()).compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})) + ";"


def measure(cmd: list[str], out: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one child process writing to ``out``."""
    with open(out, "wb") as sink:
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.read().decode()[:500] if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # internal: build this store, print the SELECT
    args = parser.parse_args()
    if args.build:
        answers = build(args.build, args.attempts)
        (args.build.parent / "select.sql").write_text(same_select_sql(), encoding="utf-8")
        print(answers)
        return
    if not shutil.which("sqlite3"):
        raise SystemExit("the sqlite3 shell is needed: apt-get install -y sqlite3")
    folder = Path(tempfile.mkdtemp(prefix="ltl-bench-export-"))
    db = folder / "ltl-quiz.sqlite3"
    env = {**os.environ, "LTL_QUIZ_HOME": str(folder / "home"), "NO_COLOR": "1"}
    began = time.perf_counter()
    # Built in a child process: a child's max RSS counts the parent's pages it was forked with, so
    # this process stays small and the figures below are the commands' own.
    built = subprocess.run(
        [sys.executable, __file__, "--build", str(db), "--attempts", str(args.attempts)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    answers = int(built.stdout.split()[-1])
    print(
        f"built {args.attempts:,} attempts with {answers:,} answers in {time.perf_counter() - began:.1f} s ({db.stat().st_size / 2**20:.0f} MB)"
    )
    exe = shutil.which("ltl-quiz", path=os.path.dirname(sys.executable)) or shutil.which("ltl-quiz")
    ours = [exe or sys.executable, *([] if exe else ["-m", "ltl_quiz"])]
    ours += [
        "--scenarios",
        str(SCENARIOS),
        "--db",
        f"sqlite:///{db}",
        "export",
        "--format",
        "csv",
        "--what",
        "answers",
        "--out",
        str(folder / "ours.csv"),
    ]
    theirs = ["sqlite3", "-csv", "-header", str(db), (folder / "select.sql").read_text(encoding="utf-8")]
    samples: dict[str, list[tuple[float, float]]] = {"ltl-quiz export": [], "sqlite3 -csv": []}
    for _ in range(args.runs):
        samples["ltl-quiz export"].append(measure(ours, folder / "stdout.txt", env))
        samples["sqlite3 -csv"].append(measure(theirs, folder / "sqlite.csv", env))
    rows_ours = _rows(folder / "ours.csv")
    rows_theirs = _rows(folder / "sqlite.csv")
    print(f"rows: ltl-quiz {rows_ours:,}, sqlite3 {rows_theirs:,}" + ("" if rows_ours == rows_theirs else "  MISMATCH"))
    print(f"{'command':18} {'median s':>9} {'peak MB':>8}")
    medians = {}
    for name, values in samples.items():
        medians[name] = statistics.median(t for t, _ in values)
        print(f"{name:18} {medians[name]:9.2f} {max(m for _, m in values):8.1f}")
    ratio = medians["ltl-quiz export"] / medians["sqlite3 -csv"]
    peak = max(m for _, m in samples["ltl-quiz export"])
    print(f"time ratio {ratio:.2f} (target <= {TARGET_RATIO:g}: {'ok' if ratio <= TARGET_RATIO else 'OVER'})")
    print(f"export peak memory {peak:.1f} MB (target < {TARGET_MB:g} MB: {'ok' if peak < TARGET_MB else 'OVER'})")
    if args.keep:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


def _rows(path: Path) -> int:
    import csv

    with open(path, newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


if __name__ == "__main__":
    main()
