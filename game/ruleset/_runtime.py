"""What compiled expressions run on: their helpers, the `Expression` object, agent indexes.

The compiler (`_expr`) turns an expression into the source of a lambda over one
argument, the evaluation context ``c``. This module turns that source into a function
(with no builtins and only the helpers below in its globals) and keeps the source, so an
`Expression` pickles as text and is rebuilt when unpickled: rulesets and models go to
other processes and Dask workers with the standard `pickle`.

`AgentIndex` answers the aggregates (`total`, `share`, `count`, `mean`) over the agent
lists a ruleset uses, grouped once by nation so a nation-scoped aggregate reads only that
nation's agents, and cached while nothing changes, so a rule over N agents that reads an
aggregate costs O(N), not O(N²).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["HELPERS", "AgentIndex", "Expression", "build_function", "raised_in_rule"]

NUMBER = "number"


def _round(x: float, digits: float = 0.0) -> float:
    return float(round(x, int(digits)))


def _pow(base: float, exponent: float) -> float:
    result = base**exponent
    if type(result) is complex:
        raise ValueError(f"{base:g} ** {exponent:g} has no real value")
    return float(result)


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


HELPERS: dict[str, Any] = {
    "__builtins__": {},
    "_min": min,
    "_max": max,
    "_abs": abs,
    "_sqrt": math.sqrt,
    "_log": math.log,
    "_exp": math.exp,
    "_round": _round,
    "_clamp": _clamp,
    "_pow": _pow,
    "_float": float,
}


_FILENAME = "<rule expression>"


def raised_in_rule(exc: BaseException) -> bool:
    """Whether `exc` was raised by a compiled expression (or a helper it called).

    The simulation turns those into errors at the rule's position; anything raised
    elsewhere is a bug in the engine and must surface as one.
    """
    tb, last = exc.__traceback__, None
    while tb is not None:
        last, tb = tb, tb.tb_next
    return last is not None and last.tb_frame.f_code.co_filename in (_FILENAME, __file__)


@functools.lru_cache(maxsize=4096)
def build_function(code: str) -> Callable[[Any], Any]:
    """Compile the body `code` (checked by the compiler) into ``lambda c: code``.

    Cached by text: unpickling a ruleset in a process that has seen it before is free.
    """
    fn: Callable[[Any], Any] = eval(compile(f"lambda c: {code}", _FILENAME, "eval"), dict(HELPERS))
    return fn


def _rebuild(source: str, code: str, type_: str) -> Expression:
    return Expression(source, code, type_)


class Expression:
    """A compiled expression: `fn(context)` evaluates it; `code` is its Python source.

    Immutable; pickles as its text (`source`, `code`, `type`) and is rebuilt on load.
    """

    __slots__ = ("code", "fn", "source", "type")

    source: str
    code: str
    type: str
    fn: Callable[[Any], Any]

    def __init__(self, source: str, code: str, type: str = NUMBER):
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "fn", build_function(code))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("an Expression is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (self.source, self.code, self.type)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expression):
            return NotImplemented
        return (self.source, self.code, self.type) == (other.source, other.code, other.type)

    def __hash__(self) -> int:
        return hash((self.source, self.code, self.type))

    def __repr__(self) -> str:
        return f"Expression({self.source!r}, type={self.type!r})"


def _summer(attr: str, where: str | None) -> Callable[[Iterable[Any]], float]:
    """The function summing `attr` over agents (those with `where` > 0 only, if given),
    compiled once per pair: a plain comprehension reads attributes faster than getattr."""
    fn = _SUMMERS.get((attr, where))
    if fn is None:
        value = f"a.{attr}" if attr.isidentifier() else f"getattr(a, {attr!r})"
        test = (
            ""
            if not where
            else (
                f" if a.{where} > 0" if where.isidentifier() else f" if getattr(a, {where!r}) > 0"
            )
        )
        code = f"lambda agents: float(sum([{value} for a in agents{test}]))"
        fn = _SUMMERS[(attr, where)] = eval(code, {"getattr": getattr, "float": float, "sum": sum})
    return fn


_SUMMERS: dict[tuple[str, str | None], Callable[[Iterable[Any]], float]] = {}


def _count(agents: Sequence[Any], where: str | None) -> float:
    if where:
        return float(sum([1 for a in agents if getattr(a, where) > 0]))
    return float(len(agents))


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


class AgentIndex:
    """The agent lists of a game (`lists[i]` for the ruleset's `agent_sets[i]`) and their
    aggregates.

    Each list is also grouped by nation (a firm's or agency's `home`, a nation itself),
    once: an agent's home never changes. While `caching` is on and no change is pending
    (`dirty` is 0), an aggregate is computed once and reused; the simulation turns caching
    on for the span of a rule over agents, where every agent sees the state before the
    rule (see the designer's guide, "Order of updates").
    """

    __slots__ = ("_cache", "caching", "dirty", "groups", "lists")

    def __init__(self, lists: Sequence[Sequence[Any]]):
        self.lists = [list(agents) for agents in lists]
        self.groups: list[dict[str, list[Any]]] = []
        for agents in self.lists:
            grouped: dict[str, list[Any]] = {}
            for agent in agents:
                grouped.setdefault(getattr(agent, "home", agent).id, []).append(agent)
            self.groups.append(grouped)
        self._cache: dict[tuple[Any, ...], float] = {}
        self.caching = False
        self.dirty = 0

    def __getstate__(self) -> dict[str, Any]:
        return {"lists": self.lists, "groups": self.groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.lists, self.groups = state["lists"], state["groups"]
        self._cache, self.caching, self.dirty = {}, False, 0

    def start_caching(self) -> None:
        """Reuse aggregates until `stop_caching` (nothing may change them meanwhile)."""
        self._cache.clear()
        self.caching = True

    def stop_caching(self) -> None:
        """Compute every aggregate afresh from now on."""
        self._cache.clear()
        self.caching = False

    def members(self, i: int, nation: Any) -> Sequence[Any]:
        """The agents of list `i`, or only those of `nation` (an agent) when given."""
        if nation is None:
            return self.lists[i]
        return self.groups[i].get(nation.id, ())

    def total(self, i: int, nation: Any, attr: str, where: str | None) -> float:
        """Sum of `attr` over list `i` (of `nation`), counting only agents with `where` > 0."""
        agents = self.lists[i] if nation is None else self.groups[i].get(nation.id, ())
        if not self.caching or self.dirty:  # the usual case outside rules over agents
            return _summer(attr, where)(agents)
        key = ("total", i, nation, attr, where)
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = _summer(attr, where)(agents)
        return value

    def count(self, i: int, nation: Any, where: str | None) -> float:
        """Number of agents in list `i` (of `nation`) with `where` > 0 (all when None)."""
        if not self.caching or self.dirty:
            return _count(self.members(i, nation), where)
        key = ("count", i, nation, where)
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = _count(self.members(i, nation), where)
        return value

    def mean(self, i: int, nation: Any, attr: str, where: str | None) -> float:
        """Average of `attr` over the agents `count` would count (0 when there are none)."""
        return _ratio(self.total(i, nation, attr, where), self.count(i, nation, where))

    def share(self, i: int, nation: Any, attr: str, where: str | None, whole: int) -> float:
        """`total(i, nation, attr, where)` divided by the total of `attr` over list `whole`."""
        return _ratio(self.total(i, nation, attr, where), self.total(whole, None, attr, None))
