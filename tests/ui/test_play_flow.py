"""A game through the UI: setup, the hand-off curtain, and whole games that replay headless."""

from __future__ import annotations

import json
from pathlib import Path

import pygame

from game.saves import read_save
from game.sim import GeoModel
from game.ui import Session
from game.ui._facilitator import FacilitatorMenu
from game.ui._screens_setup import BOT, TEAM, HandoffScreen, SetupScreen
from game.ui._screens_turn import DecideScreen

from .driver import Player

TEAMS = {"US": "Washington", "TW": "Taipei"}


def outputs(model: GeoModel) -> tuple[str, str]:
    """The JSON summary and the per-turn metrics (as CSV) of a game."""
    table = model.datacollector.get_model_vars_dataframe().to_csv()
    return json.dumps(model.summary(), sort_keys=True), table


def play_to_debrief(player: Player) -> None:
    """Play on by the keyboard alone, every team confirming its standing choices."""
    for _ in range(500):
        name = player.screen.name
        if name == "debrief":
            return
        player.press(pygame.K_RETURN)  # lifts a curtain, reviews, confirms, moves on
    raise AssertionError(f"no debrief after 500 key presses; on {player.screen.name}")


def set_up_seminar(player: Player) -> SetupScreen:
    """Show the setup screen and choose the seminar with the US and Taiwan as teams."""
    setup = SetupScreen(player.app)
    player.app.show(setup)
    player.pump()
    player.choose(setup.widgets["scenario"], "Seminar: the 50-50 dispute")
    for nation in ("US", "TW"):
        player.choose(setup.widgets[f"seat:{nation}"], TEAM)
    return setup


def test_setup_starts_the_seminar_with_a_named_team(make_app) -> None:
    """Seminar chosen, US and TW made teams, a name typed, Start → the first team's hand-off."""
    player = Player(make_app(scenario="baseline", seats={"US": "bot", "TW": "bot"}))
    setup = set_up_seminar(player)
    entry = setup.widgets["name:TW"]
    player.click(entry)
    player.press(pygame.K_a, mod=pygame.KMOD_CTRL)
    player.press(pygame.K_BACKSPACE)
    player.type("Formosa Five")
    player.click(setup.widgets["start"])
    session = player.app.session
    assert session is not None
    assert session.model.scenario_id == "seminar"
    assert {n: t.name for n, t in session.teams.items()} == {
        "US": "Team United States",
        "TW": "Formosa Five",
    }
    assert isinstance(player.screen, HandoffScreen)
    assert player.screen.nation == "US"


def test_the_curtain_shows_nothing_of_the_previous_team(player: Player) -> None:
    """After the US confirms, Taiwan's curtain has no widget and draws only the curtain."""
    player.start(Session.new("seminar", TEAMS, seed=3))
    player.press(pygame.K_SPACE)
    player.click(player.screen.widgets["action:leave_clean_network"])
    player.press(pygame.K_RETURN)
    player.press(pygame.K_RETURN)
    curtain = player.screen
    assert isinstance(curtain, HandoffScreen)
    assert curtain.nation == "TW"
    manager = player.app.manager
    root = manager.get_root_container()
    assert [w for w in manager.get_sprite_group().sprites() if w is not root] == []
    expected = pygame.Surface(player.app.window.get_size())
    curtain.draw(expected)
    assert pygame.image.tobytes(player.app.window, "RGB") == pygame.image.tobytes(expected, "RGB")


def test_a_key_lifts_the_curtain_onto_the_team_s_decision(player: Player) -> None:
    """Any key on the curtain opens that team's decision screen."""
    player.start(Session.new("seminar", TEAMS, seed=3))
    player.press(pygame.K_x, unicode="x")
    assert isinstance(player.screen, DecideScreen)
    assert player.screen.nation == "US"


def test_two_teams_play_the_seminar_as_it_replays_headless(make_app, tmp_path: Path) -> None:
    """The seminar with two team seats, set up and played through the UI, saved from the
    facilitator's menu, replays headless to the same summary and per-turn table."""
    player = Player(make_app(scenario="seminar", seed=11))
    setup = SetupScreen(player.app)
    player.app.show(setup)
    player.pump()
    player.click(setup.widgets["start"])
    assert set(player.app.session.teams) == {"US", "TW"}
    play_to_debrief(player)
    model = player.app.session.model
    assert model.over
    player.press(pygame.K_F1)
    menu = player.app.overlay
    assert isinstance(menu, FacilitatorMenu)
    player.click(next(b for b, action in menu.buttons.items() if action == "save"))
    (path,) = (tmp_path / "saves").glob("game-*.json")
    replayed = read_save(path).model()
    assert outputs(replayed) == outputs(model)
    teams = {(d.nation, d.by) for d in model.record().decisions if d.nation in TEAMS}
    assert teams == {("US", "team"), ("TW", "team")}


def test_a_game_with_no_team_seats_is_the_headless_run(make_app) -> None:
    """The seminar with both seats given to bots at setup equals `GeoModel(seed).run()`."""
    player = Player(make_app(scenario="seminar", seed=11))
    setup = SetupScreen(player.app)
    player.app.show(setup)
    player.pump()
    for nation in ("US", "TW"):
        player.choose(setup.widgets[f"seat:{nation}"], BOT)
    player.press(pygame.K_RETURN)
    assert player.app.session.teams == {}
    play_to_debrief(player)
    headless = GeoModel(seed=11, scenario="seminar").run()
    assert outputs(player.app.session.model) == outputs(headless)
