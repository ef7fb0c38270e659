"""Line charts of a game's metrics over time, drawn with pygame (for the screens and the export).

A `Chart` is plain data: a title and a few `Series` of one value per quarter. `key_charts`
picks the ones a seminar looks at; `draw_chart` draws one into a rectangle with dated axes,
a line style per series as well as a colour (readable by colour-blind viewers and on a
black-and-white print) and each series named at the end of its line.

Every line and label is drawn at least 3:1 against the chart's background (WCAG's least
contrast for graphics and large text): a colour too faint for it, the light blue or
yellow of the dark theme on white paper, is darkened (on a dark screen, lightened) until
it is, keeping its hue.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import pygame

from game.sim import GeoModel
from game.ui._screen import Text
from game.ui._theme import Colour, Look

__all__ = [
    "MIN_CONTRAST",
    "Chart",
    "ChartLayout",
    "Ink",
    "Series",
    "contrast_ratio",
    "date_ticks",
    "draw_chart",
    "key_charts",
    "legible",
    "render_chart",
]

# Dash patterns (on, off) in multiples of the line width; (0, 0) is a solid line.
DASHES = ((0, 0), (6, 3), (2, 2.5), (9, 3), (4, 2), (1.5, 4))

# The least contrast of a line or label with the chart's background (WCAG 2: graphics
# and large text).
MIN_CONTRAST = 3.0

# Steps between dated quarters, in quarters: a quarter, half a year, 1, 2, 3, 5, 10, … years.
DATE_STEPS = (1, 2, 4, 8, 12, 20, 40, 80, 200, 400)


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

    def line(self, colour: Colour) -> Colour:
        """`colour` as a line or label on this background: itself, or darkened (on paper)
        or lightened (on screen) until it stands out at least `MIN_CONTRAST` : 1."""
        return legible(colour, self.background, MIN_CONTRAST)


@dataclass(frozen=True)
class ChartLayout:
    """Where `draw_chart` put things: the plot, each dated quarter's label (its index and
    box) and every colour it drew a line or label in (the grid's faint lines aside)."""

    plot: pygame.Rect
    dates: tuple[tuple[int, pygame.Rect], ...] = ()
    colours: frozenset[Colour] = frozenset()


def contrast_ratio(a: Colour, b: Colour) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def legible(colour: Colour, background: Colour, ratio: float = MIN_CONTRAST) -> Colour:
    """`colour` mixed towards black on a light background (towards white on a dark one),
    as little as gives at least `ratio` : 1 against `background`."""
    if contrast_ratio(colour, background) >= ratio:
        return colour
    end = 0 if _luminance(background) > 0.18 else 255  # 0.18: as far from black as white
    r, g, b = colour
    for step in range(1, 101):
        f = step / 100
        mixed = (round(r + (end - r) * f), round(g + (end - g) * f), round(b + (end - b) * f))
        if contrast_ratio(mixed, background) >= ratio:
            return mixed
    return (end, end, end)


def _luminance(colour: Colour) -> float:
    """WCAG 2's relative luminance of an sRGB colour."""

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def key_charts(model: GeoModel, look: Look, ink: Ink | None = None) -> list[Chart]:
    """The charts a seminar looks at: the shield, tension and trust; advanced capacity;
    the world economy; and the nations' scores (`ink` colours the world's GDP line).

    The shield, tension and trust are drawn in the theme's colours for them (never a
    nation's, so no line reads as a nation's), the nations in their own."""
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
                series("silicon_shield", "Shield", look.colour("shield"), 0),
                series("strait_tension", "Tension", look.colour("tension"), 1),
                series("us_tw_trust", "Trust", look.colour("trust"), 2),
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
) -> ChartLayout:
    """Draw `chart` into `rect`: title, value axis, dated time axis, lines and their names.

    Args:
        dates: the date of each quarter, as long as the longest series.
        text_size: the pixel size of the axis labels (the title is a little larger).

    Returns:
        Where the plot and the dates went, and the colours drawn in.
    """
    pygame.draw.rect(surface, ink.background, rect, border_radius=text_size // 3)
    pad = text_size // 2
    title = text.draw(
        surface, chart.title, (rect.x + pad, rect.y + pad), round(text_size * 1.15), ink.text, True
    )
    used = {ink.text}
    series = [s for s in chart.series if s.values]
    if not series:
        text.draw(
            surface, "No quarters played yet", rect.center, text_size, ink.muted, anchor="center"
        )
        return ChartLayout(pygame.Rect(rect.center, (0, 0)), (), frozenset(used | {ink.muted}))
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
        return ChartLayout(pygame.Rect(rect.center, (0, 0)), (), frozenset(used))  # too small
    plot = pygame.Rect(left, top, right - left, bottom - top)

    def y_of(value: float) -> float:
        return plot.bottom - (value - lo) / (hi - lo) * plot.h

    count = max(len(s.values) for s in series)

    def x_of(index: int) -> float:
        return plot.centerx if count == 1 else plot.x + index * plot.w / (count - 1)

    line = max(2, text_size // 7)
    used.add(ink.muted)
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = round(y_of(tick))
        pygame.draw.line(surface, ink.grid, (plot.x, y), (plot.right, y), max(1, line // 2))
        text.draw(surface, label, (plot.x - pad // 2, y), text_size, ink.muted, anchor="midright")
    pygame.draw.line(surface, ink.muted, plot.bottomleft, plot.bottomright, max(1, line // 2))
    shown = dates[:count]
    widest = max(font.size(d)[0] for d in shown) if shown else 0
    # The first date starts at its quarter (the value axis's labels are left of it); the
    # last is centred on its own when the margin right of the plot has room for its half,
    # else it ends there; the dates between are centred on theirs.
    centred = rect.right - plot.right >= widest / 2 + pad // 2
    placed = []
    for index in date_ticks(shown, plot.w, widest, pad * 2, centred_last=centred):
        x = round(x_of(index))
        anchor = "midtop"
        if count > 1 and index == 0:
            anchor = "topleft"
        elif count > 1 and index == count - 1 and not centred:
            anchor = "topright"
        box = font.render(dates[index], True, ink.muted).get_rect(
            **{anchor: (x, plot.bottom + pad // 2)}
        )
        pygame.draw.line(surface, ink.muted, (x, plot.bottom), (x, plot.bottom + pad // 2), 1)
        text.draw(surface, dates[index], box.topleft, text_size, ink.muted)
        placed.append((index, box))
    ends: list[list[Any]] = []
    for s in series:
        colour = ink.line(s.colour)
        used.add(colour)
        points = [(x_of(i), y_of(v)) for i, v in enumerate(s.values)]
        _polyline(surface, colour, points, line, DASHES[s.dash % len(DASHES)])
        pygame.draw.circle(surface, colour, (round(points[-1][0]), round(points[-1][1])), line * 2)
        ends.append([points[-1][1], s.label, colour])
    height = font.get_linesize()
    for y, label, colour in _spread(ends, height, plot.top, plot.bottom):
        text.draw(surface, label, (plot.right + pad, round(y)), text_size, colour, anchor="midleft")
    return ChartLayout(plot, tuple(placed), frozenset(used))


def date_ticks(
    dates: list[str], span: float, width: float, gap: float, centred_last: bool = False
) -> list[int]:
    """Which quarters get their date under the time axis: the first, the last, and between
    them every `step` quarters (a quarter, half a year, a year, 2, 3, 5, 10 … years; on a
    first quarter of a year once the step is a year or more), the smallest step at which
    no two dates come closer than `gap`.

    The first date is drawn from its quarter rightwards, the last centred on its quarter
    (`centred_last`) or up to it, the others centred. The step leaves room for a date and
    a half between any two, so that a date is left out only next to the first or the last
    when it would come too close to it: the gaps at the ends are shorter than two steps.

    Args:
        dates: the quarters' dates ('2025 Q1', …).
        span: pixels from the first quarter to the last.
        width: the widest date, in pixels.
        gap: the least room between two dates, in pixels.
        centred_last: whether the last date is centred on its quarter.

    Returns:
        The quarters' indexes, in order; only the last quarter's when two dates do not fit.
    """
    count = len(dates)
    if count <= 1:
        return list(range(count))
    last = count - 1
    after_first = 1.5 * width + gap  # from the first quarter to a centred date's
    before_last = (1.0 if centred_last else 1.5) * width + gap
    if span < after_first + (0.0 if centred_last else 0.5 * width):
        return [last]
    per = span / last  # pixels per quarter
    step = next((s for s in DATE_STEPS if s * per >= after_first), last)
    start = _first_on(dates, step)
    between = [
        i
        for i in range(start, last, step)
        if i * per >= after_first and (last - i) * per >= before_last
    ]
    return [0, *between, last]


def _first_on(dates: list[str], step: int) -> int:
    """The first quarter a step of `step` quarters dates: a year's first quarter for a step
    of a year or more, its first or third for half a year (else the game's first)."""
    cycle = min(step, 4)
    for i, date in enumerate(dates[:step]):
        quarter = date.rsplit("Q", 1)[-1]
        if quarter.isdigit() and (int(quarter) - 1) % cycle == 0:
            return i
    return 0


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


def _spread(ends: list[list[Any]], height: float, top: float, bottom: float) -> list[list[Any]]:
    """Move the end labels ([y, label, colour]) apart so no two overlap, inside the plot."""
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
