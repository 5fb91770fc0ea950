"""How the language coach does: hits and misses on the test corpus, matches in the seed, speed.

Prints figures; asserts nothing (the tests assert zero false positives and every inappropriate
example caught). Run from the checkout: python bench/language_coach.py
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ltl_quiz.language import find_language, load_lexicon, quoted_spans  # noqa: E402
from ltl_quiz.language.matcher import _named_or_negated  # noqa: E402

CORPUS = ROOT / "tests" / "test_language_corpus.yaml"
SEED = ROOT.parent / "shared" / "seed" / "learning-the-lessons-issue-39.txt"


def corpus_figures() -> None:
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    appropriate, inappropriate = corpus["appropriate"], corpus["inappropriate"]
    false_positives = [t for t in appropriate if find_language(t)]
    caught = [i for i in inappropriate if {f.entry.id for f in find_language(i["text"])} >= set(i["expect"])]
    exact = [i for i in inappropriate if sorted({f.entry.id for f in find_language(i["text"])}) == sorted(i["expect"])]
    print(f"lexicon: {len(load_lexicon())} entries, {sum(len(e.patterns) for e in load_lexicon())} patterns")
    print(f"appropriate reflections:   {len(appropriate):3d}  false positives: {len(false_positives)}")
    print(f"inappropriate reflections: {len(inappropriate):3d}  caught: {len(caught)}  (exactly the expected entries: {len(exact)})")
    for text in false_positives:
        print(f"  false positive: {text}")
    for item in inappropriate:
        if item not in caught:
            print(f"  missed: {item['text']}")


def seed_figures() -> None:
    """The seed is professional prose that quotes officers: how much does the coach leave alone, and why."""
    if not SEED.exists():
        print("seed: not found beside the checkout; skipped")
        return
    text = " ".join(SEED.read_text(encoding="utf-8").replace("-\n", "-").split())
    raw = quoted = named = 0
    spans = quoted_spans(text)
    plain = text.replace("’", "'").replace("‘", "'")
    for entry in load_lexicon():
        for pattern in entry.patterns:
            for m in pattern.finditer(plain):
                raw += 1
                if any(a <= m.start() and m.end() <= b for a, b in spans):
                    quoted += 1
                elif _named_or_negated(plain, m.start()):
                    named += 1
    hits = find_language(text)
    print(f"seed text: {raw} raw pattern matches; {quoted} inside quotation marks, {named} negated or named; {len(hits)} flagged:")
    for hit in hits:
        around = re.sub(r"\s+", " ", text[max(0, hit.start - 60) : hit.end + 40])
        print(f"  [{hit.entry.id}] ...{around}...")


def speed_figures() -> None:
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    texts = corpus["appropriate"] + [i["text"] for i in corpus["inappropriate"]]
    start = time.perf_counter()
    load_lexicon.cache_clear()
    load_lexicon()
    load_ms = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(20):
        for t in texts:
            t0 = time.perf_counter()
            find_language(t)
            times.append((time.perf_counter() - t0) * 1e6)
    print(f"speed: lexicon load {load_ms:.1f} ms; per reflection median {statistics.median(times):.0f} µs, max {max(times):.0f} µs")


if __name__ == "__main__":
    corpus_figures()
    seed_figures()
    speed_figures()
