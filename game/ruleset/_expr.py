"""The rule expression language: checked and compiled once, called many times.

An expression such as ``clamp(world.strait_tension - 0.1 * self.deterrence, 0, 1)`` is
parsed with Python's `ast`, checked against an allowlist keyed on node type (as
simpleeval does), type-checked against the ruleset's names, and translated to the
source of a Python lambda over one argument, the evaluation context ``c``. That lambda
is compiled with no builtins and only the helpers below in its globals, so a compiled
expression costs about what the same hand-written lambda costs.

Everything is a float at run time (literals, attributes, parameters, the turn): with
no integers and no string arithmetic, nothing can build a huge number or string.

The context contract (the simulation provides an object with these attributes):
``self``, ``target``, ``world``, ``p`` (parameters), ``turn``, ``year``, ``quarter``,
``nations``/``firms``/``agencies`` (id -> agent), ``sets`` (agent lists, by the index
`Namespace.agent_sets` gives), ``agg`` (an `AgentIndex` over those lists, for the
aggregates), and the methods ``random()``, ``pending(nation, action,
source)``, ``proposed(nation, action, target)``, ``since(event)``, ``fired(event)``.
"""

from __future__ import annotations

import ast
import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from game.ruleset._runtime import HELPERS, Expression

__all__ = [
    "CONTEXT_SLOTS",
    "ENTITY_KINDS",
    "FUNCTIONS",
    "ExprError",
    "Expression",
    "Namespace",
    "Scope",
    "compile_expression",
    "did_you_mean",
]

MAX_LENGTH = 2000
MAX_FORMAT_WIDTH = 40
MAX_DEPTH = 60

NUMBER, BOOL, STRING = "number", "bool", "string"
ENTITY_KINDS = ("world", "nation", "firm", "agency")
SET_KINDS = {"nations": "nation", "firms": "firm", "agencies": "agency"}
BUILTIN_ATTRS: dict[str, dict[str, str]] = {
    "world": {},
    "nation": {"id": STRING, "name": STRING},
    "firm": {"id": STRING, "name": STRING, "home": "nation"},
    "agency": {"id": STRING, "name": STRING, "home": "nation"},
}
CONTEXT_SLOTS = (
    "self", "target", "world", "p", "turn", "year", "quarter", "nations", "firms",
    "agencies", "sets", "agg", "random", "pending", "proposed", "since", "fired",
)  # fmt: skip

FUNCTIONS = {
    "min": "smallest of two or more numbers",
    "max": "largest of two or more numbers",
    "clamp": "clamp(x, lo, hi): x limited to [lo, hi]",
    "abs": "absolute value",
    "sqrt": "square root",
    "log": "natural logarithm",
    "exp": "e to the power x",
    "round": "round(x, digits=0)",
    "nation": "nation('TW'): a nation by id",
    "firm": "firm('TSMC'): a firm by id",
    "agency": "agency('ITRI'): an agency by id",
    "total": "total(kind, attr, nation=, tag=, where=): sum of attr over agents",
    "share": "share(kind, attr, nation=, tag=, where=): filtered total / total of all of kind",
    "count": "count(kind, nation=, tag=, where=): number of agents",
    "mean": "mean(kind, attr, nation=, tag=, where=): average of attr",
    "has_tag": "has_tag(entity, 'tag'): whether the agent carries the tag",
    "chance": "chance(p): true with probability p (the model's seeded RNG)",
    "pending": "pending('action', 'FROM'?): proposals of that kind awaiting self's answer",
    "proposed": "proposed('action', 'TO'?): proposals self made that await an answer",
    "since": "since('event'): turns since the event last fired (1000 if never)",
    "fired": "fired('event'): how many times the event has fired",
}
_CONSTANT_NAMES = {"true": True, "false": False, "True": True, "False": False}


class ExprError(Exception):
    """A problem in one expression; `col` is the 0-based offset in the expression text."""

    def __init__(self, message: str, col: int = 0):
        self.message = message
        self.col = col
        super().__init__(message)


