"""GeoModel: agents, turns, phases, rule scopes, events, news, traces and run-time errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import mesa
import pytest

from game import GeoModel
from game.errors import RulesetError, SimulationError
from game.ruleset import DecisionLine
from game.sim import Agency, Firm, Nation, NewsItem, TraceEntry

ORDER_RULES = """\
rules:
  r_third:
    doc: Third.
    assumption: tests only
    phase: third
    effects:
      - set: world.x
        value: "world.x * 10 + 3"
  r_first:
    doc: First.
    assumption: tests only
    phase: first
    effects:
      - set: world.x
        value: "world.x * 10 + 1"
  r_second:
    doc: Second.
    assumption: tests only
    phase: second
    effects:
      - set: world.x
        value: "world.x * 10 + 2"
"""

MARK_AND_BOOM = [
    DecisionLine(turn=1, nation="US", action="mark"),
    DecisionLine(turn=1, event="boom"),
]


def hits(model: GeoModel) -> dict[str, float]:
    """Every agent's `hits` attribute, by id."""
    agents = {**model.nations, **model.firms, **model.agencies}
    return {ident: agent.hits for ident, agent in agents.items()}


# Agents ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def default_model() -> GeoModel:
    """A model of the default ruleset, before its first turn."""
    return GeoModel(seed=1)


def test_default_ruleset_has_the_six_nations(default_model: GeoModel) -> None:
    """The default model has exactly the nations US, TW, CN, JP, KR and EU."""
    assert set(default_model.nations) == {"US", "TW", "CN", "JP", "KR", "EU"}


def test_agents_are_mesa_agents_of_this_model(default_model: GeoModel) -> None:
    """Nations, firms and agencies are Mesa agents registered with their model."""
    assert len(default_model.agents) == (
        len(default_model.nations) + len(default_model.firms) + len(default_model.agencies)
    )
    for agent in default_model.agents:
        assert isinstance(agent, mesa.Agent)
        assert agent.model is default_model


def test_agents_by_type_groups_nations_firms_and_agencies(default_model: GeoModel) -> None:
    """`agents_by_type` holds one set each for Nation, Firm and Agency."""
    by_type = default_model.agents_by_type
    assert {a.id for a in by_type[Nation]} == {"US", "TW", "CN", "JP", "KR", "EU"}
    assert {"TSMC", "Intel", "Huawei", "SMIC", "Foxconn"} <= {a.id for a in by_type[Firm]}
    assert {"ITRI", "MODA", "NSTC", "TSRI", "AITA", "CHIPS"} <= {a.id for a in by_type[Agency]}


def test_firms_and_agencies_have_their_home_nation(default_model: GeoModel) -> None:
    """A firm's and an agency's `home` is the Nation agent of its nation."""
    assert default_model.firms["TSMC"].home is default_model.nations["TW"]
    assert default_model.agencies["CHIPS"].home is default_model.nations["US"]


def test_declared_attributes_become_floats(lab: Callable[..., Path]) -> None:
    """Attributes from the rules are float instance attributes (entity values override defaults)."""
    model = GeoModel(seed=1, rules=lab())
    assert model.nations["US"].gdp == 100.0
    assert model.nations["CN"].gdp == 50.0
    assert isinstance(model.nations["CN"].gdp, float)
    assert model.world.level == 0.5


# Turns -----------------------------------------------------------------------------
def test_step_advances_the_turn_and_the_date(lab: Callable[..., Path]) -> None:
    """Each step is one quarter: turn 1 is the start date, and years roll over after Q4."""
    model = GeoModel(seed=1, rules=lab())
    assert model.turn == 0
    dates = []
    for _ in range(3):
        model.step()
        dates.append((model.turn, model.date))
    assert dates == [(1, "2030 Q3"), (2, "2030 Q4"), (3, "2031 Q1")]


def test_run_stops_after_the_given_number_of_turns(lab: Callable[..., Path]) -> None:
    """`run()` plays exactly `turns` turns and collects one row per turn plus the start."""
    model = GeoModel(seed=1, rules=lab(), turns=4).run()
    assert model.turn == 4
    assert model.running is False
    assert len(model.history["x"]) == 4
    assert len(model.datacollector.get_model_vars_dataframe()) == 5


