"""Hostile scenario, answers and roster files: refused in one line, in bounded time, never a traceback.

The corpus in tests/hostile/ grows whenever a new kind of bad input is found. File-system cases
(FIFOs, devices, links) are made here, because a repository cannot hold them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from conftest import example_text
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.errors import FileRefused
from ltl_quiz.files import folder_entries, read_regular

HOSTILE = Path(__file__).resolve().parent / "hostile"
MUTATIONS = yaml.safe_load((HOSTILE / "scenario_mutations.yaml").read_text(encoding="utf-8"))
ONE_LINE_ERROR = re.compile(r"^error: \S+:\d+:\d+: .+$")


def mutated(entry: dict[str, str]) -> str:
    text = example_text()
    assert entry["find"] in text, f"corpus entry {entry['name']!r} no longer matches the worked example"
    return text.replace(entry["find"], entry["replace"], 1)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("entry", MUTATIONS, ids=[m["name"] for m in MUTATIONS])
def test_validate_refuses_each_hostile_scenario_in_one_line(tmp_path: Path, entry: dict[str, str]) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(mutated(entry), encoding="utf-8")
    code, out, err = invoke("validate", str(path))
    assert code == 1
    assert "Traceback" not in out + err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors and all(ONE_LINE_ERROR.match(line) for line in errors), err
    assert any(entry["expect"] in line for line in errors), err


@pytest.mark.parametrize("entry", MUTATIONS, ids=[m["name"] for m in MUTATIONS])
def test_list_never_offers_and_run_never_starts_a_hostile_scenario(tmp_path: Path, entry: dict[str, str]) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "01-bad.yaml").write_text(mutated(entry), encoding="utf-8")
    code, out, err = invoke("--scenarios", str(folder), "list", "--json")
    assert code == 0 and yaml.safe_load(out) == []
    assert re.search(r"01-bad\.yaml: skipped: ", err), err
    code, out, err = invoke("--scenarios", str(folder), "run", str(folder / "01-bad.yaml"), "--learner", "PC1", "--name", "A B", "--plain")
    assert code != 0 and "Traceback" not in out + err


def test_a_good_file_beside_a_bad_one_is_still_offered(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "01-good.yaml").write_text(example_text(), encoding="utf-8")
    (folder / "02-bad.yaml").write_text(mutated(MUTATIONS[0]), encoding="utf-8")
    code, out, err = invoke("--scenarios", str(folder), "list", "--json")
    assert code == 0 and [r["id"] for r in yaml.safe_load(out)] == ["example-welfare-call"]
    assert err.count("skipped") == 1


def test_two_files_with_one_id_offer_the_first_only(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "01-a.yaml").write_text(example_text(), encoding="utf-8")
    (folder / "02-b.yaml").write_text(example_text(), encoding="utf-8")
    code, out, err = invoke("--scenarios", str(folder), "list", "--json")
    assert code == 0 and len(yaml.safe_load(out)) == 1 and "02-b.yaml: skipped: its id 'example-welfare-call' is also used by" in err


def special_entries(folder: Path, outside: Path) -> dict[str, str]:
    """Entries named *.yaml that are not regular files in the folder, and the reason each is skipped."""
    (folder / "dir.yaml").mkdir()
    os.mkfifo(folder / "fifo.yaml")
    (folder / "dangling.yaml").symlink_to(folder / "nothing-here")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "outside.yaml").symlink_to(outside)
    return {
        "dir.yaml": "a folder, not a regular file",
        "fifo.yaml": "a named pipe (FIFO), not a regular file",
        "dangling.yaml": "a symbolic link to nothing",
        "loop.yaml": "a symbolic link that loops back on itself",
        "zero.yaml": "outside the folder",
        "outside.yaml": "outside the folder",
    }


def test_special_files_are_skipped_by_list_and_fail_validate(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(example_text().replace("example-welfare-call", "elsewhere-case", 1), encoding="utf-8")
    expected = special_entries(folder, outside)
    (folder / "01-good.yaml").write_text(example_text(), encoding="utf-8")
    code, out, err = invoke("--scenarios", str(folder), "list", "--json")
    assert code == 0 and [r["id"] for r in yaml.safe_load(out)] == ["example-welfare-call"]
    for name, reason in expected.items():
        assert re.search(rf"{re.escape(name)}: skipped: .*{re.escape(reason)}", err), (name, err)
    code, out, err = invoke("validate", str(folder))
    assert code == 1 and "Traceback" not in out + err
    for name, reason in expected.items():
        assert re.search(rf"^error: \S*{re.escape(name)}:1:1: .*{re.escape(reason)}", err, re.M), (name, err)
    code, out, err = invoke("--scenarios", str(folder), "--follow-links", "list", "--json")
    assert sorted(r["id"] for r in yaml.safe_load(out)) == ["elsewhere-case", "example-welfare-call"]
    assert "zero.yaml: skipped: a character device" in err


def test_a_fifo_or_device_named_directly_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    for path, words in ((fifo, "a named pipe (FIFO)"), (Path("/dev/zero"), "a character device")):
        code, out, err = invoke("validate", str(path))
        assert code == 1 and words in err and "Traceback" not in out + err
        with pytest.raises(FileRefused, match=re.escape(words)):
            read_regular(path, 100)


def test_reading_stops_at_the_limit_even_when_the_size_lies(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FileRefused, match="101 bytes; files are limited to 100 bytes"):
        read_regular(path, 100)
    assert read_regular(path, 101) == b"x" * 101


def test_folder_entries_lists_only_regular_files_in_name_order(tmp_path: Path) -> None:
    for name in ("02-b.yaml", "01-a.yaml", ".hidden.yaml", "notes.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path / "03-link.yaml").symlink_to(tmp_path / "01-a.yaml")
    files, skipped = folder_entries(tmp_path, "*.yaml")
    assert [p.name for p in files] == ["01-a.yaml", "02-b.yaml", "03-link.yaml"] and skipped == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: " + "[" * 700 + "]" * 700 + "\n", "nested"),
        ("".join("  " * i + f"k{i}:\n" for i in range(700)) + "  " * 700 + "v\n", "nested more than 64 levels deep"),
        ("a: " + "{b: " * 300 + "1" + "}" * 300 + "\n", "nested more than 64 levels deep"),
    ],
    ids=["deep flow sequence", "deep block mapping", "deep flow mapping"],
)
def test_deep_nesting_is_refused_by_scenarios_and_answers_files(tmp_path: Path, text: str, expected: str, example_dir: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = invoke("validate", str(path))
    assert code == 1 and expected in err and "Traceback" not in out + err
    code, out, err = invoke(
        "--scenarios", str(example_dir), "run", "example-welfare-call", "--learner", "PC1", "--name", "A B", "--answers", str(path)
    )
    assert code != 0 and expected in err and "Traceback" not in out + err


def test_an_answers_file_that_is_a_fifo_or_device_is_refused(tmp_path: Path, example_dir: Path) -> None:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    for path, words in ((fifo, "a named pipe (FIFO)"), (Path("/dev/zero"), "a character device")):
        code, out, err = invoke(
            "--scenarios", str(example_dir), "run", "example-welfare-call", "--learner", "PC1", "--name", "A B", "--answers", str(path)
        )
        assert code != 0 and words in err and "Traceback" not in out + err
