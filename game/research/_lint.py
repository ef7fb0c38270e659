"""`validate`'s warnings: what loads but is likely a mistake.

Each warning is a line `path:line:col: warning: message` at the entry it is about:

- a parameter nothing reads (no rule, action, event, metric, bot or the budget);
- an attribute that rules change but nothing reads, or that nothing reads or changes;
- a condition that does not depend on the game (`when`, `requires`, a policy's `when`,
  a `chance`), so it always or never holds, and a metric that is a constant;
- with `simulate=N`, after N turns of every scenario over a few seeds with bots at every
  seat: rules that never change anything, events that never fire, actions never
  available to any nation or never taken by a bot, and bot policies whose condition
  never holds.

The dependency graph (`game.ruleset._graph`) tells what reads what; the games are real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from game.ruleset import Ruleset
from game.ruleset._graph import dependency_graph
from game.ruleset._jsonschema import schema_warnings

__all__ = ["SIMULATED_SEEDS", "lint"]

SIMULATED_SEEDS = 3  # games per scenario with --simulate


def lint(ruleset: Ruleset, folder: Path, simulate: int = 0) -> list[str]:
    """Every warning about the ruleset in `folder`: the schema file's first, then the
    others by file, line and column."""
    warn = _Warnings(ruleset, Path(folder))
    _unused(ruleset, warn)
    _constant(ruleset, warn)
    if simulate > 0:
        _never(ruleset, warn, simulate)
    return schema_warnings(ruleset, folder) + sorted(warn.lines, key=_position)


def _position(line: str) -> tuple[str, int, int]:
    """A warning's file, line and column, to list warnings in file order as errors are."""
    where = line.partition(": warning: ")[0]
    path, line_no, col = where.rsplit(":", 2)
    return path, int(line_no), int(col)


class _Warnings:
    def __init__(self, ruleset: Ruleset, folder: Path):
        self.ruleset = ruleset
        self.folder = folder
        self.lines: list[str] = []

    def at(self, section: str, ident: str, message: str) -> None:
        place = self.ruleset.places.get(section, {}).get(ident)
        if place is None:
            self.lines.append(f"{self.folder}:1:1: warning: {message}")
            return
        name, line = place
        text = self.ruleset.sources.get(name, "").splitlines()
        col = len(text[line - 1]) - len(text[line - 1].lstrip()) + 1 if line <= len(text) else 1
        self.lines.append(f"{self.folder / name}:{line}:{col}: warning: {message}")


def _unused(ruleset: Ruleset, warn: _Warnings) -> None:
    graph = dependency_graph(ruleset).values()
    read_params = {p for uses in graph for p in uses.parameters}
    read_attrs = {a for uses in graph for a in uses.attributes}
    written = {a for uses in graph for a in uses.writes}
    for name in ruleset.parameters:
        if name not in read_params:
            warn.at("parameters", name, f"parameter {name!r} is never read: no rule, action, "
                                        "event, metric or bot uses it")  # fmt: skip
    for kind, table in ruleset.attributes.items():
        for name in table:
            if name in read_attrs:
                continue
            if name in written:
                message = f"{kind} attribute {name!r} is changed but nothing reads it: no rule, action, event, metric or bot"  # fmt: skip
            else:
                message = f"{kind} attribute {name!r} is never read or changed by any rule, action, event, metric or bot"  # fmt: skip
            warn.at(f"attributes.{kind}", name, message)


