"""The keyboard does what the mouse does: Tab moves the focus, Space presses, tooltips
show for the focused control, and an open window keeps the focus (and tooltips) to itself."""

from __future__ import annotations

import pygame
import pytest
from pygame_gui.elements import UIDropDownMenu

from game.ui import Session
from game.ui._facilitator import FacilitatorMenu
from game.ui._focus import owner_window, top_window
from game.ui._screens_turn import DecideScreen

from .driver import MAX_FRAMES, Player

TEAMS = {"US": "Washington", "TW": "Taipei"}


@pytest.fixture
def decide(player: Player) -> DecideScreen:
    """The US team's decision of the first quarter, reached through its hand-off."""
    player.start(Session.new("seminar", TEAMS, seed=3))
    player.press(pygame.K_SPACE)
    assert isinstance(player.screen, DecideScreen)
    return player.screen


def tab_to(player: Player, widget: object, limit: int = 60) -> None:
    """Press Tab until `widget` has the focus."""
    for _ in range(limit):
        player.press(pygame.K_TAB)
        if player.app.focus.current(player.app.manager) is widget:
            return
    raise AssertionError(f"Tab never reached {widget!r}")


def test_tab_then_space_chooses_a_move(player: Player, decide: DecideScreen) -> None:
    """Tab to 'Leave Clean Network' and Space ticks it; Space again unticks it."""
    tab_to(player, decide.widgets["action:leave_clean_network"])
    player.press(pygame.K_SPACE)
    assert decide.chosen == {"leave_clean_network": None}
    # The screen was rebuilt with the tick: the focus stayed on the same move.
    focused = player.app.focus.current(player.app.manager)
    assert focused is decide.widgets["action:leave_clean_network"]
    player.press(pygame.K_SPACE)
    assert decide.chosen == {}


def test_space_on_a_target_menu_steps_to_the_next_nation(
    player: Player, decide: DecideScreen
) -> None:
    """Space on a drop-down chooses its next option, Shift+Space the one before."""
    menu = decide.widgets["target:impose_tariff"]
    options = [text for text, _ in menu.options_list]
    tab_to(player, menu)
    player.press(pygame.K_SPACE)
    menu = player.app.focus.current(player.app.manager)
    assert isinstance(menu, UIDropDownMenu)
    assert menu.selected_option[0] == options[1]
    tab_to(player, decide.widgets["action:impose_tariff"])
    player.press(pygame.K_SPACE)
    names = {n.name: i for i, n in player.app.session.model.nations.items()}
    assert decide.chosen == {"impose_tariff": names[options[1]]}


def test_shift_tab_goes_back(player: Player, decide: DecideScreen) -> None:
    """Shift+Tab returns to the control Tab came from."""
    player.press(pygame.K_TAB)
    first = player.app.focus.current(player.app.manager)
    player.press(pygame.K_TAB)
    assert player.app.focus.current(player.app.manager) is not first
    player.press(pygame.K_TAB, mod=pygame.KMOD_SHIFT)
    assert player.app.focus.current(player.app.manager) is first


def test_the_focused_control_shows_its_tooltip(player: Player, decide: DecideScreen) -> None:
    """A greyed move reached by Tab shows its doc and why it is not open, as hovering would."""
    tab_to(player, decide.widgets["action:lift_tariff"])
    tip = player.app.focus.tip
    assert tip is not None
    assert tip.alive()
    assert "Not now" in tip.text_block.html_text
    player.press(pygame.K_SPACE)
    assert "Lift tariff is not open this quarter" in decide.widgets["problem"].text


def test_a_window_keeps_the_focus_to_itself(player: Player, decide: DecideScreen) -> None:
    """With the facilitator's menu open, Tab only visits its controls; closing it gives the
    screen its focus back."""
    tab_to(player, decide.widgets["action:leave_clean_network"])
    player.press(pygame.K_F1)
    assert isinstance(player.app.overlay, FacilitatorMenu)
    manager = player.app.manager
    window = top_window(manager)
    seen = set()
    for _ in range(30):
        player.press(pygame.K_TAB)
        focused = player.app.focus.current(manager)
        assert owner_window(focused, manager.get_root_container()) is window
        seen.add(id(focused))
    assert len(seen) > 3
    player.press(pygame.K_F1)
    assert player.app.overlay is None
    focused = player.app.focus.current(player.app.manager)
    assert focused is player.screen.widgets["action:leave_clean_network"]


def test_nothing_under_an_open_window_shows_a_tooltip(player: Player, decide: DecideScreen) -> None:
    """Resting the pointer on a button outside the facilitator's menu shows no tooltip."""
    player.press(pygame.K_F1)
    button = player.app.facilitator_button
    assert button.tool_tip_text
    rest_on(player, button)
    assert button.tool_tip is None
    player.press(pygame.K_F1)
    rest_on(player, player.app.facilitator_button)
    assert player.app.facilitator_button.tool_tip is not None


def rest_on(player: Player, widget: object, seconds: float = 2.5) -> None:
    """Keep the pointer on `widget` longer than a tooltip's delay (a second)."""
    for _ in range(round(seconds * 60 / MAX_FRAMES)):
        player.move(widget.rect.center, frames=MAX_FRAMES)


def test_escape_dismisses_a_message(player: Player, decide: DecideScreen) -> None:
    """A message the app shows (a save that would not load) closes with Esc."""
    player.app.fail("The save would not load.")
    player.pump()
    assert top_window(player.app.manager) is not None
    player.press(pygame.K_ESCAPE)
    assert top_window(player.app.manager) is None
    assert player.screen is decide


def test_enter_presses_the_button_in_the_ring(player: Player, decide: DecideScreen) -> None:
    """In the summary, Tab to Cancel and Enter cancels (it does not confirm); with no ring,
    Enter confirms."""
    player.press(pygame.K_RETURN)  # no ring: the screen's main step, the summary
    assert decide.confirm is not None
    cancel = decide.confirm.cancel_button
    tab_to(player, cancel)
    player.press(pygame.K_RETURN)
    assert decide.confirm is None
    assert player.screen is decide
    assert "US" not in player.app.session.decided
