"""Game records, replay, pickling, submit() checks, turn reports and action options."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from game.errors import ParameterError, SimulationError
from game.ruleset import DecisionLine, Ruleset, load_ruleset
from game.sim import (
    MAX_TURNS,
    Decision,
    DecisionError,
    GameRecord,
    GeoModel,
    RecordError,
)

RULES = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    """The default rules, loaded once for the module."""
    return load_ruleset(RULES)


def play_classroom_game(ruleset: Ruleset, seed: int, turns: int = 16) -> GeoModel:
    """A game with team seats, scripted lines, an injected event and chance events."""
    script = [
        DecisionLine(turn=2, nation="US", action="propose_sourcing_5050", target="TW"),
        DecisionLine(turn=5, event="cable_cut"),
    ]
    model = GeoModel(
        seed=seed,
        rules=ruleset,
        turns=turns,
        seats={"TW": "human", "CN": "human"},
        decisions=script,
        us_cost_premium=0.45,
    )
    while not model.over:
        if model.turn == 2:  # TW answers the proposal made in turn 2
            model.submit(Decision("TW", {"fabs": 0.5, "ai": 0.3}, [("reject_proposal", "US")]))
        elif model.turn % 3 == 0:
            model.submit(Decision("TW", {"fabs": 0.2, "ai": 0.6, "quantum": 0.2}))
        model.step()
    return model


def outputs(model: GeoModel) -> tuple[str, str]:
    """What a run prints: the JSON summary and the per-turn metrics table."""
    table = model.datacollector.get_model_vars_dataframe().to_csv()
    return json.dumps(model.summary(), sort_keys=True), table


# Records and replay ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 7, 23])
def test_record_replays_the_game_exactly(ruleset: Ruleset, seed: int) -> None:
    """A record, through JSON, replays to the same summary and per-turn metrics."""
    model = play_classroom_game(ruleset, seed)
    data = json.loads(json.dumps(model.record().to_dict()))
    replayed = GeoModel.from_record(GameRecord.from_dict(data), rules=ruleset)
    assert outputs(replayed) == outputs(model)
    assert replayed.record() == model.record()


@pytest.mark.parametrize("stop", [0, 1, 5, 15, 16])
def test_replay_to_a_turn_then_continue_matches_playing_straight(
    ruleset: Ruleset, stop: int
) -> None:
    """Replaying a record to turn k and playing on gives the game played straight."""
    model = play_classroom_game(ruleset, seed=3)
    record = model.record()
    partial = GeoModel.from_record(record, rules=ruleset, until=stop)
    assert partial.turn == stop
    # the rest of the game, as the record has it, then continued by the same inputs
    rest = GeoModel.from_record(record, rules=ruleset)
    assert outputs(rest) == outputs(model)


def test_the_record_says_who_decided(ruleset: Ruleset) -> None:
    """Each applied decision is recorded with who made it: team, bot, script or standing."""
    model = play_classroom_game(ruleset, seed=2, turns=4)
    by = {(d.turn, d.nation): d.by for d in model.record().decisions}
    assert by[(2, "US")] == "script"
    assert by[(3, "TW")] == "team"
    assert by[(1, "CN")] == "standing"  # a team seat that did not decide
    assert by[(1, "US")] == "bot"
    assert model.record().injected == ()  # the cable cut is injected in turn 5
    assert model.summary()["seats"]["TW"] == "human"


def test_a_game_without_a_seed_records_the_one_it_drew(ruleset: Ruleset) -> None:
    """seed=None draws a seed and records it, so the game can still be replayed."""
    model = GeoModel(rules=ruleset, turns=6).run()
    assert isinstance(model.seed, int)
    replayed = GeoModel.from_record(model.record(), rules=ruleset)
    assert outputs(replayed) == outputs(model)


def test_an_edited_record_does_not_replay_silently(ruleset: Ruleset) -> None:
    """A bot decision edited in the record is found when the rules are the recorded ones."""
    model = GeoModel(seed=4, rules=ruleset, turns=3).run()
    data = model.record().to_dict()
    bot = next(d for d in data["decisions"] if d["by"] == "bot" and d["nation"] == "US")
    bot["invest"] = {"fabs": 1.0}
    with pytest.raises(RecordError, match="decided otherwise than recorded"):
        GeoModel.from_record(GameRecord.from_dict(data), rules=ruleset)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format=99), "newer than this version reads"),
        (lambda d: d.update(seed="one"), "record.seed: expected a whole number"),
        (lambda d: d["decisions"][0].update(by="cat"), "by: expected one of"),
        (lambda d: d.update(decisions={}), "must be lists"),
    ],
)
def test_a_malformed_record_is_refused_in_words(ruleset: Ruleset, change, message) -> None:
    """A record with a newer format or a wrong field is refused, naming the field."""
    data = GeoModel(seed=1, rules=ruleset, turns=1).run().record().to_dict()
    change(data)
    with pytest.raises(RecordError, match=message):
        GameRecord.from_dict(data)


# Pickling -------------------------------------------------------------------------------


def test_a_ruleset_pickles_and_its_expressions_work(ruleset: Ruleset) -> None:
    """A compiled ruleset round-trips through the standard pickle and plays the same game."""
    copy = pickle.loads(pickle.dumps(ruleset))
    assert copy.hash == ruleset.hash
    a = GeoModel(seed=9, rules=ruleset, turns=12).run().summary()
    b = GeoModel(seed=9, rules=copy, turns=12).run().summary()
    assert a == b


def test_a_model_pickled_mid_game_continues_to_the_same_game(ruleset: Ruleset) -> None:
    """A model pickled after some turns plays on exactly as the original does."""
    model = play_classroom_game(ruleset, seed=11, turns=8)
    model.turns = 20
    copy = pickle.loads(pickle.dumps(model))
    model.run()
    copy.run()
    assert outputs(copy) == outputs(model)


def test_batch_run_in_worker_processes_takes_a_loaded_ruleset(ruleset: Ruleset) -> None:
    """mesa.batch_run with two real worker processes accepts a ruleset as a parameter."""
    import mesa

    rows = mesa.batch_run(
        GeoModel,
        parameters={"rules": [ruleset], "seed": [1, 2], "turns": [4]},
        number_processes=2,
        max_steps=10,
        display_progress=False,
    )
    by_seed = {row["seed"]: row["silicon_shield"] for row in rows}
    for seed, value in by_seed.items():
        alone = GeoModel(seed=seed, rules=ruleset, turns=4).run()
        assert value == alone.metric_values["silicon_shield"]


# Submitting decisions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "field", "message"),
    [
        (Decision("UK"), "nation", "unknown nation 'UK'"),
        (Decision("TW", {"fabs": -5.0}), "invest", "must be a number from 0 to 1"),
        (Decision("TW", {"fabs": 0.8, "ai": 0.7}), "invest", "add up to 1.50"),
        (Decision("TW", {"fabz": 0.5}), "invest", "did you mean 'fabs'"),
        (Decision("TW", {"fabs": float("nan")}), "invest", "from 0 to 1"),
        (Decision("TW", None, [("join_cleannetwork", None)]), "actions", "unknown action"),
        (Decision("TW", None, [("reject_proposal", None)]), "actions", "needs a target"),
        (Decision("TW", None, [("join_clean_network", "US")]), "actions", "takes no target"),
        (Decision("TW", None, [("reject_proposal", "TW")]), "actions", "cannot target itself"),
        (Decision("TW", None, [("reject_proposal", "XX")]), "actions", "unknown target"),
    ],
)
def test_submit_refuses_what_a_decisions_file_would(
    ruleset: Ruleset, decision: Decision, field: str, message: str
) -> None:
    """submit() checks a decision as strictly as a decisions file, in words."""
    model = GeoModel(seed=1, rules=ruleset, seats={"TW": "human"})
    with pytest.raises(DecisionError, match=message) as caught:
        model.submit(decision)
    assert caught.value.field == field
    assert not model.submitted


def test_a_submitted_decision_cannot_be_changed_behind_the_games_back(ruleset: Ruleset) -> None:
    """The game keeps a copy of a submitted decision."""
    model = GeoModel(seed=1, rules=ruleset, seats={"TW": "human"})
    decision = Decision("TW", {"fabs": 0.5})
    model.submit(decision)
    assert decision.invest is not None
    decision.invest["fabs"] = 9.0
    report = model.play_turn()
    (tw,) = [d for d in report.decisions if d.nation == "TW"]
    assert tw.invest == {"fabs": 0.5}


# Turn reports and options ---------------------------------------------------------------


def test_a_turn_report_says_what_the_turn_did(ruleset: Ruleset) -> None:
    """play_turn returns the decisions, actions (refused with why), events and metric moves."""
    model = GeoModel(
        seed=1,
        rules=ruleset,
        seats={"TW": "human"},
        decisions=[DecisionLine(turn=1, event="strait_crisis")],
    )
    model.submit(Decision("TW", None, [("reject_proposal", "US")]))
    report = model.play_turn()
    assert report.turn == 1
    assert report.date == "2025 Q1"
    (refused,) = [a for a in report.actions if a.nation == "TW"]
    assert not refused.taken
    assert refused.reason == "no proposal from the United States is pending"
    assert ("strait_crisis", "injected") in report.events
    assert any("strait_crisis" in item.causes for item in report.news)
    assert "strait_tension" in report.changes()
    assert set(report.metrics) == set(ruleset.metrics)


def test_action_options_give_reasons_and_change_nothing(ruleset: Ruleset) -> None:
    """Options list each action with why it is unavailable; asking leaves the game as it was."""
    asked = GeoModel(seed=5, rules=ruleset, turns=10)
    plain = GeoModel(seed=5, rules=ruleset, turns=10)
    while not asked.over:
        options = {(o.action, o.target): o for o in asked.action_options("TW")}
        asked.step()
        plain.step()
    only_us = options[("propose_sourcing_5050", "US")]
    assert only_us.reason == "only United States may do this"
    assert only_us.never
    assert not options[("reject_proposal", "US")].available
    assert outputs(asked) == outputs(plain)


def test_pending_proposals_are_listed_for_their_target(ruleset: Ruleset) -> None:
    """A proposal made this turn awaits its target's answer next turn."""
    script = [DecisionLine(turn=1, nation="US", action="propose_sourcing_5050", target="TW")]
    model = GeoModel(seed=1, rules=ruleset, decisions=script, seats={"TW": "human"})
    model.step()
    (proposal,) = model.pending_proposals("TW")
    assert (proposal.action, proposal.source) == ("propose_sourcing_5050", "US")
    options = {(o.action, o.target): o for o in model.action_options("TW")}
    assert options[("reject_proposal", "US")].available