def test_the_datacollector_keeps_every_metric_and_any_reporter_added(
    lab: Callable[..., Path],
) -> None:
    """Mesa's DataCollector holds each metric's value per turn; a reporter a researcher
    adds is collected as Mesa collects it, beside the metrics."""
    model = GeoModel(seed=1, rules=lab(), turns=3)
    model.datacollector.model_reporters["turn_twice"] = lambda m: [m.turn, m.turn]
    model.datacollector.model_vars["turn_twice"] = []
    model.run()
    collected = model.datacollector.model_vars
    assert collected["counter"][1:] == model.history["counter"]
    assert collected["x"][1:] == model.history["x"]
    assert collected["turn_twice"] == [[1, 1], [2, 2], [3, 3]]


def test_phases_run_in_the_declared_order(lab: Callable[..., Path]) -> None:
    """Rules, decisions and events run phase by phase in the order `game.phases` lists."""
    model = GeoModel(seed=1, rules=lab(ORDER_RULES), decisions=MARK_AND_BOOM)
    model.step()
    # first (1), decisions: mark (5), second (2), events: boom (7), third (3)
    assert model.world.x == 15273


def test_reordering_phases_reorders_the_turn(lab: Callable[..., Path]) -> None:
    """The same rules with the phases listed in another order run in that other order."""
    phases = "[third, second, decisions, events, first]"
    model = GeoModel(seed=1, rules=lab(ORDER_RULES, phases=phases), decisions=MARK_AND_BOOM)
    model.step()
    assert model.world.x == 32571


def test_at_start_rules_run_once_when_the_model_is_built(lab: Callable[..., Path]) -> None:
    """An `at_start` rule runs at construction and again each turn; other rules wait for step()."""
    extra = (
        ORDER_RULES
        + """\
  count_starts:
    doc: Counts.
    assumption: tests only
    phase: third
    at_start: true
    effects:
      - add: world.started
        value: 1
"""
    )
    model = GeoModel(seed=1, rules=lab(extra))
    assert (model.world.started, model.world.x) == (1, 0)
    model.step()
    assert (model.world.started, model.world.x) == (2, 123)


# Bounds ----------------------------------------------------------------------------
def test_bounded_world_attribute_is_clamped_to_its_max(lab: Callable[..., Path]) -> None:
    """Adding past an attribute's declared max leaves it at the max."""
    extra = """\
rules:
  push:
    doc: Push.
    assumption: tests only
    phase: first
    effects:
      - add: world.level
        value: 0.7
"""
    model = GeoModel(seed=1, rules=lab(extra))
    model.step()
    assert model.world.level == 1.0


def test_bounded_agent_attribute_is_clamped_to_its_min(lab: Callable[..., Path]) -> None:
    """Setting an agent attribute below its declared min leaves it at the min."""
    extra = """\
rules:
  sink:
    doc: Sink.
    assumption: tests only
    phase: first
    for_each: nations
    effects:
      - set: self.floor
        value: -5
"""
    model = GeoModel(seed=1, rules=lab(extra))
    model.step()
    assert [n.floor for n in model.nations.values()] == [0.0, 0.0, 0.0]


def test_an_agent_named_by_id_is_clamped_to_its_bounds(lab: Callable[..., Path]) -> None:
    """A world rule setting a bounded attribute of one nation, named by id, is clamped."""
    extra = """\
rules:
  sink_taiwan:
    doc: Sink Taiwan's floor.
    assumption: tests only
    phase: first
    effects:
      - set: nation('TW').floor
        value: -5
      - add: nation('US').floor
        value: 1e6
"""
    model = GeoModel(seed=1, rules=lab(extra))
    model.step()
    assert (model.nations["TW"].floor, model.nations["US"].floor) == (0.0, 1_000_001.0)


def test_unbounded_attribute_is_not_clamped(lab: Callable[..., Path]) -> None:
    """An attribute without bounds takes any value a rule gives it."""
    extra = """\
rules:
  sink:
    doc: Sink.
    assumption: tests only
    phase: first
    effects:
      - set: world.counter
        value: -5
"""
    model = GeoModel(seed=1, rules=lab(extra))
    model.step()
    assert model.world.counter == -5.0


