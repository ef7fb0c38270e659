"""A game's record, and following one: what `GeoModel.record` and `from_record` do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.ruleset import DecisionLine, ScenarioSpec
from game.sim._decisions import Decision, decisions_by_turn
from game.sim._record import RECORD_FORMAT, DecisionRecord, GameRecord, RecordError

if TYPE_CHECKING:
    from game.sim._model import GeoModel

__all__ = ["follow_record", "make_record", "scenario_of", "script_of"]


def make_record(model: GeoModel) -> GameRecord:
    """The game so far as a `GameRecord`."""
    spec = model.scenario_spec.model_dump(mode="json") if model.scenario_from_file else None
    return GameRecord(
        seed=int(model.seed),
        scenario=model.scenario_id,
        parameters={k: float(v) for k, v in model.given_parameters.items()},
        seats=dict(model.seats),
        turns=model.turns,
        turn=model.turn,
        ruleset_hash=model.ruleset.hash,
        decisions=tuple(model.decision_log),
        injected=tuple(model.injection_log),
        scenario_spec=spec,
        values=dict(model.parameters),
        undos=tuple(model.undo_log),
        script=tuple(line.model_dump(mode="json", exclude_none=True) for line in model.script),
        format=1 if model.sequential_draws else RECORD_FORMAT,
    )


def scenario_of(record: GameRecord) -> str | ScenarioSpec:
    """The record's scenario: its id, or the spec it carries when it came from a file.

    Raises:
        RecordError: when the carried spec is not a valid scenario.
    """
    if record.scenario_spec is None:
        return record.scenario
    try:
        return ScenarioSpec.model_validate(record.scenario_spec, strict=False)
    except ValueError as exc:
        raise RecordError(f"record.scenario_spec: {exc}") from None


def script_of(record: GameRecord) -> list[DecisionLine]:
    """The record's script as decision lines.

    Raises:
        RecordError: when a line is not a valid decisions-file entry.
    """
    lines = []
    for i, entry in enumerate(record.script):
        try:
            lines.append(DecisionLine.model_validate(entry, strict=False))
        except ValueError as exc:
            problem = str(exc).splitlines()[-1].strip() if str(exc) else "invalid"
            raise RecordError(f"record.script[{i}]: {problem}") from None
    return lines


def follow_record(model: GeoModel, record: GameRecord, until: int) -> None:
    """Make `model` (new, at turn 0) take the record's decisions and injections up to turn
    `until`. After it, the record's script applies (its scripted decisions and
    injections for later turns) and teams and bots decide again.

    Raises:
        RecordError: when the record names a nation or event the rules lack.
    """
    script = script_of(record)
    for line in script:
        if line.nation is not None and line.nation not in model.nations:
            raise RecordError(f"the record's script names the nation {line.nation!r}")
        if line.action is not None and line.action not in model.ruleset.actions:
            raise RecordError(
                f"the record's script takes the action {line.action!r}, which these rules lack"
            )
        for name in line.invest or {}:
            if name not in model.ruleset.investment_lines:
                raise RecordError(
                    f"the record's script invests in {name!r}, a line these rules lack"
                )
        if line.event is not None and line.event not in model.ruleset.events:
            raise RecordError(f"the record's script injects {line.event!r}, which these rules lack")
    scripted, injected = decisions_by_turn([line for line in script if line.turn > until])
    sources: dict[int, dict[str, str]] = {}
    for d in record.decisions:
        _check_decision(model, d)
        if d.turn > until:
            continue
        if d.by == "bot":
            model._expected_bots.setdefault(d.turn, {})[d.nation] = d
            continue
        decision = Decision(d.nation, None if d.invest is None else dict(d.invest))
        decision.actions = list(d.actions)
        scripted.setdefault(d.turn, {})[d.nation] = decision
        sources.setdefault(d.turn, {})[d.nation] = d.by
    for turn, event in record.injected:
        if event not in model.ruleset.events:
            raise RecordError(f"the record injects {event!r}, which these rules lack")
        if turn <= until:
            injected.setdefault(turn, []).append(event)
    model.script = script
    model.scripted, model.sources, model.injected = scripted, sources, injected
    model._check_bots = record.ruleset_hash == model.ruleset.hash
    model.undo_log = list(record.undos)


def _check_decision(model: GeoModel, d: DecisionRecord) -> None:
    """A recorded decision must name what these rules have (other rules may lack it)."""
    where = f"the record's decision of turn {d.turn}"
    rules = model.ruleset
    if d.nation not in model.nations:
        raise RecordError(f"{where} names the nation {d.nation!r}, which these rules lack")
    for line in d.invest or {}:
        if line not in rules.investment_lines:
            raise RecordError(f"{where} invests in {line!r}, a line these rules lack")
    for action, target in d.actions:
        if action not in rules.actions:
            raise RecordError(f"{where} takes the action {action!r}, which these rules lack")
        if target is not None and target not in model.nations:
            raise RecordError(f"{where} targets {target!r}, a nation these rules lack")
