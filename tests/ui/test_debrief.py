"""The debrief as the room sees it projected: every score and objective without scrolling,
no ranking across nations, the turning points (game/ui/_screens_debrief.py, _export.py)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pytest
from pygame_gui.elements import UITextBox, UIVerticalScrollBar

from game.ui._app import App
from game.ui._export import SCORES_NOTE, debrief_markdown, seat_order, turning_points
from game.ui._screens_world import DebriefScreen
from game.ui._session import Session

from .driver import Player

SIZES = [(1280, 720), (1600, 900), (1920, 1080), (3840, 2160)]
TEAMS = {"US": "Washington", "TW": "Taipei"}


@pytest.fixture
def whole_game() -> Session:
    """A seminar of twelve quarters, the US and Taiwan played by teams."""
    session = Session.new("seminar", TEAMS, seed=5)
    for _ in range(session.model.turns):
        session.resolve()
    return session


def show_debrief(make_app: Callable[..., App], size: tuple[int, int], session: Session) -> App:
    """An app of `size` showing the debrief of `session`, drawn."""
    app = make_app(size=size)
    player = Player(app)
    player.start(session)
    app.show(DebriefScreen(app))
    player.pump()
    return app


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_score_shows_without_a_scroll_bar(
    make_app: Callable[..., App], whole_game: Session, size: tuple[int, int]
) -> None:
    """All six nations' rows are drawn on screen above the status line, one below the
    other, with no text box or scroll bar anywhere."""
    app = show_debrief(make_app, size, whole_game)
    debrief = app.screen
    assert isinstance(debrief, DebriefScreen)
    widgets = app.manager.get_sprite_group().sprites()
    assert not [w for w in widgets if isinstance(w, UITextBox | UIVerticalScrollBar)]
    rows = debrief.score_rows
    assert set(rows) == set(whole_game.model.nations)
    window = app.window.get_rect()
    ordered = [rows[n] for n in seat_order(whole_game.model, TEAMS)]
    for above, below in pairwise(ordered):
        assert above.bottom <= below.top
    assert all(window.contains(row) for row in ordered)
    assert ordered[-1].bottom <= debrief.status.rect.top


def test_scores_list_teams_first_not_by_score(whole_game: Session) -> None:
    """The teams' nations come first, then the bots', in the rules' order, whatever they
    scored."""
    model = whole_game.model
    order = seat_order(model, TEAMS)
    assert order[:2] == ["US", "TW"]
    assert order[2:] == [n for n in model.nations if n not in TEAMS]
    scores = model.scores()
    assert scores["TW"] > scores["US"]  # a ranking would put Taiwan first


def test_the_turning_points_shown_are_the_largest(
    make_app: Callable[..., App], whole_game: Session
) -> None:
    """At 1280x720 at least two turning points fit, and they are the largest ones."""
    app = show_debrief(make_app, (1280, 720), whole_game)
    shown = app.screen.points_shown
    points = turning_points(whole_game.model, reports=whole_game.reports)
    assert len(shown) >= 2
    assert shown == points[: len(shown)]


def test_the_export_says_the_same_and_ranks_no_one(whole_game: Session) -> None:
    """The Markdown lists the nations teams first with each one's aim, says what
    the scores compare, and has no rank column."""
    model = whole_game.model
    text = debrief_markdown(model, TEAMS, points=[])
    assert SCORES_NOTE in text
    assert "Rank" not in text
    table = [line for line in text.splitlines() if line.startswith("| ") and " | bot | " in line]
    names = [model.nations[n].name for n in seat_order(model, TEAMS)]
    rows = [line for line in text.splitlines() if line.startswith(("| United", "| Taiwan"))]
    assert rows[0].startswith("| United States | team Washington |")
    assert rows[1].startswith("| Taiwan | team Taipei |")
    assert [line.split(" | ")[0][2:] for line in table] == names[2:]
    assert model.ruleset.objectives["TW"].doc in rows[1]


def test_six_teams_still_leave_room_for_the_turning_points(
    make_app: Callable[..., App],
) -> None:
    """With every nation a team at 1280x720 the six rows fit above the status line and
    the turning points still get room (the aims give way; the points per objective stay)."""
    teams = {"US": "Washington DC", "TW": "Taipei", "CN": "Beijing"}
    teams |= {"JP": "Tokyo", "KR": "Seoul", "EU": "Brussels"}
    session = Session.new("seminar", teams, seed=5)
    for _ in range(session.model.turns):
        session.resolve()
    app = show_debrief(make_app, (1280, 720), session)
    debrief = app.screen
    assert max(row.bottom for row in debrief.score_rows.values()) <= debrief.status.rect.top
    assert len(debrief.points_shown) >= 2
