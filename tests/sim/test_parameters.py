"""Parameters and scenarios: overrides, checks and the errors a user sees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from game import GeoModel
from game.errors import ParameterError

USES_K = """\
rules:
  add_k:
    doc: Adds the parameter k.
    assumption: tests only
    phase: first
    effects:
      - add: world.counter
        value: k
scenarios:
  big_k:
    doc: A scenario with a larger k.
    turns: 3
    parameters: {k: 7}
  plain:
    doc: The rules' own values.
"""


def test_parameter_default_comes_from_the_rules(lab: Callable[..., Path]) -> None:
    """Without overrides a parameter has its value from the rule file."""
    model = GeoModel(seed=1, rules=lab(USES_K), scenario="plain")
    model.step()
    assert model.parameters["k"] == 1.0
    assert model.world.counter == 1.0


def test_keyword_parameter_overrides_the_default(lab: Callable[..., Path]) -> None:
    """`GeoModel(k=3)` sets the parameter, and rules read the new value."""
    model = GeoModel(seed=1, rules=lab(USES_K), scenario="plain", k=3)
    model.step()
    assert model.parameters["k"] == 3.0
    assert model.world.counter == 3.0


def test_numeric_text_is_accepted_as_a_parameter(lab: Callable[..., Path]) -> None:
    """A parameter given as numeric text (as from a command line) is read as a number."""
    model = GeoModel(seed=1, rules=lab(USES_K), scenario="plain", k="2.5")
    assert model.parameters["k"] == 2.5


def test_default_ruleset_parameter_override() -> None:
    """`GeoModel(seed=…, us_cost_premium=0.3)` uses 0.3 in the default ruleset."""
    model = GeoModel(seed=1, us_cost_premium=0.3)
    assert model.parameters["us_cost_premium"] == 0.3
    assert model.summary()["parameters"]["us_cost_premium"] == 0.3


def test_unknown_parameter_suggests_the_closest_name() -> None:
    """A misspelt parameter raises ParameterError naming it, with "did you mean"."""
    with pytest.raises(ParameterError) as caught:
        GeoModel(seed=1, us_cost_premum=0.4)
    assert caught.value.name == "us_cost_premum"
    assert "did you mean 'us_cost_premium'" in str(caught.value)


@pytest.mark.parametrize("value", [0.9, 0.1, -1, float("inf"), float("nan"), "nan"])
def test_parameter_outside_its_range_is_refused(value: object) -> None:
    """A value outside the parameter's [min, max] (or not finite) raises ParameterError."""
    with pytest.raises(ParameterError) as caught:
        GeoModel(seed=1, us_cost_premium=value)
    assert caught.value.name == "us_cost_premium"


@pytest.mark.parametrize("value", ["abc", "", None, True, [0.4], {"v": 0.4}])
def test_non_numeric_parameter_is_refused(value: object) -> None:
    """A value that is not a number raises ParameterError (not TypeError or ValueError)."""
    with pytest.raises(ParameterError) as caught:
        GeoModel(seed=1, us_cost_premium=value)
    assert caught.value.name == "us_cost_premium"


def test_scenario_sets_its_parameters_and_length(lab: Callable[..., Path]) -> None:
    """A scenario's parameters and turns apply when it is chosen."""
    model = GeoModel(seed=1, rules=lab(USES_K), scenario="big_k").run()
    assert model.parameters["k"] == 7.0
    assert model.turn == 3
    assert model.world.counter == 21.0


def test_explicit_parameter_beats_the_scenario(lab: Callable[..., Path]) -> None:
    """A parameter given to the model overrides the scenario's value."""
    model = GeoModel(seed=1, rules=lab(USES_K), scenario="big_k", k=2)
    assert model.parameters["k"] == 2.0


def test_first_scenario_is_the_default(lab: Callable[..., Path]) -> None:
    """Without `scenario=` the ruleset's first scenario is used."""
    model = GeoModel(seed=1, rules=lab(USES_K))
    assert model.scenario_id == "big_k"
    assert model.parameters["k"] == 7.0


def test_default_ruleset_seminar_scenario() -> None:
    """The default ruleset's seminar scenario is shorter than the baseline."""
    seminar = GeoModel(seed=1, scenario="seminar")
    baseline = GeoModel(seed=1)
    assert seminar.scenario_id == "seminar"
    assert baseline.scenario_id == "baseline"
    assert seminar.turns < baseline.turns == 64


def test_unknown_scenario_is_refused_with_a_suggestion() -> None:
    """An unknown scenario id raises ParameterError with "did you mean" and the known ids."""
    with pytest.raises(ParameterError) as caught:
        GeoModel(seed=1, scenario="seminr")
    assert caught.value.name == "scenario"
    assert "did you mean 'seminar'" in str(caught.value)
    assert "baseline" in str(caught.value)
