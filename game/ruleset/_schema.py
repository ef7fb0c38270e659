"""The shape of a rule file, as pydantic models.

These models check types, ranges and unknown keys of each file on its own; references
between files and the expressions are checked afterwards, in `_load`. The same models
give the JSON Schema that editors use for completion (`silicon-shield schema`).
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
QUARTER_PATTERN = r"^\d{4}Q[1-4]$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=40)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


def _number_to_text(value: Any) -> Any:
    """Let designers write `value: 0.5` where an expression is expected."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value))
    return value


Expr = Annotated[
    str,
    BeforeValidator(_number_to_text, json_schema_input_type=str | float | bool),
    Field(min_length=1, max_length=2000),
]


class Strict(BaseModel):
    """Base: unknown keys are errors, numbers are not strings, specs are immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Documented(Strict):
    """Something players read about: a one-line doc and where it comes from."""

    doc: Annotated[str, Field(min_length=1, max_length=300)]
    source: Text | None = None
    assumption: Text | None = None

    @model_validator(mode="after")
    def _sourced(self) -> Documented:
        if not (self.source or self.assumption):
            raise ValueError(
                "needs 'source:' (the article passage) or 'assumption:' (your reasoning)"
            )
        return self


class GameSpec(Strict):
    """Game-wide settings: the calendar and the order of a turn's phases."""

    title: Text
    start: Annotated[str, Field(pattern=QUARTER_PATTERN)] = "2025Q1"
    turns: Annotated[int, Field(ge=1, le=1000)] = 64
    phases: Annotated[list[Id], Field(min_length=1)]
    decision_phase: Id = "decisions"
    event_phase: Id = "events"
    budget: Expr
    default_scenario: Id | None = None


class ParameterSpec(Documented):
    """A named number with its documented range; scenarios and `--set` may change it."""

    value: float
    min: float
    max: float

    @model_validator(mode="after")
    def _in_range(self) -> ParameterSpec:
        if not self.min <= self.value <= self.max:
            raise ValueError(f"value {self.value} is outside its range [{self.min}, {self.max}]")
        return self


class AttributeSpec(Strict):
    """An attribute every agent of a kind carries, with its start value and bounds."""

    value: float = 0.0
    min: float | None = None
    max: float | None = None
    doc: str = ""
    label: Annotated[str, Field(max_length=40)] = ""  # a short name for screens ("" = the id)


def attribute_entry(value: Any) -> Any:
    """Expand the shorthand `name: 0.5` of one attribute to `{value: 0.5}`."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"value": value}
    return value


def _attribute_shorthand(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: attribute_entry(v) for k, v in value.items()}
    return value


AttributeTable = Annotated[
    dict[Id, AttributeSpec],
    BeforeValidator(_attribute_shorthand, json_schema_input_type=dict[Id, float | AttributeSpec]),
]


class AttributesSpec(Strict):
    """Declared attributes of the world and of each agent kind."""

    world: AttributeTable = {}
    nation: AttributeTable = {}
    firm: AttributeTable = {}
    agency: AttributeTable = {}


class LineSpec(Documented):
    """An investment line a nation's budget can be split across."""


class NationSpec(Strict):
    """A nation: its name, tags and attribute values at the start."""

    name: Text
    doc: str = ""
    tags: list[Id] = []
    attrs: dict[Id, float] = {}


class FirmSpec(NationSpec):
    """A firm or agency, based in a nation."""

    nation: Id


class Effect(Strict):
    """One thing a rule does; exactly one verb (set, add, multiply, clamp, fire, news)."""

    set: Expr | None = None
    add: Expr | None = None
    multiply: Expr | None = None
    clamp: Expr | None = None
    value: Expr | None = None
    min: Expr | None = None
    max: Expr | None = None
    fire: Id | None = None
    news: Text | None = None

    @model_validator(mode="after")
    def _one_verb(self) -> Effect:
        verbs = [v for v in ("set", "add", "multiply", "clamp", "fire", "news") if getattr(self, v)]
        if len(verbs) != 1:
            found = ", ".join(verbs) or "none"
            raise ValueError(
                f"an effect has exactly one of set, add, multiply, clamp, fire, news (found {found})"
            )
        verb = verbs[0]
        if verb in ("set", "add", "multiply") and self.value is None:
            raise ValueError(f"'{verb}' needs 'value:'")
        if verb == "clamp" and self.min is None and self.max is None:
            raise ValueError("'clamp' needs 'min:' or 'max:'")
        return self

    @property
    def verb(self) -> str:
        """The effect's verb."""
        return next(
            v for v in ("set", "add", "multiply", "clamp", "fire", "news") if getattr(self, v)
        )


class RuleSpec(Documented):
    """A rule: in its phase, for each agent in scope where `when` holds, apply effects."""

    phase: Id
    for_each: Literal["world", "nations", "firms", "agencies"] = "world"
    nation: Id | None = None
    tag: Id | None = None
    when: Expr | None = None
    chance: Expr | None = None
    at_start: bool = False
    effects: Annotated[list[Effect], Field(min_length=1)]


