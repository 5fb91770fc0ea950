"""Nothing one person types reaches another person's terminal as control codes, or as rich markup.

Every payload in ``tests/hostile/terminal_escapes.yaml`` is put into a learner's name and unit, a
trainer's name, a reflection and a scenario title, then printed through each sink the hardening
issue found open: ``list`` (plain and rich), ``run``, ``session start`` (the roll call), ``session
list``, ``session report``, ``cpd`` and ``export`` to a terminal. The rule is one function,
``ltl_quiz.text.visible``; data written to a file or a pipe stays exact.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import example_text
from pty_run import read_until_done
from records_factory import scenario, share_reflections, walk
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.store import Store
from ltl_quiz.text import for_stream, typed, visible

CORPUS = yaml.safe_load((Path(__file__).parent / "hostile" / "terminal_escapes.yaml").read_text(encoding="utf-8"))
PAYLOADS = [pytest.param(entry["payload"], id=entry["name"]) for entry in CORPUS]
ALL = "".join(entry["payload"] for entry in CORPUS)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # rich's own colours, the only codes a rich screen may send
LTL_QUIZ = Path(sys.executable).with_name("ltl-quiz")


def controls(text: str, allow_colour: bool = False) -> list[str]:
    """The control characters in ``text`` a terminal would act on (rich's colours aside when allowed)."""
    return CONTROL.findall(SGR.sub("", text) if allow_colour else text)


def hostile_scenarios(folder: Path, payload: str) -> Path:
    folder.mkdir(exist_ok=True)
    text = example_text().replace("title: A welfare call about a child", f"title: {json.dumps('A welfare call ' + payload)}", 1)
    (folder / "01-example-welfare-call.yaml").write_text(text, encoding="utf-8")
    return folder


def test_the_corpus_has_every_kind_of_control_character() -> None:
    assert {"\x1b", "\x07", "\x00", "\x7f", "\x9b", "\r", "\b"} <= set(ALL)
    assert "[/nope]" in ALL


@pytest.mark.parametrize("payload", PAYLOADS)
def test_visible_leaves_nothing_a_terminal_acts_on(payload: str) -> None:
    shown = visible(f"a\tb\n{payload}")
    assert controls(shown) == [] and shown.startswith("a\tb\n")
    assert len(shown) == len(payload) + 4  # each control character becomes one sign: nothing hidden, nothing lost
    assert controls(typed(payload)) == [] and "\x00" not in typed(payload)


def test_data_for_a_file_or_a_pipe_is_exact(tmp_path: Path) -> None:
    with open(tmp_path / "x", "w") as handle:
        assert for_stream(ALL, handle) == ALL


@pytest.mark.parametrize("flag", ["--plain", "--rich"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_list_shows_hostile_titles_as_text(runner: CliRunner, tmp_path: Path, payload: str, flag: str) -> None:
    folder = hostile_scenarios(tmp_path / "s", payload)
    result = runner.invoke(app, ["--scenarios", str(folder), "list", flag])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "A welfare call" in result.output
    assert controls(result.stdout) == [], repr(result.stdout)
    if payload.startswith("["):
        assert payload[:6] in result.stdout  # printed as written, never parsed as markup


def test_a_rich_console_on_a_terminal_sends_only_its_own_colours(tmp_path: Path) -> None:
    """On a real terminal rich adds colour codes; the content inside them is still made visible."""
    import io

    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from ltl_quiz.ui.console import SafeConsole

    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=True, width=80, highlight=False)
    table = Table(title=ALL)
    table.add_column(ALL)
    table.add_row(ALL)
    console.print(table)
    console.print(Panel(Text(ALL), title=Text(ALL)))
    console.print(ALL)
    console.rule(Text(ALL))
    assert "\x1b[" in out.getvalue()  # the colours are really there: the test would see a leak
    assert controls(out.getvalue(), allow_colour=True) == []
    assert "[/nope]" in out.getvalue()


def test_run_shows_a_hostile_title_as_text(runner: CliRunner, tmp_path: Path, db_url: str) -> None:
    folder = hostile_scenarios(tmp_path / "s", ALL)
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump(
            {
                "call-grading": "send-officers",
                "welfare-actions": ["speak-to-girl-alone"],
                "officer-reflection": {"text": ALL, "covered": [1]},
            }
        )
    )
    result = runner.invoke(app, ["--scenarios", str(folder), "run", "1", "--learner", "PC1", "--name", ALL, "--answers", str(answers)])
    assert result.exit_code == 0, result.output
    assert "A welfare call" in result.output and controls(result.output) == [], repr(result.output)


def people(db_url: str) -> str:
    """An attempt by a learner whose name, unit and reflection each carry every payload."""
    store = Store(db_url)
    try:
        walk(store, scenario("02-hotel-welfare-check"), Learner("PC1", f"Alex {ALL}", f"North {ALL}"), "officer", text=f"I would {ALL}")
        (row,) = store.attempts("PC1")
        return row.id
    finally:
        store.close()


def test_names_units_and_reflections_are_kept_without_control_characters(db_url: str) -> None:
    """NUL and the rest are dropped at input (the Learner and the reflection), so PostgreSQL takes them."""
    attempt_id = people(db_url)
    store = Store(db_url)
    try:
        row = store.attempt(attempt_id)
        texts = [a["free_text"] for a in store.answers(attempt_id) if a["free_text"]]
    finally:
        store.close()
    assert row.learner_name.startswith("Alex ") and controls(row.learner_name) == [] and controls(row.learner_unit) == []
    assert texts and all(controls(t) == [] and t.startswith("I would ") for t in texts)
    assert "[/nope]" in row.learner_name  # only control characters go: the rest is kept as typed


def test_a_reflection_is_kept_without_control_characters() -> None:
    assert engine.Reflect(f"a{ALL}\nb\tc").text == typed(f"a{ALL}\nb\tc")
    assert "\n" in engine.Reflect("a\nb").text and "\x00" not in engine.Reflect("a\x00b").text


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the installed command with standard output and error on a real pty; what the pty showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(LTL_QUIZ), *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    return read_until_done(leader, proc)


def _terminal_env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "LTL_QUIZ_PLAIN")}
    env.update(LTL_QUIZ_DB=db_url, TERM="xterm-256color", COLUMNS="80", LINES="24")
    return env


