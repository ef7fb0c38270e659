"""One headless game as a pure function: `run_one(spec, seed) -> RunResult`.

A `RunSpec` is plain, picklable data, so a process pool or a Dask cluster can ship it
anywhere; the worker loads the ruleset (cached per process) and plays the game.
`build_model` and `result_of` are its two halves, for callers that hold the model in
between (to save it, autosave it after each turn, or continue a loaded game): a game
continued from a save gives the same `RunResult` as one played straight through.
"""

from __future__ import annotations

import contextlib
import inspect
import multiprocessing
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.errors import ParameterError
from game.ruleset import DEFAULT_RULES, Ruleset, did_you_mean, load_ruleset, load_scenario_file
from game.sim import GeoModel

__all__ = [
    "KEY_METRICS",
    "RunResult",
    "RunSpec",
    "build_model",
    "compare_results",
    "result_of",
    "run_one",
    "start_method",
    "worker_pool",
    "worker_ruleset",
]


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
    return result_of(build_model(spec, seed).run(progress))


def build_model(spec: RunSpec, seed: int, ruleset: Ruleset | None = None) -> GeoModel:
    """The game `spec` describes, set up at turn 0 and not yet played; with `ruleset`,
    played by those rules instead of loading `spec.rules` (a Dask worker on another
    machine gets the rules' text, not their folder).

    Raises:
        ParameterError: as `run_one`.
        GameError: for bad rules, parameters or decisions.
    """
    if ruleset is None:
        ruleset = load_ruleset(Path(spec.rules) if spec.rules else DEFAULT_RULES)
    _check_parameter_names(spec.parameters, ruleset)
    scenario: Any = spec.scenario
    if scenario and scenario.endswith((".yaml", ".yml")):
        loaded = load_scenario_file(scenario, ruleset)
        scenario = loaded.model_copy(update={"title": loaded.title or Path(scenario).stem})
    return GeoModel(
        seed=seed,
        scenario=scenario,
        rules=ruleset,
        decisions=spec.decisions,
        turns=spec.turns,
        **spec.parameters,
    )


def result_of(model: GeoModel) -> RunResult:
    """The summary and per-turn metrics of a game as it stands (played, loaded or replayed).

    Returns:
        The summary and the per-turn metrics (row 0 is the state before turn 1).
    """
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
    # Seats the scenario gives to teams but bots played (a replay plays teams' own choices).
    humans = [
        n
        for n, seat in model.scenario_spec.seats.items()
        if seat == "human" and model.seats.get(n) == "bot"
    ]
    if humans:
        notes.append(
            f"headless run: bots play every seat, including {', '.join(humans)}, "
            "which this scenario gives to teams"
        )
    if model.unplayed_decisions:
        notes.append(f"decisions scripted after turn {model.turns} were not played")
    docs = {ident: m.spec.doc for ident, m in model.ruleset.metrics.items()}
    return RunResult(model.summary(), columns, rows, docs, notes)


_WORKER_RULESET: Ruleset | None = None


def _warm(ruleset: Ruleset) -> None:
    """Pool initializer: keep the ruleset the pool plays (`worker_ruleset`), and leave
    Ctrl-C to the main process, which stops the pool."""
    global _WORKER_RULESET
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_RULESET = ruleset


def worker_ruleset() -> Ruleset | None:
    """In a `worker_pool` process, the ruleset its games are played by (None elsewhere)."""
    return _WORKER_RULESET


def start_method() -> str:
    """How worker processes start: forked on Linux when this process runs one thread
    (a fork starts in milliseconds, with the modules and the compiled ruleset already
    in memory), else spawned afresh (about a second each: Python, Mesa and the rules
    loaded again). A fork copies one thread only, so a process with others (a notebook's
    kernel, a Dask client) spawns. Chosen explicitly: Mesa's import sets the default
    start method for the whole process."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


@contextlib.contextmanager
def worker_pool(workers: int, ruleset: Ruleset) -> Iterator[Any]:
    """A pool of `workers` processes playing by `ruleset` (`worker_ruleset` in each:
    inherited when forked, sent as its files' text when spawned), so every game of a
    sweep or a tournament has the rules it started with, even if their files change
    meanwhile. Terminated on leaving (a finished batch is all the caller keeps)."""
    pool = multiprocessing.get_context(start_method()).Pool(
        workers, initializer=_warm, initargs=(ruleset,)
    )
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


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


# The metrics a branch comparison shows first (DESIGN.md §5 names them in every ruleset).
KEY_METRICS = (
    "silicon_shield", "tw_advanced_share", "us_advanced_share", "strait_tension",
    "us_tw_trust", "global_gdp_index",
)  # fmt: skip


def compare_results(
    original: RunResult, branch: RunResult, start: int, parted: int | None, headlines: int = 6
) -> dict[str, Any]:
    """Two games side by side, as `replay --branch` shows them: where the branch began
    and where the games parted, every metric and score at the end, and the first news
    of each from the branching turn on.

    Args:
        original: the game as it was played.
        branch: the same game with other decisions from turn `start`.
        start: the first turn the branch decided differently.
        parted: the first turn at which any metric differs (None: never).
        headlines: how many news items of each game to keep (repeats of a cause folded).

    Returns:
        Plain data (what `replay --branch --json` prints).
    """
    a, b = original.summary, branch.summary
    order = [m for m in KEY_METRICS if m in a["final"]]
    order += [m for m in a["final"] if m not in order]

    def pair(x: float, y: float) -> dict[str, float]:
        return {"original": x, "branch": y, "change": round(y - x, 6)}

    def turn(t: int | None) -> dict[str, Any] | None:
        if t is None:
            return None
        dates = {n["turn"]: n["date"] for n in a["news"] + b["news"]}
        year, quarter = _year_quarter(original, t)
        return {"turn": t, "date": dates.get(t, f"{year} Q{quarter}")}

    return {
        "turns": a["turns"],
        "start": turn(start),
        "parted": turn(parted),
        "metrics": {m: pair(a["final"][m], b["final"][m]) for m in order},
        "scores": {n: pair(a["scores"][n], b["scores"][n]) for n in a["scores"]},
        "headlines": {
            "original": _first_news(a["news"], start, headlines),
            "branch": _first_news(b["news"], start, headlines),
        },
        "events": {
            "original": [e for e in a["events"] if e["turn"] >= start],
            "branch": [e for e in b["events"] if e["turn"] >= start],
        },
    }


def _year_quarter(result: RunResult, turn: int) -> tuple[int, int]:
    row = result.rows[min(turn, len(result.rows) - 1)]
    return int(row[1]), int(row[2])


def _first_news(news: list[dict[str, Any]], start: int, limit: int) -> list[dict[str, Any]]:
    """The first `limit` news items from turn `start` on, one per cause."""
    seen: set[str] = set()
    out = []
    for item in news:
        cause = item["causes"][0] if item["causes"] else item["text"]
        if item["turn"] < start or cause in seen:
            continue
        seen.add(cause)
        out.append({"turn": item["turn"], "date": item["date"], "text": item["text"]})
        if len(out) == limit:
            break
    return out
