"""The list cache is a speed-up, never a source of truth: an entry of the wrong shape is rebuilt."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ltl_quiz.scenario.catalogue import CACHE_VERSION, summaries

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def test_a_fresh_cache_gives_what_the_files_say(tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    first = summaries(SCENARIOS, cache).rows
    again = summaries(SCENARIOS, cache).rows
    assert first == again and len(first) == 10
    assert all(isinstance(r["minutes"], int) and isinstance(r["tracks"], list) for r in first)


def test_an_entry_of_the_wrong_shape_is_summarised_afresh(tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    truth = summaries(SCENARIOS, cache).rows
    data = json.loads(cache.read_text())
    one = next(iter(sorted(SCENARIOS.glob("*.yaml"))))
    digest = hashlib.sha256(one.read_bytes()).hexdigest()
    assert data["version"] == CACHE_VERSION and digest in data["entries"]
    data["entries"][digest] = {**data["entries"][digest], "minutes": "all afternoon", "title": "Not this case"}
    cache.write_text(json.dumps(data))
    assert summaries(SCENARIOS, cache).rows == truth
    assert json.loads(cache.read_text())["entries"][digest]["minutes"] == truth[0]["minutes"]