def _stored_with_controls(db_url: str) -> None:
    """What another store (or an old version) could hold: control characters written past the input rules."""
    import sqlalchemy as sa

    store = Store(db_url)
    try:
        walk(store, scenario("02-hotel-welfare-check"), Learner("PC1", "Alex", "North"), "officer")
        raw = ALL.replace("\x00", "")  # PostgreSQL holds no NUL, so no store can give one back
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE learners SET name = :n, unit = :u"), {"n": f"Alex {raw}", "u": f"North {raw}"})
            conn.execute(sa.text("UPDATE answers SET free_text = :t WHERE free_text IS NOT NULL"), {"t": f"I would {raw}"})
    finally:
        store.close()
    share_reflections(db_url, "PC1")


@pytest.mark.parametrize(
    "args",
    [
        ["cpd", "PC1"],
        ["export", "--format", "csv", "--what", "reflections", "--plain"],
        ["export", "--format", "jsonl", "--what", "reflections", "--plain"],
    ],
)
def test_data_to_a_terminal_is_made_visible_and_to_a_pipe_is_exact(db_url: str, args: list[str]) -> None:
    _stored_with_controls(db_url)
    env = _terminal_env(db_url)
    code, shown = _run_on_a_terminal(args, env)
    assert code == 0, shown
    assert "Alex" in shown and "pwned" in shown, shown
    assert controls(shown.replace("\r\r\n", "\n").replace("\r\n", "\n")) == [], repr(shown)  # the pty adds a CR to each LF
    assert ("\u241b" in shown) == ("jsonl" not in args)  # JSON escapes C0 itself; C1 and DEL are made visible
    if args[0] == "cpd":  # to a pipe the record is the data as held, byte for byte
        piped = subprocess.run([str(LTL_QUIZ), *args], env=env, capture_output=True, check=True).stdout.decode("utf-8")
        assert "\x1b" in piped and "pwned\x07" in piped


def test_the_roll_call_shows_a_hostile_roster_as_text(runner: CliRunner, example_dir: Path, tmp_path: Path, db_url: str) -> None:
    roster = tmp_path / "room.csv"
    names = [entry["payload"].replace('"', "") for entry in CORPUS]
    roster.write_text(
        "Staff number,Name,Unit\n" + "".join(f'PC{i},"Name{i} {n}","Unit {n}"\n' for i, n in enumerate(names)), encoding="utf-8", newline=""
    )
    result = runner.invoke(
        app, ["--scenarios", str(example_dir), "session", "start", "1", "--trainer", f"Pat {ALL}", "--roster", str(roster)], input="y\n3\n"
    )
    assert "Name0" in result.output and "Traceback" not in result.output, result.output
    assert controls(result.output) == [], repr(result.output)
    code = re.search(r"Session ([A-Z0-9]{6}) created", result.output)
    assert code, result.output
    report = runner.invoke(app, ["--scenarios", str(example_dir), "session", "report", code.group(1)])
    assert "Pat" in report.output and controls(report.output) == [], repr(report.output)
    store = Store(db_url)
    try:
        import sqlalchemy as sa

        with store.engine.connect() as conn:
            kept = [r[0] for r in conn.execute(sa.text("SELECT name FROM learners ORDER BY id"))]
            trainer = conn.execute(sa.text("SELECT trainer FROM sessions")).scalar_one()
    finally:
        store.close()
    assert len(kept) == len(names) and all(controls(k) == [] for k in kept) and controls(trainer) == []


def test_session_list_and_report_show_what_a_store_holds_as_text(runner: CliRunner, example_dir: Path, db_url: str) -> None:
    """A store written by another version or merged in may hold control characters: the screens still show them as signs."""
    import sqlalchemy as sa

    start = runner.invoke(app, ["--scenarios", str(example_dir), "session", "start", "1", "--trainer", "Pat"], input="2\n3\n")  # a demonstration (nobody listed), then stop
    code = re.search(r"Session ([A-Z0-9]{6}) created", start.output)
    assert code, start.output
    raw = ALL.replace("\x00", "")  # PostgreSQL holds no NUL
    store = Store(db_url)
    try:
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE sessions SET trainer = :t"), {"t": f"Pat {raw}"})
    finally:
        store.close()
    for args in (["session", "list"], ["session", "report", code.group(1)]):
        shown = runner.invoke(app, ["--scenarios", str(example_dir), *args])
        assert shown.exit_code == 0 and "Pat " in shown.output, shown.output
        assert controls(shown.output) == [] and "\u241b" in shown.output, repr(shown.output)