# Scopes, conditions, chance ---------------------------------------------------------
FILTER_CASES = {
    "firms of a nation": (
        "for_each: firms\n    nation: TW",
        {"TSMC"},
    ),
    "firms with a tag": (
        "for_each: firms\n    tag: foundry",
        {"TSMC", "Intel"},
    ),
    "nations with a tag": (
        "for_each: nations\n    tag: island",
        {"TW"},
    ),
    "a nation by id": (
        "for_each: nations\n    nation: CN",
        {"CN"},
    ),
    "agencies of a nation": (
        "for_each: agencies\n    nation: US",
        {"CHIPS"},
    ),
    "firms of a nation with a tag": (
        "for_each: firms\n    nation: US\n    tag: foundry",
        {"Intel"},
    ),
    "every nation": (
        "for_each: nations",
        {"US", "TW", "CN"},
    ),
}


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_for_each_filters_select_the_right_agents(lab: Callable[..., Path], case: str) -> None:
    """A rule's `for_each` with `nation:`/`tag:` filters applies to exactly the matching agents."""
    scope, expected = FILTER_CASES[case]
    extra = f"""\
rules:
  hit:
    doc: Hit.
    assumption: tests only
    phase: first
    {scope}
    effects:
      - add: self.hits
        value: 1
"""
    model = GeoModel(seed=1, rules=lab(extra))
    model.step()
    assert {ident for ident, value in hits(model).items() if value} == expected


def test_when_condition_selects_agents(lab: Callable[..., Path]) -> None:
    """A rule applies only to agents for which its `when` holds."""
    extra = """\
rules:
  rich:
    doc: Rich nations.
    assumption: tests only
    phase: first
    for_each: nations
    when: "self.gdp > 60"
    effects:
      - add: self.hits
        value: 1
"""
    model = GeoModel(seed=1, rules=lab(extra))
    model.step()
    assert {n.id: n.hits for n in model.nations.values()} == {"US": 1, "TW": 1, "CN": 0}


def test_when_condition_can_depend_on_the_turn(lab: Callable[..., Path]) -> None:
    """A world rule with `when: turn >= 3` first applies on turn 3."""
    extra = """\
rules:
  late:
    doc: Late.
    assumption: tests only
    phase: first
    when: "turn >= 3"
    effects:
      - add: world.counter
        value: 1
"""
    model = GeoModel(seed=1, rules=lab(extra))
    counts = []
    for _ in range(4):
        model.step()
        counts.append(model.world.counter)
    assert counts == [0, 0, 1, 2]


@pytest.mark.parametrize(
    ("chance", "expected"),
    [("0", {"US": 0, "TW": 0, "CN": 0}), ("1", {"US": 5, "TW": 5, "CN": 5}),
     ("\"1 if self.id == 'TW' else 0\"", {"US": 0, "TW": 5, "CN": 0})],
)  # fmt: skip
def test_chance_of_zero_or_one_is_never_or_always(
    lab: Callable[..., Path], chance: str, expected: dict[str, int]
) -> None:
    """A rule's per-agent `chance` of 0 never applies, of 1 always does, and may depend on the agent."""
    extra = f"""\
rules:
  lucky:
    doc: Lucky.
    assumption: tests only
    phase: first
    for_each: nations
    chance: {chance}
    effects:
      - add: self.hits
        value: 1
"""
    model = GeoModel(seed=1, rules=lab(extra), turns=5).run()
    assert {n.id: n.hits for n in model.nations.values()} == expected


def test_chance_of_one_half_applies_sometimes(lab: Callable[..., Path]) -> None:
    """A rule with chance 0.5 over 3 nations and 40 turns applies on some draws but not all."""
    extra = """\
rules:
  coin:
    doc: Coin.
    assumption: tests only
    phase: first
    for_each: nations
    chance: 0.5
    effects:
      - add: self.hits
        value: 1
"""
    model = GeoModel(seed=3, rules=lab(extra), turns=40).run()
    total = sum(n.hits for n in model.nations.values())
    assert 20 < total < 100


# Events ----------------------------------------------------------------------------
CHANCE_EVENTS = """\
events:
  always:
    doc: Always.
    assumption: tests only
    chance: 1
    effects:
      - add: world.counter
        value: 1
      - news: "It happened again."
  never:
    doc: Never.
    assumption: tests only
    chance: 0
    effects:
      - add: world.counter
        value: 100
"""


def test_events_fire_by_chance(lab: Callable[..., Path]) -> None:
    """An event of chance 1 fires every turn; one of chance 0 never does."""
    model = GeoModel(seed=1, rules=lab(CHANCE_EVENTS), turns=3).run()
    assert model.event_log == [(1, "always"), (2, "always"), (3, "always")]
    assert model.world.counter == 3


