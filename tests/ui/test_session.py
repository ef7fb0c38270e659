"""Session: a classroom game's turns, saves, undo, injections and seats, without Pygame."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.ruleset import DecisionLine
from game.saves import read_save
from game.sim import Decision, GeoModel
from game.ui._session import Session

TEAMS = {"US": "Washington", "TW": "Taipei"}


def outputs(model: GeoModel) -> tuple[str, str]:
    """The JSON summary and per-turn metrics of a game."""
    table = model.datacollector.get_model_vars_dataframe().to_csv()
    return json.dumps(model.summary(), sort_keys=True), table


def play(session: Session) -> Session:
    """Teams decide every turn (Taiwan shifts to fabs from turn 3), to the end."""
    while not session.over:
        for nation in session.waiting:
            split = {"fabs": 0.6, "ai": 0.2} if nation == "TW" and session.model.turn >= 2 else None
            session.decide(Decision(nation, split))
        session.resolve()
    return session


def test_a_classroom_game_replays_headless_to_the_same_output(tmp_path: Path) -> None:
    """The seminar played by two teams, saved and replayed headless, gives the same output."""
    session = play(Session.new("seminar", TEAMS, seed=4))
    session.save(tmp_path / "class.json")
    replayed = read_save(tmp_path / "class.json").model()
    assert outputs(replayed) == outputs(session.model)
    by = {(d.turn, d.nation): d.by for d in session.model.record().decisions}
    assert by[(3, "TW")] == "team"
    assert by[(3, "CN")] == "bot"


def test_a_game_with_bots_in_every_seat_is_the_headless_run() -> None:
    """With no teams, a session's game equals `run` with the same seed."""
    session = play(Session.new("seminar", {}, seed=2))
    headless = GeoModel(seed=2, scenario="seminar", trace=True).run()
    assert outputs(session.model) == outputs(headless)


def test_undo_then_decide_otherwise(tmp_path: Path) -> None:
    """Undo takes the last turn back; deciding otherwise then is as if decided first."""
    session = Session.new("seminar", TEAMS, seed=5)
    session.decide(Decision("TW", {"fabs": 1.0}))
    session.resolve()
    session.undo()
    assert session.model.turn == 0
    assert session.reports == []
    session.decide(Decision("TW", {"ai": 1.0}))
    session.resolve()
    direct = Session.new("seminar", TEAMS, seed=5)
    direct.decide(Decision("TW", {"ai": 1.0}))
    direct.resolve()
    assert session.model.metric_values == direct.model.metric_values


def test_an_injected_event_happens_next_turn_and_is_saved(tmp_path: Path) -> None:
    """The facilitator's injection fires in the coming turn and stays in the record."""
    session = Session.new("seminar", TEAMS, seed=1)
    session.inject("cable_cut")
    report = session.resolve()
    assert ("cable_cut", "injected") in report.events
    session.save(tmp_path / "s.json")
    assert read_save(tmp_path / "s.json").model().event_log == session.model.event_log


def test_a_seat_handed_to_the_bot_is_decided_by_it() -> None:
    """Switching a team seat to the bot makes the bot decide it from the coming turn."""
    session = Session.new("seminar", TEAMS, seed=1)
    session.set_seat("TW", None)
    assert session.waiting == ["US"]
    report = session.resolve()
    (tw,) = [d for d in report.decisions if d.nation == "TW"]
    assert tw.by == "bot"


def test_autosave_after_each_turn_and_continue(tmp_path: Path) -> None:
    """Each resolved turn autosaves; loading the autosave continues with the same teams."""
    session = Session.new("seminar", TEAMS, seed=3, autosave=tmp_path)
    session.resolve()
    session.resolve()
    (latest,) = sorted(tmp_path.glob("autosave-*-t002.json"))
    resumed = Session.load(latest)
    assert resumed.model.turn == 2
    assert set(resumed.teams) == {"US", "TW"}
    assert resumed.model.metric_values == session.model.metric_values


def test_a_bad_decision_is_refused_and_nothing_is_recorded() -> None:
    """A decision the rules refuse raises and leaves the team still to decide."""
    from game.sim import DecisionError

    session = Session.new("seminar", TEAMS, seed=1)
    with pytest.raises(DecisionError):
        session.decide(Decision("TW", {"fabs": 2.0}))
    assert "TW" in session.waiting
    session.inject("strait_crisis")
    assert DecisionLine(turn=1, event="strait_crisis") in session.model.script
