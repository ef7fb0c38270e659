"""What each entry of a ruleset reads and writes: the dependency graph of its rules.

Every expression compiles to Python source over the context `c` in a fixed shape
(`c.p.NAME` for a parameter, `OBJ.NAME` for an attribute, `c.agg.total(i, nation,
'NAME', 'FLAG')` for an aggregate, `c.since('EVENT')`, `c.pending(c.self, 'ACTION', …)`),
so the names an entry reads are found in that source and kept when the ruleset declares
them. What it writes comes from its effects themselves: the attributes they change and
the events they fire. `docs` links entries by it; `explain` shows it both ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from game.ruleset._compiled import ChangeEffect, ClampEffect, FireEffect, NewsEffect, Ruleset
from game.ruleset._runtime import Expression

__all__ = ["Uses", "dependency_graph"]

_PARAMETER = re.compile(r"\bc\.p\.(\w+)")
_DOTTED = re.compile(r"\.(\w+)")
_QUOTED = re.compile(r"'(\w+)'")


@dataclass(frozen=True)
class Uses:
    """One entry's links: what it reads and what it changes or sets off."""

    parameters: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()  # attributes read (by name, any kind)
    metrics: frozenset[str] = frozenset()  # an objective's terms
    actions: frozenset[str] = frozenset()  # a bot's policies; actions an expression counts
    events: frozenset[str] = frozenset()  # events an expression asks about (since, fired)
    writes: frozenset[str] = frozenset()  # attributes its effects change
    fires: frozenset[str] = frozenset()  # events its effects fire


def dependency_graph(ruleset: Ruleset) -> dict[tuple[str, str], Uses]:
    """(section, id) -> what that entry uses, for every rule, action, event, metric,
    objective and bot (and the game's budget, as ("game", "budget"))."""
    names = _Names(ruleset)
    graph: dict[tuple[str, str], Uses] = {}
    for rule in ruleset.all_rules():
        exprs = [rule.when, rule.chance]
        graph["rules", rule.id] = names.uses(exprs, rule.effects)
    for ident, action in ruleset.actions.items():
        effects = (*action.effects, *action.on_accept, *action.on_reject, *action.on_expire)
        graph["actions", ident] = names.uses([action.requires, *action.clauses], effects)
    for ident, event in ruleset.events.items():
        graph["events", ident] = names.uses([event.chance], event.effects)
    for ident, metric in ruleset.metrics.items():
        graph["metrics", ident] = names.uses([metric.expr], ())
    for nation, objective in ruleset.objectives.items():
        graph["objectives", nation] = Uses(metrics=frozenset(t.metric for t in objective.terms))
    for nation, bot in ruleset.bots.items():
        uses = names.uses([p.when for p in bot.policies], ())
        acted = frozenset(p.action for p in bot.policies if p.action)
        graph["bots", nation] = Uses(
            uses.parameters, uses.attributes, actions=uses.actions | acted, events=uses.events
        )
    graph["game", "budget"] = names.uses([ruleset.budget], ())
    return graph


class _Names:
    """The ids a ruleset declares, to tell its names from other words in the source."""

    def __init__(self, ruleset: Ruleset):
        self.parameters = set(ruleset.parameters)
        self.attributes = {name for table in ruleset.attributes.values() for name in table}
        self.attributes |= {"budget"} | {f"invest_{line}" for line in ruleset.investment_lines}
        self.actions = set(ruleset.actions)
        self.events = set(ruleset.events)

    def uses(self, exprs: Iterable[Expression | None], effects: tuple[object, ...]) -> Uses:
        codes = list(_codes(exprs, effects))
        words = {m for code in codes for m in _QUOTED.findall(code)}
        dotted = {m for code in codes for m in _DOTTED.findall(code)}
        parameters = {m for code in codes for m in _PARAMETER.findall(code)}
        writes, fires = set(), set()
        for effect in effects:
            if isinstance(effect, ChangeEffect):
                writes.add(effect.attr)
            elif isinstance(effect, FireEffect):
                fires.add(effect.event)
        return Uses(
            parameters=frozenset(parameters & self.parameters),
            attributes=frozenset((dotted | words) & (self.attributes - parameters)),
            actions=frozenset(words & self.actions),
            events=frozenset(words & self.events),
            writes=frozenset(writes),
            fires=frozenset(fires),
        )


def _codes(exprs: Iterable[Expression | None], effects: Iterable[object]) -> Iterator[str]:
    """The Python source of every expression, including those inside the effects (the
    object changed, the value, the bounds of a clamp, the fields of a news text)."""
    for expr in exprs:
        if expr is not None:
            yield expr.code
    for effect in effects:
        if isinstance(effect, ChangeEffect):
            # The object is read (`self.home`), not the attribute changed: `o.attr = …`.
            yield effect.obj.code
            if isinstance(effect, ClampEffect):
                for bound in (effect.low, effect.high):
                    if bound is not None:
                        yield bound.code
            else:
                yield effect.value.code  # type: ignore[attr-defined]
        elif isinstance(effect, NewsEffect):
            for piece in effect.news.pieces:
                if not isinstance(piece, str):
                    yield piece[0].code
