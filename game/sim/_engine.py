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
import re
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
    Ruleset,
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


def _effect_lines(
    effects: tuple[CompiledEffect, ...],
    batch: bool | None,
    bounds: Bounds | None = None,
    self_kind: str | None = None,
    saved: bool = False,
) -> list[str]:
    """Python lines (unindented) applying `effects` in order, in a function with `model`,
    `c`, `cause`, `batch`, `depth`, `via`, `tracing` (= model.tracing) and `bounds` (=
    model.bounds) in scope and the effects as `E`. `batch` says whether a batch is
    there: True in a rule over agents, False in world scope, None when only known as the
    function runs. With the ruleset's `bounds`, a change to an object whose kind is known
    here (the world, an agent by id, or `self` of kind `self_kind`) has its bounds
    written in as numbers, or no bounds check at all when its attribute has none. With
    `saved` (a rule over agents changing only distinct attributes of `self`), the value
    before effect i is kept in `b<i>` instead of noted in the batch."""
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
        if kind is AddEffect and batch is not False and change.obj.code != "c.self":
            # An addition to another agent waits for the end of the rule.
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
        ]
        known = _kind_of(change.obj.code, self_kind) if bounds is not None else None
        if known is None:
            body += [
                f"bd = bounds.get((o.kind, {attr!r}))",
                "if bd is not None:",
                "    lo, hi = bd",
                "    a = lo if a < lo else hi if a > hi else a",
            ]
        else:
            assert bounds is not None
            body += _bound_lines(bounds.get((known, attr)))
        noted = [f"batch.changes.append((o, {attr!r}, b))", "c.agg.dirty += 1"]
        if saved:
            noted = [f"b{i} = b", "c.agg.dirty += 1"]
        if batch is None:
            body += ["if batch is not None:", *("    " + line for line in noted)]
        elif batch:
            body += noted
        body += [
            f"{_attr('o', attr)} = a",
            "if tracing:",
            f"    model.traces.append(_Trace(model.turn, cause, o.id, {attr!r}, b, a))",
        ]
        lines += [indent + line for line in body]
    return lines


Bounds = dict[tuple[str, str], tuple[float, float]]


def attribute_bounds(ruleset: Ruleset) -> Bounds:
    """(kind, attribute) -> (low, high) for every attribute declared with a bound (the
    missing side infinite)."""
    return {
        (kind, name): (
            -math.inf if a.min is None else a.min,
            math.inf if a.max is None else a.max,
        )
        for kind, table in ruleset.attributes.items()
        for name, a in table.items()
        if a.min is not None or a.max is not None
    }


_BY_ID = re.compile(r"c\.(nations|firms|agencies)\['[A-Za-z_][A-Za-z0-9_]*'\]")
_KINDS = {"nations": "nation", "firms": "firm", "agencies": "agency"}


def _kind_of(code: str, self_kind: str | None) -> str | None:
    """The kind of the object `code` names, when it is known before the rule runs."""
    if code == "c.world":
        return "world"
    if code == "c.self":
        return self_kind
    by_id = _BY_ID.fullmatch(code)
    return _KINDS[by_id.group(1)] if by_id else None


def _bound_lines(bound: tuple[float, float] | None) -> list[str]:
    """The bounds check of `_write` with the bounds known: the same comparisons with the
    numbers written in, leaving out a side that is infinite (a finite value never passes
    it)."""
    if bound is None:
        return []
    lo, hi = (x if math.isfinite(x) else None for x in bound)
    if lo is not None and hi is not None:
        return [f"a = {lo!r} if a < {lo!r} else {hi!r} if a > {hi!r} else a"]
    if lo is not None:
        return [f"a = {lo!r} if a < {lo!r} else a"]
    if hi is not None:
        return [f"a = {hi!r} if a > {hi!r} else a"]
    return []


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
    lines = [
        "def _effects(model, c, cause, batch, depth, via):",
        "    bounds = model.bounds",
        "    tracing = model.tracing",
    ]
    lines += _indented(_effect_lines(effects, None), 1)
    fn: EffectsFn = _build("_effects", lines, effects)
    return fn


RuleFn = Callable[[Any, Any], None]
_RULES: dict[int, tuple[CompiledRule, RuleFn]] = {}


def compiled_rule(rule: CompiledRule) -> RuleFn:
    """The function that runs `rule` once, as `run_rule` describes: `fn(model, c)`."""
    fn: RuleFn = _memo(_RULES, rule, _compile_rule)
    return fn


PhaseFns = dict[str, tuple[tuple[str, str, RuleFn], ...]]
_PHASES: dict[int, tuple[Ruleset, PhaseFns]] = {}


def phase_functions(ruleset: Ruleset) -> PhaseFns:
    """Per phase, (where, rule id, function) for each of its rules in order: the
    functions `compiled_rule` makes, with the ruleset's attribute bounds written in."""
    fns: PhaseFns = _memo(_PHASES, ruleset, _compile_phases)
    return fns


def _compile_phases(ruleset: Ruleset) -> PhaseFns:
    bounds = attribute_bounds(ruleset)
    return {
        phase: tuple((rule.where, rule.id, _compile_rule(rule, bounds, ruleset)) for rule in rules)
        for phase, rules in ruleset.rules.items()
    }