def did_you_mean(word: str, options: Any) -> str:
    """Return ' (did you mean 'x'?)' for the closest option, or ''."""
    others = sorted(o for o in options if o != word)
    close = difflib.get_close_matches(word, others, n=1, cutoff=0.6)
    if not close and word.lower() in {o.lower() for o in others}:
        close = [o for o in others if o.lower() == word.lower()]
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass
class Namespace:
    """The names expressions may use, built from a ruleset.

    `agent_sets` grows as expressions use new static filters; the simulation builds one
    agent list per entry, in order, so `c.sets[i]` is a list lookup at run time.
    """

    parameters: set[str] = field(default_factory=set)
    attributes: dict[str, set[str]] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    agent_sets: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def set_index(self, kind: str, nation: str | None, tag: str | None) -> int:
        """Return the index of the agent list for (kind, nation, tag), adding it if new."""
        key = (kind, nation, tag)
        if key not in self.agent_sets:
            self.agent_sets.append(key)
        return self.agent_sets.index(key)


@dataclass(frozen=True)
class Scope:
    """What `self` and `target` are in an expression: an entity kind or None."""

    self_kind: str | None = None
    target_kind: str | None = None


def _is_literal(code: str) -> bool:
    try:
        float(code.strip("()"))
    except ValueError:
        return False
    return True


_MATH = {"min": "_min", "max": "_max", "abs": "_abs", "sqrt": "_sqrt", "log": "_log", "exp": "_exp"}
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
           ast.Mod: "%", ast.Pow: "**"}  # fmt: skip
_CMPOPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_REFUSED = {
    ast.Lambda: "lambdas are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.NamedExpr: "':=' (walrus) is not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.Subscript: "indexing with [] is not allowed; use nation('TW') and the like",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.List: "lists are not allowed in expressions",
    ast.Tuple: "tuples are not allowed in expressions",
    ast.Dict: "dicts are not allowed in expressions",
    ast.Set: "sets are not allowed in expressions",
    ast.Slice: "slices are not allowed",
}


