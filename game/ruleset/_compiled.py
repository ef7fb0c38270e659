"""The loaded ruleset: immutable, typed, with every expression already compiled."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from game.ruleset._runtime import Expression
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
from game.ruleset._template import Template

__all__ = [
    "AddEffect",
    "ChangeEffect",
    "ClampEffect",
    "CompiledAction",
    "CompiledBot",
    "CompiledEffect",
    "CompiledEvent",
    "CompiledMetric",
    "CompiledPolicy",
    "CompiledRule",
    "FireEffect",
    "MultiplyEffect",
    "NewsEffect",
    "Ruleset",
    "SetEffect",
]


@dataclass(frozen=True)
class _Effect:
    """What every effect has: where it is written (`file:line:col`) and its text."""

    where: str
    text: str

    verb: ClassVar[str] = ""


@dataclass(frozen=True)
class ChangeEffect(_Effect):
    """An effect that changes one attribute: `obj(c).attr` becomes `new_value(before, c)`."""

    obj: Expression
    attr: str

    def new_value(self, before: float, c: Any) -> float:
        """The attribute's value after the effect, given its value `before`."""
        raise NotImplementedError


@dataclass(frozen=True)
class SetEffect(ChangeEffect):
    """`set: obj.attr` to `value`."""

    verb: ClassVar[str] = "set"

    value: Expression

    def new_value(self, before: float, c: Any) -> float:
        """`value`."""
        return float(self.value.fn(c))


@dataclass(frozen=True)
class AddEffect(ChangeEffect):
    """`add: obj.attr`, `value` to it."""

    verb: ClassVar[str] = "add"

    value: Expression

    def new_value(self, before: float, c: Any) -> float:
        """`before + value`."""
        return float(before + self.value.fn(c))


@dataclass(frozen=True)
class MultiplyEffect(ChangeEffect):
    """`multiply: obj.attr` by `value`."""

    verb: ClassVar[str] = "multiply"

    value: Expression

    def new_value(self, before: float, c: Any) -> float:
        """`before * value`."""
        return float(before * self.value.fn(c))


@dataclass(frozen=True)
class ClampEffect(ChangeEffect):
    """`clamp: obj.attr` into [`low`, `high`] (either may be absent)."""

    verb: ClassVar[str] = "clamp"

    low: Expression | None
    high: Expression | None

    def new_value(self, before: float, c: Any) -> float:
        """`before` limited to the bounds."""
        after = before
        if self.low is not None:
            after = max(after, self.low.fn(c))
        if self.high is not None:
            after = min(after, self.high.fn(c))
        return float(after)


@dataclass(frozen=True)
class FireEffect(_Effect):
    """`fire: event`: the event happens now."""

    verb: ClassVar[str] = "fire"

    event: str


@dataclass(frozen=True)
class NewsEffect(_Effect):
    """`news: text`: a line of the news feed."""

    verb: ClassVar[str] = "news"

    news: Template


CompiledEffect = SetEffect | AddEffect | MultiplyEffect | ClampEffect | FireEffect | NewsEffect


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
    """A policy action; proposals carry their accept/reject/expire effects.

    `clauses` are the top-level `and` parts of `requires`, each compiled on its own, so
    the game can say which part stops a nation from taking the action.
    """

    id: str
    spec: ActionSpec
    where: str
    requires: Expression | None
    effects: tuple[CompiledEffect, ...]
    clauses: tuple[Expression, ...] = ()
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
    sources: dict[str, str] = field(default_factory=dict, repr=False)
    """Each rule file's text, by its path inside the ruleset folder (saves carry them)."""
    places: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict, repr=False)
    """Where each entry is written: section (or `attributes.KIND`) -> id -> (its file's
    path inside the ruleset folder, the line of its key)."""

    @property
    def phases(self) -> tuple[str, ...]:
        """The phases of a turn, in order."""
        return tuple(self.game.phases)

    def all_rules(self) -> list[CompiledRule]:
        """Every rule, in phase order."""
        return [rule for phase in self.phases for rule in self.rules.get(phase, ())]
