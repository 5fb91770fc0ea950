"""How long a live session's host takes to see each answer, with 30 learners answering together.

Run from a checkout with the package installed: `python bench/live_session.py [--learners 30] [--case 2]`.

A live session is created in a fresh SQLite store (or `--db URL`). The learners are real processes
(`python -m ltl_quiz session join CODE --answers FILE`), each polling the store as a learner's
terminal does and answering the moment the trainer opens a step. The host is the host screen's own
polling loop (`SessionStore.poll` every `ui.sessions.host.POLL_SECONDS`) driven in this process: it opens
each decision and key question in turn, notes when it first sees each learner's answer, and moves
on once everyone has answered. An answer's latency is from the moment the learner gave it (its
`answered_at`, stamped before the write) to the moment the host's poll returned it: the write,
any wait for the lock, and the poll interval. Target: worst under one second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import yaml

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.locations import default_scenarios
from ltl_quiz.scenario.loader import find_scenario, load_scenario
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.sessions import model, tally
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.store import Store, now
from ltl_quiz.ui.sessions.host import POLL_SECONDS

TARGET_WORST = 1.0


def stamp(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def answers_for(scenario: Scenario, track: str, i: int) -> dict[str, object]:
    """Learner i's answers for every node and key question, spread across the options."""
    out: dict[str, object] = {}
    for node in scenario.nodes.values():
        if node.type == "decision":
            out[node.id] = node.options[i % len(node.options)].id
        elif node.type == "multi":
            out[node.id] = [o.id for j, o in enumerate(node.options) if (i + j) % 3 != 0]
        elif node.type == "reflection":
            out[node.id] = {"text": f"Learner {i} reflects on {node.id}.", "covered": [1]}
    for kq in scenario.key_questions(track):
        out[kq.id] = {"text": f"Learner {i} on {kq.id}.", "covered": [1]}
    return out


def spawn_learners(
    code: str, scenario: Scenario, track: str, count: int, folder: Path, env: dict[str, str]
) -> list[subprocess.Popen[bytes]]:
    procs = []
    for i in range(count):
        answers = folder / f"answers-{i}.yaml"
        answers.write_text(yaml.safe_dump(answers_for(scenario, track, i)), encoding="utf-8")
        args = [sys.executable, "-m", "ltl_quiz", "--scenarios", str(Path(scenario.path).parent), "session", "join", code]
        args += ["--learner", f"B{i:03d}", "--name", f"Bench learner {i}", "--answers", str(answers)]
        log = (folder / f"learner-{i}.log").open("wb")
        procs.append(subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env={**env, "LTL_QUIZ_HOME": str(folder / f"home-{i}")}))
    return procs


def watch_step(sessions: SessionStore, code: str, seq: int, expected: int, latencies: list[float]) -> float:
    """Poll as the host screen does until everyone has answered; record when each answer was first seen."""
    opened = time.time()
    seen: set[str] = set()
    while len(seen) < expected:
        _, _, answers = sessions.poll(code, seq)
        at = time.time()
        for a in answers:
            if a.learner_id not in seen:
                seen.add(a.learner_id)
                latencies.append(at - stamp(a.answered_at))
        if len(seen) < expected:
            time.sleep(POLL_SECONDS)
        if time.time() - opened > 120:
            raise SystemExit(f"only {len(seen)} of {expected} answered step {seq + 1} in 2 minutes; see the learner logs")
    return time.time() - opened


def run(learners: int, case: str, track: str | None, db: str | None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ltl-live-bench-"))
    url = db or f"sqlite:///{folder / 'bench.sqlite3'}"
    scenario = load_scenario(find_scenario(default_scenarios(), case))
    track = track or scenario.audiences[0]
    sessions = SessionStore(Store(url))
    code = sessions.create(scenario, "live", "Bench trainer", [], model.first_state(scenario, track, "live", now()))
    env = {**os.environ, "LTL_QUIZ_DB": url, "NO_COLOR": "1"}
    began = time.perf_counter()
    procs = spawn_learners(code, scenario, track, learners, folder, env)
    while sum(1 for p in sessions.participants(code) if p.here) < learners:
        time.sleep(0.1)
        if any(p.poll() not in (None, 0) for p in procs):
            raise SystemExit(f"a learner process failed; see {folder}")
    joined = time.perf_counter() - began
    latencies: list[float] = []
    rounds: list[float] = []
    state = sessions.begin(code, scenario, 0)
    while (step := model.step_of(scenario, state)) is not None:
        if step.kind == "passage":
            state = sessions.advance(code, scenario, step.seq, engine.Continue())
        elif step.is_choice:
            sessions.open(code, scenario, step.seq)
            rounds.append(watch_step(sessions, code, step.seq, learners, latencies))
            revealed = sessions.reveal(code, scenario, step.seq)
            node = scenario.nodes[step.key]
            choice = tally.room_choice(node, revealed.distribution)
            followed = choice.option_ids or ([choice.tied[0]] if node.type == "decision" else [])
            state = sessions.advance(code, scenario, step.seq, engine.Choose(followed))
        else:
            rounds.append(watch_step(sessions, code, step.seq, learners, latencies))
            state = sessions.advance(code, scenario, step.seq, engine.Reflect("Bench notes"), notes="Bench notes")
    sessions.close(code, scenario)
    codes = [p.wait(60) for p in procs]
    ordered = sorted(latencies)
    print(f"live session bench: {learners} learner processes, {scenario.id} ({track} track), store {url.split(':')[0]}")
    print(f"  all joined in {joined:.1f} s; {len(rounds)} steps answered by everyone; learner exit codes: {sorted(set(codes))}")
    print(f"  answers seen by the host: {len(ordered)} (host polls every {POLL_SECONDS * 1000:.0f} ms)")
    print(f"  time for the host to see an answer: median {statistics.median(ordered) * 1000:.0f} ms, ", end="")
    print(f"90th percentile {ordered[int(0.9 * (len(ordered) - 1))] * 1000:.0f} ms, worst {ordered[-1] * 1000:.0f} ms")
    print(
        f"  time from opening a step to everyone answered: median {statistics.median(rounds) * 1000:.0f} ms, worst {max(rounds) * 1000:.0f} ms"
    )
    verdict = "ok" if ordered[-1] < TARGET_WORST else "OVER"
    print(f"  target: worst < {TARGET_WORST:.0f} s: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--case", default="2", help="scenario id or case-study number (default 2)")
    parser.add_argument("--track", default=None)
    parser.add_argument("--db", default=None, help="store URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    run(args.learners, args.case, args.track, args.db)


if __name__ == "__main__":
    main()
