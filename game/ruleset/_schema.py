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


class KeyValueError(ValueError):
    """A model's own check's error, reported at `key`'s value rather than the model's."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


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

    # A field's docstring (the string under it) is its description in the JSON Schema,
    # which editors show on hover.
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True
    )


class Documented(Strict):
    """Something players read about: a one-line doc and where it comes from."""

    doc: Annotated[str, Field(min_length=1, max_length=300)]
    """One line for players: what it is (at most 300 characters)."""
    source: Text | None = None
    """The article's own words it encodes, with the paragraph named by its first words:
    "... (para. 'However, the alliance also presents')". It or `assumption` is required."""
    assumption: Text | None = None
    """Your reasoning, where the article gives no number or does not say how it works. It
    or `source` is required."""

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
    """The game's name."""
    start: Annotated[str, Field(pattern=QUARTER_PATTERN)] = "2025Q1"
    """The date of turn 1, as YYYYQn (2025Q1)."""
    turns: Annotated[int, Field(ge=1, le=1000)] = 64
    """Length of a game in quarters, unless the scenario or --turns says otherwise."""
    phases: Annotated[list[Id], Field(min_length=1)]
    """The phases of a turn, in order. Every rule names one."""
    decision_phase: Id = "decisions"
    """The phase that starts by applying the nations' decisions (one of `phases`)."""
    event_phase: Id = "events"
    """The phase that ends by rolling chance events (one of `phases`)."""
    budget: Expr
    """Expression, self = a nation: its budget this turn (the default rules count $B)."""
    default_scenario: Id | None = None
    """The scenario `run` plays without --scenario (default: the first scenario)."""


class ParameterSpec(Documented):
    """A named number with its documented range; scenarios and `--set` may change it."""

    value: float
    """The default value."""
    min: float
    """The lowest value scenarios, --set and sweeps may give it."""
    max: float
    """The highest value scenarios, --set and sweeps may give it."""
    integer: bool = False
    """true for a count (members, quarters): its value, range, scenarios' and --set's values
    must be whole numbers, and sweeps' samples are rounded to whole numbers."""

    @model_validator(mode="after")
    def _in_range(self) -> ParameterSpec:
        if self.integer:
            for key in ("value", "min", "max"):
                number = getattr(self, key)
                if not float(number).is_integer():
                    message = f"{key} {number:g} is not a whole number, and the parameter is declared 'integer: true'"  # fmt: skip
                    raise KeyValueError(key, message)
        if not self.min <= self.value <= self.max:
            raise KeyValueError("value", f"value {self.value:g} is outside its range [{self.min:g}, {self.max:g}]")  # fmt: skip
        return self

    def refuses(self, value: float) -> str:
        """Why `value` cannot be this parameter's value ('' when it can)."""
        if not self.min <= value <= self.max:
            return f"is outside its range [{self.min:g}, {self.max:g}]"
        if self.integer and not float(value).is_integer():
            return "is not a whole number (the parameter is declared 'integer: true')"
        return ""


class AttributeSpec(Strict):
    """An attribute every agent of a kind carries, with its start value and bounds."""

    value: float = 0.0
    """Start value (an agent's `attrs:` and scenarios may override it)."""
    min: float | None = None
    """Lower bound: every effect that changes the attribute is clamped to it."""
    max: float | None = None
    """Upper bound: every effect that changes the attribute is clamped to it."""
    doc: str = ""
    """What it measures, with its unit."""
    label: Annotated[str, Field(max_length=40)] = ""
    """A short name for screens, at most 40 characters (default: the id made readable)."""


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
    """Attributes of the world: name -> a start value, or {value, min, max, doc, label}."""
    nation: AttributeTable = {}
    """Attributes every nation carries: name -> a start value, or {value, min, max, doc, label}."""
    firm: AttributeTable = {}
    """Attributes every firm carries: name -> a start value, or {value, min, max, doc, label}."""
    agency: AttributeTable = {}
    """Attributes every agency carries: name -> a start value, or {value, min, max, doc, label}."""


class LineSpec(Documented):
    """An investment line a nation's budget can be split across."""


class NationSpec(Strict):
    """A nation: its name, tags and attribute values at the start."""

    name: Text
    """Shown to players."""
    doc: str = ""
    """A line about it."""
    tags: list[Id] = []
    """Labels rules filter on (`tag: foundry`, `has_tag(self, 'untrusted')`)."""
    attrs: dict[Id, float] = {}
    """Start values that differ from the attributes' own: attribute -> number."""


class FirmSpec(NationSpec):
    """A firm or agency, based in a nation."""

    nation: Id
    """The nation it is based in (its `home` in expressions)."""