def _constant(ruleset: Ruleset, warn: _Warnings) -> None:
    """Conditions and metrics whose compiled code reads nothing of the game (`c.`)."""

    def fixed(expr: Any) -> Any:
        return None if expr is None or "c." in expr.code else expr.fn(None)

    for rule in ruleset.all_rules():
        for word, expr in (("when", rule.when), ("chance", rule.chance)):
            value = fixed(expr)
            if value is not None:
                warn.at("rules", rule.id, _always(f"rule {rule.id!r}", word, value))
    for ident, event in ruleset.events.items():
        value = fixed(event.chance)
        if value is not None and not 0 < value < 1:
            warn.at("events", ident, _always(f"event {ident!r}", "chance", value))
    for ident, action in ruleset.actions.items():
        value = fixed(action.requires)
        if value is not None:
            warn.at("actions", ident, _always(f"action {ident!r}", "requires", value))
    for nation, bot in ruleset.bots.items():
        for i, policy in enumerate(bot.policies, start=1):
            value = fixed(policy.when)
            if value is not None and policy.when.source.strip() != "true":
                warn.lines.append(f"{policy.where}: warning: {_always(f'policy {i} of bot {nation}', 'when', value)}")  # fmt: skip
    first: dict[str, str] = {}  # compiled formula -> the first metric with it
    for ident, metric in ruleset.metrics.items():
        value = fixed(metric.expr)
        if value is not None:
            warn.at("metrics", ident, f"metric {ident!r} is the constant {value:g}: its formula reads nothing of the game")  # fmt: skip
        elif first.setdefault(metric.expr.code, ident) != ident:
            warn.at("metrics", ident, f"metric {ident!r} measures the same as metric {first[metric.expr.code]!r} (the same formula): one of them is not needed")  # fmt: skip


def _always(what: str, word: str, value: Any) -> str:
    if word == "chance":
        verdict = "never happens" if value <= 0 else "always happens" if value >= 1 else "is fixed"
        return f"{what}: 'chance: {value:g}' reads nothing of the game: it {verdict}"
    holds = "always holds" if value else "never holds"
    return f"{what}: '{word}' reads nothing of the game: it {holds}"


def _never(ruleset: Ruleset, warn: _Warnings, turns: int) -> None:
    """Play every scenario and warn of what never acted in any of the games."""
    from game.sim import GeoModel

    changed: set[str] = set()
    fired: set[str] = set()
    holding: set[tuple[str, int]] = set()
    available: set[str] = set()
    taken: set[str] = set()
    scenarios = list(ruleset.scenarios)
    for scenario in scenarios:
        for seed in range(1, SIMULATED_SEEDS + 1):
            model = GeoModel(seed=seed, rules=ruleset, scenario=scenario, turns=turns,
                             trace=True, seats=dict.fromkeys(ruleset.nations, "bot"))  # fmt: skip
            ask = model.ask_bot

            def asked(nation: str, model: Any = model, ask: Any = ask) -> Any:
                holding.update((nation, i) for i in model.policies_holding(nation))
                available.update(o.action for o in model.action_options(nation) if o.available)
                return ask(nation)

            model.ask_bot = asked
            model.run()
            # A rule acts when it changes something, posts news or fires an event (at
            # set-up too: some rules only record where the game started).
            changed |= {t.cause for t in model.traces}
            changed |= {cause for item in model.news for cause in item.causes}
            changed |= {cause for _, _, cause in model.fired_events}
            fired |= {event for _, event, _ in model.fired_events}
            taken |= {action for line in model.decision_log if line.by == "bot" for action, _ in line.actions}  # fmt: skip
    games = f"{turns} turns of {len(scenarios)} scenario{'s' if len(scenarios) > 1 else ''} x {SIMULATED_SEEDS} seeds"  # fmt: skip
    for rule in ruleset.all_rules():
        if rule.id not in changed:
            warn.at("rules", rule.id, f"rule {rule.id!r} never acted (changed nothing, posted no news, fired nothing) in {games}")  # fmt: skip
    for ident in ruleset.events:
        if ident not in fired:
            warn.at("events", ident, f"event {ident!r} never fired in {games}")
    for ident, action in ruleset.actions.items():
        if action.spec.answer:
            continue  # an answer is available only while a proposal waits
        if ident not in available:
            warn.at("actions", ident, f"action {ident!r} was never available to any nation (its 'requires' never held) in {games}")  # fmt: skip
        elif ident not in taken:
            warn.at("actions", ident, f"action {ident!r} was never taken by a bot in {games} (teams may still take it)")  # fmt: skip
    for nation, bot in ruleset.bots.items():
        for i, policy in enumerate(bot.policies):
            if (nation, i) not in holding:
                warn.lines.append(f"{policy.where}: warning: policy {i + 1} of bot {nation} never applied in {games}")  # fmt: skip
