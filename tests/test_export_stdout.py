"""Exports to standard output with a person watching standard error at a real terminal.

The progress bar draws on standard error only when that is a terminal, which CliRunner never is,
so these tests run the installed command in a subprocess with standard error on a real pty and
standard output redirected to a file (``> out.csv``) or piped into ``cat``. Every byte of the
export must reach standard output, and be the same bytes as an export with no terminal at all.
"""

from __future__ import annotations

import io
import json
import os
import pty
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pty_run import read_until_done
from records_factory import SCENARIOS, recommended, scenario, share_reflections, walk, worst

from ltl_quiz.config import Learner
from ltl_quiz.store import Store

LTL_QUIZ = Path(sys.executable).with_name("ltl-quiz")
FORMATS = [("csv", "completions"), ("csv", "answers"), ("json", "completions"), ("jsonl", "reflections"), ("xapi", "completions")]


@pytest.fixture
def store_with_attempts(db_url: str) -> str:
    store = Store(db_url)
    hotel = scenario("02-hotel-welfare-check")
    for i in range(6):
        who = Learner(f"PC{i}", f"Person {i}", "Kent")
        walk(store, hotel, who, "officer", pick=worst if i % 2 else recommended, start=datetime(2024, 3, 4 + i, 9, tzinfo=UTC))
    store.close()
    share_reflections(db_url, *(f"PC{i}" for i in range(6)))
    return db_url


def _env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "LTL_QUIZ_PLAIN")}
    env.update(LTL_QUIZ_DB=db_url, LTL_QUIZ_SCENARIOS=str(SCENARIOS), TERM="xterm-256color", COLUMNS="80", LINES="24")
    return env


def _run_with_terminal_stderr(command: str, env: dict[str, str], stdout_too: bool = False) -> tuple[int, str]:
    """Run ``command`` in a shell whose standard error (and with ``stdout_too`` its standard output) is a
    real pty; return its exit code and what the pty showed."""
    leader, follower = pty.openpty()
    stdout = follower if stdout_too else None
    proc = subprocess.Popen(["/bin/sh", "-c", command], stdin=subprocess.DEVNULL, stdout=stdout, stderr=follower, env=env)
    os.close(follower)
    return read_until_done(leader, proc)


def _export_args(fmt: str, what: str) -> str:
    return f"'{LTL_QUIZ}' export --format {fmt} --what {what} --rich"


@pytest.mark.parametrize(("fmt", "what"), FORMATS)
@pytest.mark.parametrize("redirect", ["file", "pipe"])
def test_an_export_to_standard_output_is_whole_with_a_terminal_on_standard_error(
    store_with_attempts: str, tmp_path: Path, fmt: str, what: str, redirect: str
) -> None:
    env = _env(store_with_attempts)
    out = tmp_path / f"out.{fmt}"
    reference = subprocess.run(
        [str(LTL_QUIZ), "export", "--format", fmt, "--what", what], env=env, capture_output=True, check=True
    ).stdout  # standard error not a terminal: no bar at all
    assert len(reference) > 200
    command = _export_args(fmt, what) + (f" > '{out}'" if redirect == "file" else f" | cat > '{out}'")
    code, shown = _run_with_terminal_stderr(command, env)
    assert code == 0, shown
    assert out.read_bytes() == reference
    if fmt == "json" or fmt == "xapi":
        assert len(json.loads(out.read_text(encoding="utf-8"))) > 0
    assert "attempt_id" not in shown and '"actor"' not in shown  # no data leaked onto the terminal


def test_an_xlsx_workbook_to_standard_output_is_whole_with_a_terminal_on_standard_error(store_with_attempts: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "out.xlsx"
    code, shown = _run_with_terminal_stderr(_export_args("xlsx", "completions") + f" > '{out}'", _env(store_with_attempts))
    assert code == 0, shown
    assert zipfile.is_zipfile(out)
    book = load_workbook(io.BytesIO(out.read_bytes()), read_only=True)
    assert len(list(book["Completions"].iter_rows(values_only=True))) == 7  # the header and six attempts


def test_the_progress_bar_itself_still_draws_on_the_terminal(store_with_attempts: str, tmp_path: Path) -> None:
    """Fixing the lost output must not silently drop the bar: with --out the terminal shows it and the summary."""
    out = tmp_path / "a.csv"
    code, shown = _run_with_terminal_stderr(
        f"'{LTL_QUIZ}' export --format csv --what answers --rich --out '{out}'", _env(store_with_attempts)
    )
    assert code == 0
    assert "Wrote" in shown and str(out) in shown.replace("\r\n", "").replace("\n", "")
    assert len(out.read_text(encoding="utf-8").splitlines()) > 6


def test_rows_piped_to_the_same_terminal_start_on_their_own_line(store_with_attempts: str) -> None:
    """Issue 13: ``export ... | head`` at a terminal printed the rows on the bar's own line
    ("Exporting ━━━ 0/? 0:00:00attempt_id,…"). The bar is off the screen before the rows arrive there."""
    import pyte

    command = _export_args("csv", "reflections") + " | head -3"
    code, shown = _run_with_terminal_stderr(command, _env(store_with_attempts), stdout_too=True)
    assert code == 0, shown
    screen = pyte.Screen(80, 200)
    pyte.ByteStream(screen).feed(shown.encode("utf-8"))
    lines = [line.rstrip() for line in screen.display if line.strip()]
    assert lines[0].startswith("attempt_id,learner_id,"), lines[:3]
    assert not any("Exporting" in line or "━" in line for line in lines), lines[:3]


def test_the_terminal_is_a_pty(tmp_path: Path) -> None:
    """The harness really gives the command a terminal on standard error (else the tests above prove nothing)."""
    code, shown = _run_with_terminal_stderr("test -t 2 && echo yes-a-terminal >&2", _env("sqlite://"))
    assert code == 0 and "yes-a-terminal" in shown
    assert shutil.which("sh")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("--format xlsx", "is binary and cannot go to the terminal"),  # xlsx to a terminal is refused
        ("--format csv --out /etc/hostname/a.csv", "/etc/hostname"),  # a destination that cannot be written
        ("--format xapi --home-page not-a-url", "--home-page"),  # an xAPI home page that is no address
    ],
)
def test_a_refused_export_says_why_before_any_progress_is_drawn(store_with_attempts: str, args: str, message: str) -> None:
    """Issue 13: ``export --format xlsx`` at a terminal flashed the progress bar, then the error.
    Every format and destination error comes first, with nothing drawn before it."""
    code, shown = _run_with_terminal_stderr(f"'{LTL_QUIZ}' export {args} --rich", _env(store_with_attempts), stdout_too=True)
    assert code != 0 and message in shown.replace("\r\n", "").replace("\n", ""), shown
    assert "Exporting" not in shown and "\x1b[?25l" not in shown, repr(shown)  # no bar, no hidden cursor
    assert "Traceback" not in shown


def test_an_export_that_finds_nothing_says_which_store_it_read(tmp_path: Path) -> None:
    """Run from another folder, the default store is another, empty one: a CPD lead got a file with
    a header and no rows, 'Wrote 0 rows' and exit 0, with nothing naming the store that was read."""
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    env = {**os.environ, "LTL_QUIZ_DB": url, "NO_COLOR": "1"}
    for extra in (["--out", str(tmp_path / "x.csv")], []):
        done = subprocess.run([sys.executable, "-m", "ltl_quiz", "--create", "export", *extra], capture_output=True, text=True, env=env)
        assert done.returncode == 0 and f"No attempts matched in the store {url}." in done.stderr.splitlines(), done.stderr
        assert "No attempts" not in done.stdout  # data only on standard output
