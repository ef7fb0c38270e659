"""The debrief as the room sees it projected and as it is exported: every score and
objective without scrolling, no ranking across nations, teams named as they were given,
the turning points with the teams' decisions always among them and the facilitator's
events labelled as such, and numbers in words a room reads
(game/ui/_screens_debrief.py, _export.py)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pytest
from pygame_gui.elements import UITextBox, UIVerticalScrollBar

from game.sim import Decision
from game.ui._app import App
from game.ui._export import (
    SCORES_NOTE,
    TurningPoint,
    debrief_markdown,
    format_value,
    seat_order,
    turning_points,
)
from game.ui._screens_world import DebriefScreen
from game.ui._session import Session

from .driver import Player

SIZES = [(1280, 720), (1600, 900), (1920, 1080), (3840, 2160)]
TEAMS = {"US": "Washington", "TW": "Taipei"}


INJECTED = "(injected by the facilitator)"
TRIAL_TEAMS = {"US": "Eagles", "TW": "Team Taiwan"}  # one named, one by the default


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


@pytest.fixture(scope="module")
def trial() -> Session:
    """The classroom trial's seminar: the Eagles (US) put most into AI in 2025 Q2 and
    propose the 50-50 plan in 2025 Q4, Team Taiwan accepts it in 2026 Q1, and the
    facilitator injects a strait crisis in 2026 Q3."""
    session = Session.new("seminar", TRIAL_TEAMS, seed=5)
    lines = list(session.model.ruleset.investment_lines)
    for turn in range(1, session.model.turns + 1):
        if turn == 2:
            rest = 0.3 / (len(lines) - 1)
            session.decide(Decision("US", {line: 0.7 if line == "ai" else rest for line in lines}))
        if turn == 4:
            session.decide(Decision("US", None, [("propose_sourcing_5050", "TW")]))
        if turn == 5:
            session.decide(Decision("TW", None, [("accept_proposal", "US")]))
        if turn == 7:
            session.inject("strait_crisis")
        session.resolve()
    return session


def jump(point: TurningPoint) -> float:
    """A turning point's largest move, measured as `turning_points` ranks them."""
    return max(abs(b - a) / max(1.0, abs(a)) for _, a, b in point.changes)


def test_the_turning_points_shown_are_the_first_ranked(
    make_app: Callable[..., App], whole_game: Session
) -> None:
    """At 1280x720 at least three turning points fit, and they are the first ranked."""
    app = show_debrief(make_app, (1280, 720), whole_game)
    shown = app.screen.points_shown
    points = turning_points(whole_game.model, reports=whole_game.reports, teams=TEAMS)
    assert len(shown) >= 3
    assert shown == points[: len(shown)]


def test_a_teams_decision_is_a_turning_point_even_when_small(trial: Session) -> None:
    """Taiwan's acceptance of the 50-50 plan (2026 Q1) and the US proposal come first
    among the turning points, though the injected crisis moved the metrics more, and
    even when only one is asked for."""
    model = trial.model
    points = turning_points(model, count=1, reports=trial.reports, teams=TRIAL_TEAMS)
    assert [(p.date, p.decided) for p in points] == [
        ("2026 Q1", ("Team Taiwan",)),
        ("2025 Q4", ("Eagles",)),
    ]
    assert any("Taiwan accepts the 50-50 plan" in line for line in points[0].behind)
    ranked = turning_points(model, count=4, reports=trial.reports, teams=TRIAL_TEAMS)
    crisis = next(p for p in ranked if p.date == "2026 Q3")
    assert jump(points[0]) < jump(crisis)


