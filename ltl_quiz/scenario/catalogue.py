"""The list of scenarios a folder holds, cached by content hash so ``ltl-quiz list`` stays fast.

Parsing and checking ten case files costs far more than starting Python; their summaries only
change when a file's bytes do. The cache lives in the ltl-quiz home and is rebuilt silently when
missing, stale or unreadable, so it can never show a summary of content that is not on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, TypeGuard, cast

from ltl_quiz.atomic import write_text
from ltl_quiz.errors import FileRefused, ScenarioError, ScenarioNotFound
from ltl_quiz.files import CONTENT_MAX_BYTES, Skipped, folder_entries, read_regular

CACHE_VERSION = 2  # 2: entries for files that do not validate carry the reason instead of a row
SCENARIO_GLOB = "*.yaml"


def scan(paths: list[Path], follow_links: bool = False) -> tuple[list[Path], list[Skipped]]:
    """Expand folders to the scenario files in them, in name order (which is case-study order).

    Entries of a folder that are not regular files (folders, FIFOs, devices, broken or looping
    links, links out of the folder) come back as skipped, with the reason, for the caller to say.
    """
    files: list[Path] = []
    skipped: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            found, passed_over = folder_entries(path, SCENARIO_GLOB, follow_links)
            files.extend(found)
            skipped.extend(passed_over)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            raise ScenarioNotFound(f"{path}: no such file or folder; check the path")
    return files, skipped


def scenario_files(paths: list[Path]) -> list[Path]:
    """The usable scenario files under ``paths`` (what ``scan`` found, without the skipped)."""
    return scan(paths)[0]


class CaseSummary(TypedDict):
    """What the menu, ``list`` and ``list --json`` show of one scenario."""

    id: str
    case_study: int
    title: str
    themes: list[str]
    tracks: list[str]
    minutes: int


SUMMARY_TYPES = {"id": str, "case_study": int, "title": str, "themes": list, "tracks": list, "minutes": int}


@dataclass
class Catalogue:
    """The scenarios a folder offers learners, and one line about each file it would not offer."""

    rows: list[CaseSummary] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def summaries(folder: Path, cache_file: Path | None, follow_links: bool = False) -> Catalogue:
    """id, case study, title, themes, tracks and minutes of every scenario in ``folder`` that validates.

    A file that ``validate`` refuses (a broken graph as much as a bad field) is never offered: it
    is named in ``skipped`` with its first error, so an author sees why it is missing.
    """
    files, passed_over = scan([folder], follow_links) if folder.is_dir() else ([], [])
    out = Catalogue(skipped=[str(s) for s in passed_over])
    cache = _read(cache_file)
    fresh: dict[str, Any] = {}
    first_with: dict[str, Path] = {}
    for path in files:
        try:
            raw = read_regular(path, CONTENT_MAX_BYTES)
        except FileRefused as exc:
            out.skipped.append(f"{path}: skipped: {exc}")
            continue
        digest = hashlib.sha256(raw).hexdigest()
        cached = cache.get(digest)
        entry: dict[str, Any] = cached if _well_formed(cached) else _summarise(path)  # only on a cache miss: parsing and walking are the slow part
        fresh[digest] = entry
        if "skip" in entry:
            out.skipped.append(f"{path}: skipped: {entry['skip']}")
        elif entry["id"] in first_with:
            out.skipped.append(f"{path}: skipped: its id '{entry['id']}' is also used by {first_with[entry['id']]}; ids must be unique")
        else:
            first_with[entry["id"]] = path
            out.rows.append(cast(CaseSummary, entry))
    if cache_file is not None and fresh != cache:
        with contextlib.suppress(OSError):  # a read-only home only costs speed
            write_text(cache_file, json.dumps({"version": CACHE_VERSION, "entries": fresh}))
    return out


def _well_formed(entry: object) -> TypeGuard[dict[str, Any]]:
    """A cached entry is used only if it has the shape ``_summarise`` writes (a skip reason, or every
    summary field with its type); anything else in the cache file is summarised afresh."""
    if not isinstance(entry, dict):
        return False
    if "skip" in entry:
        return isinstance(entry["skip"], str)
    return all(isinstance(entry.get(key), kind) and not isinstance(entry.get(key), bool) for key, kind in SUMMARY_TYPES.items())


def _summarise(path: Path) -> dict[str, Any]:
    from ltl_quiz.scenario.loader import load_scenario

    try:
        s = load_scenario(path)
    except ScenarioError as exc:
        first = exc.problems[0] if exc.problems else None
        why = f"line {first.line}:{first.column}: {first.message}" if first else "it does not validate"
        return {"skip": f"does not validate ({why}); run 'ltl-quiz validate {path}'"}
    return {
        "id": s.id,
        "case_study": s.source.case_study,
        "title": s.title,
        "themes": s.themes,
        "tracks": list(s.audiences),
        "minutes": s.minutes,
    }


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