class _Compiler:
    """Checks one parsed expression and produces the Python source of its body."""

    def __init__(self, ns: Namespace, scope: Scope, text: str = ""):
        self.ns = ns
        self.scope = scope
        self.lines = text.split("\n")

    def offset(self, line: int, byte_col: int) -> int:
        """The character offset in the text of `ast`'s (1-based line, UTF-8 byte column)."""
        before = sum(len(text) + 1 for text in self.lines[: line - 1])
        current = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return before + len(current.encode()[:byte_col].decode("utf-8", "ignore"))

    def fail(self, node: ast.AST, message: str) -> ExprError:
        return ExprError(
            message, self.offset(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))
        )

    def visit(self, node: ast.AST, depth: int = 0) -> tuple[str, str]:
        """Return (python source, type) for `node`."""
        if depth > MAX_DEPTH:
            raise self.fail(node, f"expression nests more than {MAX_DEPTH} levels")
        visitor = _NODES.get(type(node))
        if visitor is None:
            reason = _REFUSED.get(type(node), f"{type(node).__name__} is not allowed")
            raise self.fail(node, reason)
        return visitor(self, node, depth + 1)

    def number(self, node: ast.AST, depth: int, what: str) -> str:
        code, typ = self.visit(node, depth)
        if typ not in (NUMBER, BOOL):
            raise self.fail(node, f"{what} needs a number, found a {typ}")
        return code

    def truth(self, node: ast.AST, depth: int) -> str:
        return self.number(node, depth, "a condition")

    # Leaves ------------------------------------------------------------------------
    def constant(self, node: ast.Constant, depth: int) -> tuple[str, str]:
        value = node.value
        if isinstance(value, bool):
            return repr(value), BOOL
        if isinstance(value, int | float):
            try:
                number = float(value)
            except OverflowError:
                raise self.fail(node, "number is too large") from None
            if not math.isfinite(number):
                raise self.fail(node, "number is too large")
            return repr(number), NUMBER
        if isinstance(value, str):
            if len(value) > 200:
                raise self.fail(node, "string literal longer than 200 characters")
            return repr(value), STRING
        raise self.fail(node, f"{type(value).__name__} literals are not allowed")

    def name(self, node: ast.Name, depth: int) -> tuple[str, str]:
        name = node.id
        if name.startswith("_"):
            raise self.fail(node, f"names starting with '_' are not allowed ({name!r})")
        if name in _CONSTANT_NAMES:
            return repr(_CONSTANT_NAMES[name]), BOOL
        if name == "self" or name == "target":
            kind = self.scope.self_kind if name == "self" else self.scope.target_kind
            if kind is None:
                why = (
                    "here: this formula is about the whole world, not one agent (a rule "
                    "without for_each, an event or a metric); use for_each: nations, firms "
                    "or agencies, or name one, as nation('TW')"
                    if name == "self"
                    else "here: only actions with 'target: nation' have one"
                )
                raise self.fail(node, f"'{name}' is not available {why}")
            return f"c.{name}", kind
        if name == "world":
            return "c.world", "world"
        if name in ("turn", "year", "quarter"):
            return f"c.{name}", NUMBER
        if name in self.ns.parameters:
            return f"c.p.{name}", NUMBER
        if name in FUNCTIONS:
            raise self.fail(node, f"'{name}' is a function; call it as {name}(...)")
        known = {"self", "target", "world", "turn", "year", "quarter", *self.ns.parameters}
        raise self.fail(node, f"unknown name {name!r}{did_you_mean(name, known)}")

    def attribute(self, node: ast.Attribute, depth: int) -> tuple[str, str]:
        attr = node.attr
        end = self.offset(node.end_lineno or 1, node.end_col_offset or 0)
        at = ExprError("", max(end - len(attr), 0))
        if attr.startswith("_"):
            at.message = f"attributes starting with '_' are not allowed ({attr!r})"
            raise at
        code, kind = self.visit(node.value, depth)
        if kind not in ENTITY_KINDS:
            at.message = f"a {kind} has no attribute {attr!r}"
            raise at
        builtin = BUILTIN_ATTRS[kind]
        if attr in builtin:
            return f"{code}.{attr}", builtin[attr]
        known = self.ns.attributes.get(kind, set())
        if attr not in known:
            hint = did_you_mean(attr, known | set(builtin))
            at.message = f"unknown {kind} attribute {attr!r}{hint}"
            raise at
        return f"{code}.{attr}", NUMBER

    # Operators ---------------------------------------------------------------------
    def binop(self, node: ast.BinOp, depth: int) -> tuple[str, str]:
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise self.fail(node, f"operator {type(node.op).__name__} is not allowed")
        left = self.number(node.left, depth, f"'{op}'")
        right = self.number(node.right, depth, f"'{op}'")
        code = f"_pow({left}, {right})" if op == "**" else f"({left} {op} {right})"
        if _is_literal(left) and _is_literal(right):
            # Fold constants now, so 9**9**9 or 1/0 is a load-time error, not a run-time one.
            try:
                value = eval(code, dict(HELPERS))
            except ArithmeticError:
                raise self.fail(node, f"constant {op!r} overflows or divides by zero") from None
            except ValueError:
                raise self.fail(node, f"constant {op!r} has no real value") from None
            if not math.isfinite(value):
                raise self.fail(node, f"constant {op!r} overflows")
            return f"({value!r})", NUMBER  # parenthesised: -2.0 ** 2 would mean -(2 ** 2)
        return code, NUMBER

    def unaryop(self, node: ast.UnaryOp, depth: int) -> tuple[str, str]:
        if isinstance(node.op, ast.Not):
            return f"(not {self.truth(node.operand, depth)})", BOOL
        if isinstance(node.op, ast.USub | ast.UAdd):
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            operand = self.number(node.operand, depth, f"{sign!r}")
            if _is_literal(operand):  # fold, so that 1 / --0 is caught like 1 / 0
                value = float(operand.strip("()"))
                return f"({-value if sign == '-' else value!r})", NUMBER
            return f"({sign}{operand})", NUMBER
        raise self.fail(node, "operator '~' is not allowed")

    def boolop(self, node: ast.BoolOp, depth: int) -> tuple[str, str]:
        word = " and " if isinstance(node.op, ast.And) else " or "
        parts = [self.visit(v, depth) for v in node.values]
        for value, (_, typ) in zip(node.values, parts, strict=True):
            if typ not in (NUMBER, BOOL):
                raise self.fail(value, f"'{word.strip()}' needs conditions, found a {typ}")
        typ = BOOL if all(t == BOOL for _, t in parts) else NUMBER
        return "(" + word.join(code for code, _ in parts) + ")", typ

    def compare(self, node: ast.Compare, depth: int) -> tuple[str, str]:
        code, typ = self.visit(node.left, depth)
        out = [code]
        for op, right in zip(node.ops, node.comparators, strict=True):
            symbol = _CMPOPS.get(type(op))
            if symbol is None:
                raise self.fail(node, f"comparison {type(op).__name__} is not allowed")
            rcode, rtyp = self.visit(right, depth)
            numeric = {typ, rtyp} <= {NUMBER, BOOL}
            if not numeric and (typ != rtyp or symbol not in ("==", "!=")):
                raise self.fail(right, f"cannot compare a {typ} with a {rtyp} using {symbol!r}")
            if not numeric and typ in ENTITY_KINDS:
                symbol = "is" if symbol == "==" else "is not"
            out += [symbol, rcode]
            typ = rtyp
        return "(" + " ".join(out) + ")", BOOL

    def ifexp(self, node: ast.IfExp, depth: int) -> tuple[str, str]:
        test = self.truth(node.test, depth)
        body, btyp = self.visit(node.body, depth)
        orelse, otyp = self.visit(node.orelse, depth)
        if btyp != otyp and {btyp, otyp} != {NUMBER, BOOL}:
            raise self.fail(node, f"both branches must have one type, found {btyp} and {otyp}")
        return f"({body} if {test} else {orelse})", NUMBER if btyp != otyp else btyp

    # Calls -------------------------------------------------------------------------
    def call(self, node: ast.Call, depth: int) -> tuple[str, str]:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only the listed functions can be called (no methods)")
        name = node.func.id
        if name not in FUNCTIONS:
            hint = did_you_mean(name, FUNCTIONS)
            raise self.fail(node, f"unknown function {name!r}{hint}; see the designer's guide")
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            raise self.fail(node, "'*' and '**' arguments are not allowed")
        return _CALLS.get(name, _Compiler.f_math)(self, node, depth)

    def args(self, node: ast.Call, low: int, high: int, keywords: tuple[str, ...] = ()) -> None:
        name = _function_name(node)
        if not low <= len(node.args) <= high:
            want = str(low) if low == high else f"{low} to {high}"
            raise self.fail(node, f"{name}() takes {want} arguments, got {len(node.args)}")
        for kw in node.keywords:
            if kw.arg not in keywords:
                allowed = ", ".join(keywords) or "none"
                raise self.fail(
                    kw.value, f"{name}() has no argument {kw.arg!r} (allowed: {allowed})"
                )

    def literal(self, node: ast.AST, what: str, options: set[str] | None = None) -> str:
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            raise self.fail(node, f"{what} must be a quoted literal such as 'TW'")
        if options is not None and node.value not in options:
            hint = did_you_mean(node.value, options)
            raise self.fail(node, f"unknown {what} {node.value!r}{hint}")
        return node.value

    def f_math(self, node: ast.Call, depth: int) -> tuple[str, str]:
        name = _function_name(node)
        if name in ("min", "max"):
            self.args(node, 2, 20)
        elif name == "clamp":
            self.args(node, 3, 3)
        elif name == "round":
            self.args(node, 1, 2)
        else:
            self.args(node, 1, 1)
        codes = [self.number(a, depth, f"{name}()") for a in node.args]
        helper = "_clamp" if name == "clamp" else "_round" if name == "round" else _MATH[name]
        return f"{helper}({', '.join(codes)})", NUMBER

    def f_entity(self, node: ast.Call, kind: str) -> tuple[str, str]:
        self.args(node, 1, 1)
        ident = self.literal(node.args[0], f"{kind} id", self.ns.ids.get(kind, set()))
        plural = {"nation": "nations", "firm": "firms", "agency": "agencies"}[kind]
        return f"c.{plural}[{ident!r}]", kind

    def f_nation(self, node: ast.Call, depth: int) -> tuple[str, str]:
        return self.f_entity(node, "nation")

    def f_firm(self, node: ast.Call, depth: int) -> tuple[str, str]:
        return self.f_entity(node, "firm")

    def f_agency(self, node: ast.Call, depth: int) -> tuple[str, str]:
        return self.f_entity(node, "agency")

    def agent_set(
        self, node: ast.Call, with_attr: bool, depth: int = 0
    ) -> tuple[str, str, str | None, str]:
        """Check kind/attr/nation/tag/where; return (list index, nation code, attr, where, kind).

        `nation=` is a quoted id (a list of its own, built once per game) or a
        nation-valued expression such as `self.home` (that nation's group of the list).
        The result is the first arguments of an `AgentIndex` method: "i, nation".
        """
        n = 2 if with_attr else 1
        self.args(node, n, n, ("nation", "tag", "where"))
        kind = SET_KINDS[self.literal(node.args[0], "agent kind", set(SET_KINDS))]
        attrs = self.ns.attributes.get(kind, set())
        attr = self.literal(node.args[1], f"{kind} attribute", attrs) if with_attr else ""
        kw = {k.arg: k.value for k in node.keywords}
        nation = tag = where = None
        dynamic = "None"
        if "nation" in kw and not isinstance(kw["nation"], ast.Constant):
            dynamic, typ = self.visit(kw["nation"], depth)
            if typ != "nation":
                raise self.fail(
                    kw["nation"], f"nation= needs a nation such as self.home, found a {typ}"
                )
        elif "nation" in kw:
            nation = self.literal(kw["nation"], "nation id", self.ns.ids.get("nation", set()))
        if "tag" in kw:
            tag = self.literal(kw["tag"], "tag", self.ns.tags)
        if "where" in kw:
            where = self.literal(kw["where"], f"{kind} attribute", attrs)
        return f"{self.ns.set_index(kind, nation, tag)}, {dynamic}", attr, where, kind

    # Each aggregate visits its arguments once and names its agent list once in the code:
    # nesting aggregates inside `nation=` must grow the code linearly, not exponentially.
    def f_total(self, node: ast.Call, depth: int) -> tuple[str, str]:
        agents, attr, where, _ = self.agent_set(node, True, depth)
        return f"c.agg.total({agents}, {attr!r}, {where!r})", NUMBER

    def f_share(self, node: ast.Call, depth: int) -> tuple[str, str]:
        agents, attr, where, kind = self.agent_set(node, True, depth)
        whole = self.ns.set_index(kind, None, None)
        return f"c.agg.share({agents}, {attr!r}, {where!r}, {whole})", NUMBER

    def f_count(self, node: ast.Call, depth: int) -> tuple[str, str]:
        agents, _, where, _ = self.agent_set(node, False, depth)
        return f"c.agg.count({agents}, {where!r})", NUMBER

    def f_mean(self, node: ast.Call, depth: int) -> tuple[str, str]:
        agents, attr, where, _ = self.agent_set(node, True, depth)
        return f"c.agg.mean({agents}, {attr!r}, {where!r})", NUMBER

    def f_has_tag(self, node: ast.Call, depth: int) -> tuple[str, str]:
        self.args(node, 2, 2)
        code, kind = self.visit(node.args[0], depth)
        if kind not in ("nation", "firm", "agency"):
            raise self.fail(
                node.args[0], f"has_tag() needs a nation, firm or agency, found a {kind}"
            )
        tag = self.literal(node.args[1], "tag", self.ns.tags)
        return f"({tag!r} in {code}.tags)", BOOL

    def f_chance(self, node: ast.Call, depth: int) -> tuple[str, str]:
        self.args(node, 1, 1)
        return f"(c.random() < {self.number(node.args[0], depth, 'chance()')})", BOOL

    def proposals(self, node: ast.Call, method: str) -> tuple[str, str]:
        self.args(node, 1, 2)
        if self.scope.self_kind != "nation":
            raise self.fail(node, f"{method}() needs 'self' to be a nation")
        action = self.literal(node.args[0], "action", self.ns.actions)
        other = None
        if len(node.args) == 2:
            other = self.literal(node.args[1], "nation id", self.ns.ids.get("nation", set()))
        return f"_float(c.{method}(c.self, {action!r}, {other!r}))", NUMBER

    def f_pending(self, node: ast.Call, depth: int) -> tuple[str, str]:
        return self.proposals(node, "pending")

    def f_proposed(self, node: ast.Call, depth: int) -> tuple[str, str]:
        return self.proposals(node, "proposed")

    def f_since(self, node: ast.Call, depth: int) -> tuple[str, str]:
        self.args(node, 1, 1)
        event = self.literal(node.args[0], "event", self.ns.events)
        return f"c.since({event!r})", NUMBER

    def f_fired(self, node: ast.Call, depth: int) -> tuple[str, str]:
        self.args(node, 1, 1)
        event = self.literal(node.args[0], "event", self.ns.events)
        return f"c.fired({event!r})", NUMBER


