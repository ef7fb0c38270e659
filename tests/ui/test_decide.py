"""The decision screen: sliders that add up to 100%, the keyboard, actions, proposals."""

from __future__ import annotations

import pygame
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.ruleset import DecisionLine
from game.sim import Decision
from game.ui import Session
from game.ui._screens_setup import HandoffScreen
from game.ui._screens_turn import DecideScreen, NewsScreen, balance_split

from .driver import Player

TEAMS = {"US": "Washington", "TW": "Taipei"}
LINES = ["fabs", "ai", "telecom", "quantum", "resilience", "talent", "defense"]


@pytest.fixture
def decide(player: Player) -> DecideScreen:
    """The US team's decision of the first quarter, reached through its hand-off."""
    player.start(Session.new("seminar", TEAMS, seed=3))
    player.press(pygame.K_SPACE)
    assert isinstance(player.screen, DecideScreen)
    return player.screen


def sliders(screen: DecideScreen) -> dict[str, int]:
    """What each slider on show says."""
    return {line: screen.widgets[f"slider:{line}"].get_current_value() for line in screen.split}


def confirm_by_keyboard(player: Player) -> None:
    """Enter opens the summary, Enter again confirms it."""
    player.press(pygame.K_RETURN)
    player.press(pygame.K_RETURN)


@given(
    st.lists(st.integers(0, 100), min_size=1, max_size=9),
    st.integers(0, 20),
    st.integers(-50, 150),
)
def test_balance_split_always_adds_up_to_100(shares: list[int], which: int, value: int) -> None:
    """Whatever the split and the move, the lines add up to 100, each 0–100, the moved one as set."""
    split = {f"line{i}": share for i, share in enumerate(shares)}
    moved = f"line{which % len(shares)}"
    out = balance_split(split, moved, value)
    assert list(out) == list(split)
    assert all(0 <= share <= 100 for share in out.values())
    if len(out) > 1:
        assert sum(out.values()) == 100
    assert out[moved] == max(0, min(100, value)) or len(out) == 1


def test_dragging_a_slider_rebalances_the_others(player: Player, decide: DecideScreen) -> None:
    """Mouse down on a handle, move right, release: that line grows, all still add up to 100."""
    before = dict(decide.split)
    handle = decide.widgets["slider:fabs"].sliding_button.rect.center
    player.drag(handle, (handle[0] + 80, handle[1]))
    assert decide.split["fabs"] > before["fabs"]
    assert sum(decide.split.values()) == 100
    assert sliders(decide) == decide.split
    assert decide.widgets["value:ai"].text == f"{decide.split['ai']}%"


def test_the_arrow_keys_move_the_line_the_mouse_moved(player: Player, decide: DecideScreen) -> None:
    """After dragging the telecom slider, → moves telecom (not the line selected before)."""
    handle = decide.widgets["slider:telecom"].sliding_button.rect.center
    player.drag(handle, (handle[0] + 40, handle[1]))
    dragged = decide.split["telecom"]
    player.press(pygame.K_RIGHT)
    assert decide.split["telecom"] == dragged + 5
    assert decide.widgets["name:telecom"].text.startswith("▶")


def test_down_then_right_moves_the_second_line_by_five(
    player: Player, decide: DecideScreen
) -> None:
    """↓ selects the next line and → adds 5 points to it; the others make room."""
    before = dict(decide.split)
    player.press(pygame.K_DOWN)
    player.press(pygame.K_RIGHT)
    assert decide.split["ai"] == before["ai"] + 5
    assert sum(decide.split.values()) == 100
    assert sliders(decide) == decide.split


def test_left_on_the_first_line_takes_five_away(player: Player, decide: DecideScreen) -> None:
    """← moves the selected (first) line down by 5."""
    before = decide.split["fabs"]
    player.press(pygame.K_LEFT)
    assert decide.split["fabs"] == before - 5


def test_clicking_an_action_chooses_it_and_again_drops_it(
    player: Player, decide: DecideScreen
) -> None:
    """A click on an open action ticks it; a second click unticks it."""
    player.click(decide.widgets["action:leave_clean_network"])
    assert "leave_clean_network" in decide.chosen
    assert decide.widgets["action:leave_clean_network"].text.startswith("✓")
    player.click(decide.widgets["action:leave_clean_network"])
    assert "leave_clean_network" not in decide.chosen


def test_an_action_with_a_target_takes_the_one_chosen(player: Player, decide: DecideScreen) -> None:
    """Choosing China in a target menu and then the action gives the action China as target."""
    player.choose(decide.widgets["target:impose_tariff"], "China")
    player.click(decide.widgets["action:impose_tariff"])
    assert decide.chosen == {"impose_tariff": "CN"}


def test_a_target_stays_chosen_when_its_move_is_dropped_or_another_is_chosen(
    player: Player, decide: DecideScreen
) -> None:
    """Unticking a move, or ticking another, leaves its target menu on the nation the team
    picked (a tariff meant for China never slides back to Taiwan)."""
    player.choose(decide.widgets["target:impose_tariff"], "China")
    player.click(decide.widgets["action:impose_tariff"])
    player.click(decide.widgets["action:impose_tariff"])  # dropped again
    assert decide.chosen == {}
    assert decide.widgets["target:impose_tariff"].selected_option[0] == "China"
    player.click(decide.widgets["action:leave_clean_network"])
    assert decide.widgets["target:impose_tariff"].selected_option[0] == "China"
    player.click(decide.widgets["action:impose_tariff"])
    assert decide.chosen["impose_tariff"] == "CN"


