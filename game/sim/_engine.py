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

import keyword
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from game.ruleset import (
    MAX_EVENT_CHAIN,
    AddEffect,
    ChangeEffect,
    ClampEffect,
    CompiledEffect,
    CompiledRule,
    FireEffect,
    MultiplyEffect,
    NewsEffect,
    SetEffect,
)
from game.ruleset._runtime import _FILENAME as EXPRESSION_FILE
from game.ruleset._runtime import HELPERS

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
    compiled_effects(effects)(model, model.context, cause, batch, depth, via)


def _apply_one(
    model: GeoModel,
    c: Any,
    effect: CompiledEffect,
    cause: str,
    batch: _Batch | None,
    depth: int,
    via: str,
) -> None:
    """Apply a news or fire effect (the compiled effects inline every change)."""
    if isinstance(effect, NewsEffect):
        text = effect.news(c)
        model.post(text, *((cause, via) if via else (cause,)))
    elif isinstance(effect, FireEffect):
        if batch is not None:
            batch.events.append((effect, cause))
            return
        if depth >= MAX_EVENT_CHAIN:
            model.fail(
                effect.where, f"events fire each other more than {MAX_EVENT_CHAIN} deep", cause
            )
        saved = (c.self, c.target)
        model.fire(effect.event, cause, depth + 1)
        c.self, c.target = saved


# Compiling effects into one function ----------------------------------------------
# A list of effects becomes one Python function, its expressions inlined and each
# change's bookkeeping (finite check, bounds, batch, trace) written out, so a change
# costs no calls beyond its expressions' own. A change's lines do what `_write` does (it
# still writes the additions a rule over agents sums at its end), in the same order, with
# the same floating-point operations: `.ci/engine_fingerprint.py` checks that games are
# unchanged.
# It is compiled under the expressions' file name, so an arithmetic error in it is a
# rule's error (`raised_in_rule`), and with the expressions' helpers and no builtins.

EffectsFn = Callable[[Any, Any, str, "_Batch | None", int, str], None]
_COMPILED: dict[int, tuple[tuple[CompiledEffect, ...], EffectsFn]] = {}
_COMPILED_MAX = 20_000


def compiled_effects(effects: tuple[CompiledEffect, ...]) -> EffectsFn:
    """The function that applies `effects`: `fn(model, c, cause, batch, depth, via)`."""
    fn: EffectsFn = _memo(_COMPILED, effects, _compile)
    return fn


def _memo(cache: dict[int, tuple[Any, Any]], thing: Any, build: Callable[[Any], Any]) -> Any:
    """`build(thing)`, built on first use and kept per object (rulesets are immutable and
    cached); the entry holds `thing`, so its id cannot be reused while it is kept."""
    entry = cache.get(id(thing))
    if entry is not None and entry[0] is thing:
        return entry[1]
    built = build(thing)
    if len(cache) >= _COMPILED_MAX:
        cache.clear()
    cache[id(thing)] = (thing, built)
    return built


def _attr(obj: str, attr: str) -> str:
    if attr.isidentifier() and not keyword.iskeyword(attr):
        return f"{obj}.{attr}"
    return f"_getattr({obj}, {attr!r})"


def _effect_lines(effects: tuple[CompiledEffect, ...], batch: bool | None) -> list[str]:
    """Python lines (unindented) applying `effects` in order, in a function with `model`,
    `c`, `cause`, `batch`, `depth`, `via` and `bounds` (= model.bounds) in scope and the
    effects as `E`. `batch` says whether a batch is there: True in a rule over agents,
    False in world scope, None when only known as the function runs."""
    lines = []
    for i, effect in enumerate(effects):
        kind = type(effect)
        if kind in (NewsEffect, FireEffect):
            lines.append(f"_apply_one(model, c, E[{i}], cause, batch, depth, via)")
            continue
        change: Any = effect
        attr = change.attr
        lines.append(f"o = ({change.obj.code})")
        indent = ""
        if kind is AddEffect and batch is not False:  # an addition to another agent waits
            test = "o is not c.self" if batch else "batch is not None and o is not c.self"
            lines += [
                f"if {test}:",
                f"    batch.adds.append((o, {attr!r}, _float({change.value.code}), E[{i}], cause))",
                "else:",
            ]
            indent = "    "
        body = [f"b = {_attr('o', attr)}"]
        if kind is SetEffect:
            body.append(f"a = _float({change.value.code})")
        elif kind is AddEffect:
            body.append(f"a = _float(b + ({change.value.code}))")
        elif kind is MultiplyEffect:
            body.append(f"a = _float(b * ({change.value.code}))")
        elif kind is ClampEffect:
            body.append("a = b")
            if change.low is not None:
                body.append(f"a = _max(a, ({change.low.code}))")
            if change.high is not None:
                body.append(f"a = _min(a, ({change.high.code}))")
            body.append("a = _float(a)")
        else:
            raise TypeError(f"no code for an effect of type {kind.__name__}")
        body += [
            "if not _isfinite(a):",
            f"    _not_finite(model, o, {attr!r}, a, E[{i}], cause)",
            f"bd = bounds.get((o.kind, {attr!r}))",
            "if bd is not None:",
            "    lo, hi = bd",
            "    a = lo if a < lo else hi if a > hi else a",
        ]
        noted = [f"batch.changes.append((o, {attr!r}, b))", "c.agg.dirty += 1"]
        if batch is None:
            body += ["if batch is not None:", *("    " + line for line in noted)]
        elif batch:
            body += noted
        body += [
            f"{_attr('o', attr)} = a",
            "if model.tracing:",
            f"    model.traces.append(_Trace(model.turn, cause, o.id, {attr!r}, b, a))",
        ]
        lines += [indent + line for line in body]
    return lines


