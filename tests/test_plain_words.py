"""Records and messages that say true things plainly (issues 12 and 13), as a hand tester found them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from records_factory import SCENARIOS, scenario, walk
from screen import CTRL_C, ENTER, Terminal, mid_word_breaks
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.invocation import command_spans, python
from ltl_quiz.store import Store
from ltl_quiz.text import percent
from ltl_quiz.ui.wrap import hang

JO = Learner("7301", "Jo Bloggs", "Kent, safer schools")
SCHOOLS = "09-safer-schools-officer"


def _critical_and_extra(node):  # a critical option where there is one; on a multi, the recommended ones and one more
    if node.type == "multi":
        return [*node.recommended, next(o.id for o in node.options if o.id not in node.recommended)]
    return [next((o.id for o in node.options if o.critical), node.recommended[0])]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), *args])
    return result.exit_code, result.stdout, result.stderr


# -- 1. history says why an attempt did not pass, and a record's lines stay together ----------------------
def test_history_says_why_an_attempt_did_not_pass(db_url: str) -> None:
    store = Store(db_url)
    taken: list[str] = []

    def one_critical(node):  # the first critical option met, the recommended answer everywhere else
        found = [o.id for o in node.options if o.critical and node.type == "decision"]
        if found and not taken:
            taken.append(found[0])
            return found[:1]
        return list(node.recommended)

    walk(store, scenario("02-hotel-welfare-check"), JO, "officer", pick=one_critical)
    walk(store, scenario(SCHOOLS), JO, "officer", pick=_critical_and_extra)
    store.close()
    code, out, _ = cli("--plain", "history", "--learner", JO.id)
    assert code == 0
    hotel_line, schools_line = sorted(out.splitlines(), key=lambda line: "safer-schools" in line)
    assert hotel_line.endswith("not passed: a critical decision"), hotel_line
    found = re.search(r"not passed: (\d+) critical decisions$", schools_line)
    assert found and int(found.group(1)) > 1, schools_line
    code, out, _ = cli("history", "--learner", JO.id, "--json")
    assert sorted(r["critical_failures"] for r in __import__("json").loads(out)) == [1, int(found.group(1))]


def test_a_record_too_long_for_the_terminal_hangs_under_itself(db_url: str) -> None:
    store = Store(db_url)
    walk(store, scenario("01-indecent-images-intelligence"), JO, "officer", pick=_critical_and_extra)
    store.close()
    for cols in (80, 40):
        term = Terminal(["--scenarios", str(SCENARIOS), "history", "--learner", JO.id], cols, 24)
        try:
            assert term.wait_exit() == 0
        finally:
            term.close()
        rows = [row for row in term.rows() if row]
        assert re.match(r"[0-9a-f]{8}  ", rows[0]) and len(rows) > 1, rows
        assert all(row.startswith(" " * 10) for row in rows[1:]), rows  # continuation under the text, not at column 0
        assert "not passed: 3 critical decisions" in " ".join(" ".join(rows).split())


# -- 2. the CPD record: each option once, model points called what they are, the brief in its own voice ---
def test_cpd_record_says_each_choice_once_and_in_the_record_s_voice(db_url: str) -> None:
    store = Store(db_url)
    schools = scenario(SCHOOLS)
    met = []
    walk(store, schools, JO, "officer", pick=lambda node: met.append(node) or _critical_and_extra(node), covered=(0,))
    store.close()
    code, text, _ = cli("cpd", JO.id)
    assert code == 0
    multi = next(n for n in met if n.type == "multi")
    extra = next(o for o in multi.options if o.id not in multi.recommended)
    said = " ".join(extra.text.split()).rstrip(".")
    assert text.count(said) == 1 and f"I chose, but it was not needed: {said}." in text
    assert "Not needed:" not in text and "Points to develop" not in text
    assert "Points from the model answer I did not cover:" in text
    assert "My role in the scenario" not in text and "**My role, in the scenario's words:** \u201cYou serve on" in text
    code, page, _ = cli("cpd", JO.id, "--format", "html")
    assert code == 0 and "Points to develop" not in page and "Points from the model answer I did not cover:" in page
    assert "<dt>My role, in the scenario&#39;s words</dt><dd>\u201cYou serve on" in page
    code, summary, _ = cli("cpd", JO.id, "--summary")
    assert code == 0 and "i chose" not in summary and "I chose, but it was not needed: " in summary


# -- 3. a hint's command is never broken across lines ---------------------------------------------------
def _hints_in_the_code() -> list[str]:
    """Every string in ltl_quiz/ that names a command, its placeholders filled with an 8-character id."""
    found = []
    for path in sorted((SCENARIOS.parent / "ltl_quiz").rglob("*.py")):
        for literal in re.findall(r"f?\"([^\"\n]*ltl-quiz [a-z][^\"\n]*)\"", path.read_text(encoding="utf-8")):
            text = re.sub(r"\{[^}]*\}", "f6a1b65f", literal)
            if command_spans(text):
                found.append(text)
    return found


HINTS = _hints_in_the_code()


def test_every_hint_is_found() -> None:
    assert len(HINTS) >= 25
    assert "Stopped. Everything you answered is saved. To carry on: ltl-quiz resume f6a1b65f" in HINTS


def _continued(lines: list[str]) -> list[str]:
    """Lines with each shell line continuation (" \\", then an indent) joined back: the command as typed."""
    return re.sub(r" \\\n *", " ", "\n".join(lines)).split("\n")


@pytest.mark.parametrize("width", [79, 59, 39])
def test_no_hint_breaks_inside_its_command(width: int) -> None:
    for hint in HINTS:
        lines = hang(hint, width)
        assert all(len(line) <= width for line in lines), (hint, lines)
        for begin, end in command_spans(hint):
            assert any(hint[begin:end] in line for line in _continued(lines)), (hint, lines)
    long = "To carry on: ltl-quiz --db sqlite:////tmp/other.sqlite3 resume f6a1b65f"
    assert hang(long, 39) == ["To carry on:", "ltl-quiz --db \\", "    sqlite:////tmp/other.sqlite3 \\", "    resume f6a1b65f"]
    assert hang(long, 69) == ["To carry on:", "    ltl-quiz --db sqlite:////tmp/other.sqlite3 resume f6a1b65f"]


@pytest.mark.parametrize("cols", [80, 40])
def test_the_carry_on_hint_at_a_terminal_keeps_its_command_whole(example_dir: Path, db_url: str, cols: int) -> None:
    term = Terminal(["--scenarios", str(example_dir), "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--rich"], cols, 24)
    try:
        term.wait_for(r"Type y or n, then press Enter")
        term.settle(0.1)
        term.send("y" + ENTER)
        term.wait_for(r"Press any key|Use the arrow keys")
        term.settle(0.2)
        term.send(CTRL_C)
        assert term.wait_exit() == 130
    finally:
        term.close()
    rows = term.history_rows()
    tail = rows[next((n for n, row in enumerate(rows) if "To carry on:" in row), 0) :]
    # a row filled to its last column went on by the terminal's own wrap (one line to copy); ours stop
    # a column short, so every other row end is a line break of ours
    joined = "\n".join(_continued("".join(row if len(row) == cols else row + "\n" for row in tail).split("\n")))
    command = re.escape(f"{python()} -m ltl_quiz --scenarios {example_dir.resolve()} resume") + r" [0-9a-f]{8}"  # as given, so it works
    assert re.search(rf"(?:To carry on: |^ *){command}$", joined, re.MULTILINE), tail
    assert not mid_word_breaks(tail, cols)


@pytest.mark.parametrize("cols", [80, 40])
def test_an_error_s_hint_at_a_terminal_keeps_its_command_whole(db_url: str, cols: int) -> None:
    term = Terminal(["resume", "deadbeef"], cols, 24)
    try:
        assert term.wait_exit() == 1
    finally:
        term.close()
    rows = [row for row in term.rows() if row]
    assert not mid_word_breaks(rows, cols)
    joined = "\n".join(_continued("".join(row if len(row) == cols else row + "\n" for row in rows).split("\n")))
    command = re.escape(f"{python()} -m ltl_quiz history")
    assert re.search(rf"(?:see |^ *)'{command}'", joined, re.MULTILINE), rows


# -- 4. one rule for a learner's percentages ------------------------------------------------------------
def test_percentages_follow_one_rule() -> None:
    assert [percent(v) for v in (79.0, 75.6, 95.1, 100.0, 0.0, 69.9, 70.0)] == ["79%", "75%", "95%", "100%", "0%", "69%", "70%"]


def test_history_and_cpd_give_whole_percentages(db_url: str) -> None:
    store = Store(db_url)
    walk(store, scenario(SCHOOLS), JO, "officer", pick=_critical_and_extra)
    store.close()
    shown = cli("--plain", "history", "--learner", JO.id)[1] + cli("cpd", JO.id)[1]
    figures = re.findall(r"\d+(?:\.\d+)?%", shown)
    assert figures and all(re.fullmatch(r"\d+%", f) for f in figures), figures


# -- 5. usage lines name their arguments as people write them -------------------------------------------
def _every_command() -> list[list[str]]:
    import typer.main

    from ltl_quiz.cli_group import load
    from ltl_quiz.cli_table import COMMANDS

    out = []
    for name, entry in COMMANDS.items():
        command = load(name)
        out += [[name, sub] for sub in getattr(command, "commands", {})] if entry.group else [[name]]
    assert typer.main and len(out) > 30
    return out


def test_no_usage_line_shows_a_brace_metavar() -> None:
    runner = CliRunner()
    usages = {}
    for path in _every_command():
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        usages[" ".join(path)] = next(line for line in result.output.splitlines() if line.startswith("Usage:"))
    assert not [u for u in usages.values() if "{" in u or "}" in u]
    assert usages["run"] == "Usage: ltl-quiz run [OPTIONS] CASE" and usages["cpd"] == "Usage: ltl-quiz cpd [OPTIONS] LEARNER"
    assert usages["resume"] == "Usage: ltl-quiz resume [OPTIONS] [ATTEMPT]" and usages["assign"].endswith(" CASE...")
    missing = runner.invoke(app, ["cpd"])
    assert missing.exit_code == 2 and "Missing argument 'LEARNER'." in missing.output


# -- 6. the remembered learner belongs to the store it was used with ------------------------------------
def test_a_run_against_another_store_keeps_the_default_store_s_learner(example_dir: Path, tmp_path: Path, db_url: str) -> None:
    import yaml

    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump(
            {"call-grading": "send-officers", "welfare-actions": ["speak-to-girl-alone"], "officer-reflection": {"text": "Who.", "covered": [1]}}
        )
    )
    runner = CliRunner()

    def ltl(*args: str) -> str:
        result = runner.invoke(app, ["--scenarios", str(example_dir), *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    ltl("run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", str(answers))
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    ltl("--db", other, "--create", "run", "1", "--learner", "9999", "--name", "Sam Other", "--answers", str(answers))
    mine = ltl("--plain", "history")
    assert " AB1 " in mine and "9999" not in mine and "No attempts" not in mine
    theirs = ltl("--db", other, "--plain", "history")
    assert " 9999 " in theirs and "AB1" not in theirs
    # forgetting the other store's learner forgets them wherever they were remembered, and only them
    ltl("--db", other, "db", "forget", "9999")
    config = (Path(__import__("os").environ["LTL_QUIZ_HOME"]) / "config.json").read_text()
    assert "9999" not in config and "Sam Other" not in config and "AB1" in config


# -- 7. support says what the issue says, and police staff find Oscar Kilo first ------------------------
SUPPORT_PAGE = Path(__file__).resolve().parent / "data" / "seed_support_page.txt"  # the seed's page, carried here
SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "learning-the-lessons-issue-39.txt"


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u2019", "'").replace("\u2013", "-")).rstrip(".")


def test_support_gives_the_issue_s_own_words_and_oscar_kilo_first() -> None:
    from ltl_quiz.support import NO_NUMBER, SUPPORT

    code, out, _ = cli("--plain", "support")
    assert code == 0
    services = [line for line in out.splitlines() if re.match(r"\S.*: (https?://|www\.)", line)]
    assert services[0] == "Oscar Kilo: https://oscarkilo.org.uk/" and out.count("Oscar Kilo:") == 1
    helpline = out[out.index("Rape Crisis – National Telephone Helpline:") :].split("\n", 2)
    assert helpline[0].endswith("https://www.rasasc.org.uk/") and NO_NUMBER in helpline[1]
    assert not re.search(r"\b0\d{3}[ \d]{6,}", out)  # no telephone number the issue does not print
    page = SUPPORT_PAGE.read_text(encoding="utf-8").split("\n", 2)[2]
    if SEED.exists():  # beside the checkout: the carried page is still the seed's own
        assert page in SEED.read_text(encoding="utf-8")
    seed = _squeezed(page)
    for services_of_group in SUPPORT.values():
        for s in services_of_group:
            for said in (s.name, s.url, s.about.replace(NO_NUMBER, "")):
                assert _squeezed(said) in seed, said
