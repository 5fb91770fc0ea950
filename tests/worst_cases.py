"""Scenario documents built to be as hard as possible to analyse (issue 14): long chains, many flags
read late, big flag-setting multis, wide diamonds. The tests check they validate; ``bench/validate.py``
times them."""

from __future__ import annotations

from typing import Any

from tests.scenario_factory import end, option, scenario


def long_chain(steps: int) -> dict[str, Any]:
    """One path of ``steps`` decisions: deep enough to exhaust a recursive walker."""
    nodes: dict[str, Any] = {}
    for i in range(steps):
        nxt = f"n{i + 1}" if i + 1 < steps else "done"
        nodes[f"n{i}"] = {"type": "decision", "prompt": "?", "options": [option("a", 1, nxt), option("b", 0, nxt)]}
    nodes["done"] = end()
    return scenario(nodes, start="n0")


def many_flags(count: int) -> dict[str, Any]:
    """``count`` decisions that each may set a flag, all read at the end: 2**count flag states."""
    nodes: dict[str, Any] = {}
    for i in range(count):
        nxt = f"n{i + 1}" if i + 1 < count else "last"
        nodes[f"n{i}"] = {
            "type": "decision",
            "prompt": "?",
            "options": [option("set", 2, nxt, sets=[f"f{i}"]), option("skip", 1, nxt)],
        }
    routes = [{"if": [f"f{i}"], "goto": "good" if i % 2 else "bad"} for i in range(count)]
    nodes["last"] = {"type": "passage", "text": "x", "next": [*routes, {"goto": "bad"}]}
    nodes["good"], nodes["bad"] = end("Good"), end("Bad")
    return scenario(nodes, start="n0")


def flag_multis(multis: int, options: int = 12) -> dict[str, Any]:
    """``multis`` multis of ``options`` flag-setting options each, every flag read at the end."""
    nodes: dict[str, Any] = {}
    flags = []
    for m in range(multis):
        nxt = f"m{m + 1}" if m + 1 < multis else "last"
        opts = [option(f"o{k}", k - 3, sets=[f"m{m}f{k}"]) for k in range(options)]
        flags += [f"m{m}f{k}" for k in range(options)]
        nodes[f"m{m}"] = {"type": "multi", "prompt": "?", "options": opts, "next": nxt}
    routes = [{"if": [f], "goto": "good" if i % 3 else "bad"} for i, f in enumerate(flags)]
    nodes["last"] = {"type": "passage", "text": "x", "next": [*routes, {"goto": "bad"}]}
    nodes["good"], nodes["bad"] = end("Good"), end("Bad")
    return scenario(nodes, start="m0")


def wide_diamonds(layers: int, width: int) -> dict[str, Any]:
    """``layers`` decisions of ``width`` options, each through its own passage: width**layers paths."""
    nodes: dict[str, Any] = {}
    for i in range(layers):
        join = f"d{i + 1}" if i + 1 < layers else "done"
        nodes[f"d{i}"] = {"type": "decision", "prompt": "?", "options": [option(f"o{k}", k, f"p{i}-{k}") for k in range(width)]}
        for k in range(width):
            nodes[f"p{i}-{k}"] = {"type": "passage", "text": "x", "next": join}
    nodes["done"] = end()
    return scenario(nodes, start="d0")
