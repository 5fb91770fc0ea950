"""Find scenario files, load them into the model and check everything that needs no path walking.

Graph checks that walk every path (dead ends, loops, flags, score ranges) live in ``paths.py``;
``load_scenario`` runs both and raises ``ScenarioError`` with every error found.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path
from typing import Any

from ltl_quiz.errors import FileRefused, Problem, ScenarioError, ScenarioNotFound
from ltl_quiz.files import read_regular
from ltl_quiz.scenario import model
from ltl_quiz.scenario.builder import Builder, describe
from ltl_quiz.scenario.catalogue import scenario_files
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.value_rules import rules_of
from ltl_quiz.scenario.yaml_source import MAX_BYTES, Located, PathKey, load_bytes
from ltl_quiz.text import counted


def display_name(path: Path) -> str:
    """Paths in messages are relative to the working folder when they can be, as editors expect."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a link that loops
        return str(path)


def parse_scenario(path: Path) -> tuple[model.Scenario, Located, list[Problem]]:
    """Load one file and run the structural checks; problems include warnings."""
    raw = _read(path)
    located = load_bytes(raw, display_name(path))
    if not isinstance(located.data, dict):
        raise ScenarioError([located.problem((), f"a scenario is a YAML mapping, got {describe(located.data)}")])
    builder = Builder(located)
    scenario = builder.build(model.Scenario, located.data, ())
    problems = builder.problems
    if scenario is None or not isinstance(scenario, model.Scenario):
        raise ScenarioError(problems or [located.problem((), "not a scenario")])
    scenario.path = str(path)
    scenario.sha256 = hashlib.sha256(raw).hexdigest()
    problems.extend(Checks(scenario, located).run())
    return scenario, located, problems


def load_scenario(path: Path) -> model.Scenario:
    """A scenario that is safe to run: raises ScenarioError if anything is wrong with it."""
    from ltl_quiz.scenario.paths import analyse

    scenario, located, problems = parse_scenario(path)
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        errors = [p for p in analyse(scenario, located).problems if p.severity == "error"]
    if errors:
        raise ScenarioError(errors)
    return scenario


def _read(path: Path) -> bytes:
    try:
        return read_regular(path, MAX_BYTES, "scenario file")
    except FileRefused as exc:
        raise ScenarioError([Problem(display_name(path), 1, 1, "", str(exc))]) from None


