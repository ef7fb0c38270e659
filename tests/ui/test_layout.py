"""At the smallest and largest window sizes, every widget is on screen and no two
buttons overlap."""

from __future__ import annotations

import itertools

import pygame
import pytest
from pygame_gui.elements import UIButton

from game.ruleset import DecisionLine
from game.ui._screens_turn import DecideScreen
from game.ui._session import Session

from .driver import Player, show_screen

SIZES = [(1280, 720), (3840, 2160)]


def widgets(player: Player) -> list:
    """Every widget on show but the manager's root container."""
    root = player.app.manager.get_root_container()
    return [w for w in player.app.manager.get_sprite_group().sprites() if w is not root]


def buttons(player: Player) -> list[UIButton]:
    """The visible buttons that are not part of a drop-down or a scroll bar."""
    return [
        w
        for w in widgets(player)
        if type(w) is UIButton and w.visible and w.ui_container is player.app.manager.root_container
    ]


def put_up(player: Player, kind: str) -> None:
    """Show `kind`; 'answer' is Taiwan's decision with the 50-50 plan to answer;
    'counter' the US decision with Taiwan's counter-offer to answer, the longest list of
    moves (its moves not open this quarter shrink to fit)."""
    if kind == "counter":
        show_counter_offer(player)
        return
    if kind != "answer":
        show_screen(player, kind)
        return
    show_screen(player, "news")
    player.app.show(DecideScreen(player.app, "TW"))
    player.pump()
    assert "accept:US" in player.screen.widgets


def show_counter_offer(player: Player) -> None:
    """The US team's decision in the quarter after Taiwan offered the Taiwan model."""
    session = Session.new("seminar", {"US": "Washington", "TW": "Taipei"}, seed=3)
    session.model.add_decisions(
        [
            DecisionLine(turn=1, nation="US", action="propose_sourcing_5050", target="TW"),
            DecisionLine(turn=2, nation="TW", action="reject_proposal", target="US"),
            DecisionLine(turn=3, nation="TW", action="propose_taiwan_model", target="US"),
        ]
    )
    player.app.start(session)
    for _ in range(3):
        session.resolve()
    player.app.show(DecideScreen(player.app, "US"))
    player.pump()
    assert "accept:TW" in player.screen.widgets


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", ["setup", "decide", "answer", "counter", "news"])
def test_every_widget_lies_inside_the_window(make_app, size: tuple[int, int], kind: str) -> None:
    """No widget of the screen reaches outside the window."""
    player = Player(make_app(size=size))
    put_up(player, kind)
    window = pygame.Rect((0, 0), size)
    outside = [(type(w).__name__, w.rect) for w in widgets(player) if not window.contains(w.rect)]
    assert outside == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", ["setup", "decide", "answer", "counter", "news"])
def test_no_two_buttons_overlap(make_app, size: tuple[int, int], kind: str) -> None:
    """No two visible buttons of the screen overlap."""
    player = Player(make_app(size=size))
    put_up(player, kind)
    overlaps = [
        (a.text, b.text)
        for a, b in itertools.combinations(buttons(player), 2)
        if a.rect.colliderect(b.rect)
    ]
    assert overlaps == []