class Effect(Strict):
    """One thing a rule does; exactly one verb (set, add, multiply, clamp, fire, news)."""

    set: Expr | None = None
    """The attribute to set to `value`: world.x, self.x, target.x, nation('TW').x, ..."""
    add: Expr | None = None
    """The attribute to add `value` to (in a rule over agents, may be another agent's)."""
    multiply: Expr | None = None
    """The attribute to multiply by `value`."""
    clamp: Expr | None = None
    """The attribute to keep between `min` and `max`."""
    value: Expr | None = None
    """Expression: the number that set, add or multiply uses."""
    min: Expr | None = None
    """Expression: the lowest value clamp allows."""
    max: Expr | None = None
    """Expression: the highest value clamp allows."""
    fire: Id | None = None
    """An event to fire now (after the rule's other changes, in a rule over agents)."""
    news: Text | None = None
    """A line of news, with {expression} or {expression:format} fields."""

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
    """When in the turn it runs: one of game.phases."""
    for_each: Literal["world", "nations", "firms", "agencies"] = "world"
    """world: once, with no self; otherwise once per agent of that kind, as self, all at
    once (every agent sees the state from before the rule)."""
    nation: Id | None = None
    """Only agents based in this nation (with for_each: nations, that nation alone)."""
    tag: Id | None = None
    """Only agents carrying this tag."""
    when: Expr | None = None
    """Expression: the rule skips the agents (or the turn) where it is false."""
    chance: Expr | None = None
    """Expression: a probability (0-1) rolled per agent after `when`."""
    at_start: bool = False
    """Also run once at set-up, before turn 1."""
    effects: Annotated[list[Effect], Field(min_length=1)]
    """What the rule does, in order (set, add, multiply, clamp, fire, news)."""


class ProposalSpec(Strict):
    """What happens when the target of a proposal accepts, rejects or lets it lapse."""

    expires: Annotated[int, Field(ge=1, le=40)] = 2
    """Turns the target has to answer before the proposal lapses."""
    on_accept: list[Effect] = []
    """Effects when the target accepts (self = the proposer, target = who answers)."""
    on_reject: list[Effect] = []
    """Effects when the target rejects."""
    on_expire: list[Effect] = []
    """Effects when nobody answers in time."""
    # Why each outcome does what it does, when it differs from the proposal's own doc and
    # source (the article may report a rejection only; accepting is then an assumption).
    outcomes: dict[Literal["accept", "reject", "expire"], Documented] = {}
    """Why an outcome does what it does, when that differs from the proposal's own doc
    and source: accept, reject or expire -> {doc, source or assumption}."""


class ActionSpec(Documented):
    """A policy action a nation may take in its decision."""

    target: Literal["none", "nation"] = "none"
    """Whether the action is aimed at another nation."""
    requires: Expr | None = None
    """Expression: must hold, or the action is refused (the news quotes it)."""
    effects: list[Effect] = []
    """Applied at once when the action is taken."""
    proposal: ProposalSpec | None = None
    """Makes the action a proposal the target answers on a later turn."""
    answer: Literal["accept", "reject"] | None = None
    """Makes the action the answer to a pending proposal from the target."""
    tags: list[Id] = []
    """Kinds of move, such as coercive or cooperative (`balance` plays each kind together)."""

    @model_validator(mode="after")
    def _target_for_deals(self) -> ActionSpec:
        if (self.proposal or self.answer) and self.target != "nation":
            raise ValueError("proposals and answers need 'target: nation'")
        return self


class EventSpec(Documented):
    """A chance event: each turn it fires with probability `chance` (or when injected)."""

    chance: Expr = "0.0"
    """Expression: the probability (0-1) that it fires this turn."""
    effects: Annotated[list[Effect], Field(min_length=1)]
    """What happens when it fires, in world scope."""


class MetricSpec(Strict):
    """A number collected every turn."""

    doc: Annotated[str, Field(min_length=1, max_length=300)]
    """What it measures."""
    expr: Expr
    """Expression, no self: measured after every turn and once at set-up."""
    unit: Literal["share", "index", "number", "count", "usd_b", "trust"] = "number"
    """The kind of number, for charts and tables."""


class ObjectiveTerm(Strict):
    """One weighted metric in a nation's score."""

    metric: Id
    """The metric scored."""
    weight: float
    """Points per unit of the metric; negative weights punish it."""
    over: Literal["final", "mean"] = "mean"
    """mean: the average over the turns played; final: the last value."""
    doc: str = ""
    """Why the nation cares."""


