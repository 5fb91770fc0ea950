"""The list of scenarios a folder holds, cached by content hash so ``ltl-quiz list`` stays fast.

Parsing and checking ten case files costs far more than starting Python; their summaries only
change when a file's bytes do. The cache lives in the ltl-quiz home and is rebuilt silently when
missing, stale or unreadable, so it can never show a summary of content that is not on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from ltl_quiz.atomic import write_text
from ltl_quiz.errors import ScenarioNotFound

CACHE_VERSION = 1
SCENARIO_GLOB = "*.yaml"


def scenario_files(paths: list[Path]) -> list[Path]:
    """Expand folders to the scenario files in them, in name order (which is case-study order)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob(SCENARIO_GLOB) if not p.name.startswith(".")))
        elif path.exists():
            files.append(path)
        else:
            raise ScenarioNotFound(f"{path}: no such file or folder; check the path")
    return files


def summaries(folder: Path, cache_file: Path | None) -> list[dict[str, Any]]:
    """id, case study, title, themes, tracks and minutes of every scenario in ``folder``."""
    files = scenario_files([folder]) if folder.is_dir() else []
    cache = _read(cache_file)
    rows, fresh = [], {}
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        row = cache.get(digest)
        if row is None:
            from ltl_quiz.loader import summarise  # only on a cache miss: parsing is the slow part

            s = summarise(path)  # raises ScenarioError for a broken file: list reports it
            row = {
                "id": s.id,
                "case_study": s.case_study,
                "title": s.title,
                "themes": s.themes,
                "tracks": s.audiences,
                "minutes": s.minutes,
            }
        fresh[digest] = row
        rows.append(row)
    if cache_file is not None and fresh != cache:
        with contextlib.suppress(OSError):  # a read-only home only costs speed
            write_text(cache_file, json.dumps({"version": CACHE_VERSION, "entries": fresh}))
    return rows


def _read(cache_file: Path | None) -> dict[str, Any]:
    if cache_file is None or not cache_file.exists():
        return {}
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    return data.get("entries", {}) if isinstance(data.get("entries"), dict) else {}
