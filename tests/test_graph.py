"""Graph checks that need every path walked: dead ends, loops, flags, tracks, score ranges."""

from __future__ import annotations

from pathlib import Path

from ltl_quiz.scenario.validation import validate_file
from tests.scenario_factory import end, option, scenario, write


def messages(tmp_path: Path, doc: dict) -> list[str]:
    report = validate_file(write(tmp_path, doc))
    return [f"{p.severity}: {p.field}: {p.message}" for p in report.problems]


def test_paths_and_score_range_are_reported(tmp_path: Path) -> None:
    doc = scenario(
        {
            "begin": {"type": "decision", "prompt": "?", "options": [option("a", 5, "mid"), option("b", 0, "bad-end")]},
            "mid": {"type": "multi", "prompt": "?", "options": [option("x", 3), option("y", -5)], "next": "good-end"},
            "good-end": end(),
            "bad-end": end(),
        }
    )
    report = validate_file(write(tmp_path, doc))
    assert report.problems == []
    officer = report.tracks["officer"]
    assert (officer.paths, officer.endings, officer.min_score, officer.max_score) == (2, ["bad-end", "good-end"], 0, 8)
    assert report.node_types == {"decision": 1, "end": 2, "multi": 1}


def test_a_loop_without_progress_is_an_error(tmp_path: Path) -> None:
    doc = scenario(
        {
            "begin": {"type": "decision", "prompt": "?", "options": [option("again", 0, "middle"), option("stop", 1, "done")]},
            "middle": {"type": "passage", "text": "Round we go.", "next": "begin"},
            "done": end(),
        }
    )
    assert (
        "error: nodes.begin: a loop returns to 'begin' with nothing changed, so a path could repeat for ever; route out of it on a flag"
        in messages(tmp_path, doc)
    )


def test_a_loop_that_sets_a_flag_and_exits_is_fine(tmp_path: Path) -> None:
    doc = scenario(
        {
            "begin": {
                "type": "decision",
                "prompt": "?",
                "options": [option("ask", 1, "middle", sets=["asked"]), option("stop", 1, "done")],
            },
            "middle": {"type": "passage", "text": "You ask.", "next": [{"if": ["asked"], "goto": "second"}, {"goto": "begin"}]},
            "second": {"type": "decision", "prompt": "?", "options": [option("go", 2, "done"), option("back", 0, "done")]},
            "done": end(),
        }
    )
    report = validate_file(write(tmp_path, doc))
    assert report.problems == []
    assert report.tracks["officer"].max_score == 3


def test_unreachable_node(tmp_path: Path) -> None:
    doc = scenario({"begin": {"type": "passage", "text": "x", "next": "done"}, "done": end(), "orphan": end()})
    assert "error: nodes.orphan: 'orphan' cannot be reached from 'begin' on any track; link to it or remove it" in messages(tmp_path, doc)


def test_flag_read_before_it_is_set(tmp_path: Path) -> None:
    doc = scenario(
        {
            "begin": {"type": "passage", "text": "x", "next": [{"if": ["later"], "goto": "a"}, {"goto": "pick"}]},
            "pick": {"type": "decision", "prompt": "?", "options": [option("p", 1, "a", sets=["later"]), option("q", 0, "a")]},
            "a": end(),
        }
    )
    found = messages(tmp_path, doc)
    assert (
        "error: nodes.begin.next[0]: reads flag 'later', which is not set on any path before this node; set it with 'sets' on an earlier option"
        in found
    )


def test_flag_set_but_never_read_is_a_warning(tmp_path: Path) -> None:
    doc = scenario(
        {"begin": {"type": "decision", "prompt": "?", "options": [option("p", 1, "a", sets=["unused"]), option("q", 0, "a")]}, "a": end()}
    )
    assert messages(tmp_path, doc) == [
        "warning: nodes.begin.options[0].sets[0]: flag 'unused' is set but never read; route on it or remove it"
    ]


def test_leading_to_the_other_tracks_node(tmp_path: Path) -> None:
    doc = scenario(
        {
            "begin": {"type": "passage", "text": "x", "next": "mgr"},
            "mgr": {"type": "decision", "track": "manager", "prompt": "?", "options": [option("a", 1, "done"), option("b", 0, "done")]},
            "done": end(),
        },
        audiences=("officer", "manager"),
    )
    found = messages(tmp_path, doc)
    assert "error: nodes.begin.next: on the officer track this leads to 'mgr', a manager-only node; route by track first" in found


def test_key_question_asked_twice_on_a_path(tmp_path: Path) -> None:
    doc = scenario(
        {
            "begin": {"type": "reflection", "track": "officer", "key_question": "officer-q", "next": "again"},
            "again": {"type": "reflection", "track": "officer", "key_question": "officer-q", "next": "done"},
            "done": end(),
        }
    )
    assert "error: nodes.again.key_question: key question 'officer-q' is already asked at 'begin' on this path; ask each once" in messages(
        tmp_path, doc
    )


def test_missing_key_questions_for_a_track(tmp_path: Path) -> None:
    doc = scenario({"begin": {"type": "passage", "text": "x", "next": "done"}, "done": end()})
    doc["case"]["key_questions"] = {"officer": []}
    assert "error: case.key_questions: no key questions for the officer track; add them word for word from the seed" in messages(
        tmp_path, doc
    )


def test_option_without_cites_warns(tmp_path: Path) -> None:
    opts = [option("a", 1, "done"), option("b", 0, "done")]
    del opts[1]["cites"]
    doc = scenario({"begin": {"type": "decision", "prompt": "?", "options": opts}, "done": end()})
    assert messages(tmp_path, doc) == ["warning: nodes.begin.options[1]: no 'cites': name the guidance this feedback rests on"]
