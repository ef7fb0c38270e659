"""The facilitator's menu (F1) over every screen: open and close, inject, undo, save."""

from __future__ import annotations

import itertools
from pathlib import Path

import pygame
import pytest
from pygame_gui.elements import UIButton, UIDropDownMenu, UILabel

from game.ui import Session
from game.ui._facilitator import FacilitatorMenu
from game.ui._screens_setup import HandoffScreen
from game.ui._screens_turn import NewsScreen
from game.ui._screens_world import DebriefScreen

from .driver import Player, show_screen

TEAMS = {"US": "Washington", "TW": "Taipei"}


def menu_button(menu: FacilitatorMenu, action: str):
    """The menu's button for `action` ('inject', 'undo', 'save', 'end', 'close')."""
    return next(b for b, a in menu.buttons.items() if a == action)


def open_menu(player: Player) -> FacilitatorMenu:
    """Press F1 and return the menu it opened."""
    player.press(pygame.K_F1)
    menu = player.app.overlay
    assert isinstance(menu, FacilitatorMenu)
    return menu


@pytest.mark.parametrize("kind", ["handoff", "decide", "news", "why", "world", "debrief"])
def test_F1_opens_the_menu_and_F1_closes_it(player: Player, kind: str) -> None:
    """On every screen of a game, F1 opens the facilitator's menu and F1 again closes it."""
    show_screen(player, kind)
    under = player.screen
    open_menu(player)
    player.press(pygame.K_F1)
    assert player.app.overlay is None
    assert player.screen is under


def test_a_click_in_the_menu_does_not_lift_the_curtain(player: Player) -> None:
    """Clicking in the menu over a hand-off leaves the curtain down."""
    show_screen(player, "handoff")
    menu = open_menu(player)
    player.click(menu.event_menu)
    player.click(menu.window.rect.center)
    assert isinstance(player.screen, HandoffScreen)
    assert player.app.overlay is menu


def test_enter_in_the_menu_does_not_review_the_decision_under_it(player: Player) -> None:
    """Enter while the menu is open over a decision neither reviews nor confirms it."""
    show_screen(player, "decide")
    open_menu(player)
    player.press(pygame.K_RETURN)
    player.press(pygame.K_RETURN)
    assert player.app.session.decided == {}
    assert player.screen.confirm is None


def test_the_menu_works_over_a_decision_s_summary(player: Player, tmp_path: Path) -> None:
    """With a team's summary open, the menu's buttons answer; closing it brings the summary back."""
    show_screen(player, "decide")
    player.press(pygame.K_RETURN)
    menu = open_menu(player)
    player.click(menu_button(menu, "save"))
    assert list((tmp_path / "saves").glob("game-*.json"))
    player.press(pygame.K_F1)
    decide = player.screen
    assert decide.confirm is not None
    assert decide.confirm.alive()
    player.press(pygame.K_RETURN)
    assert "US" in player.app.session.decided


def test_closing_the_menu_leaves_the_decision_screen_working(player: Player) -> None:
    """After F1 twice over the summary, Esc closes the summary and → moves a slider again."""
    show_screen(player, "decide")
    player.press(pygame.K_RETURN)
    player.press(pygame.K_F1)
    player.press(pygame.K_F1)
    player.press(pygame.K_ESCAPE)
    before = player.screen.split["fabs"]
    player.press(pygame.K_RIGHT)
    assert player.screen.split["fabs"] == before + 5


def test_an_event_injected_from_the_menu_fires_next_turn(player: Player) -> None:
    """Cable cut chosen and injected from the menu happens in the coming quarter."""
    player.start(Session.new("seminar", {}, seed=3))
    assert isinstance(player.screen, NewsScreen)
    menu = open_menu(player)
    player.choose(menu.event_menu, "Cable cut")
    player.click(menu_button(menu, "inject"))
    player.press(pygame.K_F1)
    player.press(pygame.K_RETURN)  # news → the world
    player.press(pygame.K_RETURN)  # the world → the next quarter, played by the bots
    session = player.app.session
    assert session.model.turn == 2
    assert ("cable_cut", "injected") in session.reports[-1].events


def test_undo_takes_the_last_turn_back(player: Player) -> None:
    """Undo in the menu after a quarter goes back to its start and the first team's curtain."""
    player.start(Session.new("seminar", TEAMS, seed=3))
    for _ in range(2):  # each team: lift the curtain, review, confirm
        for _ in range(3):
            player.press(pygame.K_RETURN)
    session = player.app.session
    assert session.model.turn == 1
    menu = open_menu(player)
    player.click(menu_button(menu, "undo"))
    assert session.model.turn == 0
    assert session.reports == []
    assert isinstance(player.screen, HandoffScreen)
    assert player.screen.nation == "US"
    assert player.app.overlay is None


def test_end_the_game_goes_to_the_debrief(player: Player) -> None:
    """'End the game' in the menu shows the debrief, on a second press."""
    show_screen(player, "handoff")
    menu = open_menu(player)
    player.click(menu_button(menu, "end"))
    assert not isinstance(player.screen, DebriefScreen)  # one press asks for another
    assert menu.outcome.startswith("Press again to end the game now")
    player.click(menu_button(menu, "end"))
    assert isinstance(player.screen, DebriefScreen)
    assert player.app.overlay is None


