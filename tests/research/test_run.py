"""research.run_one: one headless game as a pure function of a RunSpec and a seed."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from game import GeoModel
from game.errors import GameError, ParameterError
from game.research import RunResult, RunSpec, run_one
from game.ruleset import DEFAULT_RULES

METRICS = [
    "tw_advanced_share", "us_advanced_share", "silicon_shield", "strait_tension",
    "us_tw_trust", "clean_network_members", "untrusted_vendor_share", "global_gdp_index",
]  # fmt: skip

TURNS_PARAMETER = """\
parameters:
  turns:
    value: 1.0
    min: 0.0
    max: 10.0
    doc: A parameter that has the name of a GeoModel argument.
    assumption: tests only
"""


@pytest.fixture(scope="module")
def result() -> RunResult:
    """A six-turn run of the default ruleset with one parameter set."""
    return run_one(RunSpec(turns=6, parameters={"us_cost_premium": 0.35}), seed=4)


def test_run_one_returns_the_model_summary(result: RunResult) -> None:
    """run_one's summary is the summary of the same game played with GeoModel."""
    model = GeoModel(seed=4, turns=6, us_cost_premium=0.35).run()
    assert result.summary == model.summary()
    assert result.summary["parameters"]["us_cost_premium"] == 0.35


def test_run_one_columns_are_turn_date_and_metrics(result: RunResult) -> None:
    """The per-turn table starts with turn, year, quarter and has every required metric."""
    assert result.columns[:3] == ["turn", "year", "quarter"]
    assert set(METRICS) <= set(result.columns)


def test_run_one_has_a_row_per_turn_plus_the_start(result: RunResult) -> None:
    """Row 0 is the state before turn 1 (dated the quarter before); then one row per turn."""
    assert [row[:3] for row in result.rows] == [
        [0, 2024, 4], [1, 2025, 1], [2, 2025, 2], [3, 2025, 3], [4, 2025, 4], [5, 2026, 1],
        [6, 2026, 2],
    ]  # fmt: skip
    assert all(len(row) == len(result.columns) for row in result.rows)


def test_run_one_last_row_matches_the_summary(result: RunResult) -> None:
    """The last row's metrics equal the summary's final values (rounded to 6 places)."""
    last = dict(zip(result.columns, result.rows[-1], strict=True))
    for metric, value in result.summary["final"].items():
        assert round(last[metric], 6) == value


def test_run_spec_and_result_are_picklable(result: RunResult) -> None:
    """A RunSpec and a RunResult survive pickling, so worker processes can ship them."""
    spec = RunSpec(turns=3, parameters={"us_cost_premium": 0.4}, scenario="seminar")
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert pickle.loads(pickle.dumps(result)) == result


def test_run_one_is_deterministic() -> None:
    """The same spec and seed give the same result twice."""
    spec = RunSpec(turns=20)
    assert run_one(spec, 9) == run_one(spec, 9)


def test_run_one_reads_a_scenario_file(tmp_path: Path) -> None:
    """A scenario given as a .yaml path is read from that file (turns and parameters)."""
    path = tmp_path / "short.yaml"
    path.write_text(
        "doc: A short test scenario.\nturns: 3\nparameters: {us_cost_premium: 0.45}\n",
        encoding="utf-8",
    )
    summary = run_one(RunSpec(scenario=str(path)), seed=1).summary
    assert summary["turns"] == 3
    assert summary["parameters"]["us_cost_premium"] == 0.45


def test_run_one_reads_a_decisions_file(tmp_path: Path) -> None:
    """Decisions given as a file path are scripted into the run."""
    path = tmp_path / "decisions.yaml"
    path.write_text("- {turn: 2, event: cable_cut}\n", encoding="utf-8")
    summary = run_one(RunSpec(turns=2, decisions=str(path)), seed=1).summary
    assert {"turn": 2, "id": "cable_cut"} in summary["events"]


def test_run_one_bad_parameter_is_a_parameter_error() -> None:
    """An unknown parameter in the spec raises ParameterError (a GameError)."""
    with pytest.raises(ParameterError) as caught:
        run_one(RunSpec(turns=1, parameters={"no_such_knob": 1.0}), seed=1)
    assert isinstance(caught.value, GameError)


@pytest.mark.parametrize(
    "name", ["seed", "turns", "scenario", "rules", "decisions", "seats", "trace"]
)
def test_run_one_refuses_a_model_argument_as_a_parameter(name: str) -> None:
    """A GeoModel argument given as a parameter is an unknown parameter, never a TypeError."""
    with pytest.raises(ParameterError, match=f"unknown parameter '{name}'") as caught:
        run_one(RunSpec(turns=1, parameters={name: 1.0}), seed=1)
    assert caught.value.name == name


def test_run_one_refuses_a_parameter_named_like_a_model_argument(tmp_path: Path) -> None:
    """A ruleset parameter named `turns` cannot be set through RunSpec.parameters (it would collide)."""
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    (rules / "turns.yaml").write_text(TURNS_PARAMETER, encoding="utf-8")
    with pytest.raises(ParameterError, match="GeoModel has an argument of that name") as caught:
        run_one(RunSpec(rules=str(rules), turns=1, parameters={"turns": 2.0}), seed=1)
    assert caught.value.name == "turns"