def test_fired_events_appear_in_the_summary(lab: Callable[..., Path]) -> None:
    """`summary()['events']` lists the turn and id of each event that fired."""
    model = GeoModel(seed=1, rules=lab(CHANCE_EVENTS), turns=2).run()
    assert model.summary()["events"] == [{"turn": 1, "id": "always"}, {"turn": 2, "id": "always"}]


def test_event_fires_from_a_fire_effect(lab: Callable[..., Path]) -> None:
    """A rule's `fire:` effect fires the event in that turn and applies its effects."""
    extra = """\
rules:
  trigger:
    doc: Trigger.
    assumption: tests only
    phase: first
    when: "turn == 2"
    effects:
      - fire: boom
"""
    model = GeoModel(seed=1, rules=lab(extra), turns=3).run()
    assert model.event_log == [(2, "boom")]
    assert model.world.x == 7


def test_event_injected_by_a_decision_line(lab: Callable[..., Path]) -> None:
    """An `event:` decision line fires the event in its turn, whatever its chance."""
    decisions = [DecisionLine(turn=2, event="boom")]
    model = GeoModel(seed=1, rules=lab(), decisions=decisions, turns=3).run()
    assert model.event_log == [(2, "boom")]


def test_event_injected_from_a_decisions_file(lab: Callable[..., Path], tmp_path: Path) -> None:
    """An `event:` line in a decisions file fires the event in its turn."""
    path = tmp_path / "decisions.yaml"
    path.write_text("- {turn: 3, event: boom}\n", encoding="utf-8")
    model = GeoModel(seed=1, rules=lab(), decisions=path, turns=3).run()
    assert model.event_log == [(3, "boom")]


def test_events_firing_each_other_endlessly_are_refused_at_load(lab: Callable[..., Path]) -> None:
    """An event that fires itself is refused when the rules load, not part-way through a game."""
    extra = """\
events:
  echo:
    doc: Echo.
    assumption: tests only
    effects:
      - add: world.counter
        value: 1
      - fire: echo
"""
    with pytest.raises(RulesetError, match=r"events fire each other in a loop \(echo → echo\)"):
        GeoModel(seed=1, rules=lab(extra))


# News ------------------------------------------------------------------------------
def test_news_of_an_event_names_the_event(lab: Callable[..., Path]) -> None:
    """An event's news item is dated and carries the event id among its causes."""
    model = GeoModel(seed=1, rules=lab(), decisions=[DecisionLine(turn=2, event="boom")])
    model.step()
    model.step()
    (item,) = model.news
    assert (item.turn, item.text) == (2, "Boom; x is now 7.")
    assert "boom" in item.causes


def test_news_of_a_rule_names_the_rule(lab: Callable[..., Path]) -> None:
    """A rule's news effect posts an item whose cause is the rule id."""
    extra = """\
rules:
  herald:
    doc: Herald.
    assumption: tests only
    phase: first
    for_each: nations
    tag: island
    effects:
      - news: "{self.name} in the news in {year:.0f}."
"""
    model = GeoModel(seed=1, rules=lab(extra))
    model.step()
    assert model.news == [NewsItem(1, "Taiwan in the news in 2030.", ("herald",))]


def test_news_of_an_action_names_the_action(lab: Callable[..., Path]) -> None:
    """An action's news item carries the action id as its cause."""
    model = GeoModel(
        seed=1, rules=lab(), decisions=[DecisionLine(turn=1, nation="TW", action="mark")]
    )
    model.step()
    assert model.news == [NewsItem(1, "Taiwan leaves a mark.", ("mark",))]


def test_news_of_an_event_fired_by_a_rule_names_the_rule(lab: Callable[..., Path]) -> None:
    """When a rule fires an event, the event's news item names that rule among its causes."""
    extra = """\
rules:
  trigger:
    doc: Trigger.
    assumption: tests only
    phase: first
    effects:
      - fire: boom
"""
    model = GeoModel(seed=1, rules=lab(extra))
    model.step()
    (item,) = model.news
    assert "boom" in item.causes
    assert "trigger" in item.causes


# Traces ----------------------------------------------------------------------------
TRACED = """\
rules:
  add_two:
    doc: Adds two.
    assumption: tests only
    phase: first
    effects:
      - add: world.x
        value: 2
  island_hit:
    doc: Hits the island.
    assumption: tests only
    phase: second
    for_each: nations
    tag: island
    effects:
      - add: self.hits
        value: 1
  push:
    doc: Push.
    assumption: tests only
    phase: third
    effects:
      - add: world.level
        value: 0.7
"""