class ProposalSpec(Strict):
    """What happens when the target of a proposal accepts, rejects or lets it lapse."""

    expires: Annotated[int, Field(ge=1, le=40)] = 2
    on_accept: list[Effect] = []
    on_reject: list[Effect] = []
    on_expire: list[Effect] = []
    # Why each outcome does what it does, when it differs from the proposal's own doc and
    # source (the article may report a rejection only; accepting is then an assumption).
    outcomes: dict[Literal["accept", "reject", "expire"], Documented] = {}


class ActionSpec(Documented):
    """A policy action a nation may take in its decision."""

    target: Literal["none", "nation"] = "none"
    requires: Expr | None = None
    effects: list[Effect] = []
    proposal: ProposalSpec | None = None
    answer: Literal["accept", "reject"] | None = None
    tags: list[Id] = []  # kinds of move, e.g. coercive or cooperative (`balance` plays them)

    @model_validator(mode="after")
    def _target_for_deals(self) -> ActionSpec:
        if (self.proposal or self.answer) and self.target != "nation":
            raise ValueError("proposals and answers need 'target: nation'")
        return self


class EventSpec(Documented):
    """A chance event: each turn it fires with probability `chance` (or when injected)."""

    chance: Expr = "0.0"
    effects: Annotated[list[Effect], Field(min_length=1)]


class MetricSpec(Strict):
    """A number collected every turn."""

    doc: Annotated[str, Field(min_length=1, max_length=300)]
    expr: Expr
    unit: Literal["share", "index", "number", "count", "usd_b", "trust"] = "number"


class ObjectiveTerm(Strict):
    """One weighted metric in a nation's score."""

    metric: Id
    weight: float
    over: Literal["final", "mean"] = "mean"
    doc: str = ""


class ObjectiveSpec(Strict):
    """How a nation is scored at the end of a game."""

    doc: Annotated[str, Field(min_length=1, max_length=300)]
    terms: Annotated[list[ObjectiveTerm], Field(min_length=1)]


class BotPolicy(Strict):
    """A doctrine line: when the condition holds, adjust the split and/or take an action."""

    doc: str = ""
    when: Expr = "true"
    invest: dict[Id, Annotated[float, Field(ge=0, le=1)]] | None = None
    action: Id | None = None
    target: Id | None = None


class BotSpec(Strict):
    """A nation's doctrine: a standing budget split and ordered policies."""

    doc: Annotated[str, Field(min_length=1, max_length=300)]
    invest: dict[Id, Annotated[float, Field(ge=0, le=1)]]
    policies: list[BotPolicy] = []


class DecisionLine(Strict):
    """One line of a decisions file (also used for scenarios' scripted decisions)."""

    turn: Annotated[int, Field(ge=1, le=100_000)]
    nation: Id | None = None
    invest: dict[Id, Annotated[float, Field(ge=0, le=1)]] | None = None
    action: Id | None = None
    target: Id | None = None
    event: Id | None = None

    @model_validator(mode="after")
    def _shape(self) -> DecisionLine:
        if self.event and (self.nation or self.invest is not None or self.action):
            raise ValueError("an 'event' line injects an event and has no nation, invest or action")
        if not self.event and not self.nation:
            raise ValueError("needs 'nation:' (or 'event:' for an injected event)")
        if self.nation and self.invest is None and not self.action:
            raise ValueError("needs 'invest:' (use {} to invest nothing) or 'action:'")
        return self


class ScenarioSpec(Strict):
    """A starting situation: start date, length, and overrides of the defaults."""

    doc: Annotated[str, Field(min_length=1, max_length=300)]
    title: str = ""
    start: Annotated[str, Field(pattern=QUARTER_PATTERN)] | None = None
    turns: Annotated[int, Field(ge=1, le=1000)] | None = None
    parameters: dict[Id, float] = {}
    world: dict[Id, float] = {}
    nations: dict[Id, dict[Id, float]] = {}
    firms: dict[Id, dict[Id, float]] = {}
    decisions: list[DecisionLine] = []
    seats: dict[Id, Literal["human", "bot"]] = {}


class RuleFile(Strict):
    """One YAML file of a ruleset: any of these sections."""

    game: GameSpec | None = None
    parameters: dict[Id, ParameterSpec] = {}
    attributes: AttributesSpec | None = None
    investment_lines: dict[Id, LineSpec] = {}
    nations: dict[Id, NationSpec] = {}
    firms: dict[Id, FirmSpec] = {}
    agencies: dict[Id, FirmSpec] = {}
    actions: dict[Id, ActionSpec] = {}
    rules: dict[Id, RuleSpec] = {}
    events: dict[Id, EventSpec] = {}
    metrics: dict[Id, MetricSpec] = {}
    objectives: dict[Id, ObjectiveSpec] = {}
    bots: dict[Id, BotSpec] = {}
    scenarios: dict[Id, ScenarioSpec] = {}


SECTIONS = tuple(RuleFile.model_fields)


def unwrap(annotation: Any) -> Any:
    """Strip Annotated/Optional wrappers down to a model class, dict or list type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, type(int | None)):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def allowed_keys(loc: tuple[Any, ...], root: Any = None) -> set[str]:
    """The keys allowed in the mapping at `loc` of a file checked as `root` (for 'did you mean')."""
    current: Any = RuleFile if root is None else root
    for part in loc:
        current = unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return set()
            current = field.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        elif typing.get_origin(current) is list:
            current = typing.get_args(current)[0]
        else:
            return set()
    current = unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return set(current.model_fields)
    return set()
