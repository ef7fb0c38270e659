"""Checks that judge rules without playing them: event chains and impossible actions.

Two questions `silicon-shield validate` can answer from the rules alone. Do events fire
each other in a loop, or deeper than the game allows (`MAX_EVENT_CHAIN`)? And may a
nation never take an action it is told to take, because a clause of the action's
`requires` that depends only on `self.id`, `target.id` and constants is false?

The functions here are pure: they return problems as data (where, and in what words),
and `_checks._Checker` reports them at their place in the files.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from typing import Any

from game.ruleset._yaml import Path_

# How deep events may fire each other in play; game/sim/_engine.py stops a game past it.
MAX_EVENT_CHAIN = 8

# A problem to report: the checked item (`("events", id)`), the path inside it, the message.
Problem = tuple[tuple[str, ...], Path_, str]
_Edges = dict[str, list[tuple[Path_, str]]]  # event -> (path of a `fire` key, event it fires)


# Events that fire events -------------------------------------------------------------------
def event_chain_problems(merged: dict[str, Any]) -> list[Problem]:
    """Find events that fire each other in a loop, or deeper than the game allows.

    Events' effects run whole, so a loop of `fire:` among events stops the game the
    first time one of them fires, and a chain deeper than MAX_EVENT_CHAIN the first
    time its head fires. Rules and actions may fire events but are not fired, so only
    event-to-event edges make a loop; they do add one to the depth of what they fire.

    Args:
        merged: the ruleset's sections (`events`, `rules`, `actions`), ids to specs.

    Returns:
        Each loop at the `fire:` that closes it; if there is none, each `fire:` that
        would run past MAX_EVENT_CHAIN.
    """
    events = merged["events"]
    edges = {ident: _fires(spec.effects, ("effects",)) for ident, spec in events.items()}
    edges = {e: [(sub, to) for sub, to in out if to in events] for e, out in edges.items()}
    firers: dict[str, str] = {}  # event -> the first rule or action that fires it
    for section, what in (("rules", "rule"), ("actions", "action")):
        for ident, spec in merged[section].items():
            lists = [spec.effects]
            proposal = getattr(spec, "proposal", None)
            if proposal is not None:
                lists += [proposal.on_accept, proposal.on_reject, proposal.on_expire]
            for effects in lists:
                for _, to in _fires(effects, ()):
                    firers.setdefault(to, f"{what} {ident!r}")
    return _event_loops(edges) or _event_depths(edges, firers)


def _event_loops(edges: _Edges) -> list[Problem]:
    """Each loop, at the `fire:` that closes it."""
    state: dict[str, int] = {}  # 1 while on the path being explored, 2 once done
    path: list[str] = []
    found: list[Problem] = []

    def visit(event: str) -> None:
        state[event] = 1
        path.append(event)
        for sub, to in edges[event]:
            if state.get(to) == 1:
                loop = [*path[path.index(to) :], to]
                found.append(
                    (
                        ("events", event),
                        sub,
                        f"events fire each other in a loop ({' → '.join(loop)}); the game "
                        "would stop the first time one of them fires: remove one of these "
                        "'fire:' effects",
                    )
                )
            elif to not in state:
                visit(to)
        path.pop()
        state[event] = 2

    for event in edges:
        if event not in state:
            visit(event)
    return found


def _event_depths(edges: _Edges, firers: dict[str, str]) -> list[Problem]:
    """Each `fire:` that would run past MAX_EVENT_CHAIN (events form no loop)."""
    # Effects of an event rolled by chance run at depth 0, of one fired by a rule or
    # an action at depth 1; each `fire:` adds one, and firing at MAX_EVENT_CHAIN fails.
    depth = {event: int(event in firers) for event in edges}
    came_from: dict[str, str] = {}
    for event in _in_firing_order(edges):
        for _, to in edges[event]:
            if depth[event] + 1 > depth[to]:
                depth[to], came_from[to] = depth[event] + 1, event
    found: list[Problem] = []
    for event, out in edges.items():
        if depth[event] < MAX_EVENT_CHAIN or not out:
            continue
        chain = [event]
        while chain[-1] in came_from:
            chain.append(came_from[chain[-1]])
        chain.reverse()
        start = firers.get(chain[0])
        sub, to = out[0]
        words = " → ".join([*([start] if start else []), *chain, to])
        found.append(
            (
                ("events", event),
                sub,
                f"events fire each other more than {MAX_EVENT_CHAIN} deep ({words}); the game "
                "would stop here: fire fewer events in a row",
            )
        )
    return found


def _fires(effects: Any, sub: Path_) -> list[tuple[Path_, str]]:
    """The `fire:` effects in a list of effects, as (path of the `fire` key, event id)."""
    out = []
    for i, effect in enumerate(effects or ()):
        event = getattr(effect, "fire", None)
        if isinstance(event, str):
            out.append(((*sub, i, "fire"), event))
    return out


def _in_firing_order(edges: _Edges) -> list[str]:
    """The events in an order where each comes before every event it fires (no loops)."""
    order: list[str] = []
    done: set[str] = set()

    def visit(event: str) -> None:
        done.add(event)
        for _, to in edges[event]:
            if to not in done:
                visit(to)
        order.append(event)

    for event in edges:
        if event not in done:
            visit(event)
    return order[::-1]


# Actions a nation may never take -----------------------------------------------------------
@functools.lru_cache(maxsize=1 << 16)  # a pure function of its text; asked for every option
def never_allowed(
    requires: str, action: str, nation: str, target: str | None
) -> tuple[str, str] | None:
    """Say why an action's `requires` can never hold for this nation and target, if so.

    Only the top-level `and` clauses that depend on nothing but `self.id`, `target.id`
    and constants are judged; any other clause may hold later in the game.

    Args:
        requires: the action's `requires` expression.
        action: the action's id.
        nation: the nation that would take it.
        target: the nation it would be taken against, or None.

    Returns:
        None if the action may be allowed; else the key to report at (`"target"` when
        the false clause is about the target alone, else `"action"`) and the message.
    """
    text = requires.strip()
    try:
        body = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the action's own check reports it
    clauses = (
        body.values if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And) else [body]
    )
    ids = {"self": nation, "target": target}
    for clause in clauses:
        if _static_truth(clause, ids) is False:
            words = ast.get_source_segment(text, clause) or ast.unparse(clause)
            names = {_id_of(node) for node in ast.walk(clause)} - {None}
            if names == {"target"}:
                return (
                    "target",
                    f"{nation} may never take {action!r} against {target}: it requires {words}",
                )
            return "action", f"{nation} may never take {action!r}: it requires {words}"
    return None


def _id_of(node: ast.AST) -> str | None:
    """'self' or 'target' for the nodes `self.id` and `target.id`, else None."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "id"
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "target")
    ):
        return node.value.id
    return None