def test_the_debrief_shows_the_headline_decision(
    make_app: Callable[..., App], trial: Session
) -> None:
    """At 1280x720 the debrief shows Taiwan's acceptance and the US proposal first; the
    injected crisis, ranked after Korea and the EU joining the Clean Network in 2027 Q3,
    is labelled as the facilitator's."""
    app = show_debrief(make_app, (1280, 720), trial)
    shown = {p.date: p for p in app.screen.points_shown}
    assert [p.date for p in app.screen.points_shown][:2] == ["2026 Q1", "2025 Q4"]
    assert shown["2026 Q1"].heading == "2026 Q1 — Team Taiwan's decision"
    ranked = turning_points(trial.model, count=4, reports=trial.reports, teams=TRIAL_TEAMS)
    crisis = next(p for p in ranked if p.date == "2026 Q3")
    assert crisis.heading == f"2026 Q3 — Strait crisis {INJECTED}"


def test_an_injected_event_says_so_wherever_it_is_shown(trial: Session) -> None:
    """Every line of the turning points and of the export that tells of the injected
    crisis says it was injected by the facilitator; a chance event never does."""
    model = trial.model
    points = turning_points(model, count=12, reports=trial.reports, teams=TRIAL_TEAMS)
    lines = [line for p in points for line in (p.heading, *p.behind)]
    text = debrief_markdown(model, TRIAL_TEAMS, points=points)
    told = [line for line in [*lines, *text.splitlines()] if "CRISIS" in line or "Q3 — " in line]
    assert len(told) >= 4  # heading and news line, in the points and in the Markdown
    assert all(f"Strait crisis {INJECTED}" in line for line in told), told
    assert f"- **2026 Q3**: Strait crisis {INJECTED} — CRISIS in the Taiwan Strait" in text
    chance = [line for line in text.splitlines() if "Submarine cables" in line]
    assert chance
    assert not [line for line in chance if "injected" in line]


def test_teams_are_named_as_given(trial: Session) -> None:
    """A team's own name and the default "Team <nation>" are both printed as they are."""
    text = debrief_markdown(trial.model, TRIAL_TEAMS, points=None)
    assert "| United States | Eagles |" in text
    assert "| Taiwan | Team Taiwan |" in text
    assert "Teams: Eagles (United States), Team Taiwan (Taiwan)" in text
    assert "### 2025 Q4 — Eagles' decision" in text
    assert "### 2026 Q1 — Team Taiwan's decision" in text
    assert "team Eagles" not in text
    assert "team Team" not in text.replace("Team Taiwan", "")


def test_the_export_names_lines_and_counts_in_words(trial: Session) -> None:
    """Investment lines by name (never 'ai'); counts as whole numbers and 0/1 flags as
    no/yes in the table of where things ended."""
    model = trial.model
    points = turning_points(model, count=12, reports=trial.reports, teams=TRIAL_TEAMS)
    text = debrief_markdown(model, TRIAL_TEAMS, points=points)
    assert "  - Eagles (United States) put the largest share of its budget into AI (70%)" in text
    assert "into ai" not in text
    members = model.metric_values["clean_network_members"]
    assert f"| Clean Network members | {members:.0f} |" in text
    formed = "yes" if model.metric_values["t7_formed"] else "no"
    assert f"| T7 formed | {formed} |" in text


def test_a_flag_is_told_by_its_bounds_not_its_name(trial: Session) -> None:
    """t7_formed reads a world attribute bounded 0..1: no/yes. clean_network_members is a
    count without bounds: 1 stays 1. Shares and a count's non-whole mean keep decimals."""
    model = trial.model
    assert format_value(model, "t7_formed", 1.0) == "yes"
    assert format_value(model, "t7_formed", 0.0) == "no"
    assert format_value(model, "t7_formed", 0.25) == "0.250"
    assert format_value(model, "clean_network_members", 1.0) == "1"
    assert format_value(model, "clean_network_members", 3.0) == "3"
    assert format_value(model, "clean_network_members", 2.5) == "2.500"
    assert format_value(model, "us_tw_trust", 1.0) == "1.000"


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
    assert rows[0].startswith("| United States | Washington |")
    assert rows[1].startswith("| Taiwan | Taipei |")
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
