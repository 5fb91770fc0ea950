"""Build small scenario documents in code, for tests that need graphs the docs example lacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def option(oid: str, points: int = 0, nxt: Any = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": oid, "text": f"Option {oid}", "points": points, "feedback": f"Why {oid}.", "cites": ["app"]}
    if nxt is not None:
        out["next"] = nxt
    out.update(extra)
    return out


def scenario(nodes: dict[str, Any], start: str = "begin", audiences: tuple[str, ...] = ("officer",)) -> dict[str, Any]:
    kq = {t: [{"id": f"{t}-q", "question": f"A {t} question?", "model_points": ["one", "two", "three"]}] for t in audiences}
    return {
        "id": "factory-case",
        "title": "Factory case",
        "summary": "A generated case.",
        "source": {"publication": "Learning the Lessons", "issue": 39, "case_study": 1, "url": "https://example.org/r.pdf"},
        "themes": ["testing"],
        "audiences": list(audiences),
        "minutes": 5,
        "pass_mark": 70,
        "version": 1,
        "content_note": "Generated for tests.",
        "roles": {t: f"You are the {t}." for t in audiences},
        "start": start,
        "nodes": nodes,
        "case": {
            "what_happened": "Nothing real.",
            "outcomes": ["None."],
            "force_actions": ["None."],
            "references": [{"id": "app", "title": "APP on child abuse investigation", "kind": "guidance"}],
            "key_questions": kq,
        },
    }


def end(title: str = "The end") -> dict[str, Any]:
    return {"type": "end", "title": title, "text": "It ends.", "feedback": "Feedback."}


def write(tmp_path: Path, doc: dict[str, Any], name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def numbered_questions(doc: dict[str, Any], track: str, count: int) -> dict[str, Any]:
    """``doc`` with ``count`` key questions for ``track``, ids q1, q2...: for tests that count them."""
    doc["case"]["key_questions"][track] = [
        {"id": f"q{n}", "question": f"Key question number {n}?", "model_points": ["one", "two"]} for n in range(1, count + 1)
    ]
    return doc