def test_traces_record_each_change_when_tracing(lab: Callable[..., Path]) -> None:
    """With trace=True every change is a TraceEntry (turn, cause, target, attr, before, after)."""
    model = GeoModel(seed=1, rules=lab(TRACED), trace=True)
    model.step()
    assert model.traces == [
        TraceEntry(1, "add_two", "world", "x", 0.0, 2.0),
        TraceEntry(1, "island_hit", "TW", "hits", 0.0, 1.0),
        TraceEntry(1, "push", "world", "level", 0.5, 1.0),
    ]


def test_traces_are_not_recorded_by_default(lab: Callable[..., Path]) -> None:
    """Without trace=True the model records no traces."""
    model = GeoModel(seed=1, rules=lab(TRACED))
    model.step()
    assert model.world.x == 2
    assert model.traces == []


# Errors while running --------------------------------------------------------------
DIVIDE_IN_PHASE = """\
rules:
  divide:
    doc: Divides by a world attribute that is zero.
    assumption: tests only
    phase: second
    when: "turn >= 2"
    effects:
      - set: world.x
        value: "1 / world.zero"
"""


def test_division_by_zero_in_a_rule_is_a_simulation_error(lab: Callable[..., Path]) -> None:
    """A rule dividing by zero raises SimulationError (not ZeroDivisionError) with file:line:col and turn."""
    model = GeoModel(seed=1, rules=lab(DIVIDE_IN_PHASE))
    model.step()
    with pytest.raises(SimulationError) as caught:
        model.step()
    assert not isinstance(caught.value, ZeroDivisionError)
    message = str(caught.value)
    assert re.search(r"extra\.yaml:\d+:\d+: ", message), message
    assert "divide" in message
    assert "turn 2" in message
    assert caught.value.turn == 2


def test_overflow_in_a_rule_is_a_readable_simulation_error(lab: Callable[..., Path]) -> None:
    """A rule whose number overflows says so in words, not as a raw error tuple."""
    extra = DIVIDE_IN_PHASE.replace('"1 / world.zero"', '"(world.zero + 10) ** 1000"')
    model = GeoModel(seed=1, rules=lab(extra))
    model.step()
    with pytest.raises(SimulationError) as caught:
        model.step()
    assert "overflow" in str(caught.value)
    assert "(34," not in str(caught.value)


def test_simulation_error_carries_the_failing_rule_id(lab: Callable[..., Path]) -> None:
    """The SimulationError of a rule that divides by zero has `rule` set to that rule's id."""
    model = GeoModel(seed=1, rules=lab(DIVIDE_IN_PHASE))
    model.step()
    with pytest.raises(SimulationError) as caught:
        model.step()
    assert caught.value.rule == "divide"


def test_division_by_zero_in_an_at_start_rule_is_a_simulation_error(
    lab: Callable[..., Path],
) -> None:
    """An `at_start` rule dividing by zero raises SimulationError when the model is built."""
    extra = DIVIDE_IN_PHASE.replace('when: "turn >= 2"', "at_start: true")
    with pytest.raises(SimulationError, match=r"extra\.yaml:\d+:\d+"):
        GeoModel(seed=1, rules=lab(extra))


def test_division_by_zero_in_a_metric_is_a_simulation_error(lab: Callable[..., Path]) -> None:
    """A metric dividing by zero raises SimulationError naming the metric's file, not ZeroDivisionError."""
    extra = """\
metrics:
  ratio: {doc: A ratio., expr: "world.x / world.zero"}
"""
    with pytest.raises(SimulationError, match=r"extra\.yaml:\d+:\d+"):
        GeoModel(seed=1, rules=lab(extra))


def test_division_by_zero_in_a_bot_policy_is_a_simulation_error(
    lab: Callable[..., Path],
) -> None:
    """A bot policy whose condition divides by zero raises SimulationError, not ZeroDivisionError."""
    extra = """\
bots:
  US:
    doc: Divides.
    invest: {fabs: 0.5}
    policies:
      - when: "1 / world.zero > 0"
        invest: {fabs: 1.0}
"""
    model = GeoModel(seed=1, rules=lab(extra))
    with pytest.raises(SimulationError, match=r"extra\.yaml:\d+:\d+"):
        model.step()