# In a rule's function the parameters and the agent index are locals, and so is the
# agent in a rule over agents: `c.self` is that agent while its effects run.
_LOCALS = re.compile(r"\bc\.(p|agg)\.")
_SELF = re.compile(r"\bc\.self\b")


def _localised(lines: list[str], agent: bool) -> list[str]:
    out = [_LOCALS.sub(r"\1.", line) for line in lines]
    return [_SELF.sub("agent", line) for line in out] if agent else out


def _compile_rule(
    rule: CompiledRule, bounds: Bounds | None = None, ruleset: Ruleset | None = None
) -> RuleFn:
    head = [
        "def _rule(model, c):",
        "    c.target = None",
        f"    cause = {rule.id!r}",
        "    depth = 0",
        "    via = ''",
        "    bounds = model.bounds",
        "    tracing = model.tracing",
        "    p = c.p",
        "    agg = c.agg",
    ]
    if rule.agents is None:
        lines = [*head, "    c.self = None", "    batch = None"]
        body = []
        if rule.when is not None:
            body += [f"if not ({rule.when.code}):", "    return"]
        if rule.chance is not None:
            roll = f"rule:{rule.id}:world"
            body += [f"if not model.roll({roll!r}) < ({rule.chance.code}):", "    return"]
        body += _effect_lines(rule.effects, False, bounds)
        lines += _indented(_localised(body, agent=False), 1)
        fn: RuleFn = _build("_rule", lines, rule.effects)
        return fn
    self_kind = ruleset.agent_sets[rule.agents][0] if ruleset is not None else None
    loop = []
    if rule.when is not None:
        loop += [f"if not ({rule.when.code}):", "    continue"]
    if rule.chance is not None:
        prefix = f"rule:{rule.id}:"
        loop += [f"if not model.roll({prefix!r} + agent.id) < ({rule.chance.code}):", "    continue"]  # fmt: skip
    changes = [(i, e) for i, e in enumerate(rule.effects) if isinstance(e, ChangeEffect)]
    changed = [(i, e.attr) for i, e in changes]
    own = all(e.obj.code == "c.self" for _, e in changes)
    if own and len({attr for _, attr in changed}) == len(changed):
        # Only distinct attributes of self change: each is undone from its own local, and
        # its result read as the agent's own changes list would give it.
        loop += _effect_lines(rule.effects, True, bounds, self_kind, saved=True)
        loop += [f"results.append((c.self, {attr!r}, {_attr('c.self', attr)}))" for _, attr in changed]  # fmt: skip
        loop += [f"{_attr('c.self', attr)} = b{i}" for i, attr in reversed(changed)]
        loop += ["agg.dirty = 0"]
    else:
        loop += _effect_lines(rule.effects, True, bounds, self_kind)
        loop += _UNDO
    lines = [
        *head,
        "    results = []",
        "    batch = _Batch()",
        "    changes = batch.changes",
        "    agg.start_caching()",
        "    try:",
        f"        for agent in c.sets[{rule.agents}]:",
        "            c.self = agent",
        *_indented(_localised(loop, agent=True), 3),
        "    finally:",
        "        agg.stop_caching()",
        "        agg.dirty = 0",
        "    _finish(model, c, results, batch)",
    ]
    agents_fn: RuleFn = _build("_rule", lines, rule.effects)
    return agents_fn


# After one agent's effects in a rule over agents: note the final value of everything it
# changed, then undo its changes, last first, so the next agent sees the state as before.
_UNDO = [
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


MetricsFn = Callable[[Any, Any], dict[str, float]]
_METRICS: dict[int, tuple[Ruleset, MetricsFn]] = {}


def metrics_function(ruleset: Ruleset) -> MetricsFn:
    """The function measuring every metric of `ruleset` in order: `fn(model, c)` returns
    metric id -> value. On an error it leaves `model.where` and `model.cause` at the
    metric that failed; a value that is not finite fails the game there."""
    fn: MetricsFn = _memo(_METRICS, ruleset, _compile_metrics)
    return fn


def _compile_metrics(ruleset: Ruleset) -> MetricsFn:
    metrics = list(ruleset.metrics.items())
    body = []
    for k, (_, metric) in enumerate(metrics):
        body += [
            f"k = {k}",
            f"x{k} = _float({metric.expr.code})",
            f"if not _isfinite(x{k}):",
            f"    _bad_metric(model, M[{k}], x{k})",
        ]
    values = ", ".join(f"{ident!r}: x{k}" for k, (ident, _) in enumerate(metrics))
    lines = [
        "def _metrics(model, c):",
        "    p = c.p",
        "    agg = c.agg",
        "    k = 0",
        "    try:",
        "        pass",
        *_indented(_localised(body, agent=False), 2),
        "    except _BaseException:",
        "        model.where, model.cause = M[k][1].where, M[k][0]",
        "        raise",
        f"    return {{{values}}}",
    ]
    namespace = dict(HELPERS)
    namespace.update(
        M=metrics, _isfinite=math.isfinite, _bad_metric=_bad_metric, _BaseException=BaseException
    )
    exec(compile("\n".join(lines) + "\n", EXPRESSION_FILE, "exec"), namespace)
    fn: MetricsFn = namespace["_metrics"]
    return fn


def _bad_metric(model: GeoModel, metric: tuple[str, Any], value: float) -> None:
    ident, compiled = metric
    model.fail(compiled.where, f"metric {ident!r} is {value} (not a finite number)", ident)


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