def _function_name(node: ast.Call) -> str:
    """The name a checked call calls (`call` refuses anything but a plain name)."""
    return node.func.id if isinstance(node.func, ast.Name) else ""


# The allowlist: every node type an expression may contain, and what checks it. Anything
# else is refused, with the reason from `_REFUSED` where there is one.
_NODES: dict[type[ast.AST], Callable[[_Compiler, Any, int], tuple[str, str]]] = {
    ast.Constant: _Compiler.constant,
    ast.Name: _Compiler.name,
    ast.Attribute: _Compiler.attribute,
    ast.BinOp: _Compiler.binop,
    ast.UnaryOp: _Compiler.unaryop,
    ast.BoolOp: _Compiler.boolop,
    ast.Compare: _Compiler.compare,
    ast.IfExp: _Compiler.ifexp,
    ast.Call: _Compiler.call,
}

# The functions of `FUNCTIONS` that are not plain math, and what compiles each.
_CALLS: dict[str, Callable[[_Compiler, ast.Call, int], tuple[str, str]]] = {
    "nation": _Compiler.f_nation,
    "firm": _Compiler.f_firm,
    "agency": _Compiler.f_agency,
    "total": _Compiler.f_total,
    "share": _Compiler.f_share,
    "count": _Compiler.f_count,
    "mean": _Compiler.f_mean,
    "has_tag": _Compiler.f_has_tag,
    "chance": _Compiler.f_chance,
    "pending": _Compiler.f_pending,
    "proposed": _Compiler.f_proposed,
    "since": _Compiler.f_since,
    "fired": _Compiler.f_fired,
}