def summarise(path: Path) -> model.ScenarioSummary:
    """The few fields ``list`` shows; still a full parse, so a broken file is reported, not hidden."""
    scenario, _, problems = parse_scenario(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ScenarioError(errors)
    return model.ScenarioSummary(
        id=scenario.id,
        title=scenario.title,
        case_study=scenario.source.case_study,
        themes=scenario.themes,
        audiences=list(scenario.audiences),
        minutes=scenario.minutes,
        path=str(path),
    )


def find_scenario(folder: Path, wanted: str) -> Path:
    """Resolve what a learner typed (an id, a case-study number or a path) to a scenario file."""
    candidate = Path(wanted)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    files = scenario_files([folder]) if folder.is_dir() else []
    for file in files:
        stem = file.stem
        number, _, slug = stem.partition("-")
        if wanted in (stem, slug) or (wanted.isdigit() and number.isdigit() and int(wanted) == int(number)):
            return file
    for file in files:  # the id inside the file, for files named otherwise
        try:
            if summarise(file).id == wanted:
                return file
        except ScenarioError:
            continue
    ids = [f.stem.partition("-")[2] or f.stem for f in files]
    near = difflib.get_close_matches(wanted, ids, n=1, cutoff=0.6)
    hint = f"did you mean {near[0]}? " if near else ""
    known = ", ".join(ids) or "none"
    raise ScenarioNotFound(f"no scenario '{wanted}' in {folder}; {hint}known: {known} (see 'ltl-quiz list')")


class Checks:
    """Rules about values and cross-references that the type hints alone cannot say."""

    def __init__(self, scenario: model.Scenario, located: Located):
        self.s = scenario
        self.located = located
        self.problems: list[Problem] = []
        self._node_ids: set[str] | None = None

    def error(self, path: PathKey, message: str) -> None:
        self.problems.append(self.located.problem(path, message))

    def warn(self, path: PathKey, message: str) -> None:
        self.problems.append(self.located.problem(path, message, "warning"))

    def run(self) -> list[Problem]:
        self.metadata()
        self.case()
        for node_id, node in self.s.nodes.items():
            self.node(node_id, node)
        if self.s.start not in self._raw_node_ids():
            self.error(("start",), f"start node '{self.s.start}' is not in nodes; name one of the nodes")
        return self.problems

    def metadata(self) -> None:
        s = self.s
        # value rules (ranges, id patterns, allowed keys) are declared on the model's fields and
        # checked as they are read; the counts are too, but their messages need the whole case
        audiences = rules_of(model.Scenario, "audiences")
        if len(s.audiences) < (audiences.min_items or 0):
            self.error(("audiences",), "name at least one track: officer, manager")
        if audiences.unique and len(set(s.audiences)) != len(s.audiences):
            self.error(("audiences",), "a track is listed twice; list each once")
        for track in s.audiences:
            if track not in s.roles:
                self.error(("roles",), f"no role for the {track} track; add 'roles.{track}'")
            if not s.case.key_questions.get(track):
                self.error(("case", "key_questions"), f"no key questions for the {track} track; add them word for word from the seed")
        for track in s.roles:
            if track not in s.audiences:
                self.warn(("roles", track), f"a role for '{track}', which is not in audiences")

    def case(self) -> None:
        seen: set[str] = set()
        for i, ref in enumerate(self.s.case.references):
            if ref.id in seen:
                self.error(("case", "references", i, "id"), f"reference id '{ref.id}' is used twice; make it unique")
            seen.add(ref.id)
        kq_seen: set[str] = set()
        for track, questions in self.s.case.key_questions.items():
            for i, kq in enumerate(questions):
                path = ("case", "key_questions", track, i)
                same = self.s.nodes.get(kq.id)
                if same is not None and not (kind_of(same.type).asks_key_question and same.key_question == kq.id):
                    self.error(path + ("id",), f"key question id '{kq.id}' is also a node id; answers files name both, so rename one")
                if kq.id in kq_seen:
                    self.error(path + ("id",), f"key question id '{kq.id}' is used twice; make it unique")
                kq_seen.add(kq.id)
                if not 3 <= len(kq.model_points) <= 6:
                    self.warn(path + ("model_points",), f"{len(kq.model_points)} model points; give 3 to 6")

    def node(self, node_id: str, node: model.Node) -> None:
        path: PathKey = ("nodes", node_id)
        kind = kind_of(node.type)
        if kind.choice:
            self.options(path, node)
        if node.next is not None:
            self.routes(path + ("next",), node.next)
        if kind.asks_key_question and node.key_question and node.track:
            ids = [kq.id for kq in self.s.key_questions(node.track)]
            if node.key_question not in ids:
                self.error(
                    path + ("key_question",),
                    f"'{node.key_question}' is not a key question of the {node.track} track; use one of: {', '.join(ids) or 'none'}",
                )

    def options(self, path: PathKey, node: model.Node) -> None:
        fewest = rules_of(model.Node, "options").min_items or 0
        if len(node.options) < fewest:
            self.error(path + ("options",), f"a {node.type} needs at least {counted(fewest, 'option')}")
        kind = kind_of(node.type)
        seen: set[str] = set()
        for i, opt in enumerate(node.options):
            opath = path + ("options", i)
            if opt.id in seen:
                self.error(opath + ("id",), f"option id '{opt.id}' is used twice in this node; make it unique")
            seen.add(opt.id)
            if kind.routing == "option" and opt.next is None and node.next is None:
                self.error(opath, f"a {kind.name} option needs 'next' (or give the node a 'next' that options share)")
            if kind.routing == "node" and opt.next is not None:
                self.error(opath + ("next",), f"{kind.name} options share the node's 'next'; move it to the node")
            if kind.scoring == "one" and opt.points < 0:
                self.error(opath + ("points",), f"{opt.points}: {kind.name} points are 0 or more")
            if opt.next is not None:
                self.routes(opath + ("next",), opt.next)
            for j, ref in enumerate(opt.cites):
                if ref not in {r.id for r in self.s.case.references}:
                    self.error(opath + ("cites", j), f"'{ref}' is not in case.references; add it there or fix the id")
            if not opt.cites:
                self.warn(opath, "no 'cites': name the guidance this feedback rests on")

    def routes(self, path: PathKey, routes: list[model.Route]) -> None:
        for i, route in enumerate(routes):
            rpath = path + (i,) if len(routes) > 1 or self._is_list(path) else path
            if route.goto not in self._raw_node_ids():
                self.error(rpath, f"goes to '{route.goto}', which is not a node; name an existing node")
        if routes and routes[-1].conditional:
            self.error(path, "the last route has a condition; end the list with a route that has only 'goto'")

    def _raw_node_ids(self) -> set[str]:
        """Node ids as written, so a node dropped for a bad field does not cascade into more errors.

        Built once: asked for every route, it made a large file's checks quadratic.
        """
        if self._node_ids is None:
            nodes = self.located.data.get("nodes") if isinstance(self.located.data, dict) else None
            self._node_ids = set(nodes) if isinstance(nodes, dict) else set(self.s.nodes)
        return self._node_ids

    def _is_list(self, path: PathKey) -> bool:
        data: Any = self.located.data
        for part in path:
            try:
                data = data[part]
            except (KeyError, IndexError, TypeError):
                return False
        return isinstance(data, list)