def test_pause_hides_the_screen_until_a_key(player: Player) -> None:
    """Pause covers the whole window with a curtain; a key goes back to the screen under it."""
    from game.ui._facilitator import PauseCurtain

    show_screen(player, "decide")
    under = player.screen
    menu = open_menu(player)
    player.click(menu_button(menu, "pause"))
    assert isinstance(player.app.overlay, PauseCurtain)
    background = player.app.look.colour("background")
    window = player.app.window
    assert window.get_at((window.get_width() // 10, window.get_height() // 2))[:3] == background
    player.press(pygame.K_SPACE)
    assert player.app.overlay is None
    assert player.screen is under


def test_the_turn_timer_counts_down_on_a_team_s_decision(player: Player) -> None:
    """A timer set in the menu shows on the next team's decision screen and counts down."""
    player.start(Session.new("seminar", TEAMS, seed=3))
    menu = open_menu(player)
    player.choose(menu.timer_menu, "2 min")
    player.press(pygame.K_F1)
    player.press(pygame.K_RETURN)  # lift the curtain
    decide = player.screen
    assert 119 < decide.time_left <= 120.0  # a few frames have passed since it showed
    before = decide.time_left
    player.app.frame(1.5)
    assert decide.time_left == pytest.approx(before - 1.5)


def test_at_the_debrief_only_save_and_back_are_offered(player: Player) -> None:
    """Over the debrief, Inject, Undo and End are greyed out; Save and Back still work."""
    show_screen(player, "debrief")
    menu = open_menu(player)
    for action in ("inject", "undo", "end"):
        assert not menu_button(menu, action).is_enabled
    for action in ("save", "close"):
        assert menu_button(menu, action).is_enabled


SIZES = [(1280, 720), (1600, 900), (1920, 1080), (3840, 2160)]


def menu_widgets(menu: FacilitatorMenu) -> list:
    """The visible widgets inside the menu's window (a drop-down's own buttons too)."""
    inside = menu.window.get_container()
    return [
        w
        for w in menu.manager.get_sprite_group().sprites()
        if getattr(w, "ui_container", None) is inside and w.visible
    ]


def menu_lines(menu: FacilitatorMenu) -> list[str]:
    """The text of the menu's labels, top to bottom."""
    labels = [w for w in menu_widgets(menu) if isinstance(w, UILabel)]
    return [w.text for w in sorted(labels, key=lambda w: (w.rect.y, w.rect.x))]


def busy_menu(make_app, size: tuple[int, int]) -> FacilitatorMenu:
    """The menu at `size` after two injected events and a save: long lines to fit."""
    player = Player(make_app(size=size))
    player.start(Session.new("seminar", TEAMS, seed=3))
    menu = open_menu(player)
    for event in ("Cable cut", "Strait crisis"):
        player.choose(menu.event_menu, event)
        player.click(menu_button(menu, "inject"))
        menu = player.app.overlay
    player.click(menu_button(menu, "save"))
    return player.app.overlay


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_line_of_the_menu_fits_its_text(make_app, size: tuple[int, int]) -> None:
    """No label, button or drop-down of the menu is narrower than its text."""
    menu = busy_menu(make_app, size)
    assert any(line.startswith("Queued: Cable cut") for line in menu_lines(menu))
    cut = [
        (w.text, w.font.size(w.text)[0], w.rect.width)
        for w in menu_widgets(menu)
        if isinstance(w, UILabel | UIButton) and w.font.size(w.text)[0] > w.rect.width
    ]
    assert cut == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_menu_s_widgets_neither_overlap_nor_leave_the_window(make_app, size) -> None:
    """Every widget of the menu lies inside its window, and no two of them overlap."""
    menu = busy_menu(make_app, size)
    inside = menu.window.get_container().rect
    # A drop-down's own buttons lie on the drop-down: compare the drop-downs instead.
    parts = [w for w in menu_widgets(menu) if not isinstance(w.parent_element, UIDropDownMenu)]
    assert [w.rect for w in parts if not inside.contains(w.rect)] == []
    overlaps = [
        (getattr(a, "text", a), getattr(b, "text", b))
        for a, b in itertools.combinations(parts, 2)
        if a.rect.colliderect(b.rect)
    ]
    assert overlaps == []


def test_the_outcome_of_an_action_shows_in_the_menu(player: Player) -> None:
    """After Inject, the menu's foot says what will happen, and its top what is queued."""
    player.start(Session.new("seminar", TEAMS, seed=3))
    menu = open_menu(player)
    player.choose(menu.event_menu, "Cable cut")
    player.click(menu_button(menu, "inject"))
    lines = menu_lines(player.app.overlay)
    assert lines[-1] == "Cable cut will happen in 2025 Q1"
    assert "Queued: Cable cut in 2025 Q1" in lines


def test_undo_s_banner_is_not_drawn_over_the_menu(player: Player) -> None:
    """The menu opened again right after Undo shows Undo's line itself, and no banner."""
    player.start(Session.new("seminar", TEAMS, seed=3))
    for _ in range(6):  # each team: lift the curtain, review, confirm
        player.press(pygame.K_RETURN)
    player.click(menu_button(open_menu(player), "undo"))
    assert player.app.notice is not None  # the room sees what happened
    menu = open_menu(player)
    assert player.app.notice is None
    assert menu_lines(menu)[-1] == "Took back 2025 Q1: the teams decide it again"
