"""The loaded ruleset: immutable, typed, with every expression already compiled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.ruleset._expr import Expression
from game.ruleset._schema import (
    ActionSpec,
    AttributeSpec,
    EventSpec,
    FirmSpec,
    GameSpec,
    LineSpec,
    MetricSpec,
    NationSpec,
    ObjectiveSpec,
    ParameterSpec,
    RuleSpec,
    ScenarioSpec,
)

__all__ = [
    "CompiledAction",
    "CompiledBot",
    "CompiledEffect",
    "CompiledEvent",
    "CompiledMetric",
    "CompiledPolicy",
    "CompiledRule",
    "Ruleset",
]


@dataclass(frozen=True)
class CompiledEffect:
    """One effect, ready to apply: `obj(c).attr <verb>= value(c)`, or fire/news."""

    verb: str
    where: str
    text: str
    obj: Expression | None = None
    attr: str = ""
    value: Expression | None = None
    low: Expression | None = None
    high: Expression | None = None
    event: str = ""
    news: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class CompiledRule:
    """A rule of one phase; `agents` indexes the agent list it runs over (None: the world)."""

    id: str
    spec: RuleSpec
    where: str
    agents: int | None
    when: Expression | None
    chance: Expression | None
    effects: tuple[CompiledEffect, ...]


@dataclass(frozen=True)
class CompiledAction:
    """A policy action; proposals carry their accept/reject/expire effects."""

    id: str
    spec: ActionSpec
    where: str
    requires: Expression | None
    effects: tuple[CompiledEffect, ...]
    on_accept: tuple[CompiledEffect, ...] = ()
    on_reject: tuple[CompiledEffect, ...] = ()
    on_expire: tuple[CompiledEffect, ...] = ()


@dataclass(frozen=True)
class CompiledEvent:
    """A chance event."""

    id: str
    spec: EventSpec
    where: str
    chance: Expression
    effects: tuple[CompiledEffect, ...]


@dataclass(frozen=True)
class CompiledMetric:
    """A metric collected every turn."""

    id: str
    spec: MetricSpec
    expr: Expression
    where: str = ""


@dataclass(frozen=True)
class CompiledPolicy:
    """One doctrine line of a bot."""

    doc: str
    when: Expression
    invest: dict[str, float] | None
    action: str | None
    target: str | None
    where: str = ""


@dataclass(frozen=True)
class CompiledBot:
    """A nation's doctrine."""

    nation: str
    doc: str
    invest: dict[str, float]
    policies: tuple[CompiledPolicy, ...]


@dataclass(frozen=True)
class Ruleset:
    """Everything a game needs from the rule files, checked and compiled."""

    root: Path
    files: tuple[str, ...]
    hash: str
    game: GameSpec
    budget: Expression
    parameters: dict[str, ParameterSpec]
    attributes: dict[str, dict[str, AttributeSpec]]
    investment_lines: dict[str, LineSpec]
    nations: dict[str, NationSpec]
    firms: dict[str, FirmSpec]
    agencies: dict[str, FirmSpec]
    actions: dict[str, CompiledAction]
    rules: dict[str, tuple[CompiledRule, ...]]
    events: dict[str, CompiledEvent]
    metrics: dict[str, CompiledMetric]
    objectives: dict[str, ObjectiveSpec]
    bots: dict[str, CompiledBot]
    scenarios: dict[str, ScenarioSpec]
    agent_sets: tuple[tuple[str, str | None, str | None], ...]
    default_scenario: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def phases(self) -> tuple[str, ...]:
        """The phases of a turn, in order."""
        return tuple(self.game.phases)

    def all_rules(self) -> list[CompiledRule]:
        """Every rule, in phase order."""
        return [rule for phase in self.phases for rule in self.rules.get(phase, ())]
