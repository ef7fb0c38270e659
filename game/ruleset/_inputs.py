"""Files that refer to a loaded ruleset: decisions files and stand-alone scenario files.

They are checked like rule files — every problem with its file, line and column — and
against the ruleset's names (nations, actions, events, parameters, attributes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from game.errors import Diagnostic, RulesetError
from game.ruleset._checks import _Checker
from game.ruleset._compiled import Ruleset
from game.ruleset._load import _display
from game.ruleset._yaml import read_yaml

__all__ = ["load_decisions", "load_scenario_file"]


def load_decisions(path: str | Path, ruleset: Ruleset) -> list[Any]:
    """Read a decisions file (a YAML list of decision lines) and check it against `ruleset`.

    Returns:
        The decision lines, as `DecisionLine` specs.

    Raises:
        RulesetError: with the position of every problem.
    """
    from game.ruleset._schema import DecisionLine

    path = Path(path)
    loader = _checker_for(path, ruleset)
    shown = _display(path)
    if not path.is_file():
        raise RulesetError([Diagnostic(shown, 1, 1, "no such decisions file")])
    doc = read_yaml(path, shown, loader.diags)
    if doc is None:
        raise RulesetError(loader.diags)
    if doc.data in ({}, None):
        return []
    if not isinstance(doc.data, list):
        loader.error(
            doc,
            (),
            "a decisions file is a list of lines such as '- {turn: 1, nation: US, action: ...}'",
        )
        raise RulesetError(loader.diags)
    loader.origin[("decisions",)] = (doc, ())
    lines = []
    splits: dict[tuple[int, str], dict[str, float]] = {}
    for i, item in enumerate(doc.data):
        try:
            line = DecisionLine.model_validate(item)
        except ValidationError as exc:
            problems = [{**p, "loc": (i, *p["loc"])} for p in exc.errors(include_url=False)]
            loader._schema_errors(doc, problems, list[DecisionLine])
            continue
        loader.check_decision(("decisions",), (i,), line, ruleset.investment_lines, ruleset.actions)
        if line.invest and line.nation:
            # Lines for one nation and turn merge (a later share of a line replaces it).
            key = (line.turn, line.nation)
            merged = splits[key] = {**splits.get(key, {}), **line.invest}
            if sum(merged.values()) > 1.0 + 1e-9 and merged != line.invest:
                loader.error(
                    doc,
                    (i, "invest"),
                    f"{line.nation}'s investment shares for turn {line.turn} add up to "
                    f"{sum(merged.values()):.2f} over several lines; they may add up to at most 1",
                )
        lines.append(line)
    if loader.diags:
        raise RulesetError(loader.diags)
    return lines


def _checker_for(path: Path, ruleset: Ruleset) -> _Checker:
    """A loader primed with a loaded ruleset's names, to check files that refer to it."""
    loader = _Checker()
    ns = loader.ns
    ns.ids = {
        "nation": set(ruleset.nations),
        "firm": set(ruleset.firms),
        "agency": set(ruleset.agencies),
    }
    ns.events = set(ruleset.events)
    ns.actions = set(ruleset.actions)
    ns.parameters = set(ruleset.parameters)
    ns.attributes = {kind: set(table) for kind, table in ruleset.attributes.items()}
    loader.attribute_specs = dict(ruleset.attributes)
    return loader


def load_scenario_file(path: str | Path, ruleset: Ruleset) -> Any:
    """Read a scenario from its own YAML file (the keys of one `scenarios:` entry).

    Returns:
        The `ScenarioSpec`.

    Raises:
        RulesetError: with the position of every problem.
    """
    from game.ruleset._schema import ScenarioSpec

    path = Path(path)
    shown = _display(path)
    if not path.is_file():
        raise RulesetError([Diagnostic(shown, 1, 1, "no such scenario file")])
    loader = _checker_for(path, ruleset)
    doc = read_yaml(path, shown, loader.diags)
    if doc is None:
        raise RulesetError(loader.diags)
    if isinstance(doc.data, dict) and "scenarios" in doc.data:
        loader.error(
            doc,
            ("scenarios",),
            "a scenario file holds one scenario's keys (doc:, turns:, parameters:, …); "
            "for a scenario of a ruleset, pass its id: --scenario NAME",
            key=True,
        )
        raise RulesetError(loader.diags)
    if not isinstance(doc.data, dict):
        loader.error(doc, (), "a scenario file is a mapping (doc:, turns:, parameters:, …)")
        raise RulesetError(loader.diags)
    try:
        spec = ScenarioSpec.model_validate(doc.data)
    except ValidationError as exc:
        loader._schema_errors(doc, exc.errors(include_url=False), ScenarioSpec)
        raise RulesetError(loader.diags) from None
    loader.origin[("scenario",)] = (doc, ())
    merged = {"parameters": ruleset.parameters}
    loader._scenario(("scenario",), spec, merged, ruleset.investment_lines, ruleset.actions)
    if loader.diags:
        raise RulesetError(loader.diags)
    return spec