def _build(name: str, lines: list[str], effects: tuple[CompiledEffect, ...]) -> Any:
    namespace = dict(HELPERS)
    namespace.update(
        E=effects, _apply_one=_apply_one, _getattr=getattr, _setattr=setattr, _id=id,
        _reversed=reversed, _len=len, _isfinite=math.isfinite, _not_finite=_not_finite,
        _Trace=TraceEntry, _Batch=_Batch, _finish=_finish,
    )  # fmt: skip
    exec(compile("\n".join(lines) + "\n", EXPRESSION_FILE, "exec"), namespace)
    return namespace[name]


def _indented(lines: list[str], levels: int) -> list[str]:
    return ["    " * levels + line for line in lines]


def _compile(effects: tuple[CompiledEffect, ...]) -> EffectsFn:
    lines = ["def _effects(model, c, cause, batch, depth, via):", "    bounds = model.bounds"]
    lines += _indented(_effect_lines(effects, None), 1)
    fn: EffectsFn = _build("_effects", lines, effects)
    return fn


RuleFn = Callable[[Any, Any], None]
_RULES: dict[int, tuple[CompiledRule, RuleFn]] = {}


def compiled_rule(rule: CompiledRule) -> RuleFn:
    """The function that runs `rule` once, as `run_rule` describes: `fn(model, c)`."""
    fn: RuleFn = _memo(_RULES, rule, _compile_rule)
    return fn


def _compile_rule(rule: CompiledRule) -> RuleFn:
    head = [
        "def _rule(model, c):",
        "    c.target = None",
        f"    cause = {rule.id!r}",
        "    depth = 0",
        "    via = ''",
        "    bounds = model.bounds",
    ]
    if rule.agents is None:
        lines = [*head, "    c.self = None", "    batch = None"]
        if rule.when is not None:
            lines += [f"    if not ({rule.when.code}):", "        return"]
        if rule.chance is not None:
            roll = f"rule:{rule.id}:world"
            lines += [f"    if not model.roll({roll!r}) < ({rule.chance.code}):", "        return"]
        lines += _indented(_effect_lines(rule.effects, False), 1)
        fn: RuleFn = _build("_rule", lines, rule.effects)
        return fn
    loop = []
    if rule.when is not None:
        loop += [f"if not ({rule.when.code}):", "    continue"]
    if rule.chance is not None:
        prefix = f"rule:{rule.id}:"
        loop += [f"if not model.roll({prefix!r} + agent.id) < ({rule.chance.code}):", "    continue"]  # fmt: skip
    loop += _effect_lines(rule.effects, True)
    loop += [
        "if _len(changes) == 1:  # the usual case: one change to undo",
        "    x, y, before = changes[0]",
        "    results.append((x, y, _getattr(x, y)))",
        "    _setattr(x, y, before)",
        "elif changes:",
        "    final = {(_id(x), y): (x, y, _getattr(x, y)) for x, y, _ in changes}",
        "    results.extend(final.values())",
        "    for x, y, before in _reversed(changes):",
        "        _setattr(x, y, before)",
        "changes.clear()",
        "agg.dirty = 0",
    ]
    lines = [
        *head,
        "    agg = c.agg",
        "    results = []",
        "    batch = _Batch()",
        "    changes = batch.changes",
        "    agg.start_caching()",
        "    try:",
        f"        for agent in c.sets[{rule.agents}]:",
        "            c.self = agent",
        *_indented(loop, 3),
        "    finally:",
        "        agg.stop_caching()",
        "        agg.dirty = 0",
        "    _finish(model, c, results, batch)",
    ]
    agents_fn: RuleFn = _build("_rule", lines, rule.effects)
    return agents_fn


def _not_finite(
    model: GeoModel, obj: Any, attr: str, after: float, effect: Any, cause: str
) -> None:
    model.fail(effect.where, f"{obj.id}.{attr} would become {after} (not a finite number)", cause)


class _Batch:
    """What a rule over agents has noted: each agent's own changes (object, attribute,
    value before), additions to others, and events to fire afterwards."""

    __slots__ = ("adds", "changes", "events")

    def __init__(self) -> None:
        self.changes: list[tuple[Any, str, float]] = []
        self.adds: list[tuple[Any, str, float, AddEffect, str]] = []
        self.events: list[tuple[FireEffect, str]] = []


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
        _not_finite(model, obj, attr, after, effect, cause)
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
    the rule fired follow. The rule runs as one compiled function (`compiled_rule`).
    """
    compiled_rule(rule)(model, model.context)


def _finish(model: GeoModel, c: Any, results: list[tuple[Any, str, float]], batch: _Batch) -> None:
    """The end of a rule over agents: write every agent's results, then the additions to
    others, summed, then fire the events the rule fired."""
    for obj, attr, after in results:
        setattr(obj, attr, after)
    c.self = None
    for obj, attr, value, effect, cause in batch.adds:
        before = getattr(obj, attr)
        _write(model, obj, attr, before, before + value, effect, cause)
    for fire, cause in batch.events:
        c.self = c.target = None
        _apply_one(model, c, fire, cause, None, 0, "")
