"""Session: a classroom game's turns, saves, undo, injections and seats, without Pygame;
then continuing a game from the setup screen, through the real Pygame loop."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from game.ruleset import DecisionLine
from game.saves import TEAM_NAME_MAX, list_saves, read_save
from game.sim import Decision, GeoModel
from game.ui._screens_debrief import DebriefScreen
from game.ui._screens_setup import HandoffScreen, SetupScreen
from game.ui._session import Session

from .driver import Player

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
    assert resumed.team_names == TEAMS
    assert resumed.model.metric_values == session.model.metric_values


def test_a_save_keeps_the_team_names_and_a_switched_seat_s(tmp_path: Path) -> None:
    """The facilitator's save holds each team's name, a seat given to a team mid-game too."""
    session = Session.new("seminar", TEAMS, seed=3)
    session.resolve()
    session.set_seat("JP", "Rising Sun")
    session.set_seat("US", None)
    session.save(tmp_path / "class.json")
    assert read_save(tmp_path / "class.json").teams == {"TW": "Taipei", "JP": "Rising Sun"}
    assert Session.load(tmp_path / "class.json").team_names == {
        "TW": "Taipei",
        "JP": "Rising Sun",
    }


def test_a_save_without_names_continues_with_the_default_names(tmp_path: Path) -> None:
    """A format 1 save (no names) continues with "Team <nation name>" for each team."""
    path = Session.new("seminar", TEAMS, seed=3).save(tmp_path / "new.json")
    content = json.loads(path.read_bytes())
    del content["teams"], content["checksum"]
    content["format_version"] = 1
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    content["checksum"] = "sha256:" + hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(content), encoding="utf-8")
    assert Session.load(path).team_names == {"US": "Team United States", "TW": "Team Taiwan"}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Eagles ", "Eagles"),
        ("", "Team Taiwan"),
        ("Tai\npei\t", "Taipei"),
        ("E" * (TEAM_NAME_MAX + 9), "E" * TEAM_NAME_MAX),
    ],
)
def test_a_team_name_is_made_one_a_save_holds(tmp_path: Path, typed: str, kept: str) -> None:
    """Spaces round a name go, control characters go, an empty name is the default and a
    long one is cut; the autosave then holds it."""
    session = Session.new("seminar", {"TW": typed}, seed=3, autosave=tmp_path)
    assert session.team_names == {"TW": kept}
    session.resolve()
    (autosave,) = tmp_path.glob("autosave-*.json")
    assert read_save(autosave).teams == {"TW": kept}


def test_a_bad_decision_is_refused_and_nothing_is_recorded() -> None:
    """A decision the rules refuse raises and leaves the team still to decide."""
    from game.sim import DecisionError

    session = Session.new("seminar", TEAMS, seed=1)
    with pytest.raises(DecisionError):
        session.decide(Decision("TW", {"fabs": 2.0}))
    assert "TW" in session.waiting
    session.inject("strait_crisis")
    assert DecisionLine(turn=1, event="strait_crisis") in session.model.script


# Continuing from the setup screen ------------------------------------------------------
NAMED = {"US": "Eagles", "TW": "Formosa Five"}


def played(folder: Path, turns: int) -> Session:
    """The seminar with two named teams, `turns` quarters played, autosaved into `folder`."""
    session = Session.new("seminar", NAMED, seed=3, autosave=folder)
    for _ in range(turns):
        session.resolve()
    return session


def setup_screen(player: Player) -> SetupScreen:
    """The setup screen on show."""
    setup = SetupScreen(player.app)
    player.app.show(setup)
    player.pump()
    return setup


def test_continue_after_a_finished_game_opens_its_debrief(player: Player) -> None:
    """After a 12-quarter game, the setup says the last game is finished and its button
    opens the debrief at quarter 12, the team names kept; no quarter is played again."""
    folder = player.app.options.saves
    finished = played(folder, 12)
    before = sorted(p.name for p in folder.iterdir())
    setup = setup_screen(player)
    button = setup.widgets["continue"]
    assert button.text == "Last game's debrief"
    assert "finished (2027 Q4, 12 of 12 quarters played)" in setup.problem_label.text
    player.click(button)
    assert isinstance(player.screen, DebriefScreen)
    session = player.app.session
    assert session is not None
    assert session.model.turn == 12
    assert session.over
    assert session.team_names == NAMED
    assert session.model.metric_values == finished.model.metric_values
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing autosaved again


def test_continue_opens_the_newest_autosave_of_a_game_in_progress(player: Player) -> None:
    """Five quarters in, Continue opens the game at quarter 5 (not an older autosave), at
    the first team's curtain, which names it as it was named."""
    folder = player.app.options.saves
    played(folder, 5)
    assert [s.summary.turn for s in list_saves(folder) if s.summary] == [5, 4, 3, 2, 1]
    setup = setup_screen(player)
    assert setup.widgets["continue"].text == "Continue last game"
    assert "t005.json" in (setup.latest.name if setup.latest else "")
    player.click(setup.widgets["continue"])
    assert isinstance(player.screen, HandoffScreen)
    session = player.app.session
    assert session is not None
    assert session.model.turn == 5
    assert session.team_names == NAMED
    assert ("Eagles", "huge") in [(text, kind) for text, kind, _ in player.screen.lines]


def test_continue_is_off_without_a_save(player: Player) -> None:
    """With no save in the folder, Continue cannot be pressed and no note is shown."""
    setup = setup_screen(player)
    assert not setup.widgets["continue"].is_enabled
    assert setup.problem_label.text == ""