# Operators of other languages that designers type by habit, and what to write instead.
_HABITS = (
    ("===", "use '==' to compare"),
    ("!==", "use '!=' to compare"),
    ("&&", "use 'and' (rule expressions are written like Python)"),
    ("||", "use 'or' (rule expressions are written like Python)"),
    ("=<", "use '<=' (less than or equal)"),
    ("=>", "use '>=' (greater than or equal)"),
    ("<>", "use '!=' for 'not equal'"),
)


def _other_language(text: str) -> tuple[str, int] | None:
    """The first operator of another language in `text` (outside quotes): (hint, column)."""
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
            continue
        if ch in "'\"":
            quote = ch
            continue
        for token, hint in _HABITS:
            if text.startswith(token, i):
                return hint, i
        if ch == "!" and not text.startswith("!=", i):
            return "use 'not' (rule expressions are written like Python)", i
    return None


def _parse(source: str) -> ast.expr:
    if not isinstance(source, str):
        raise ExprError(f"an expression must be text, found {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise ExprError(f"expression is {len(source):,} characters; the limit is {MAX_LENGTH:,}")
    if not source.strip():
        raise ExprError("expression is empty")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        habit = _other_language(source.strip())
        if habit is not None:
            raise ExprError(habit[0], habit[1]) from None
        col = max((exc.offset or 1) - 1, 0)
        raise ExprError(f"syntax error: {exc.msg}", col) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("expression is too deeply nested") from None
    return tree.body


def compile_expression(
    source: str, ns: Namespace, scope: Scope = Scope(), want: str | None = None
) -> Expression:
    """Check and compile one expression.

    Args:
        source: the expression text from a rule file.
        ns: the names of the ruleset.
        scope: what `self` and `target` mean here.
        want: "number" to require a number or condition, "string"/kind for others.

    Returns:
        The compiled expression.

    Raises:
        ExprError: with the column of the offending part.
    """
    body = _parse(source)
    offset = len(source) - len(source.lstrip())
    try:
        code, typ = _Compiler(ns, scope, source.strip()).visit(body)
    except ExprError as exc:
        exc.col += offset
        raise
    except RecursionError:
        raise ExprError("expression is too deeply nested") from None
    if want == NUMBER and typ not in (NUMBER, BOOL):
        raise ExprError(f"expected a number or condition, found a {typ}", offset)
    if want not in (None, NUMBER) and typ != want:
        raise ExprError(f"expected a {want}, found a {typ}", offset)
    return Expression(source, code, typ)
