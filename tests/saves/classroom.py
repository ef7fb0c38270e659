"""A classroom game the save tests play, and a resumer they run in a new process.

The game has a team seat (Taiwan) that submits decisions, scripted lines for the US, an
injected cable cut and bots for the rest. `python tests/saves/classroom.py SAVE...` loads
each save in a fresh interpreter, continues it the same way to its last turn and prints
the outputs as JSON, one entry per save.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from game.ruleset import DecisionLine, Ruleset
from game.saves import read_save
from game.sim import Decision, GeoModel

RULES = Path(__file__).resolve().parents[2] / "rules"

SCRIPT = (
    DecisionLine(turn=2, nation="US", action="propose_sourcing_5050", target="TW"),
    DecisionLine(turn=4, event="cable_cut"),
    DecisionLine(turn=5, nation="CN", invest={"fabs": 0.6, "ai": 0.4}),
    DecisionLine(turn=9, event="cable_cut"),
)


def team_decision(turn: int) -> Decision | None:
    """What the Taiwan team decides for `turn` (None: it does not decide)."""
    if turn == 3:  # answers the proposal made in turn 2
        return Decision("TW", {"fabs": 0.5, "ai": 0.3}, [("reject_proposal", "US")])
    if turn % 3 == 1:
        return Decision("TW", {"fabs": 0.2, "ai": 0.6, "quantum": 0.2})
    return None


def new_game(seed: int, turns: int, rules: str | Path | Ruleset = RULES, **params: Any) -> GeoModel:
    """A classroom game at turn 0 (Taiwan is played by a team)."""
    return GeoModel(
        seed=seed,
        rules=rules,
        turns=turns,
        seats={"TW": "human"},
        decisions=list(SCRIPT),
        **params,
    )


def play_on(model: GeoModel, until: int | None = None) -> GeoModel:
    """Play `model` to turn `until` (default: its end), the team deciding as scripted."""
    stop = model.turns if until is None else until
    while model.turn < stop:
        decision = team_decision(model.turn + 1)
        if decision is not None:
            model.submit(decision)
        model.step()
    return model


def resume(model: GeoModel) -> GeoModel:
    """Continue a loaded game the way it was being played (the save carries its script)."""
    return play_on(model)


def outputs(model: GeoModel) -> dict[str, str]:
    """What a run prints: the JSON summary and the per-turn CSV, as text."""
    return {
        "summary": json.dumps(model.summary()),
        "csv": model.datacollector.get_model_vars_dataframe().to_csv(),
    }


def main(argv: list[str]) -> None:
    """Load each save named in `argv`, resume it, and print the outputs as JSON.

    An argument `SAVE+N` first makes the loaded game N turns longer.
    """
    results = []
    for arg in argv:
        name, plus, more = arg.rpartition("+")
        if not (plus and more.isdigit()):
            name, more = arg, "0"
        model = read_save(name).model()
        model.extend(int(more))
        results.append(outputs(resume(model)))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
