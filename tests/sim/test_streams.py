"""Common random numbers: every chance draw is keyed by the seed, the turn and what draws.

The games here use copies of the real rules, edited as YAML files so that what fires by
chance does not depend on the state: events with constant chances, China's drills on
`chance(0.15)` alone. Then two games that differ in one choice (an injected event, an
event more or less, one more draw by another bot) must agree on everything else that
chance decides, exactly, over many seeds.
"""

from __future__ import annotations

import pickle
import shutil
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from game import GeoModel
from game.research import Strategy
from game.research._run import RunSpec, build_model
from game.ruleset import DEFAULT_RULES, DecisionLine, Ruleset, load_ruleset

SEEDS = range(40)
TURNS = 20
# Constant chances, high enough that each event fires in most games.
CHANCES = {"cable_cut": 0.3, "quantum_breakthrough": 0.2, "strait_crisis": 0.1}
EVENT_FILES = {
    "cable_cut": "resilience.yaml",
    "quantum_breakthrough": "quantum_ai.yaml",
    "strait_crisis": "silicon_shield.yaml",
}
NEW_EVENT = """\
events:
  test_squall:
    doc: A squall in the strait that raises tension (tests only).
    assumption: tests only
    chance: 0.25
    effects:
      - add: world.strait_tension
        value: 0.05
      - news: "A squall raises tension."
"""


