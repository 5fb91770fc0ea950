"""``ltl-quiz graph``: a scenario's map as Mermaid, Graphviz dot or terminal text.

The map shows what an author needs to check a case file at a glance: every node by type, every
option on its edge with its points, critical options marked, the flags and tracks that
conditional routes test, and each ending with the range of scores that reach it. Score ranges
come from walking the same ``(node, flags)`` states as the validator, with the same scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node, Route, Scenario
from ltl_quiz.scenario.paths import Walker
from ltl_quiz.text import one_line

FORMATS = ("text", "mermaid", "dot")


@dataclass(frozen=True)
class Edge:
    """One way from a node to another: an option (or 'continue'), its points, and its condition."""

    source: str
    target: str
    option: str | None
    points: int | None
    critical: bool
    condition: str
    sets: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        parts = []
        if self.option is not None:
            parts.append(f"{self.option} ({self.points:+d})" if self.points else f"{self.option} (0)")
        if self.critical:
            parts.append("CRITICAL")
        if self.condition:
            parts.append(self.condition)
        return " ".join(parts)


@dataclass
class ScenarioMap:
    """The nodes and edges to draw, and each ending's score range per track."""

    scenario: Scenario
    track: str | None
    nodes: list[Node]
    edges: list[Edge]
    ranges: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)  # end id -> track -> (low, high)


def build_map(scenario: Scenario, track: str | None = None) -> ScenarioMap:
    """The map of every node (or, with ``track``, of the nodes that track can reach)."""
    tracks = [track] if track else list(scenario.audiences)
    ranges: dict[str, dict[str, tuple[int, int]]] = {}
    reached: set[str] = set()
    for t in tracks:
        seen, by_end = _walk(scenario, t)
        reached |= seen
        for end_id, span in by_end.items():
            ranges.setdefault(end_id, {})[t] = span
    nodes = [n for n in scenario.nodes.values() if track is None or n.id in reached]  # file order: the author's reading order
    kept = {n.id for n in nodes}
    edges = [e for n in nodes for e in _edges(n, track) if e.target in kept]
    return ScenarioMap(scenario, track, nodes, edges, ranges)


def render(m: ScenarioMap, fmt: str) -> str:
    return {"text": render_text, "mermaid": render_mermaid, "dot": render_dot}[fmt](m)


# -- building -------------------------------------------------------------------------------------


def _edges(node: Node, track: str | None) -> list[Edge]:
    if kind_of(node.type).routing == "option":
        out = []
        for opt in node.options:
            for route, condition in _routes(node.routes_for(opt.id), track):
                out.append(Edge(node.id, route.goto, opt.id, opt.points, opt.critical, condition, tuple(opt.sets)))
        return out
    return [Edge(node.id, route.goto, None, None, False, condition) for route, condition in _routes(node.next or [], track)]


def _routes(routes: list[Route], track: str | None) -> list[tuple[Route, str]]:
    """The routes that can be taken (on ``track``, if given), each with its condition in words."""
    out = []
    for route in routes:
        if track and route.track and route.track != track:
            continue
        words = []
        if route.if_flags:
            words.append("if " + ", ".join(route.if_flags))
        if route.unless:
            words.append("unless " + ", ".join(route.unless))
        if route.track and not track:
            words.append(f"on the {route.track} track")
        out.append((route, "[" + "; ".join(words) + "]" if words else ""))
        if not route.if_flags and not route.unless and not (route.track and not track):
            break  # nothing after an unconditional route (for this track) is ever taken
    return out


def _walk(scenario: Scenario, track: str) -> tuple[set[str], dict[str, tuple[int, int]]]:
    """Nodes reachable on ``track``, and the lowest and highest score of the paths to each ending.

    From the path analysis ``validate`` runs, so the map and the validator never disagree.
    """
    report = Walker(scenario, None).walk(track)
    return report.reached, report.ending_scores


def _range_words(m: ScenarioMap, node: Node) -> str:
    spans = m.ranges.get(node.id, {})
    if not spans:
        return "not reached"
    parts = []
    for track, (lo, hi) in spans.items():
        score = f"score {lo}" if lo == hi else f"score {lo} to {hi}"
        parts.append(score if m.track else f"{track} {score}")
    return "; ".join(parts)


# -- text -----------------------------------------------------------------------------------------


def render_text(m: ScenarioMap) -> str:
    s = m.scenario
    lines = [
        f"Map of {s.id}: {s.title.strip()}",
        f"Track: {m.track or 'all (' + ', '.join(s.audiences) + ')'}. Start: {s.start}.",
        "Key: -> leads to; (+N) points; CRITICAL leaves a child unsafeguarded; [if/unless flags] a conditional route.",
    ]
    for node in m.nodes:
        lines.append("")
        head = f"{node.type.upper()} {node.id}"
        if node.title:
            head += f": {' '.join(node.title.split())}"
        if node.track and not m.track:
            head += f" ({node.track} track)"
        lines.append(head)
        if node.prompt:
            lines.append(f"  asks: {' '.join(node.prompt.split())}")
        kind = kind_of(node.type)
        if kind.asks_key_question:
            lines.append(f"  key question: {node.key_question}")
        if kind.several:
            lines.append("  options (any of): " + ", ".join(_option_words(o.id, o.points, o.critical) for o in node.options))
        if kind.ending:
            real = "; matches the real case" if node.matches_real_case else ""
            lines.append(f"  ending: {_range_words(m, node)}{real}")
        for edge in (e for e in m.edges if e.source == node.id):
            lines.append("  " + _edge_words(edge))
    return "\n".join(lines) + "\n"


