"""A requirement's clause in words, for players: "only China may", "Taiwan's clean network
must be 0 (it is 1)". Clauses the translation does not know keep their own text."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.sim._model import GeoModel

__all__ = ["clause_in_words"]

_OPS = {
    ast.Eq: "must be",
    ast.NotEq: "must not be",
    ast.Gt: "must be above",
    ast.GtE: "must be at least",
    ast.Lt: "must be below",
    ast.LtE: "must be at most",
}


def clause_in_words(source: str, model: GeoModel, nation: Any, target: Any) -> str:
    """`source` (one clause of a `requires`) as a sentence about `nation` and `target`."""
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return source
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
        return source
    left, op, right = node.left, type(node.ops[0]), node.comparators[0]
    if isinstance(right, ast.Name) and right.id in model.parameters:
        right = ast.Constant(model.parameters[right.id])  # a parameter: say its value
    if not isinstance(right, ast.Constant) or op not in _OPS:
        return source
    counted = _counted(left)
    if counted is not None and isinstance(right.value, int | float):
        return f"{counted} {_OPS[op]} {right.value:g}"
    who = _subject(left, nation, target)
    if who is None:
        return source
    subject, obj, attr = who
    value = right.value
    if attr == "id":
        name = model.nations[value].name if value in model.nations else str(value)
        if subject == "self":
            return f"only {name} may" if op is ast.Eq else f"{name} may not"
        return f"only against {name}" if op is ast.Eq else f"not against {name}"
    owner = {
        "self": _possessive(nation.name),
        "target": _possessive(getattr(target, "name", "the target")),
    }
    words = attr.replace("_", " ")
    current = getattr(obj, attr, None)
    now = f" (it is {current:.3g})" if isinstance(current, float) else ""
    prefix = owner.get(subject, "")
    shown = f"{value:g}" if isinstance(value, int | float) else repr(value)
    return f"{prefix} {words} {_OPS[op]} {shown}{now}".strip()


def _possessive(name: str) -> str:
    """'Taiwan' -> "Taiwan's"; 'United States' -> "the United States'"."""
    if name.endswith("s"):
        return f"the {name}'" if name.startswith("United") else f"{name}'"
    return f"{name}'s"


def _counted(node: ast.AST) -> str | None:
    """Words for `count('nations', where='clean_network')` and the like."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    if node.func.id != "count" or not node.args or not isinstance(node.args[0], ast.Constant):
        return None
    kind = str(node.args[0].value)
    where = next(
        (
            k.value.value
            for k in node.keywords
            if k.arg == "where" and isinstance(k.value, ast.Constant)
        ),
        None,
    )
    with_ = f" in the {str(where).replace('_', ' ')}" if where else ""
    return f"the number of {kind}{with_}"


def _subject(node: ast.AST, nation: Any, target: Any) -> tuple[str, Any, str] | None:
    """('self'|'target'|'world', the object, attribute) for `self.x`, `target.x`, `world.x`."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        name = node.value.id
        obj = {"self": nation, "target": target}.get(name)
        if name == "world":
            return "world", getattr(nation, "model", None) and nation.model.world, node.attr
        if obj is not None:
            return name, obj, node.attr
    return None
