"""Regressions found in review: effects on the right agent, non-finite values, odd rulesets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from game.errors import SimulationError
from game.research import RunSpec, run_one
from game.sim import GeoModel

MULTILINE_TARGET = """\
rules:
  home_hits:
    doc: Each firm adds a hit to its home nation.
    assumption: tests only
    phase: second
    for_each: firms
    effects:
      - add: |
          (self
          ).home.hits
        value: 1
  accented:
    doc: A target with non-ASCII text in it.
    assumption: tests only
    phase: second
    for_each: firms
    effects:
      - add: "(self if self.name != 'éééééééééééé' else self).hits"
        value: 1
"""


def test_multiline_and_non_ascii_targets_change_the_right_agent(lab: Callable[..., Path]) -> None:
    """A target written over two lines, or with accents, changes the agent it names."""
    model = GeoModel(seed=1, rules=lab(MULTILINE_TARGET), turns=1).run()
    assert model.nations["TW"].hits == 1  # TSMC's home
    assert model.nations["CN"].hits == 1  # Huawei's home
    assert all(firm.hits == 1 for firm in model.firms.values())  # from `accented` only


NOT_FINITE = """\
attributes:
  world:
    big: 1.0e+200
rules:
  blow_up:
    doc: Overflow to infinity, then subtract.
    assumption: tests only
    phase: second
    effects:
      - set: world.level
        value: "world.big * world.big - world.big * world.big"
"""


def test_a_value_that_is_not_a_finite_number_stops_the_game(lab: Callable[..., Path]) -> None:
    """NaN or infinity is never stored in an attribute (bounds would not hold it)."""
    model = GeoModel(seed=1, rules=lab(NOT_FINITE))
    with pytest.raises(SimulationError, match="not a finite number"):
        model.step()


def test_a_ruleset_without_metrics_runs_headless(tmp_path: Path) -> None:
    """run_one works for a ruleset that declares no metrics."""
    rules = tmp_path / "mini.yaml"
    rules.write_text(
        "game: {title: Mini, phases: [decisions, events], budget: '1'}\n"
        "nations: {US: {name: United States}}\n",
        encoding="utf-8",
    )
    result = run_one(RunSpec(rules=str(rules), turns=2), seed=1)
    assert result.columns == ["turn", "year", "quarter"]
    assert len(result.rows) == 3


def test_merged_splits_over_one_are_scaled_down(lab: Callable[..., Path]) -> None:
    """Two scripted lines whose splits merge past 1 spend the budget once, not twice."""
    from game.ruleset import DecisionLine

    lines = [
        DecisionLine(turn=1, nation="US", invest={"fabs": 1.0}),
        DecisionLine(turn=1, nation="US", invest={"ai": 1.0}),
    ]
    model = GeoModel(seed=1, rules=lab(), decisions=lines)
    model.step()
    us = model.nations["US"]
    assert us.invest_fabs + us.invest_ai == pytest.approx(us.budget)
