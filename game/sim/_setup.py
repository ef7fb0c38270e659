"""Setting a game up: its scenario, parameter values, seats and agents, checked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from game.errors import ParameterError
from game.ruleset import Ruleset, ScenarioSpec, did_you_mean
from game.sim._agents import Agency, Firm, Nation, World

if TYPE_CHECKING:
    from game.sim._model import GeoModel

__all__ = [
    "SEAT_KINDS",
    "build_agents",
    "resolve_parameters",
    "resolve_scenario",
    "resolve_seats",
]

SEAT_KINDS = ("human", "bot")


def resolve_scenario(
    ruleset: Ruleset, scenario: str | ScenarioSpec | None
) -> tuple[ScenarioSpec, str, bool]:
    """The scenario to play: (spec, its id or title, whether it came from a file).

    Raises:
        ParameterError: for a scenario id the ruleset does not have.
    """
    if isinstance(scenario, ScenarioSpec):
        return scenario, scenario.title or "custom", True
    ident = scenario or ruleset.default_scenario
    if ident not in ruleset.scenarios:
        hint = did_you_mean(ident, ruleset.scenarios)
        known = ", ".join(ruleset.scenarios)
        raise ParameterError("scenario", f"unknown scenario {ident!r}{hint}; known: {known}")
    return ruleset.scenarios[ident], ident, False


def resolve_seats(ruleset: Ruleset, seats: dict[str, str] | None) -> dict[str, str]:
    """Every nation's seat ("human" or "bot"; bots by default).

    Raises:
        ParameterError: for an unknown nation or seat kind.
    """
    out = dict.fromkeys(ruleset.nations, "bot")
    for nation, seat in (seats or {}).items():
        if nation not in ruleset.nations:
            hint = did_you_mean(nation, ruleset.nations)
            known = ", ".join(ruleset.nations)
            raise ParameterError("seats", f"unknown nation {nation!r}{hint}; known: {known}")
        if seat not in SEAT_KINDS:
            raise ParameterError(
                "seats", f"seat of {nation} must be 'human' or 'bot', not {seat!r}"
            )
        out[nation] = seat
    return out


def resolve_parameters(
    ruleset: Ruleset, scenario: dict[str, float], given: dict[str, Any]
) -> dict[str, float]:
    """Every parameter's value: the default, then the scenario's, then the `given` ones.

    Raises:
        ParameterError: for an unknown parameter, or a value that is not a number in range.
    """
    specs = ruleset.parameters
    values = {name: p.value for name, p in specs.items()} | dict(scenario)
    for name, raw in given.items():
        if name not in specs:
            hint = did_you_mean(name, specs)
            raise ParameterError(name, f"unknown parameter {name!r}{hint}")
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ParameterError(name, f"parameter {name} needs a number, got {raw!r}")
        try:
            value = float(raw)
        except ValueError:
            raise ParameterError(name, f"parameter {name} needs a number, got {raw!r}") from None
        why = specs[name].refuses(value)
        if why:
            raise ParameterError(name, f"parameter {name} = {value:g} {why}")
        values[name] = value
    return values


def build_agents(
    model: GeoModel, spec: ScenarioSpec
) -> tuple[World, dict[str, Nation], dict[str, Firm], dict[str, Agency]]:
    """Create the world and the agents with their start values (defaults, own, scenario)."""
    rs = model.ruleset
    defaults = {
        kind: {n: a.value for n, a in table.items()} for kind, table in rs.attributes.items()
    }
    lines = {f"invest_{line}": 0.0 for line in rs.investment_lines}
    world = World(defaults["world"] | spec.world)
    nations: dict[str, Nation] = {}
    for ident, n in rs.nations.items():
        values = (
            defaults["nation"] | {"budget": 0.0, **lines} | n.attrs | spec.nations.get(ident, {})
        )
        nations[ident] = Nation(model, ident, n.name, n.tags, values)
    firms: dict[str, Firm] = {}
    for ident, f in rs.firms.items():
        values = defaults["firm"] | f.attrs | spec.firms.get(ident, {})
        firms[ident] = Firm(model, ident, f.name, f.tags, values, nations[f.nation])
    agencies: dict[str, Agency] = {}
    for ident, a in rs.agencies.items():
        values = defaults["agency"] | a.attrs
        agencies[ident] = Agency(model, ident, a.name, a.tags, values, nations[a.nation])
    return world, nations, firms, agencies
