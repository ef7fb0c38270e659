"""A game's record and what a turn reports: plain data, ready for JSON.

A game is its record: the seed, the scenario, the parameters given, the seats, the
ruleset's hash and every decision applied each turn, with who made it, plus the events
a facilitator injected. `GeoModel.from_record` replays a record to any turn exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from game.errors import GameError

__all__ = [
    "RECORD_FORMAT",
    "ActionOption",
    "ActionOutcome",
    "DecisionRecord",
    "GameRecord",
    "RecordError",
    "TurnReport",
]

# 2: chance draws keyed by (seed, turn, what draws), `GeoModel.draw`; 1: one generator
# drawn in order (a format 1 record is still replayed so, `GeoModel.sequential_draws`).
RECORD_FORMAT = 2
KEYED_DRAWS_SINCE = 2  # the first format whose games draw keyed numbers
SOURCES = ("team", "bot", "script", "standing")


class RecordError(GameError):
    """A game record (for example read from a save) is malformed."""


@dataclass(frozen=True)
class DecisionRecord:
    """One nation's decision as the game applied it in one turn.

    `by` says who made it: "team" (submitted by players), "bot" (the nation's doctrine),
    "script" (a decisions file or the scenario) or "standing" (a team seat that did not
    decide: the standing split, no action). `invest` is the split as given (None keeps
    the standing split); `actions` are (action id, target id or None).
    """

    turn: int
    nation: str
    by: str
    invest: dict[str, float] | None = None
    actions: tuple[tuple[str, str | None], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The decision as JSON-ready data."""
        return {
            "turn": self.turn,
            "nation": self.nation,
            "by": self.by,
            "invest": None if self.invest is None else dict(self.invest),
            "actions": [[action, target] for action, target in self.actions],
        }

    @classmethod
    def from_dict(cls, data: Any, where: str = "decision") -> DecisionRecord:
        """Read a decision written by `to_dict`.

        Raises:
            RecordError: naming the field that is missing or of the wrong kind.
        """
        data = _mapping(data, where)
        turn = _int(data.get("turn"), f"{where}.turn")
        nation = _text(data.get("nation"), f"{where}.nation")
        by = _text(data.get("by"), f"{where}.by")
        if by not in SOURCES:
            raise RecordError(f"{where}.by: expected one of {', '.join(SOURCES)}, found {by!r}")
        invest = data.get("invest")
        if invest is not None:
            invest = {
                _text(k, f"{where}.invest"): _number(v, f"{where}.invest.{k}")
                for k, v in _mapping(invest, f"{where}.invest").items()
            }
        actions = []
        raw = data.get("actions", [])
        if not isinstance(raw, list):
            raise RecordError(f"{where}.actions: expected a list")
        for i, pair in enumerate(raw):
            if not (isinstance(pair, list | tuple) and len(pair) == 2):
                raise RecordError(f"{where}.actions[{i}]: expected [action, target]")
            target = pair[1]
            if target is not None:
                target = _text(target, f"{where}.actions[{i}]")
            actions.append((_text(pair[0], f"{where}.actions[{i}]"), target))
        return cls(turn, nation, by, invest, tuple(actions))


@dataclass(frozen=True)
class GameRecord:
    """Everything needed to play a game again, exactly.

    `scenario` is a scenario id of the ruleset, or (`scenario_spec`) the whole scenario
    as data when it came from a file. `parameters` are the values given on top of the
    scenario's (by `--set`, a sweep or the caller); `values` every parameter's value in
    force, for readers. `turn` is the last turn played; `turns` the game's length.
    `undos` notes each turn a facilitator took back, with the decisions it had.
    `script` is every line scripted for the game (the scenario's, a decisions file's,
    injections), as decisions-file entries, including those for turns still to come.
    """

    seed: int
    scenario: str
    parameters: dict[str, float]
    seats: dict[str, str]
    turns: int
    turn: int
    ruleset_hash: str
    decisions: tuple[DecisionRecord, ...] = ()
    injected: tuple[tuple[int, str], ...] = ()
    scenario_spec: dict[str, Any] | None = None
    values: dict[str, float] = field(default_factory=dict)
    undos: tuple[tuple[int, tuple[DecisionRecord, ...]], ...] = ()
    script: tuple[dict[str, Any], ...] = ()
    format: int = RECORD_FORMAT

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data (plain dicts, lists, strings and numbers)."""
        return {
            "format": self.format,
            "seed": self.seed,
            "scenario": self.scenario,
            "scenario_spec": self.scenario_spec,
            "parameters": dict(self.parameters),
            "values": dict(self.values),
            "seats": dict(self.seats),
            "turns": self.turns,
            "turn": self.turn,
            "ruleset_hash": self.ruleset_hash,
            "decisions": [d.to_dict() for d in self.decisions],
            "injected": [[turn, event] for turn, event in self.injected],
            "undos": [
                {"turn": turn, "decisions": [d.to_dict() for d in taken]}
                for turn, taken in self.undos
            ],
            "script": [dict(line) for line in self.script],
        }

    @classmethod
    def from_dict(cls, data: Any) -> GameRecord:
        """Read a record written by `to_dict`.

        Raises:
            RecordError: for a newer format, or naming the field that is wrong.
        """
        data = _mapping(data, "record")
        version = _int(data.get("format"), "record.format")
        if version > RECORD_FORMAT:
            raise RecordError(
                f"the record is of format {version}, newer than this version reads "
                f"({RECORD_FORMAT}); update Silicon Shield"
            )
        decisions = data.get("decisions", [])
        injected = data.get("injected", [])
        if not isinstance(decisions, list) or not isinstance(injected, list):
            raise RecordError("record.decisions and record.injected must be lists")
        spec = data.get("scenario_spec")
        if spec is not None:
            spec = _mapping(spec, "record.scenario_spec")
        events = []
        for i, pair in enumerate(injected):
            if not (isinstance(pair, list | tuple) and len(pair) == 2):
                raise RecordError(f"record.injected[{i}]: expected [turn, event]")
            events.append(
                (_int(pair[0], f"record.injected[{i}]"), _text(pair[1], f"record.injected[{i}]"))
            )
        script = data.get("script", [])
        if not isinstance(script, list) or not all(isinstance(x, dict) for x in script):
            raise RecordError("record.script must be a list of mappings")
        undos = []
        raw_undos = data.get("undos", [])
        if not isinstance(raw_undos, list):
            raise RecordError("record.undos must be a list")
        for i, undo in enumerate(raw_undos):
            where = f"record.undos[{i}]"
            undo = _mapping(undo, where)
            taken = undo.get("decisions", [])
            if not isinstance(taken, list):
                raise RecordError(f"{where}.decisions must be a list")
            undos.append(
                (
                    _int(undo.get("turn"), f"{where}.turn"),
                    tuple(
                        DecisionRecord.from_dict(d, f"{where}.decisions[{j}]")
                        for j, d in enumerate(taken)
                    ),
                )
            )
        return cls(
            seed=_int(data.get("seed"), "record.seed"),
            scenario=_text(data.get("scenario"), "record.scenario"),
            parameters=_numbers(data.get("parameters", {}), "record.parameters"),
            seats={
                _text(k, "record.seats"): _text(v, f"record.seats.{k}")
                for k, v in _mapping(data.get("seats", {}), "record.seats").items()
            },
            turns=_int(data.get("turns"), "record.turns"),
            turn=_int(data.get("turn"), "record.turn"),
            ruleset_hash=_text(data.get("ruleset_hash"), "record.ruleset_hash"),
            decisions=tuple(
                DecisionRecord.from_dict(d, f"record.decisions[{i}]")
                for i, d in enumerate(decisions)
            ),
            injected=tuple(events),
            scenario_spec=spec,
            values=_numbers(data.get("values", {}), "record.values"),
            undos=tuple(undos),
            script=tuple(dict(x) for x in script),
            format=version,
        )


@dataclass(frozen=True)
class ActionOutcome:
    """An action a nation tried in a turn: taken, or refused and why."""

    nation: str
    action: str
    target: str | None
    taken: bool
    reason: str = ""


@dataclass(frozen=True)
class ActionOption:
    """Whether a nation may take an action (against a target) now, and if not, why.

    `reason` is in words; `never` says the action's `requires` rules it out for this
    nation (and target) whatever happens (a front end may leave such options out).
    """

    action: str
    target: str | None
    available: bool
    reason: str = ""
    doc: str = ""
    never: bool = False


@dataclass(frozen=True)
class TurnReport:
    """What one turn did: the decisions applied, actions taken or refused, events fired,
    news (with causes), traces (when the game traces) and each metric's change."""

    turn: int
    date: str
    decisions: tuple[DecisionRecord, ...]
    actions: tuple[ActionOutcome, ...]
    events: tuple[tuple[str, str], ...]
    news: tuple[Any, ...]
    traces: tuple[Any, ...]
    metrics: dict[str, tuple[float, float]]

    def changes(self, tolerance: float = 1e-12) -> dict[str, tuple[float, float]]:
        """The metrics that moved this turn: id -> (before, after)."""
        return {k: v for k, v in self.metrics.items() if abs(v[1] - v[0]) > tolerance}


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"{where}: expected a mapping, found {type(value).__name__}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise RecordError(f"{where}: expected text, found {type(value).__name__}")
    return value


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{where}: expected a whole number, found {value!r}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RecordError(f"{where}: expected a finite number, found {value!r}")
    return float(value)


def _numbers(value: Any, where: str) -> dict[str, float]:
    return {_text(k, where): _number(v, f"{where}.{k}") for k, v in _mapping(value, where).items()}