_UNKNOWN = object()


def _static_value(node: ast.AST, ids: dict[str, str | None]) -> Any:
    """The value of a node made of ids and constants only, else _UNKNOWN."""
    who = _id_of(node)
    if who is not None:
        return ids[who] if ids[who] is not None else _UNKNOWN
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = [_static_value(item, ids) for item in node.elts]
        return _UNKNOWN if any(i is _UNKNOWN for i in items) else tuple(items)
    return _UNKNOWN


_COMPARE: dict[type[ast.cmpop], Callable[[object, object], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.In: lambda a, b: isinstance(b, tuple) and a in b,
    ast.NotIn: lambda a, b: isinstance(b, tuple) and a not in b,
}


def _static_truth(node: ast.AST, ids: dict[str, str | None]) -> bool | None:
    """Whether a condition on `self.id`, `target.id` and constants holds; None if it depends on more."""
    if isinstance(node, ast.Name) and node.id in ("true", "false"):
        return node.id == "true"
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _static_truth(node.operand, ids)
        return None if inner is None else not inner
    if isinstance(node, ast.BoolOp):
        parts = [_static_truth(value, ids) for value in node.values]
        decisive = isinstance(node.op, ast.Or)  # True decides an 'or', False an 'and'
        if decisive in parts:
            return decisive
        return None if None in parts else not decisive
    if isinstance(node, ast.Compare):
        values = [_static_value(n, ids) for n in (node.left, *node.comparators)]
        if any(v is _UNKNOWN for v in values) or any(type(op) not in _COMPARE for op in node.ops):
            return None
        return all(
            _COMPARE[type(op)](a, b) for op, a, b in zip(node.ops, values, values[1:], strict=False)
        )
    return None