class ObjectiveSpec(Strict):
    """How a nation is scored at the end of a game."""

    doc: Annotated[str, Field(min_length=1, max_length=300)]
    """The nation's aim, in a line."""
    terms: Annotated[list[ObjectiveTerm], Field(min_length=1)]
    """Weighted metrics, added up."""


class BotPolicy(Strict):
    """A doctrine line: when the condition holds, adjust the split and/or take an action."""

    doc: str = ""
    """What the policy does and why."""
    when: Expr = "true"
    """Expression, self = the nation: when the policy applies."""
    invest: dict[Id, Annotated[float, Field(ge=0, le=1)]] | None = None
    """Overrides the shares of the lines it names: line -> share (0-1)."""
    action: Id | None = None
    """An action to take."""
    target: Id | None = None
    """The action's target nation (for actions with target: nation)."""


class BotSpec(Strict):
    """A nation's doctrine: a standing budget split and ordered policies."""

    doc: Annotated[str, Field(min_length=1, max_length=300)]
    """The doctrine, in a line."""
    invest: dict[Id, Annotated[float, Field(ge=0, le=1)]]
    """The standing budget split: line -> share (0-1), adding up to at most 1."""
    policies: list[BotPolicy] = []
    """Read in order every turn; every policy whose `when` holds applies."""


class DecisionLine(Strict):
    """One line of a decisions file (also used for scenarios' scripted decisions)."""

    turn: Annotated[int, Field(ge=1, le=100_000)]
    """The turn it applies to (1 is the first)."""
    nation: Id | None = None
    """The nation deciding."""
    invest: dict[Id, Annotated[float, Field(ge=0, le=1)]] | None = None
    """The nation's new budget split: line -> share ({} invests nothing)."""
    action: Id | None = None
    """An action the nation takes."""
    target: Id | None = None
    """The action's target nation."""
    event: Id | None = None
    """An event to inject (alone on its line)."""

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
    """What the scenario is about."""
    title: str = ""
    """Shown in menus."""
    start: Annotated[str, Field(pattern=QUARTER_PATTERN)] | None = None
    """The date of turn 1, as YYYYQn (default: game.start)."""
    turns: Annotated[int, Field(ge=1, le=1000)] | None = None
    """Length in quarters (default: game.turns)."""
    parameters: dict[Id, float] = {}
    """Parameter values, each inside its range: parameter -> number."""
    world: dict[Id, float] = {}
    """Start values of world attributes: attribute -> number."""
    nations: dict[Id, dict[Id, float]] = {}
    """Start values of nations' attributes: nation -> {attribute: number}."""
    firms: dict[Id, dict[Id, float]] = {}
    """Start values of firms' attributes: firm -> {attribute: number}."""
    decisions: list[DecisionLine] = []
    """Scripted choices and injected events."""
    seats: dict[Id, Literal["human", "bot"]] = {}
    """Who plays each nation in `play`: nation -> human or bot (default: bots)."""


class RuleFile(Strict):
    """One YAML file of a ruleset: any of these sections."""

    game: GameSpec | None = None
    """The calendar and the order of a turn (in exactly one file)."""
    parameters: dict[Id, ParameterSpec] = {}
    """Named numbers with a range and a source: id -> {value, min, max, doc, source}."""
    attributes: AttributesSpec | None = None
    """The state of the world and of each kind of agent."""
    investment_lines: dict[Id, LineSpec] = {}
    """What a budget can be split across: id -> {doc, source}."""
    nations: dict[Id, NationSpec] = {}
    """The nations: id -> {name, tags, attrs}."""
    firms: dict[Id, FirmSpec] = {}
    """The firms: id -> {name, nation, tags, attrs}."""
    agencies: dict[Id, FirmSpec] = {}
    """The government agencies: id -> {name, nation, tags, attrs}."""
    actions: dict[Id, ActionSpec] = {}
    """What a nation may do in its decision: id -> {doc, source, target, effects, ...}."""
    rules: dict[Id, RuleSpec] = {}
    """What happens every turn: id -> {phase, for_each, when, effects, ...}."""
    events: dict[Id, EventSpec] = {}
    """Chance happenings: id -> {chance, effects, ...}."""
    metrics: dict[Id, MetricSpec] = {}
    """The numbers collected every turn: id -> {doc, expr, unit}."""
    objectives: dict[Id, ObjectiveSpec] = {}
    """How each nation is scored: nation -> {doc, terms}."""
    bots: dict[Id, BotSpec] = {}
    """Doctrines for the nations nobody plays: nation -> {doc, invest, policies}."""
    scenarios: dict[Id, ScenarioSpec] = {}
    """Starting situations: id -> {doc, start, turns, parameters, ...}."""


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