def _option_words(option_id: str, points: int, critical: bool) -> str:
    return (
        f"{option_id} ({points:+d})" + (" CRITICAL" if critical else "")
        if points
        else f"{option_id} (0)" + (" CRITICAL" if critical else "")
    )


def _edge_words(edge: Edge) -> str:
    lead = _option_words(edge.option, edge.points or 0, edge.critical) + " " if edge.option is not None else ""
    cond = f" {edge.condition}" if edge.condition else ""
    sets = f"  (sets {', '.join(edge.sets)})" if edge.sets else ""
    return f"{lead}-> {edge.target}{cond}{sets}"


# -- how each kind of node is drawn ---------------------------------------------------------------


@dataclass(frozen=True)
class Drawn:
    """One kind of node as both diagrams draw it: its Mermaid brackets and fill, its Graphviz shape."""

    mermaid_open: str
    mermaid_close: str
    mermaid_style: str
    dot: str


# One row a kind (a kind drawn nowhere here is drawn as a passage), so the two diagrams cannot disagree.
_DRAWN = {
    "passage": Drawn('["', '"]', "fill:#eef,stroke:#446", "shape=box"),
    "decision": Drawn('{"', '"}', "fill:#ffe,stroke:#664", "shape=diamond"),
    "multi": Drawn('{{"', '"}}', "fill:#fef,stroke:#646", "shape=hexagon"),
    "reflection": Drawn('[/"', '"/]', "fill:#efe,stroke:#464", "shape=parallelogram"),
    "end": Drawn('(["', '"])', "fill:#eee,stroke:#222,stroke-width:2px", "shape=box, style=rounded, peripheries=2"),
}


def _drawn(node: Node) -> Drawn:
    return _DRAWN.get(node.type, _DRAWN["passage"])


# -- mermaid --------------------------------------------------------------------------------------

def render_mermaid(m: ScenarioMap) -> str:
    ids = {node.id: f"n{i}" for i, node in enumerate(m.nodes)}
    lines = ["flowchart TD", f"  %% {m.scenario.id}: {one_line(m.scenario.title)} ({m.track or 'all tracks'})"]
    for node in m.nodes:
        drawn = _drawn(node)
        lines.append(f"  {ids[node.id]}{drawn.mermaid_open}{_mermaid_text(_node_label(m, node, '<br/>'))}{drawn.mermaid_close}")
    critical_links = []
    for i, edge in enumerate(m.edges):
        arrow = "-.->" if edge.condition else "-->"
        label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"  {ids[edge.source]} {arrow}{label} {ids[edge.target]}")
        if edge.critical:
            critical_links.append(str(i))
    for node_type in _DRAWN:
        members = [ids[n.id] for n in m.nodes if n.type == node_type]
        if members:  # class names take a suffix: 'end' is a Mermaid keyword
            lines.append(f"  class {','.join(members)} {node_type}Node")
    lines += [f"  classDef {node_type}Node {drawn.mermaid_style}" for node_type, drawn in _DRAWN.items()]
    if critical_links:
        lines.append(f"  linkStyle {','.join(critical_links)} stroke:#c00,stroke-width:3px,color:#c00")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return (
        text.replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<br/>", "\0")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\0", "<br/>")
    )


# -- dot ------------------------------------------------------------------------------------------

def render_dot(m: ScenarioMap) -> str:
    lines = [f"digraph {_dot_id(m.scenario.id)} {{", "  rankdir=TB;", '  node [fontname="Helvetica"];', '  edge [fontname="Helvetica"];']
    caption = f"{one_line(m.scenario.title)} ({m.track or 'all tracks'})"
    lines.append(f"  label={_dot_id(caption)};")
    for node in m.nodes:
        lines.append(f"  {_dot_id(node.id)} [{_drawn(node).dot}, label={_dot_id(_node_label(m, node, chr(10)))}];")
    for edge in m.edges:
        attrs = [f"label={_dot_id(edge.label)}"] if edge.label else []
        if edge.condition:
            attrs.append("style=dashed")
        if edge.critical:
            attrs.append("color=red, fontcolor=red, penwidth=2")
        lines.append(f"  {_dot_id(edge.source)} -> {_dot_id(edge.target)}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# -- shared ---------------------------------------------------------------------------------------


def _node_label(m: ScenarioMap, node: Node, br: str) -> str:
    parts = [f"{node.type}: {node.id}"]
    if node.title:
        parts.append(one_line(node.title))
    if node.track and not m.track:
        parts.append(f"{node.track} track")
    kind = kind_of(node.type)
    if kind.several:
        parts.append("any of: " + ", ".join(_option_words(o.id, o.points, o.critical) for o in node.options))
    if kind.asks_key_question and node.key_question:
        parts.append(f"asks {node.key_question}")
    if kind.ending:
        parts.append(_range_words(m, node) + (" (the real case)" if node.matches_real_case else ""))
    return br.join(parts)