# Set-up checks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"turns": MAX_TURNS + 1}, "1 to 1000 turns"),
        ({"turns": 0}, "1 to 1000 turns"),
        ({"seats": {"UK": "human"}}, "unknown nation 'UK'"),
        ({"seats": {"TW": "team"}}, "must be 'human' or 'bot'"),
    ],
)
def test_bad_set_up_is_refused(ruleset: Ruleset, kwargs: dict, message: str) -> None:
    """Too long a game or an unknown seat is a ParameterError in words."""
    with pytest.raises(ParameterError, match=message):
        GeoModel(seed=1, rules=ruleset, **kwargs)


def test_the_longest_game_stays_finite(ruleset: Ruleset) -> None:
    """A baseline game of the most turns a game may have plays to the end."""
    model = GeoModel(seed=1, rules=ruleset, turns=MAX_TURNS).run()
    assert model.turn == MAX_TURNS


def test_a_bug_in_the_engine_is_not_blamed_on_a_rule(
    ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ValueError raised outside rule expressions surfaces as itself, not a rule error."""
    import game.sim._model as model_module

    def broken(model: GeoModel) -> None:
        raise ValueError("a bug in the engine")

    monkeypatch.setattr(model_module, "expire_proposals", broken)
    model = GeoModel(seed=1, rules=ruleset)
    with pytest.raises(ValueError, match="a bug in the engine") as caught:
        model.step()
    assert not isinstance(caught.value, SimulationError)


# Undo, longer games, more scripted lines ------------------------------------------------


def test_undo_then_another_choice_is_the_game_with_that_choice(ruleset: Ruleset) -> None:
    """Rewinding a turn and deciding otherwise gives the game where that was decided first."""
    first = GeoModel(seed=6, rules=ruleset, turns=8, seats={"TW": "human"})
    direct = GeoModel(seed=6, rules=ruleset, turns=8, seats={"TW": "human"})
    for model in (first, direct):
        model.run(until=3)
    first.submit(Decision("TW", {"fabs": 0.9}))
    first.step()
    rewound = first.rewound()
    assert rewound.turn == 3
    rewound.submit(Decision("TW", {"ai": 0.9}))
    direct.submit(Decision("TW", {"ai": 0.9}))
    rewound.run()
    direct.run()
    assert outputs(rewound) == outputs(direct)
    ((turn, taken),) = rewound.record().undos
    assert turn == 4
    assert any(d.nation == "TW" and d.invest == {"fabs": 0.9} for d in taken)


def test_undo_keeps_scripted_decisions_after_the_turn_taken_back(ruleset: Ruleset) -> None:
    """Lines scripted for later turns still apply after an undo."""
    script = [DecisionLine(turn=5, nation="US", action="propose_sourcing_5050", target="TW")]
    played = GeoModel(seed=2, rules=ruleset, turns=8, decisions=script).run()
    again = played.rewound(3).run()
    assert outputs(again) == outputs(played)


def test_a_game_made_longer_plays_on_as_if_it_had_been_that_long(ruleset: Ruleset) -> None:
    """extend() continues a game to the result of playing the longer game straight."""
    short = GeoModel(seed=3, rules=ruleset, turns=10).run()
    short.extend(10)
    short.run()
    straight = GeoModel(seed=3, rules=ruleset, turns=20).run()
    assert outputs(short) == outputs(straight)
    with pytest.raises(ParameterError, match="1 to 1000 turns"):
        short.extend(MAX_TURNS)


def test_added_decisions_apply_in_their_turns(ruleset: Ruleset) -> None:
    """add_decisions scripts lines for turns still to come, as a decisions file would."""
    line = DecisionLine(turn=3, nation="US", action="propose_sourcing_5050", target="TW")
    added = GeoModel(seed=1, rules=ruleset, turns=5)
    added.add_decisions([line])
    added.run()
    given = GeoModel(seed=1, rules=ruleset, turns=5, decisions=[line]).run()
    assert outputs(added) == outputs(given)


# What a front end asks ------------------------------------------------------------------


def test_why_names_the_causes_with_their_source_and_the_changes(ruleset: Ruleset) -> None:
    """explain() gives an item's causes (doc, article source, position) and their changes."""
    model = GeoModel(
        seed=1, rules=ruleset, trace=True, decisions=[DecisionLine(turn=2, event="strait_crisis")]
    )
    model.run(until=2)
    (item,) = [n for n in model.news if "strait_crisis" in n.causes]
    why = model.explain(item)
    kinds = {c.id: c.kind for c in why.causes}
    assert kinds == {"strait_crisis": "event", "injected": "injected"}
    crisis = why.causes[0]
    assert crisis.source
    assert crisis.where.startswith("rules/silicon_shield.yaml:")
    assert any(
        (t.target, t.attr) == ("world", "strait_tension") and t.after > t.before
        for t in why.changes
    )
    assert all(t.turn == 2 and t.cause in item.causes for t in why.changes)


@pytest.mark.parametrize(
    ("answer", "said", "assumption"),
    [("accept", "Taiwan agrees", True), ("reject", "Taiwan turns the plan down", False)],
)
def test_an_answer_is_explained_by_its_own_outcome(
    ruleset: Ruleset, answer: str, said: str, assumption: bool
) -> None:
    """An accepted 50-50 plan is explained by the accept outcome's doc and assumption, a
    rejected one by the article's passage on the rejection: not by the proposal's own."""
    model = GeoModel(
        seed=1,
        rules=ruleset,
        trace=True,
        decisions=[
            DecisionLine(turn=1, nation="US", action="propose_sourcing_5050", target="TW"),
            DecisionLine(turn=2, nation="TW", action=f"{answer}_proposal", target="US"),
        ],
    )
    model.run(until=2)
    (item,) = [n for n in model.news if f"propose_sourcing_5050:{answer}" in n.causes]
    (cause,) = model.explain(item).causes
    assert cause.kind == "answer"
    assert cause.doc.startswith(said)
    assert cause.assumption is assumption
    assert "rejection" in cause.source
    assert cause.source != ruleset.actions["propose_sourcing_5050"].spec.source


def test_score_terms_add_up_to_the_score(ruleset: Ruleset) -> None:
    """A nation's score terms, with their points so far, sum to its score."""
    model = GeoModel(seed=3, rules=ruleset, turns=6).run()
    for nation, score in model.scores().items():
        terms = model.score_terms(nation)
        assert terms
        assert round(sum(t.points for t in terms), 6) == score


def test_the_budget_a_team_splits_is_the_one_the_turn_applies(ruleset: Ruleset) -> None:
    """budget_of() tells a team the budget the coming turn gives it, changing nothing."""
    model = GeoModel(seed=3, rules=ruleset, turns=6, seats={"TW": "human"})
    model.run(until=2)
    expected = model.budget_of("TW")
    model.submit(Decision("TW", {"fabs": 1.0}))
    model.step()
    assert model.nations["TW"].budget == expected
    assert model.nations["TW"].invest_fabs == expected


def test_a_reason_names_the_nation_and_the_value_it_has(ruleset: Ruleset) -> None:
    """A requirement on an attribute is worded with the nation, the need and the value now."""
    model = GeoModel(seed=1, rules=ruleset, scenario="seminar")
    options = {(o.action, o.target): o for o in model.action_options("TW")}
    join = options[("join_clean_network", None)]
    assert not join.available
    assert not join.never  # it could hold later (after leaving)
    assert join.reason == "Taiwan is already in the Clean Network"
    assert options[("propose_taiwan_model", "CN")].reason == "only against United States"
    us = {(o.action, o.target): o for o in model.action_options("US")}
    assert us[("lift_tariff", "CN")].reason == (
        "China's tariffs on its chips must be above 0 (it is 0)"
    )
    assert options[("form_t7", None)].reason == (
        "the number of nations in the Clean Network must be at least 4 (it is 3)"
    )
    assert us[("invite_to_clean_network", "CN")].reason == "only against a democracy"
    assert us[("export_control", "JP")].reason == ("only against Taiwan or not against a democracy")
    china = {(o.action, o.target): o for o in model.action_options("CN")}
    assert china[("form_t7", None)].reason == "only a democracy may do this"
    assert china[("join_clean_network", None)].reason == "only a democracy may do this"
    assert china[("leave_clean_network", None)].reason == "China is not in the Clean Network"


def test_the_score_history_is_the_score_each_turn_had(ruleset: Ruleset) -> None:
    """score_history()[n][t-1] is what scores() said at the end of turn t."""
    model = GeoModel(seed=2, rules=ruleset, turns=5)
    seen = []
    while not model.over:
        model.step()
        seen.append(model.scores())
    history = model.score_history()
    for turn, scores in enumerate(seen, start=1):
        assert {n: points[turn - 1] for n, points in history.items()} == scores
