"""The charts, on screen and exported: colours that read on their background and never
stand for the wrong thing, and dated time axes that are regular and never crowded
(game/ui/_charts.py, _screens_charts.py)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pygame
import pytest

from game.ui._app import App
from game.ui._charts import Chart, Ink, Series, draw_chart, key_charts
from game.ui._export import CHART_SIZE, CHART_TEXT
from game.ui._map import tension_colour
from game.ui._screen import Text
from game.ui._screens_charts import ChartsScreen
from game.ui._session import Session
from game.ui._theme import Look, load_look

from .driver import Player

METRICS = ("shield", "tension", "trust")


def wcag_contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2's contrast ratio, computed here from the standard's formulas."""

    def luminance(colour: tuple[int, int, int]) -> float:
        channels = [c / 255 for c in colour]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def game() -> Session:
    """A whole seminar (twelve quarters), the US and Taiwan played by teams."""
    session = Session.new("seminar", {"US": "Eagles", "TW": "Team Taiwan"}, seed=5)
    for _ in range(session.model.turns):
        session.resolve()
    return session


@pytest.fixture
def text(make_app: Callable[..., App]) -> Text:
    """The game's text drawer (pygame's fonts initialised by a headless app)."""
    return make_app().text


def dates_from(start_quarter: int, count: int) -> list[str]:
    """`count` quarters' dates from `start_quarter` (1–4) of 2025."""
    out = []
    for i in range(count):
        q = start_quarter - 1 + i
        out.append(f"{2025 + q // 4} Q{q % 4 + 1}")
    return out


def test_metric_colours_are_never_a_nations() -> None:
    """The shield, tension and trust colours differ from every nation's and each other's,
    and tension is the strait's yellow that the world's tension gauge passes through."""
    look = load_look(1280, 720)
    colours = [look.colour(m) for m in METRICS]
    assert len(set(colours)) == len(colours)
    assert not set(colours) & set(look.nations.values())
    assert look.colour("tension") == tension_colour(look, 0.5)


def test_the_shield_chart_draws_metrics_in_their_colours(game: Session) -> None:
    """The shield chart's lines are the metrics' colours; the capacity chart's the nations'."""
    look = load_look(1280, 720)
    charts = {c.key: c for c in key_charts(game.model, look)}
    assert [s.colour for s in charts["shield"].series] == [look.colour(m) for m in METRICS]
    assert {s.colour for s in charts["capacity"].series} <= set(look.nations.values())


@pytest.mark.parametrize("where", ["screen", "paper"])
def test_every_line_and_label_stands_out_from_its_background(
    game: Session, text: Text, where: str
) -> None:
    """Every colour a chart draws a line or label in has at least 3:1 contrast with its
    background: on the dark screen and on the exported charts' white."""
    look = load_look(1280, 720)
    ink = Ink.screen(look) if where == "screen" else Ink.paper()
    size, text_size = ((600, 300), look.text("body")) if where == "screen" else (CHART_SIZE, 28)
    model = game.model
    dates = [model.date_of(t) for t in range(1, model.turn + 1)]
    drawn = set()
    for chart in key_charts(model, look, ink):
        surface = pygame.Surface(size)
        layout = draw_chart(surface, surface.get_rect(), chart, dates, text, text_size, ink)
        assert {ink.line(s.colour) for s in chart.series} <= layout.colours
        drawn |= layout.colours
    low = {c: round(wcag_contrast(c, ink.background), 2) for c in drawn}
    assert all(ratio >= 3.0 for ratio in low.values()), low
    # The faint ones of the dark theme were there to be darkened on paper.
    assert (look.nation("KR") in drawn) == (where == "screen")


def chart_sizes(make_app: Callable[..., App]) -> list[tuple[str, tuple[int, int], int]]:
    """Each place a chart is drawn: a quarter of the charts screen at the smallest and
    largest window, and an exported PNG."""
    out = []
    for window in ((1280, 720), (3840, 2160)):
        app = make_app(size=window)
        rect = ChartsScreen(app).chart_rects()[0]
        out.append((f"screen {window[0]}x{window[1]}", rect.size, app.look.text("body")))
    out.append(("export", CHART_SIZE, CHART_TEXT))
    return out


@pytest.mark.parametrize("start", [1, 3], ids=["from Q1", "from Q3"])
def test_dates_are_regular_and_never_overlap(
    make_app: Callable[..., App], text: Text, start: int
) -> None:
    """For games of 1 to 64 quarters, on screen and exported, the time axis dates the first
    and last quarters and every `step` quarters between (a year's first quarter once the
    step is a year), no two dates touching and every date inside the chart."""
    look: Look = make_app().look
    ink = Ink.screen(look)
    for where, size, text_size in chart_sizes(make_app):
        gap = text_size // 2
        for count in range(1, 65):
            dates = dates_from(start, count)
            chart = Chart("t", "Test", (Series("Shield", tuple(range(count)), (255, 255, 255)),))
            surface = pygame.Surface(size)
            layout = draw_chart(surface, surface.get_rect(), chart, dates, text, text_size, ink)
            indexes = [i for i, _ in layout.dates]
            boxes = [box for _, box in layout.dates]
            case = f"{where}, {count} quarters: {[dates[i] for i in indexes]}"
            assert indexes[0] == 0, case
            assert indexes[-1] == count - 1, case
            for left, right in pairwise(boxes):
                assert right.left - left.right >= gap, case
            assert all(surface.get_rect().contains(box) for box in boxes), case
            steps = [b - a for a, b in pairwise(indexes)]
            if len(steps) >= 3:
                step = steps[1]
                assert set(steps[1:-1]) == {step}, case
                assert 0 < steps[0] < 2 * step, case
                assert 0 < steps[-1] < 2 * step, case
                if step >= 4:
                    assert all(dates[i].endswith("Q1") for i in indexes[1:-1]), case


def test_the_charts_screen_dates_the_whole_game(
    make_app: Callable[..., App], game: Session
) -> None:
    """At 1280x720 after twelve quarters each chart dates 2025 Q1 and 2027 Q4, at a regular
    step between, without two dates touching."""
    app = make_app(size=(1280, 720))
    player = Player(app)
    player.start(game)
    charts = ChartsScreen(app)
    app.show(charts)
    player.pump()
    assert len(charts.layouts) == 4
    for layout in charts.layouts:
        dates = [game.model.date_of(i + 1) for i, _ in layout.dates]
        assert dates[0] == "2025 Q1"
        assert dates[-1] == "2027 Q4"
        steps = {b - a for (a, _), (b, _) in pairwise(layout.dates[:-1])}
        assert len(steps) <= 1, dates
        for (_, left), (_, right) in pairwise(layout.dates):
            assert left.right < right.left, dates
