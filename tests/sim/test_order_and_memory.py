"""Results do not depend on the order agents are declared in; rules over agents act at
once; finished games are freed."""

from __future__ import annotations

import gc
import shutil
import weakref
from collections.abc import Callable
from pathlib import Path

import mesa
import pytest
import yaml

from game.errors import RulesetError
from game.ruleset import load_ruleset
from game.sim import GeoModel

RULES = Path(__file__).resolve().parents[2] / "rules"


def reversed_actors(tmp_path: Path) -> Path:
    """The default rules with nations, firms and agencies declared in reverse order."""
    folder = tmp_path / "reversed"
    shutil.copytree(RULES, folder)
    actors = folder / "actors.yaml"
    data = yaml.safe_load(actors.read_text(encoding="utf-8"))
    for section in ("nations", "firms", "agencies"):
        data[section] = dict(reversed(list(data[section].items())))
    actors.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_declaring_agents_in_another_order_changes_nothing(tmp_path: Path, seed: int) -> None:
    """Every metric, score, event and news item is identical with firms declared reversed."""
    forward = GeoModel(seed=seed, rules=RULES).run().summary()
    backward = GeoModel(seed=seed, rules=reversed_actors(tmp_path)).run().summary()
    for key in ("final", "scores", "events", "news"):
        assert backward[key] == forward[key], key


SIMULTANEOUS = """\
rules:
  copy_neighbour:
    doc: Each firm takes the hits of the firm before it, then adds one.
    assumption: tests only
    phase: second
    for_each: firms
    effects:
      - set: self.hits
        value: "total('firms', 'hits') + 1"
      - add: self.hits
        value: 1
"""


def test_a_rule_over_agents_sees_the_state_before_it(lab: Callable[..., Path]) -> None:
    """Every firm computes from the state before the rule, and sees its own earlier effects."""
    model = GeoModel(seed=1, rules=lab(SIMULTANEOUS), turns=1).run()
    # all firms start at 0 hits: each sets 0 + 1, then adds 1 to its own new value
    assert [f.hits for f in model.firms.values()] == [2.0] * len(model.firms)


SETS_ANOTHER = """\
rules:
  set_home:
    doc: Each firm sets its home nation's hits.
    assumption: tests only
    phase: second
    for_each: firms
    effects:
      - set: self.home.hits
        value: 1
"""


def test_a_rule_over_agents_may_only_add_to_others(lab: Callable[..., Path]) -> None:
    """Setting another agent's attribute from a rule over agents is refused at load."""
    with pytest.raises(RulesetError) as caught:
        load_ruleset(lab(SETS_ANOTHER))
    (problem,) = caught.value.diagnostics
    assert problem.message.startswith(
        "a rule with for_each: firms may 'set' only attributes of self"
    )
    assert problem.line == 8


def test_finished_games_are_freed() -> None:
    """500 games played and dropped leave no model alive (Mesa's Agent._ids holds none)."""
    ruleset = load_ruleset(RULES)
    refs = []
    for seed in range(500):
        model = GeoModel(seed=seed, rules=ruleset, turns=2).run()
        refs.append(weakref.ref(model))
        del model
    gc.collect()
    assert sum(ref() is not None for ref in refs) == 0
    assert not any(isinstance(key, GeoModel) for key in mesa.Agent._ids)


OWN_ATTRIBUTES = """\
rules:
  two_of_mine:
    doc: Each nation sets two attributes of its own, the second from the first.
    assumption: tests only
    phase: second
    for_each: nations
    effects:
      - set: self.hits
        value: "total('nations', 'gdp')"
      - set: self.floor
        value: "self.hits + total('nations', 'hits')"
"""


def test_a_rule_changing_distinct_attributes_of_self_sees_its_own_changes_only(
    lab: Callable[..., Path],
) -> None:
    """Each nation's second effect sees its own first change, and no other nation's."""
    model = GeoModel(seed=1, rules=lab(OWN_ATTRIBUTES), turns=1).run()
    # gdp: 100 + 100 + 50; each nation's hits are its own 250 while the others' are still 0
    assert [n.hits for n in model.nations.values()] == [250.0] * 3
    assert [n.floor for n in model.nations.values()] == [500.0] * 3
