"""Line charts of a game's metrics over time, drawn with pygame (for the screens and the export).

A `Chart` is plain data: a title and a few `Series` of one value per quarter. `key_charts`
picks the ones a seminar looks at; `draw_chart` draws one into a rectangle with dated axes,
a line style per series as well as a colour (readable by colour-blind viewers and on a
black-and-white print) and each series named at the end of its line.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import pygame

from game.sim import GeoModel
from game.ui._screen import Text
from game.ui._theme import Colour, Look

__all__ = ["Chart", "Ink", "Series", "draw_chart", "key_charts", "render_chart"]

# Dash patterns (on, off) in multiples of the line width; (0, 0) is a solid line.
DASHES = ((0, 0), (6, 3), (2, 2.5), (9, 3), (4, 2), (1.5, 4))


@dataclass(frozen=True)
class Series:
    """One line: its name, a value per quarter (turn 1 first), its colour and dash style."""

    label: str
    values: tuple[float, ...]
    colour: Colour
    dash: int = 0


@dataclass(frozen=True)
class Chart:
    """A titled chart of a few series; `lo`/`hi` fix the value axis, `percent` labels it in %."""

    key: str
    title: str
    series: tuple[Series, ...]
    lo: float | None = None
    hi: float | None = None
    percent: bool = False


@dataclass(frozen=True)
class Ink:
    """The colours a chart is drawn in (the screen's dark theme, or white paper to print)."""

    background: Colour
    text: Colour
    muted: Colour
    grid: Colour

    @classmethod
    def screen(cls, look: Look) -> Ink:
        """The game's own colours."""
        return cls(
            look.colour("panel"),
            look.colour("text"),
            look.colour("muted"),
            look.colour("panel_edge"),
        )

    @classmethod
    def paper(cls) -> Ink:
        """Dark ink on white, for a handout."""
        return cls((255, 255, 255), (20, 24, 32), (90, 96, 110), (215, 218, 225))


def key_charts(model: GeoModel, look: Look, ink: Ink | None = None) -> list[Chart]:
    """The charts a seminar looks at: the shield, tension and trust; advanced capacity;
    the world economy; and the nations' scores (`ink` colours the world's GDP line)."""
    ink = ink or Ink.screen(look)
    h = model.history
    name = {n: a.name for n, a in model.nations.items()}

    def series(metric: str, label: str, colour: Colour, dash: int) -> Series:
        return Series(label, tuple(h.get(metric, ())), colour, dash)

    gdp = [
        series(f"{n.lower()}_gdp_index", name[n], look.nation(n), i + 1)
        for i, n in enumerate(model.nations)
        if f"{n.lower()}_gdp_index" in h
    ]
    scores = model.score_history()
    return [
        Chart(
            "shield",
            "Silicon shield, strait tension, US–Taiwan trust",
            (
                series("silicon_shield", "Shield", look.colour("good"), 0),
                series("strait_tension", "Tension", look.colour("bad"), 1),
                series("us_tw_trust", "Trust", look.colour("link"), 2),
            ),
            lo=0.0,
            hi=1.0,
            percent=True,
        ),
        Chart(
            "capacity",
            "Share of advanced (<7 nm) chip capacity",
            (
                series("tw_advanced_share", name.get("TW", "TW"), look.nation("TW"), 0),
                series("us_advanced_share", name.get("US", "US"), look.nation("US"), 1),
                series("cn_advanced_share", name.get("CN", "CN"), look.nation("CN"), 2),
            ),
            lo=0.0,
            hi=1.0,
            percent=True,
        ),
        Chart(
            "economy",
            "GDP (2025 = 100)",
            (series("global_gdp_index", "World", ink.text, 0), *gdp),
        ),
        Chart(
            "scores",
            "Scores",
            tuple(
                Series(name.get(n, n), tuple(v), look.nation(n), i)
                for i, (n, v) in enumerate(scores.items())
            ),
        ),
    ]


def render_chart(
    chart: Chart, size: tuple[int, int], dates: list[str], text: Text, text_size: int, ink: Ink
) -> pygame.Surface:
    """The chart drawn on a surface of its own (to cache, or to save as a PNG)."""
    surface = pygame.Surface(size)
    surface.fill(ink.background)
    draw_chart(surface, surface.get_rect(), chart, dates, text, text_size, ink)
    return surface


def draw_chart(
    surface: pygame.Surface,
    rect: pygame.Rect,
    chart: Chart,
    dates: list[str],
    text: Text,
    text_size: int,
    ink: Ink,
) -> None:
    """Draw `chart` into `rect`: title, value axis, dated time axis, lines and their names.

    Args:
        dates: the date of each quarter, as long as the longest series.
        text_size: the pixel size of the axis labels (the title is a little larger).
    """
    pygame.draw.rect(surface, ink.background, rect, border_radius=text_size // 3)
    pad = text_size // 2
    title = text.draw(
        surface, chart.title, (rect.x + pad, rect.y + pad), round(text_size * 1.15), ink.text, True
    )
    series = [s for s in chart.series if s.values]
    if not series:
        text.draw(
            surface, "No quarters played yet", rect.center, text_size, ink.muted, anchor="center"
        )
        return
    values = [v for s in series for v in s.values]
    lo, hi = _value_range(values, chart.lo, chart.hi)
    ticks = _ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    tick_labels = [_format(t, chart.percent, hi - lo) for t in ticks]
    font = text.font(text_size)
    left = rect.x + pad + max(font.size(t)[0] for t in tick_labels) + pad
    right_labels = max(font.size(s.label)[0] for s in series) + pad * 2
    right = rect.right - pad - min(right_labels, rect.w // 3)
    top = title.bottom + pad
    bottom = rect.bottom - pad - round(text_size * 1.4)
    if right - left < text_size * 4 or bottom - top < text_size * 2:
        return  # too small to say anything
    plot = pygame.Rect(left, top, right - left, bottom - top)

    def y_of(value: float) -> float:
        return plot.bottom - (value - lo) / (hi - lo) * plot.h

    count = max(len(s.values) for s in series)

    def x_of(index: int) -> float:
        return plot.centerx if count == 1 else plot.x + index * plot.w / (count - 1)

    line = max(2, text_size // 7)
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = round(y_of(tick))
        pygame.draw.line(surface, ink.grid, (plot.x, y), (plot.right, y), max(1, line // 2))
        text.draw(surface, label, (plot.x - pad // 2, y), text_size, ink.muted, anchor="midright")
    pygame.draw.line(surface, ink.muted, plot.bottomleft, plot.bottomright, max(1, line // 2))
    placed: list[pygame.Rect] = []
    ticks = _date_ticks(dates[:count], plot.w, font.size("2030 Q4")[0] + pad * 2)
    # The first and last quarters are dated first; a date that would touch one is left out.
    for index in sorted(ticks, key=lambda i: (i not in (0, count - 1), i)):
        x = round(x_of(index))
        anchor = "midtop"
        if count > 1 and index == 0:
            anchor = "topleft"
        elif count > 1 and index == count - 1:
            anchor = "topright"
        box = font.render(dates[index], True, ink.muted).get_rect(
            **{anchor: (x, plot.bottom + pad // 2)}
        )
        if box.inflate(pad, 0).collidelist(placed) != -1:
            continue
        placed.append(box)
        pygame.draw.line(surface, ink.muted, (x, plot.bottom), (x, plot.bottom + pad // 2), 1)
        text.draw(surface, dates[index], box.topleft, text_size, ink.muted)
    ends = []
    for s in series:
        points = [(x_of(i), y_of(v)) for i, v in enumerate(s.values)]
        _polyline(surface, s.colour, points, line, DASHES[s.dash % len(DASHES)])
        pygame.draw.circle(
            surface, s.colour, (round(points[-1][0]), round(points[-1][1])), line * 2
        )
        ends.append([points[-1][1], s])
    height = font.get_linesize()
    for y, s in _spread(ends, height, plot.top, plot.bottom):
        text.draw(
            surface, s.label, (plot.right + pad, round(y)), text_size, s.colour, anchor="midleft"
        )


def _value_range(values: list[float], lo: float | None, hi: float | None) -> tuple[float, float]:
    """The value axis: fixed ends where given, else the data's with a little room."""
    low = min(values) if lo is None else lo
    high = max(values) if hi is None else hi
    if lo is None and hi is None:
        room = (high - low) * 0.08 or max(abs(high) * 0.05, 0.5)
        low, high = low - room, high + room
    if high - low < 1e-9:
        high = low + 1.0
    return low, high


def _ticks(lo: float, hi: float, wanted: int = 4) -> list[float]:
    """Round values from below `lo` to above `hi`, about `wanted` steps apart."""
    raw = (hi - lo) / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(lo / step + 1e-9) * step
    ticks = [start]
    while ticks[-1] < hi - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _format(value: float, percent: bool, span: float) -> str:
    """A tick's label: 45%, 102, 0.25."""
    if percent:
        return f"{value * 100:.0f}%"
    if span >= 5:
        return f"{value:.0f}"
    return f"{value:.2g}" if abs(value) < 1 else f"{value:.1f}"


def _date_ticks(dates: list[str], width: float, label_width: float) -> list[int]:
    """Which quarters get a date under the axis: every 1, 2, 4, 8, … quarters (from a first
    quarter of a year once the step is a year or more), as many as fit, and the first and
    last quarter (`draw_chart` leaves out a date that would touch another)."""
    count = len(dates)
    if count <= 1:
        return [0] if count else []
    per = width / (count - 1)  # pixels per quarter
    step = next(
        s for s in (1, 2, 4, 8, 12, 20, 40, 80, 200, 400) if s * per >= label_width or s == 400
    )
    first = 0
    if step >= 4:
        first = next((i for i, d in enumerate(dates[:4]) if d.endswith("Q1")), 0)
    ticks = list(range(first, count, step))
    return sorted({0, *ticks, count - 1})


def _spread(ends: list[list], height: float, top: float, bottom: float) -> list[list]:
    """Move the end labels ([y, series] pairs) apart so no two overlap, inside the plot."""
    ends.sort(key=lambda e: e[0])
    for i, e in enumerate(ends):
        e[0] = max(e[0], top + height / 2 if i == 0 else ends[i - 1][0] + height)
    for i in range(len(ends) - 1, -1, -1):
        limit = bottom - height / 2 if i == len(ends) - 1 else ends[i + 1][0] - height
        ends[i][0] = min(ends[i][0], limit)
    return ends


def _polyline(
    surface: pygame.Surface,
    colour: Colour,
    points: list[tuple[float, float]],
    width: int,
    dash: tuple[float, float],
) -> None:
    """A line through `points`, solid or dashed (the pattern runs on across corners)."""
    if len(points) < 2:
        return
    on, off = dash[0] * width, dash[1] * width
    if on == 0:
        pygame.draw.lines(surface, colour, False, points, width)
        return
    drawing, left = True, on
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        at = 0.0
        while at < length:
            step = min(left, length - at)
            if drawing:
                a, b = at / length, (at + step) / length
                start = (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a)
                end = (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)
                pygame.draw.line(surface, colour, start, end, width)
            at += step
            left -= step
            if left <= 1e-9:
                drawing = not drawing
                left = on if drawing else off
