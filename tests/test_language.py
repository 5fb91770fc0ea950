"""The language coach: the lexicon, the matcher on real-looking reflections, validate's warnings
on scenario text, and the debrief's note (which never blocks and never changes a score)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ltl_quiz.cli import app
from ltl_quiz.errors import LexiconError
from ltl_quiz.language import find_language, load_lexicon, notes_for, quoted_spans
from ltl_quiz.store import Store

CORPUS = yaml.safe_load((Path(__file__).parent / "test_language_corpus.yaml").read_text(encoding="utf-8"))
APPROPRIATE: list[str] = CORPUS["appropriate"]
INAPPROPRIATE: list[dict] = CORPUS["inappropriate"]


def test_the_lexicon_loads_with_every_entry_complete() -> None:
    lexicon = load_lexicon()
    assert len(lexicon) >= 10
    for entry in lexicon:
        assert entry.term and entry.patterns and entry.why.endswith(".") and entry.instead and entry.source


def test_the_lexicon_covers_the_issue_examples() -> None:
    """The issue names these: each must be caught, used plainly, by the entry for it."""
    examples = {
        "She was a child prostitute.": "child-prostitute",
        "She is promiscuous.": "promiscuous",
        "She is putting herself at risk.": "putting-themselves-at-risk",
        "At 14 it was consensual.": "consensual",
        "She is in a relationship with a 30-year-old man.": "relationship-with-abuser",
    }
    for text, entry_id in examples.items():
        assert [f.entry.id for f in find_language(text)] == [entry_id], text


def test_no_false_positives_on_appropriate_reflections() -> None:
    flagged = {text: [f.phrase for f in find_language(text)] for text in APPROPRIATE}
    false_positives = {text: hits for text, hits in flagged.items() if hits}
    print(f"\nlanguage coach: {len(APPROPRIATE)} appropriate reflections, {len(false_positives)} false positives")
    assert len(APPROPRIATE) >= 40
    assert false_positives == {}


def test_every_inappropriate_reflection_is_caught_by_the_right_entry() -> None:
    wrong = {}
    for item in INAPPROPRIATE:
        found = sorted({f.entry.id for f in find_language(item["text"])})
        if found != sorted(item["expect"]):
            wrong[item["text"]] = (found, item["expect"])
    caught = len(INAPPROPRIATE) - len(wrong)
    print(f"\nlanguage coach: {caught} of {len(INAPPROPRIATE)} inappropriate reflections caught")
    assert wrong == {}
    # every entry is exercised by at least one inappropriate example, so none is dead
    exercised = {e for item in INAPPROPRIATE for e in item["expect"]}
    assert exercised == {e.id for e in load_lexicon()}


@pytest.mark.parametrize(
    "text",
    [
        'The officer said it "might be a bogus one".',
        "The officer said it “might be a bogus one”.",
        "She was described as ‘promiscuous’ in the log.",
        "Staff heard him say the girl was 'enjoying it or enjoying the attention'.",
    ],
)
def test_quoted_words_are_left_alone(text: str) -> None:
    assert find_language(text) == []


def test_negation_reaches_only_its_own_clause() -> None:
    assert find_language("She was not forced.") == []
    (hit,) = find_language("She was not forced, it was consensual.")
    assert hit.phrase == "consensual"
    assert find_language("It is never a lifestyle choice.") == []


def test_apostrophes_do_not_open_quotations() -> None:
    text = "The girls' home and the Children’s Society: the girl's 'boyfriend' was 30."
    spans = quoted_spans(text)
    assert [text[a:b] for a, b in spans] == ["'boyfriend'"]
    (hit,) = find_language("The girl's mother said nothing; the girl's older boyfriend picked her up.")
    assert hit.entry.id == "relationship-with-abuser" and hit.phrase == "older boyfriend"


def test_findings_point_at_the_words_as_written() -> None:
    text = "She kept putting\n  herself at risk."
    (hit,) = find_language(text)
    assert text[hit.start : hit.end] == "putting\n  herself at risk" and hit.phrase == "putting herself at risk"


@given(st.text(max_size=300))
def test_the_matcher_never_fails_and_stays_inside_the_text(text: str) -> None:
    for hit in find_language(text):
        assert 0 <= hit.start < hit.end <= len(text)


@given(st.sampled_from([i["text"] for i in INAPPROPRIATE]))
def test_quoting_any_inappropriate_reflection_silences_it(text: str) -> None:
    assert find_language(f"“{text}”") == []


def test_notes_name_each_kind_once_with_why_and_instead() -> None:
    notes = notes_for(["She is promiscuous.", "Really promiscuous, and putting herself at risk."])
    assert [n.entry_id for n in notes] == ["promiscuous", "putting-themselves-at-risk"]
    assert notes[0].phrase == "promiscuous" and "blame" not in notes[0].instead
    assert notes_for([APPROPRIATE[0]]) == []


def test_a_broken_lexicon_is_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.yaml"
    bad.write_text("- id: x\n  term: x\n  patterns: ['(']\n  why: w.\n  instead: i\n  source: s\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"entry 1 \(x\): pattern '\(' does not compile"):
        load_lexicon(bad)
    bad.write_text("- id: x\n  term: x\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="give exactly these fields"):
        load_lexicon(bad)


# -- validate: warnings on scenario text --------------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_validate_warns_on_scenario_text_at_the_phrase(runner, example_path: Path) -> None:
    _edit(
        example_path,
        "      A hotel worker calls 999 about a 16-year-old girl in a room with two older men.\n",
        "      A hotel worker calls 999 about a 16-year-old girl in a room with two older men.\n"
        "      The worker thinks she is putting herself at risk.\n",
    )
    result = runner.invoke(app, ["validate", str(example_path)])
    assert result.exit_code == 0  # a warning, not an error
    line, column = next(
        (i, text.index("putting") + 1) for i, text in enumerate(example_path.read_text().splitlines(), 1) if "putting" in text
    )
    expected = f"warning: {example_path}:{line}:{column}: nodes.call-received.text: language: 'putting herself at risk': It makes the child responsible"
    assert expected in result.output
    assert "If these are the words of someone in the case, put them in quotation marks." in result.output
    strict = runner.invoke(app, ["validate", "--strict", str(example_path)])
    assert strict.exit_code == 1


def test_validate_leaves_quotations_and_wrong_options_alone(runner, example_path: Path) -> None:
    # quoted words of someone in the case
    _edit(example_path, "A hotel worker calls 999", 'A hotel worker, who says the girl is "promiscuous", calls 999')
    # a deliberately wrong option may offer the wrong words; the learner is then corrected
    _edit(example_path, "Tell the caller it is not an emergency and to ring 101.", "Tell the caller she is a promiscuous teenager.")
    # a published reference's quote and a key question are quotations by design
    _edit(example_path, "      kind: guidance\n", "      kind: guidance\n      quote: Language such as child prostitute must be avoided.\n")
    result = runner.invoke(app, ["validate", "--strict", str(example_path)])
    assert result.exit_code == 0, result.output
    assert "language:" not in result.output


def test_feedback_of_a_wrong_option_is_still_checked(runner, example_path: Path) -> None:
    _edit(example_path, "The child is left where she is with no check on her safety.", "She was enjoying the attention anyway.")
    result = runner.invoke(app, ["validate", str(example_path)])
    assert "nodes.call-grading.options[1].feedback: language: 'enjoying the attention'" in result.output


def test_the_real_scenarios_are_clean_under_strict(runner) -> None:
    root = Path(__file__).resolve().parent.parent
    result = runner.invoke(app, ["validate", "--strict", str(root / "scenarios")])
    assert "language:" not in result.output
    assert result.exit_code == 0


# -- the debrief note ---------------------------------------------------------------------------

ANSWERS = {
    "call-grading": "send-officers",
    "welfare-actions": ["speak-to-girl-alone"],
    "officer-reflection": {"text": "Who the men are. She is promiscuous and putting herself at risk.", "covered": [1, 2]},
}


def _run(runner, example_dir: Path, tmp_path: Path, answers: dict, learner: str):
    path = tmp_path / f"{learner}.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    args = ["--scenarios", str(example_dir), "run", "1", "--learner", learner, "--name", "A Learner", "--answers", str(path)]
    return runner.invoke(app, args)


def test_the_debrief_notes_language_without_changing_the_score(runner, example_dir, tmp_path, db_url) -> None:
    flagged = _run(runner, example_dir, tmp_path, ANSWERS, "L1")
    clean_text = {"text": "Who the men are, and whether she can get home safely.", "covered": [1, 2]}
    clean = _run(runner, example_dir, tmp_path, {**ANSWERS, "officer-reflection": clean_text}, "L2")
    assert flagged.exit_code == 0 and clean.exit_code == 0, flagged.output
    out = flagged.output
    assert "== A note on language ==" in out and "This does not change your score." in out
    assert "- You wrote “promiscuous”. It judges the child's character" in out
    assert "- You wrote “putting herself at risk”. It makes the child responsible for the risk." in out
    assert "Instead: “a child who is being sexually exploited”" not in out  # only the entries used
    assert 'Instead: "the child is at risk of exploitation from ..."' in out
    assert out.index("== A note on language ==") < out.index("== Support and your record ==")
    assert "A note on language" not in clean.output
    store = Store(db_url)
    (first,), (second,) = store.attempts("L1"), store.attempts("L2")
    assert (first.status, first.score, first.passed) == (second.status, second.score, second.passed) == ("completed", 13, True)
