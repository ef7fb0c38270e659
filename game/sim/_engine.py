"""Applying compiled rules: effects, traces and news.

The functions here run every turn, so they stay plain: no YAML, no expression text,
no allocation beyond the news and trace records a turn produces.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from game.ruleset import CompiledEffect, CompiledRule

if TYPE_CHECKING:
    from game.sim._model import GeoModel

__all__ = ["NewsItem", "TraceEntry", "apply_effects", "run_rule"]

MAX_EVENT_CHAIN = 8


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
) -> None:
    """Apply `effects` in order with the model's context as it stands (self, target).

    `cause` names the rule, action or event the effects belong to; `via` what set it
    off (the rule that fired an event, "chance" or "injected"). News carries both.
    """
    c = model.context
    for effect in effects:
        verb = effect.verb
        if verb == "news":
            text = effect.news(c)  # type: ignore[misc]
            if via:
                model.post(text, cause, via)
            else:
                model.post(text, cause)
            continue
        if verb == "fire":
            if depth >= MAX_EVENT_CHAIN:
                model.fail(
                    effect.where, f"events fire each other more than {MAX_EVENT_CHAIN} deep", cause
                )
            saved = (c.self, c.target)
            model.fire(effect.event, cause, depth + 1)
            c.self, c.target = saved
            continue
        obj: Any = effect.obj.fn(c)  # type: ignore[union-attr]
        attr = effect.attr
        before = getattr(obj, attr)
        if verb == "set":
            after = effect.value.fn(c)  # type: ignore[union-attr]
        elif verb == "add":
            after = before + effect.value.fn(c)  # type: ignore[union-attr]
        elif verb == "multiply":
            after = before * effect.value.fn(c)  # type: ignore[union-attr]
        else:
            after = before
            if effect.low is not None:
                after = max(after, effect.low.fn(c))
            if effect.high is not None:
                after = min(after, effect.high.fn(c))
        after = float(after)
        if not math.isfinite(after):
            model.fail(
                effect.where, f"{obj.id}.{attr} would become {after} (not a finite number)", cause
            )
        bounds = model.bounds.get((obj.kind, attr))
        if bounds is not None:
            low, high = bounds
            after = low if after < low else high if after > high else after
        setattr(obj, attr, after)
        if model.tracing:
            model.traces.append(TraceEntry(model.turn, cause, obj.id, attr, before, after))


def run_rule(model: GeoModel, rule: CompiledRule) -> None:
    """Apply one rule to every agent in its scope where its condition and chance hold."""
    c = model.context
    c.target = None
    agents = model.context.sets[rule.agents] if rule.agents is not None else (None,)
    when = rule.when.fn if rule.when is not None else None
    chance = rule.chance.fn if rule.chance is not None else None
    for agent in agents:
        c.self = agent
        if when is not None and not when(c):
            continue
        if chance is not None and not model.random.random() < chance(c):
            continue
        apply_effects(model, rule.effects, rule.id)