def test_a_greyed_action_says_why_instead_of_being_chosen(
    player: Player, decide: DecideScreen
) -> None:
    """Clicking a move the nation may not take now (lifting tariffs none face) chooses
    nothing and says, in words, what it needs."""
    player.click(decide.widgets["action:lift_tariff"])
    assert decide.chosen == {}
    assert "Lift tariff is not open this quarter" in decide.widgets["problem"].text
    assert "Taiwan's tariffs on its chips must be above 0" in decide.widgets["problem"].text


def test_another_nations_moves_are_not_offered(decide: DecideScreen) -> None:
    """Moves the rules give only to other nations (China's drills) are not on the US's list."""
    assert "action:military_drills" not in decide.widgets
    assert "action:impose_tariff" in decide.widgets


def test_review_then_enter_hands_over_to_the_next_team(
    player: Player, decide: DecideScreen
) -> None:
    """Review and Enter submit the US decision and put up Taiwan's curtain."""
    player.click(decide.widgets["action:leave_clean_network"])
    player.click(decide.widgets["confirm"])
    player.press(pygame.K_RETURN)
    session = player.app.session
    assert session.decided["US"].actions == [("leave_clean_network", None)]
    assert isinstance(player.screen, HandoffScreen)
    assert player.screen.nation == "TW"


def test_the_confirm_button_of_the_summary_submits(player: Player, decide: DecideScreen) -> None:
    """Clicking Confirm in the summary window submits, as Enter does."""
    player.press(pygame.K_RETURN)
    player.click(decide.confirm.confirm_button)
    assert "US" in player.app.session.decided
    assert isinstance(player.screen, HandoffScreen)


def test_escape_closes_the_summary_without_submitting(player: Player, decide: DecideScreen) -> None:
    """Esc on the summary goes back to the choices, nothing submitted."""
    player.press(pygame.K_RETURN)
    player.press(pygame.K_ESCAPE)
    assert player.app.session.decided == {}
    assert player.screen is decide
    assert decide.confirm is None


def test_the_last_team_confirming_resolves_the_turn(player: Player, decide: DecideScreen) -> None:
    """When both teams have confirmed, the quarter is played and its news shown."""
    confirm_by_keyboard(player)
    player.press(pygame.K_SPACE)
    confirm_by_keyboard(player)
    session = player.app.session
    assert session.model.turn == 1
    assert isinstance(player.screen, NewsScreen)
    by = {d.nation: d.by for d in session.model.record().decisions if d.turn == 1}
    assert by["US"] == by["TW"] == "team"


def test_taiwan_accepts_the_5050_plan_the_turn_after_the_us_proposes_it(player: Player) -> None:
    """The US proposes in quarter 1; Taiwan's next screen offers it; Accept makes the deal."""
    session = Session.new("seminar", {"TW": "Taipei"}, seed=3)
    session.model.add_decisions(
        [DecisionLine(turn=1, nation="US", action="propose_sourcing_5050", target="TW")]
    )
    player.start(session)
    player.press(pygame.K_SPACE)
    assert "accept:US" not in player.screen.widgets
    confirm_by_keyboard(player)
    assert isinstance(player.screen, NewsScreen)
    player.press(pygame.K_RETURN)  # news → the world
    player.press(pygame.K_RETURN)  # the world → the next quarter
    player.press(pygame.K_SPACE)  # lift the curtain
    decide = player.screen
    assert isinstance(decide, DecideScreen)
    player.click(decide.widgets["accept:US"])
    assert decide.chosen == {"accept_proposal": "US"}
    confirm_by_keyboard(player)
    model = player.app.session.model
    assert (2, "TW", "accept_proposal", "US") in model.action_log
    assert model.world.sourcing_deal == 1
    taken = [d for d in model.record().decisions if d.turn == 2 and d.nation == "TW"]
    assert [a for d in taken for a in d.actions] == [("accept_proposal", "US")]


def test_untouched_sliders_keep_the_standing_split(decide: DecideScreen) -> None:
    """Confirming without moving a slider keeps the standing split (no rounding drift)."""
    assert decide.decision().invest is None
    decide.set_line(next(iter(decide.split)), 50)
    invest = decide.decision().invest
    assert invest is not None
    assert sum(invest.values()) == pytest.approx(1.0)


def test_next_quarter_shows_the_split_the_team_confirmed(
    player: Player, decide: DecideScreen
) -> None:
    """The trial's case: the US confirmed 56/33/3/2/2/2/2; next quarter its sliders show
    exactly that (float noise in the stored shares must not floor 2% to 1%)."""
    confirmed = dict(zip(LINES, [56, 33, 3, 2, 2, 2, 2], strict=True))
    for line, share in confirmed.items():
        decide.split[line] = share
    decide.moved = True
    session = player.app.session
    session.decide(decide.decision())
    session.decide(Decision("TW"))
    session.resolve()
    again = DecideScreen(player.app, "US")
    player.app.show(again)
    player.pump()
    assert again.split == confirmed
