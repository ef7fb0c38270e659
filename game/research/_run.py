"""One headless game as a pure function: `run_one(spec, seed) -> RunResult`.

A `RunSpec` is plain, picklable data, so a process pool or a Dask cluster can ship it
anywhere; the worker loads the ruleset (cached per process) and plays the game.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.errors import ParameterError
from game.ruleset import DEFAULT_RULES, Ruleset, did_you_mean, load_ruleset, load_scenario_file
from game.sim import GeoModel

__all__ = ["RunResult", "RunSpec", "run_one"]


@dataclass(frozen=True)
class RunSpec:
    """What to run: ruleset folder, scenario (id or .yaml file), length, parameters, decisions.

    `rules` None means the rules bundled with the game; `parameters` holds values of the
    ruleset's parameters only (the seed, turns and so on have fields of their own).
    """

    rules: str | None = None
    scenario: str | None = None
    turns: int | None = None
    parameters: dict[str, float] = field(default_factory=dict)
    decisions: str | None = None


@dataclass(frozen=True)
class RunResult:
    """The outcome of one game: the JSON summary and the per-turn metrics."""

    summary: dict[str, Any]
    columns: list[str]
    rows: list[list[float]]
    metric_docs: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run_one(spec: RunSpec, seed: int, progress: Callable[[int], None] | None = None) -> RunResult:
    """Play one game headless.

    Args:
        spec: what to run.
        seed: the random seed.
        progress: called with the turn number after each turn.

    Returns:
        The summary and the per-turn metrics (row 0 is the state before turn 1).

    Raises:
        ParameterError: for a name in `spec.parameters` that is not a parameter of the
            ruleset, or a value outside its range.
        GameError: for bad rules, parameters or decisions.
    """
    ruleset = load_ruleset(Path(spec.rules) if spec.rules else DEFAULT_RULES)
    _check_parameter_names(spec.parameters, ruleset)
    scenario: Any = spec.scenario
    if scenario and scenario.endswith((".yaml", ".yml")):
        loaded = load_scenario_file(scenario, ruleset)
        scenario = loaded.model_copy(update={"title": loaded.title or Path(scenario).stem})
    model = GeoModel(
        seed=seed,
        scenario=scenario,
        rules=ruleset,
        decisions=spec.decisions,
        turns=spec.turns,
        **spec.parameters,
    )
    model.run(progress)
    collected = model.datacollector.model_vars  # metric -> one value per collect
    columns = ["turn", "year", "quarter", *collected]
    rows = []
    for turn, values in enumerate(
        zip(*collected.values(), strict=True) if collected else [()] * (model.turn + 1)
    ):
        # Row t is the state at the end of turn t's quarter; row 0, the start, is the end
        # of the quarter before the first.
        rows.append([turn, *model.year_quarter(turn), *values])
    notes = []
    humans = [n for n, seat in model.scenario_spec.seats.items() if seat == "human"]
    if humans:
        notes.append(
            f"headless run: bots play every seat, including {', '.join(humans)}, "
            "which this scenario gives to teams"
        )
    if model.unplayed_decisions:
        notes.append(f"decisions scripted after turn {model.turns} were not played")
    docs = {ident: m.spec.doc for ident, m in model.ruleset.metrics.items()}
    return RunResult(model.summary(), columns, rows, docs, notes)


def _check_parameter_names(parameters: dict[str, float], ruleset: Ruleset) -> None:
    """Refuse names that GeoModel would not read as parameters of `ruleset`.

    GeoModel takes parameters as keyword arguments beside its own (`seed`, `turns`,
    `seats`, …), so a name is checked here before the call, never left to collide.
    """
    own = {
        name
        for name, p in inspect.signature(GeoModel).parameters.items()
        if p.kind is not inspect.Parameter.VAR_KEYWORD
    }
    for name in parameters:
        if name not in ruleset.parameters:
            hint = did_you_mean(name, ruleset.parameters)
            raise ParameterError(name, f"unknown parameter {name!r}{hint}")
        if name in own:
            raise ParameterError(
                name,
                f"parameter {name!r} cannot be set: GeoModel has an argument of that name; "
                "rename the parameter in the ruleset",
            )
