"""Applying compiled rules: effects, traces and news.

The functions here run every turn, so they stay plain: no YAML, no expression text,
no allocation beyond the news and trace records a turn produces.

Order of updates. A rule over agents (`for_each`) is *simultaneous*: every agent in its
scope computes its effects against the state as it stood before the rule ran (its own
earlier effects in the rule included), and the changes are applied together when every
agent has been through. So the order agents are declared in, or listed in, never changes
a result, and an aggregate such as `total('firms', 'adv_capacity', nation=self.home)` is
computed once per rule rather than once per agent. Such a rule sets, multiplies or
clamps only `self`; it may `add` to other agents or the world (each firm adding to its
home nation's total, say): those additions are summed when every agent has been through
(the loader checks this). Events such a rule fires follow its changes. Rules, and the
effects of one rule for one agent, run in the order the ruleset declares them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from game.ruleset import (
    MAX_EVENT_CHAIN,
    AddEffect,
    ChangeEffect,
    CompiledEffect,
    CompiledRule,
    FireEffect,
    NewsEffect,
)

if TYPE_CHECKING:
    from game.sim._model import GeoModel

__all__ = ["NewsItem", "TraceEntry", "apply_effects", "run_rule"]


@dataclass(frozen=True)
class NewsItem:
    """A line of the news feed, with the rules, actions or events that caused it."""

    turn: int
    text: str
    causes: tuple[str, ...]


@dataclass(frozen=True)
class TraceEntry:
    """One attribute change: which rule changed what, from what to what."""

    turn: int
    cause: str
    target: str
    attr: str
    before: float
    after: float


def apply_effects(
    model: GeoModel,
    effects: tuple[CompiledEffect, ...],
    cause: str,
    depth: int = 0,
    via: str = "",
    batch: _Batch | None = None,
) -> None:
    """Apply `effects` in order with the model's context as it stands (self, target).

    `cause` names the rule, action or event the effects belong to; `via` what set it
    off (the rule that fired an event, "chance" or "injected"). News carries both.
    With a `batch` (a rule over agents), changes are noted there and events deferred.
    """
    c = model.context
    for effect in effects:
        if effect.changes:  # the usual effect first: an attribute changes
            _change(model, c, effect, cause, batch)  # type: ignore[arg-type]
        elif isinstance(effect, NewsEffect):
            text = effect.news(c)
            model.post(text, *((cause, via) if via else (cause,)))
        elif isinstance(effect, FireEffect):
            if batch is not None:
                batch.events.append((effect, cause))
                continue
            if depth >= MAX_EVENT_CHAIN:
                model.fail(
                    effect.where, f"events fire each other more than {MAX_EVENT_CHAIN} deep", cause
                )
            saved = (c.self, c.target)
            model.fire(effect.event, cause, depth + 1)
            c.self, c.target = saved


class _Batch:
    """What a rule over agents has noted: each agent's own changes (object, attribute,
    value before), additions to others, and events to fire afterwards."""

    __slots__ = ("adds", "changes", "events")

    def __init__(self) -> None:
        self.changes: list[tuple[Any, str, float]] = []
        self.adds: list[tuple[Any, str, float, AddEffect, str]] = []
        self.events: list[tuple[FireEffect, str]] = []


def _change(
    model: GeoModel, c: Any, effect: ChangeEffect, cause: str, batch: _Batch | None
) -> None:
    obj: Any = effect.obj.fn(c)
    attr = effect.attr
    if batch is not None and effect.adds and obj is not c.self:
        add = cast(AddEffect, effect)  # `adds` is True on AddEffect alone
        batch.adds.append((obj, attr, float(add.value.fn(c)), add, cause))
        return
    before = getattr(obj, attr)
    _write(model, obj, attr, before, effect.new_value(before, c), effect, cause, batch)


def _write(
    model: GeoModel,
    obj: Any,
    attr: str,
    before: float,
    after: float,
    effect: ChangeEffect,
    cause: str,
    batch: _Batch | None = None,
) -> None:
    if not math.isfinite(after):
        model.fail(
            effect.where, f"{obj.id}.{attr} would become {after} (not a finite number)", cause
        )
    bounds = model.bounds.get((obj.kind, attr))
    if bounds is not None:
        low, high = bounds
        after = low if after < low else high if after > high else after
    if batch is not None:
        batch.changes.append((obj, attr, before))
        model.context.agg.dirty += 1
    setattr(obj, attr, after)
    if model.tracing:
        model.traces.append(TraceEntry(model.turn, cause, obj.id, attr, before, after))


def run_rule(model: GeoModel, rule: CompiledRule) -> None:
    """Apply one rule: once in world scope, or to every agent in its scope at once.

    For a rule over agents, each agent's effects are applied, noted and undone before
    the next agent is visited, so every agent sees the state from before the rule; the
    noted results are then written together, additions to others summed, and the events
    the rule fired follow.
    """
    c = model.context
    c.target = None
    when = rule.when.fn if rule.when is not None else None
    chance = rule.chance.fn if rule.chance is not None else None
    if rule.agents is None:
        c.self = None
        if (when is None or when(c)) and (
            chance is None or model.roll(f"rule:{rule.id}:world") < chance(c)
        ):
            apply_effects(model, rule.effects, rule.id)
        return
    agg = c.agg
    results: list[tuple[Any, str, float]] = []
    batch = _Batch()
    agg.start_caching()
    try:
        for agent in c.sets[rule.agents]:
            c.self = agent
            if when is not None and not when(c):
                continue
            if chance is not None and not model.roll(f"rule:{rule.id}:{agent.id}") < chance(c):
                continue
            apply_effects(model, rule.effects, rule.id, batch=batch)
            changes = batch.changes
            if len(changes) == 1:  # the usual case: one change to undo
                obj, attr, before = changes[0]
                results.append((obj, attr, getattr(obj, attr)))
                setattr(obj, attr, before)
            elif changes:
                final = {(id(o), a): (o, a, getattr(o, a)) for o, a, _ in changes}
                results.extend(final.values())
                for obj, attr, before in reversed(changes):
                    setattr(obj, attr, before)
            changes.clear()
            agg.dirty = 0
    finally:
        agg.stop_caching()
        agg.dirty = 0
    for obj, attr, after in results:
        setattr(obj, attr, after)
    c.self = None
    for obj, attr, value, effect, cause in batch.adds:
        before = getattr(obj, attr)
        _write(model, obj, attr, before, before + value, effect, cause)
    for fire, cause in batch.events:
        c.self = c.target = None
        apply_effects(model, (fire,), cause)