def edit_yaml(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Load a rule file, apply `change` to its data and write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def copy_rules(folder: Path) -> Path:
    """A copy of the real rules in which nothing chance decides depends on the state:
    constant event chances, and China drilling on `chance(0.15)` alone."""
    shutil.copytree(DEFAULT_RULES, folder)
    for event, name in EVENT_FILES.items():

        def constant(data: dict[str, Any], event: str = event) -> None:
            data["events"][event]["chance"] = CHANCES[event]

        edit_yaml(folder / name, constant)

    def drills_by_chance(data: dict[str, Any]) -> None:
        (policy,) = [p for p in data["bots"]["CN"]["policies"] if p.get("action") == "military_drills"]  # fmt: skip
        assert "chance(0.15)" in policy["when"]
        policy["when"] = "chance(0.15)"
        data["bots"]["CN"]["policies"] = [policy]

    edit_yaml(folder / "bots.yaml", drills_by_chance)
    return folder


@pytest.fixture(scope="module")
def constant_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real rules with constant event chances (see `copy_rules`)."""
    return copy_rules(tmp_path_factory.mktemp("streams") / "rules")


@pytest.fixture(scope="module")
def constant_ruleset(constant_rules: Path) -> Ruleset:
    return load_ruleset(constant_rules)


@pytest.fixture(scope="module")
def baseline(constant_ruleset: Ruleset) -> dict[int, GeoModel]:
    """The baseline game of each seed under the constant-chance rules."""
    return {seed: GeoModel(seed=seed, rules=constant_ruleset, turns=TURNS).run() for seed in SEEDS}


def by_chance(model: GeoModel) -> set[tuple[int, str]]:
    """(turn, event) of every event fired by its chance roll."""
    return {(turn, event) for turn, event, cause in model.fired_events if cause == "chance"}


def bot_moves(model: GeoModel, nation: str) -> list[tuple[int, tuple[Any, ...]]]:
    """(turn, actions) of every decision `nation`'s bot made."""
    return [(d.turn, d.actions) for d in model.decision_log if d.nation == nation and d.by == "bot"]


def outcome(model: GeoModel) -> dict[str, Any]:
    """Everything a game produced."""
    return {
        "summary": model.summary(),
        "fired": list(model.fired_events),
        "decisions": list(model.decision_log),
        "data": model.datacollector.get_model_vars_dataframe().to_dict("list"),
    }


# The draw itself -------------------------------------------------------------------
def test_a_draw_is_a_pure_function_of_seed_turn_and_key(constant_ruleset: Ruleset) -> None:
    """The same (seed, turn, key) always draws the same number in [0, 1), whatever was
    drawn before; another seed, turn or key draws another; the scheme is pinned."""
    model = GeoModel(seed=1, rules=constant_ruleset, turns=4)
    first = model.draw("event:cable_cut", 3)
    model.run()
    assert model.draw("event:cable_cut", 3) == first
    assert GeoModel(seed=1, rules=constant_ruleset, turns=4).draw("event:cable_cut", 3) == first
    # BLAKE2b of "1:3:event:cable_cut": stable across processes and PYTHONHASHSEED.
    assert first == 0.6440340670286988
    others = {
        GeoModel(seed=2, rules=constant_ruleset, turns=4).draw("event:cable_cut", 3),
        model.draw("event:cable_cut", 4),
        model.draw("event:strait_crisis", 3),
    }
    assert first not in others
    assert len(others) == 3
    draws = [model.draw(f"k{i}", 1) for i in range(20_000)]
    assert all(0.0 <= x < 1.0 for x in draws)
    assert abs(sum(draws) / len(draws) - 0.5) < 0.01
    assert abs(sum(x < 0.1 for x in draws) / len(draws) - 0.1) < 0.01


def test_a_draw_costs_a_few_microseconds(constant_ruleset: Ruleset) -> None:
    """A keyed draw is cheap enough for every roll of every turn (about 1 µs measured)."""
    model = GeoModel(seed=1, rules=constant_ruleset, turns=4)
    best = min(timeit.repeat(lambda: model.draw("event:cable_cut"), number=2000, repeat=5))
    assert best / 2000 < 50e-6


# Events ----------------------------------------------------------------------------
def test_an_injected_event_changes_no_other_draw(
    constant_ruleset: Ruleset, baseline: dict[int, GeoModel]
) -> None:
    """Injecting an event at turn T leaves every other event's roll, and China's bot's
    draws, as they were: the games differ in what fires by chance only by the injection."""
    events = list(CHANCES)
    differ = 0
    for seed in SEEDS:
        turn, event = 2 + seed % 10, events[seed % len(events)]
        model = GeoModel(
            seed=seed,
            rules=constant_ruleset,
            turns=TURNS,
            decisions=[DecisionLine(turn=turn, event=event)],
        ).run()
        assert (turn, event, "injected") in model.fired_events
        assert by_chance(model) == by_chance(baseline[seed]) - {(turn, event)}, seed
        assert bot_moves(model, "CN") == bot_moves(baseline[seed], "CN"), seed
        differ += outcome(model)["data"] != outcome(baseline[seed])["data"]
    assert differ > len(SEEDS) // 2  # the injections did change the games


def test_removing_an_event_leaves_the_others_firing_as_before(
    tmp_path: Path, baseline: dict[int, GeoModel]
) -> None:
    """Without the quantum breakthrough, cable cuts and crises fire in the same turns."""
    rules = copy_rules(tmp_path / "rules")
    edit_yaml(rules / "quantum_ai.yaml", lambda data: data["events"].pop("quantum_breakthrough"))
    ruleset = load_ruleset(rules)
    assert "quantum_breakthrough" not in ruleset.events
    removed = 0
    for seed in SEEDS:
        model = GeoModel(seed=seed, rules=ruleset, turns=TURNS).run()
        before = by_chance(baseline[seed])
        kept = {(t, e) for t, e in before if e != "quantum_breakthrough"}
        assert by_chance(model) == kept, seed
        removed += len(before) - len(kept)
    assert removed > 0


def test_adding_an_event_leaves_the_others_firing_as_before(
    tmp_path: Path, baseline: dict[int, GeoModel]
) -> None:
    """A new event (one that raises tension) fires in turns of its own and changes the
    game, but not when the other events fire."""
    rules = copy_rules(tmp_path / "rules")
    (rules / "squall.yaml").write_text(NEW_EVENT, encoding="utf-8")
    ruleset = load_ruleset(rules)
    squalls = 0
    for seed in SEEDS:
        model = GeoModel(seed=seed, rules=ruleset, turns=TURNS).run()
        fired = by_chance(model)
        assert {(t, e) for t, e in fired if e != "test_squall"} == by_chance(baseline[seed]), seed
        assert bot_moves(model, "CN") == bot_moves(baseline[seed], "CN"), seed
        squalls += sum(1 for _, e in fired if e == "test_squall")
    assert squalls > 0


# Bots ------------------------------------------------------------------------------
def test_a_bot_drawing_more_shifts_no_other_bots_draws(
    tmp_path: Path, baseline: dict[int, GeoModel]
) -> None:
    """The US and Taiwan bots (asked before China's) drawing chance() too changes their
    own moves and the game, but neither China's drills nor any event's roll."""
    rules = copy_rules(tmp_path / "rules")

    def gamble(data: dict[str, Any]) -> None:
        data["bots"]["US"]["policies"].insert(
            0, {"when": "chance(0.5) or chance(0.5)", "invest": {"ai": 0.9}}
        )
        data["bots"]["TW"]["policies"].append(
            {"when": "chance(0.3)", "invest": {"defense": 0.6}},
        )

    edit_yaml(rules / "bots.yaml", gamble)
    ruleset = load_ruleset(rules)
    differ = 0
    for seed in SEEDS:
        model = GeoModel(seed=seed, rules=ruleset, turns=TURNS).run()
        assert bot_moves(model, "CN") == bot_moves(baseline[seed], "CN"), seed
        assert by_chance(model) == by_chance(baseline[seed]), seed
        differ += outcome(model)["data"] != outcome(baseline[seed])["data"]
    assert differ == len(SEEDS)
    drills = sum(len(moves) for seed in SEEDS for _, moves in bot_moves(baseline[seed], "CN"))
    assert 0 < drills < len(SEEDS) * TURNS  # chance(0.15) drew both ways


def test_the_doctrine_asked_between_turns_plays_the_bots_game(tmp_path: Path) -> None:
    """With several bots drawing chance(), submitting what each bot would decide (asked
    between turns, as the balance tool asks) still plays exactly the bots' game."""
    rules = copy_rules(tmp_path / "rules")
    edit_yaml(
        rules / "bots.yaml",
        lambda data: data["bots"]["US"]["policies"].insert(
            0, {"when": "chance(0.5)", "invest": {"ai": 0.9}}
        ),
    )
    spec = RunSpec(rules=str(rules), turns=12)
    for seed in (1, 2):
        doctrine = outcome(build_model(spec, seed).run())
        for nation in ("US", "CN"):
            model = build_model(spec, seed)
            unchanged = Strategy(nation, "unchanged", "moves")
            while not model.over:
                decision = unchanged.decision(model)
                assert decision is not None
                model.submit(decision)
                model.step()
            played = outcome(model)
            assert played["summary"] == doctrine["summary"], (seed, nation)
            assert played["data"] == doctrine["data"], (seed, nation)


# Rules with chance: ----------------------------------------------------------------
LAB_CHANCES = """\
rules:
  DRAWS_BEFORE
  lucky:
    phase: second
    for_each: nations
    chance: 0.5
    doc: Each nation has a hit by chance.
    assumption: tests only
    effects:
      - add: self.hits
        value: 1
"""
EARLIER_RULE = """\
early:
    phase: first
    for_each: nations
    chance: 0.5
    doc: An earlier roll per nation.
    assumption: tests only
    effects:
      - add: self.gdp
        value: 1"""


def test_a_rules_chance_is_its_own_per_agent(lab: Callable[..., Path]) -> None:
    """A rule's roll for an agent is `draw('rule:ID:AGENT')`, the same whether another
    rule rolls before it or an event is injected."""
    alone = load_ruleset(lab(LAB_CHANCES.replace("  DRAWS_BEFORE\n", "")))
    more = load_ruleset(lab(LAB_CHANCES.replace("DRAWS_BEFORE", EARLIER_RULE)))
    for seed in range(10):
        games = [
            GeoModel(seed=seed, rules=alone, trace=True).run(),
            GeoModel(
                seed=seed,
                rules=more,
                trace=True,
                decisions=[DecisionLine(turn=3, event="boom")],
            ).run(),
        ]
        hits = [{(t.turn, t.target) for t in game.traces if t.cause == "lucky"} for game in games]
        expected = {
            (turn, nation)
            for turn in range(1, 11)
            for nation in ("CN", "TW", "US")
            if games[0].draw(f"rule:lucky:{nation}", turn) < 0.5
        }
        assert hits[0] == hits[1] == expected, seed


# Determinism -----------------------------------------------------------------------
def test_same_seed_same_game_and_other_seeds_other_draws(
    constant_ruleset: Ruleset, baseline: dict[int, GeoModel]
) -> None:
    """A seed replays exactly (also from its record, and after a pickle mid-game);
    other seeds draw otherwise."""
    decisions = [DecisionLine(turn=4, event="cable_cut")]
    for seed in (3, 4):
        first = GeoModel(seed=seed, rules=constant_ruleset, turns=TURNS, decisions=decisions)
        first.run()
        second = GeoModel(seed=seed, rules=constant_ruleset, turns=TURNS, decisions=decisions)
        second.run(until=7)
        second = pickle.loads(pickle.dumps(second))
        second.run()
        assert outcome(second) == outcome(first)
        replayed = GeoModel.from_record(first.record(), rules=constant_ruleset)
        assert outcome(replayed) == outcome(first)
    fired = {frozenset(by_chance(game)) for game in baseline.values()}
    assert len(fired) > len(SEEDS) * 0.9
    moves = {tuple(bot_moves(game, "CN")) for game in baseline.values()}
    assert len(moves) > len(SEEDS) // 2


# Asking changes nothing --------------------------------------------------------------
def test_asking_for_options_and_budgets_changes_no_draw(tmp_path: Path) -> None:
    """`action_options` and `budget_of` evaluate expressions that call chance(): each
    puts the draws back as they were, and a game asked every turn is the same game."""
    rules = copy_rules(tmp_path / "rules")

    def budget_by_chance(data: dict[str, Any]) -> None:
        data["game"]["budget"] = "self.gdp * 1000 * self.budget_rate * (1.1 if chance(0.5) else 1)"

    def drills_by_chance(data: dict[str, Any]) -> None:
        action = data["actions"]["military_drills"]
        action["requires"] = f"{action['requires']} and chance(0.7)"

    edit_yaml(rules / "game.yaml", budget_by_chance)
    edit_yaml(rules / "silicon_shield.yaml", drills_by_chance)
    ruleset = load_ruleset(rules)
    for seed in (5, 6):
        straight = GeoModel(seed=seed, rules=ruleset, turns=TURNS).run()
        asked = GeoModel(seed=seed, rules=ruleset, turns=TURNS)
        asked.step()  # a turn's draws to keep
        while not asked.over:
            for nation in asked.nations:
                state = asked.draw_state()
                asked.action_options(nation)
                asked.budget_of(nation)
                assert asked.draw_state() == state
            asked.step()
        assert outcome(asked) == outcome(straight)
