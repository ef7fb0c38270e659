"""A requirement's clause in words, for players: "only China may", "Taiwan's clean network
must be 0 (it is 1)". Clauses the translation does not know keep their own text."""

from __future__ import annotations

import ast
import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.sim._model import GeoModel

__all__ = ["clause_in_words", "the_name"]

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
    node = _parsed(source.strip())
    if node is None:
        return source
    return _words(node, source.strip(), model, nation, target)


@functools.lru_cache(maxsize=4096)  # asked for every closed option of every page's view
def _parsed(source: str) -> ast.expr | None:
    """The expression `source` parsed (never changed by its readers), or None."""
    try:
        return ast.parse(source, mode="eval").body
    except SyntaxError:
        return None


def _words(node: ast.AST, source: str, model: GeoModel, nation: Any, target: Any) -> str:
    """One clause (a parsed expression) in words; its source when no rule below fits."""
    if isinstance(node, ast.BoolOp):  # `a or b`: each side in words
        joint = " or " if isinstance(node.op, ast.Or) else " and "
        parts = [_words(v, ast.unparse(v), model, nation, target) for v in node.values]
        return joint.join(parts)
    negated = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
    tagged = _tag_asked(node.operand if negated else node)  # type: ignore[attr-defined]
    if tagged is not None:
        whose, tag = tagged
        what = tag.replace("_", " ")
        article = "an" if what[:1] in "aeiou" else "a"
        if whose == "self":
            return f"not for {article} {what}" if negated else f"only {article} {what} may do this"
        return f"not against {article} {what}" if negated else f"only against {article} {what}"
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
        return source
    left, op, right = node.left, type(node.ops[0]), node.comparators[0]
    if isinstance(right, ast.Name) and right.id in model.parameters:
        right = ast.Constant(model.parameters[right.id])  # a parameter: say its value
    if not isinstance(right, ast.Constant) or op not in _OPS:
        return source
    counted = _counted(left, model)
    if counted is not None and isinstance(right.value, int | float):
        count = _count_now(left, model)
        it_is = f" (it is {count})" if count is not None else ""
        return f"{counted} {_OPS[op]} {right.value:g}{it_is}"
    who = _subject(left, nation, target)
    if who is None:
        return source
    subject, obj, attr = who
    value = right.value
    if attr == "id":
        name = model.nations[value].name if value in model.nations else str(value)
        if subject == "self":
            return f"only {name} may do this" if op is ast.Eq else f"not for {name}"
        return f"only against {name}" if op is ast.Eq else f"not against {name}"
    named = {"self": nation.name, "target": getattr(target, "name", "the target")}
    kind = "world" if subject == "world" else _kind(obj)
    spec = model.ruleset.attributes.get(kind, {}).get(attr)
    label = spec.label if spec is not None and spec.label else attr.replace("_", " ")
    words = _lowered(label, model)
    current = getattr(obj, attr, None)
    wanted = _wanted(op, value) if _is_flag(spec) else None  # must the flag be on?
    if wanted is not None:
        # The clause is false now (refusals are all this says): the flag is off or on.
        if subject == "world":
            return f"no {words} yet" if wanted else f"the {words} already"
        name = _the(named.get(subject, ""))
        return f"{name} is not {words}" if wanted else f"{name} is already {words}"
    now = f" (it is {current:.3g})" if isinstance(current, float) else ""
    owner = {"self": _possessive(named["self"]), "target": _possessive(named["target"])}
    prefix = owner.get(subject, "")
    shown = f"{value:g}" if isinstance(value, int | float) else repr(value)
    return f"{prefix} {words} {_OPS[op]} {shown}{now}".strip()


def _wanted(op: type[ast.cmpop], value: Any) -> bool | None:
    """Whether a comparison of a 0-or-1 attribute asks for it on (True) or off (False);
    None when it asks something else."""
    if value not in (0, 1):
        return None
    on: dict[type[ast.cmpop], bool | None] = {
        ast.Eq: value == 1,
        ast.NotEq: value == 0,
        ast.Gt: True if value == 0 else None,
        ast.GtE: True if value == 1 else None,
        ast.Lt: False if value == 1 else None,
        ast.LtE: False if value == 0 else None,
    }
    return on.get(op)


def _tag_asked(node: ast.AST) -> tuple[str, str] | None:
    """('self' or 'target', the tag) of `has_tag(self, 'democracy')`, or None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "has_tag"
        and len(node.args) == 2
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id in ("self", "target")
        and isinstance(node.args[1], ast.Constant)
    ):
        return node.args[0].id, str(node.args[1].value)
    return None


def _lowered(label: str, model: GeoModel) -> str:
    """A label inside a sentence: 'Defence' -> 'defence', but 'Taiwan model in force',
    'T7 alliance formed' and 'US–Taiwan trust' keep their first word as written."""
    first = label.split(" ", 1)[0]
    names = {word for n in model.nations.values() for word in n.name.split()}
    keep = first in names or any(ch.isupper() or ch.isdigit() for ch in first[1:])
    return label if keep else label[:1].lower() + label[1:]


def _count_now(node: ast.AST, model: GeoModel) -> int | None:
    """The current value of `count('nations', where='attr')` (no other filter), or None."""
    if not isinstance(node, ast.Call) or len(node.args) != 1 or node.args[0].value != "nations":  # type: ignore[attr-defined]
        return None
    keywords = {k.arg: k.value for k in node.keywords}
    if set(keywords) - {"where"}:
        return None
    where = keywords.get("where")
    attr = where.value if isinstance(where, ast.Constant) else None
    return sum(1 for n in model.nations.values() if attr is None or getattr(n, str(attr), 0) > 0)


def _kind(obj: Any) -> str:
    """'nation', 'firm' or 'agency': the table of attributes an agent's kind declares."""
    return str(getattr(obj, "kind", "") or type(obj).__name__.lower())


def _is_flag(spec: Any) -> bool:
    """An attribute that is 0 or 1 (off or on): bounds 0 to 1 and a whole start value."""
    return spec is not None and spec.min == 0 and spec.max == 1 and float(spec.value).is_integer()


def _the(name: str) -> str:
    """'United States' -> 'the United States'; 'Taiwan' -> 'Taiwan'."""
    return f"the {name}" if name.startswith(("United ", "European ")) else name


the_name = _the  # for other messages to players


def _possessive(name: str) -> str:
    """'Taiwan' -> "Taiwan's"; 'United States' -> "the United States'"."""
    return f"{_the(name)}'" if name.endswith("s") else f"{_the(name)}'s"


def _counted(node: ast.AST, model: GeoModel) -> str | None:
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
    singular = {"nations": "nation", "firms": "firm", "agencies": "agency"}.get(kind, kind)
    spec = model.ruleset.attributes.get(singular, {}).get(str(where)) if where else None
    if spec is not None and spec.label:
        with_ = " " + spec.label[:1].lower() + spec.label[1:]
    else:
        with_ = f" with {str(where).replace('_', ' ')}" if where else ""
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
