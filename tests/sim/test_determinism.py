"""Determinism and Mesa compatibility: seeds reproduce games, models stay independent."""

from __future__ import annotations

from typing import Any

import mesa
import pandas as pd
import pytest

from game import GeoModel
from game.ruleset import DecisionLine

TURNS = 64


def outcome(model: GeoModel) -> dict[str, Any]:
    """What a game produced, without the seed it was given."""
    summary = {k: v for k, v in model.summary().items() if k != "seed"}
    return {
        "summary": summary,
        "data": model.datacollector.get_model_vars_dataframe().to_dict("list"),
        "news": [(n.turn, n.text, n.causes) for n in model.news],
    }


def test_same_seed_gives_the_same_summary() -> None:
    """Two games with the same seed have identical summaries."""
    first = GeoModel(seed=11, turns=TURNS).run()
    second = GeoModel(seed=11, turns=TURNS).run()
    assert first.summary() == second.summary()


def test_same_seed_gives_the_same_collected_data() -> None:
    """Two games with the same seed collect identical DataCollector data."""
    first = GeoModel(seed=11, turns=TURNS).run().datacollector.get_model_vars_dataframe()
    second = GeoModel(seed=11, turns=TURNS).run().datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_same_seed_and_decisions_give_the_same_game() -> None:
    """Scripted decisions and an injected event reproduce exactly under the same seed."""
    decisions = [
        DecisionLine(turn=1, nation="US", invest={"fabs": 0.5, "ai": 0.3, "quantum": 0.2}),
        DecisionLine(turn=2, nation="US", action="propose_sourcing_5050", target="TW"),
        DecisionLine(turn=3, nation="TW", action="reject_proposal", target="US"),
        DecisionLine(turn=8, event="strait_crisis"),
    ]
    first = GeoModel(seed=5, turns=16, decisions=decisions).run()
    second = GeoModel(seed=5, turns=16, decisions=decisions).run()
    assert outcome(first) == outcome(second)
    assert (8, "strait_crisis") in first.event_log


def test_different_seeds_give_different_games() -> None:
    """Over a few seed pairs, at least one pair of games differs (the rules have chance events)."""
    pairs = [(1, 2), (3, 4), (5, 6), (7, 8)]
    differ = [
        outcome(GeoModel(seed=a, turns=TURNS).run()) != outcome(GeoModel(seed=b, turns=TURNS).run())
        for a, b in pairs
    ]
    assert any(differ)


def test_interleaved_models_do_not_affect_each_other() -> None:
    """Two models stepped alternately in one process play as each would alone."""
    alone_a = outcome(GeoModel(seed=1, turns=TURNS).run())
    alone_b = outcome(GeoModel(seed=2, turns=TURNS).run())
    a, b = GeoModel(seed=1, turns=TURNS), GeoModel(seed=2, turns=TURNS)
    while a.running or b.running:
        if a.running:
            a.step()
        if b.running:
            b.step()
    assert outcome(a) == alone_a
    assert outcome(b) == alone_b


def test_interleaved_models_with_different_parameters_stay_apart() -> None:
    """A parameter given to one model does not leak into another built in the same process."""
    a = GeoModel(seed=1, us_cost_premium=0.3)
    b = GeoModel(seed=1, us_cost_premium=0.5)
    assert a.parameters["us_cost_premium"] == 0.3
    assert b.parameters["us_cost_premium"] == 0.5
    assert a.context.p.us_cost_premium == 0.3
    assert b.context.p.us_cost_premium == 0.5


# mesa.batch_run ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def batch_rows() -> list[dict[str, Any]]:
    """The rows of a small mesa.batch_run over seeds and the US cost premium."""
    return mesa.batch_run(
        GeoModel,
        parameters={"seed": [1, 2], "us_cost_premium": [0.3, 0.5]},
        number_processes=1,
        max_steps=4,
        display_progress=False,
    )


def test_batch_run_returns_one_row_per_combination(batch_rows: list[dict[str, Any]]) -> None:
    """mesa.batch_run over 2 seeds × 2 premiums gives 4 rows with those parameters."""
    combos = sorted((row["seed"], row["us_cost_premium"]) for row in batch_rows)
    assert combos == [(1, 0.3), (1, 0.5), (2, 0.3), (2, 0.5)]


def test_batch_run_rows_carry_the_metrics(batch_rows: list[dict[str, Any]]) -> None:
    """Each batch_run row has the model's metric columns."""
    metrics = {
        "tw_advanced_share", "us_advanced_share", "silicon_shield", "strait_tension",
        "us_tw_trust", "clean_network_members", "untrusted_vendor_share", "global_gdp_index",
    }  # fmt: skip
    for row in batch_rows:
        assert metrics <= set(row)


def test_batch_run_rows_match_a_direct_run(batch_rows: list[dict[str, Any]]) -> None:
    """A batch_run row has the same metric values as the same game run directly."""
    row = next(r for r in batch_rows if r["seed"] == 2 and r["us_cost_premium"] == 0.5)
    model = GeoModel(seed=2, us_cost_premium=0.5)
    for _ in range(row["Step"]):
        model.step()
    for metric, value in model.metric_values.items():
        assert row[metric] == value, metric


def test_batch_run_reports_the_last_turn() -> None:
    """batch_run's final row is the state after the last turn, as `run` reports it."""
    rows = mesa.batch_run(
        GeoModel,
        parameters={"seed": [3], "turns": [6]},
        max_steps=100,
        number_processes=1,
        display_progress=False,
    )
    model = GeoModel(seed=3, turns=6).run()
    assert rows[-1]["Step"] == 6
    for metric, value in model.metric_values.items():
        assert rows[-1][metric] == value, metric


def test_model_stops_one_step_after_the_last_turn() -> None:
    """Stepping past the last turn plays nothing and sets `running` False."""
    model = GeoModel(seed=1, turns=2)
    model.step()
    model.step()
    assert model.over
    assert model.running
    before = dict(model.metric_values)
    model.step()
    assert not model.running
    assert model.turn == 2
    assert model.metric_values == before
