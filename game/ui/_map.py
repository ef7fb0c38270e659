"""The map of the six actors drawn with pygame: nations in their colours, the Taiwan Strait
coloured by its tension, and the Clean Network and T7 as lines between members.

The main firms (the foundries) are small dots in a row beside their home's label, sized by
advanced capacity (`FirmMark`).

`MapView` keeps the drawn map per window rectangle and state (`MapState`), so a screen
blits one cached surface each frame and draws only the hover outline on top.

Pointing at an actor (`MapView.actor_at`) means pointing at its name label, its land, or,
for an actor whose land is a sliver on screen (Taiwan, South Korea), anywhere in a box a
unit around it: a student aims at the word or the island, not at a pixel of coast.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from game.sim import GeoModel
from game.ui._mapdata import MapData, load_map
from game.ui._screen import Text
from game.ui._theme import Colour, Look

__all__ = ["FirmMark", "MapState", "MapView", "map_state", "tension_colour"]

# Where a label sits from its actor's label point, in units of its text size, and which
# point of the text is placed there: the small actors of East Asia are labelled at sea
# (South Korea's below it, in the sea between China's coast and Japan's Kyushu).
LABEL_PLACES: dict[str, tuple[str, float, float]] = {
    "TW": ("midleft", 0.9, 0.5),
    "KR": ("topleft", -1.5, 2.1),
    "JP": ("midleft", 0.4, 0.8),
}

# An actor whose land is narrower or shorter than this many units on screen is a small
# target: pointing within a unit of its land counts as pointing at it.
SMALL_ACTOR = 1.5


@dataclass(frozen=True)
class MapState:
    """What the map shows of a game at one moment (hashable: it keys the cache)."""

    names: tuple[tuple[str, str], ...]
    tension: float
    clean_network: tuple[str, ...]
    t7: tuple[str, ...]
    # The firms with a dot on the map: (firm id, home nation id, advanced capacity).
    firms: tuple[tuple[str, str, float], ...] = ()


@dataclass(frozen=True)
class FirmMark:
    """A firm's dot on the window: its centre and radius in pixels."""

    firm: str
    centre: tuple[int, int]
    radius: int

    def contains(self, pos: tuple[int, int], slop: float = 0.0) -> bool:
        """Whether `pos` is on the dot (or within `slop` pixels of it)."""
        dx, dy = pos[0] - self.centre[0], pos[1] - self.centre[1]
        return dx * dx + dy * dy <= (self.radius + slop) ** 2


def map_state(model: GeoModel) -> MapState:
    """The map's view of `model`: names, strait tension, Clean Network members and the T7."""
    nations = model.nations
    t7 = ()
    if getattr(model.world, "t7", 0) > 0:
        t7 = tuple(n for n, a in nations.items() if "t7" in a.tags)
    return MapState(
        names=tuple((n, a.name) for n, a in nations.items()),
        tension=round(float(model.metric_values.get("strait_tension", 0.0)), 3),
        clean_network=tuple(n for n, a in nations.items() if getattr(a, "clean_network", 0) > 0),
        t7=t7,
        firms=tuple(
            (f.id, f.home.id, round(float(getattr(f, "adv_capacity", 0.0)), 2))
            for f in sorted(
                model.firms.values(),
                key=lambda f: getattr(f, "adv_capacity", 0.0),
                reverse=True,
            )
            if "foundry" in f.tags and getattr(f, "home", None) is not None
        ),
    )


def tension_colour(look: Look, tension: float) -> Colour:
    """Calm blue at 0, the strait's yellow at 0.5, alarm orange-red at 1."""
    calm, mid, hot = look.colour("link"), look.colour("strait"), look.colour("bad")
    t = max(0.0, min(1.0, tension))
    a, b, f = (calm, mid, t * 2) if t < 0.5 else (mid, hot, t * 2 - 1)
    return tuple(round(x + (y - x) * f) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


class MapView:
    """Draws the map into a rectangle and finds the actor under the mouse."""

    def __init__(self, data: MapData | None = None):
        self.data = data if data is not None else load_map()
        self._cache: dict[tuple, pygame.Surface] = {}
        self._fitted: dict[tuple, dict[str, list[list[tuple[int, int]]]]] = {}
        self._marks: dict[tuple, list[FirmMark]] = {}
        self._labels: dict[tuple, dict[str, pygame.Rect]] = {}

    def fitted(self, rect: pygame.Rect) -> dict[str, list[list[tuple[int, int]]]]:
        """Each actor's polygons in pixels for `rect` (cached)."""
        key = tuple(rect)
        if key not in self._fitted:
            self._fitted[key] = self.data.fit(rect)
        return self._fitted[key]

    def label_point(self, actor: str, rect: pygame.Rect) -> tuple[int, int]:
        """An actor's label point in pixels."""
        return self.data.fit_point(self.data.actors[actor].label, rect)

    def bounds(self, actor: str, rect: pygame.Rect) -> pygame.Rect:
        """The rectangle around all of an actor's land, in pixels (empty when it has none)."""
        points = [p for polygon in self.fitted(rect).get(actor, []) for p in polygon]
        if not points:
            return pygame.Rect(rect.topleft, (0, 0))
        xs, ys = [x for x, _ in points], [y for _, y in points]
        return pygame.Rect(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)

    def strait_label_box(
        self, rect: pygame.Rect, look: Look, text: Text, state: MapState
    ) -> pygame.Rect:
        """Where the Taiwan Strait's label is drawn (with its rim), in window pixels."""
        local = pygame.Rect(0, 0, rect.w, rect.h)
        box = self._strait_box(local, look, text, _strait_label(state.tension))
        rim = _rim(look.text("small"))
        return box.move(rect.topleft).inflate(2 * rim, 2 * rim)

    def hit(self, pos: tuple[int, int], rect: pygame.Rect, slop: float) -> str | None:
        """The actor whose land is under `pos` (or within `slop` pixels of it), or None (at
        sea or outside the map)."""
        if not rect.collidepoint(pos):
            return None
        return self.data.hit(pos, rect, slop=slop)

    def label_boxes(
        self, rect: pygame.Rect, look: Look, text: Text, state: MapState
    ) -> dict[str, pygame.Rect]:
        """Each actor's name label on the window for `rect`, with its rim (cached)."""
        key = (tuple(rect), state.names, look.height)
        if key not in self._labels:
            self._labels.clear()
            local = pygame.Rect(0, 0, rect.w, rect.h)
            rim = _rim(look.text("body"))
            self._labels[key] = {
                actor: box.move(rect.topleft).inflate(2 * rim, 2 * rim)
                for actor, box in self._label_boxes(local, text, state, look.text("body")).items()
            }
        return self._labels[key]

    def reach(self, actor: str, rect: pygame.Rect, unit: int) -> pygame.Rect:
        """Where pointing counts as pointing at `actor` besides its land and label: a unit
        around a small actor's land (see `SMALL_ACTOR`); nowhere (an empty box) for the rest."""
        land = self.bounds(actor, rect)
        if min(land.w, land.h) >= SMALL_ACTOR * unit or not land.w:
            return pygame.Rect(land.topleft, (0, 0))
        return land.inflate(2 * unit, 2 * unit)

    def actor_at(
        self,
        pos: tuple[int, int],
        rect: pygame.Rect,
        look: Look,
        text: Text,
        state: MapState,
        slop: float = 0.0,
    ) -> str | None:
        """The actor pointed at, or None (at sea or outside the map): its name label (drawn
        over the land, so it wins), then its land, then a small actor's `reach`, then land
        within `slop` pixels."""
        if not rect.collidepoint(pos):
            return None
        for actor, box in self.label_boxes(rect, look, text, state).items():
            if box.collidepoint(pos):
                return actor
        on_land = self.data.hit(pos, rect)
        if on_land is not None:
            return on_land
        reaches = [(self.reach(a, rect, look.unit), a) for a in self.data.actors]
        near = [(box.w * box.h, a) for box, a in reaches if box.collidepoint(pos)]
        if near:
            return min(near)[1]  # the smallest target whose reach it is
        return self.data.hit(pos, rect, slop=slop)

    def surface(self, rect: pygame.Rect, look: Look, text: Text, state: MapState) -> pygame.Surface:
        """The map drawn for `rect` and `state` (cached; the surface is `rect`'s size)."""
        key = (tuple(rect), state, look.height)
        if key not in self._cache:
            self._cache.clear()  # one window size and one state at a time is all we show
            self._cache[key] = self._draw(rect, look, text, state)
        return self._cache[key]

    def firm_marks(
        self, rect: pygame.Rect, look: Look, text: Text, state: MapState
    ) -> list[FirmMark]:
        """The firms' dots on the window for `rect` (cached per size and state)."""
        key = (tuple(rect), state.firms, state.names, look.height)
        if key not in self._marks:
            self._marks.clear()
            local = pygame.Rect(0, 0, rect.w, rect.h)
            self._marks[key] = [
                FirmMark(m.firm, (m.centre[0] + rect.x, m.centre[1] + rect.y), m.radius)
                for m in self._place_marks(local, look, text, state)
            ]
        return self._marks[key]

    def firm_at(
        self,
        pos: tuple[int, int],
        rect: pygame.Rect,
        look: Look,
        text: Text,
        state: MapState,
        slop: float = 0.0,
    ) -> str | None:
        """The firm whose dot is under `pos`, or None."""
        for mark in self.firm_marks(rect, look, text, state):
            if mark.contains(pos, slop):
                return mark.firm
        return None

    def ring(self, surface: pygame.Surface, mark: FirmMark, colour: Colour, width: int) -> None:
        """Ring a firm's dot (the hovered one) on the window."""
        pygame.draw.circle(surface, colour, mark.centre, mark.radius + width, width)

    def outline(
        self, surface: pygame.Surface, rect: pygame.Rect, actor: str, colour: Colour, width: int
    ) -> None:
        """Outline an actor (the hovered one) on the window."""
        for polygon in self.fitted(rect).get(actor, []):
            if len(polygon) >= 3:
                pygame.draw.polygon(surface, colour, polygon, width)

    # Drawing -----------------------------------------------------------------------
    def _draw(self, rect: pygame.Rect, look: Look, text: Text, state: MapState) -> pygame.Surface:
        local = pygame.Rect(0, 0, rect.w, rect.h)
        out = pygame.Surface(local.size)
        sea = look.colour("sea")
        out.fill(sea)
        data = self.data
        frame = data.frame(local)
        # The cuts in the strip, dotted and barely lighter than the sea.
        faint = _mix(sea, look.colour("panel_edge"), 0.5)
        step = max(4, look.unit // 3)
        for x in data.breaks:
            (left, top), (_, bottom) = frame.to_screen((x, 0)), frame.to_screen((x, data.aspect))
            for y in range(top, bottom, step):
                pygame.draw.line(out, faint, (left, y), (left, min(y + 1, bottom)))
        edge = look.colour("background")
        for actor, polygons in data.fit(local).items():
            colour = look.nation(actor)
            for polygon in polygons:
                if len(polygon) >= 3:
                    pygame.draw.polygon(out, colour, polygon)
                    pygame.draw.polygon(out, edge, polygon, 1)
        for holes in data.fit_holes(local).values():
            for hole in holes:
                if len(hole) >= 3:
                    pygame.draw.polygon(out, sea, hole)
        self._draw_strait(out, local, look, text, state.tension)
        self._draw_links(out, local, look, state)
        names = dict(state.names)
        size = look.text("body")
        for actor in data.actors:
            self._draw_label(out, local, text, actor, names.get(actor, actor), size, look)
        rim = look.colour("background")
        for mark in self._place_marks(local, look, text, state):
            pygame.draw.circle(out, rim, mark.centre, mark.radius + max(1, look.unit // 10))
            pygame.draw.circle(out, look.colour("text"), mark.centre, mark.radius)
        return out

    def _label_boxes(
        self, local: pygame.Rect, text: Text, state: MapState, size: int
    ) -> dict[str, pygame.Rect]:
        """Where each actor's label goes on the map surface."""
        names = dict(state.names)
        return {
            a: self._label_box(local, text, a, names[a], size)
            for a in self.data.actors
            if a in names
        }

    def _label_box(
        self, local: pygame.Rect, text: Text, actor: str, name: str, size: int
    ) -> pygame.Rect:
        """Where an actor's label goes on the map surface."""
        x, y = self.label_point(actor, local)
        anchor, dx, dy = LABEL_PLACES.get(actor, ("center", 0.0, 0.0))
        where = (round(x + dx * size), round(y + dy * size))
        box = text.font(size, True).render(name, True, (0, 0, 0)).get_rect(**{anchor: where})
        box.clamp_ip(local)  # the US and the EU sit at the strip's ends
        return box

    def _strait_box(self, local: pygame.Rect, look: Look, text: Text, label: str) -> pygame.Rect:
        """Where the strait's label goes: below and right of Taiwan, at sea (left of it lie
        China's coast and Hainan)."""
        x, y = self.data.fit_point(self.data.strait.label, local)
        size = look.text("small")
        box = (
            text.font(size, True)
            .render(label, True, (0, 0, 0))
            .get_rect(topleft=(round(x - size * 0.5), round(y + size * 1.8)))
        )
        box.clamp_ip(local)
        return box

    def _place_marks(
        self, local: pygame.Rect, look: Look, text: Text, state: MapState
    ) -> list[FirmMark]:
        """Each home's firms as a row of dots right of its label (left of it if that would
        cover another label or leave the map), in map-surface pixels."""
        if not state.firms:
            return []
        u, size = look.unit, look.text("body")
        labels = self._label_boxes(local, text, state, size)
        taken = [*labels.values(), self._strait_box(local, look, text, _strait_label(1.0))]
        largest = max(cap for _, _, cap in state.firms) or 1.0
        gap = max(2, u // 4)
        marks: list[FirmMark] = []
        for home, box in labels.items():
            firms = [(f, cap) for f, h, cap in state.firms if h == home]
            if not firms:
                continue
            radii = [
                round(u * 0.25 + u * 0.35 * (max(0.0, cap) / largest) ** 0.5) for _, cap in firms
            ]
            width = sum(2 * r for r in radii) + gap * (len(radii) - 1)
            tall = 2 * max(radii)
            row = pygame.Rect(box.right + gap * 2, box.centery - tall // 2, width, tall)
            others = [b for b in taken if b is not box]
            if not local.contains(row) or row.collidelist(others) >= 0:
                row.right = box.x - gap * 2
                row.clamp_ip(local)
            x = row.x
            for (firm, _), r in zip(firms, radii, strict=True):
                marks.append(FirmMark(firm, (x + r, row.centery), r))
                x += 2 * r + gap
        return marks

    def _draw_strait(
        self, out: pygame.Surface, local: pygame.Rect, look: Look, text: Text, tension: float
    ) -> None:
        data, colour = self.data, tension_colour(look, tension)
        polygon = [data.fit_point(p, local) for p in data.strait.polygon]
        if len(polygon) >= 3:
            pygame.draw.polygon(out, colour, polygon)
        line = [data.fit_point(p, local) for p in data.strait.line]
        if len(line) >= 2:
            pygame.draw.lines(out, colour, False, line, max(3, look.unit // 4))
        size = look.text("small")
        label = _strait_label(tension)
        box = self._strait_box(local, look, text, label)
        _halo(out, text, label, box.center, size, colour, look.colour("background"), "center")

    def _draw_links(
        self, out: pygame.Surface, local: pygame.Rect, look: Look, state: MapState
    ) -> None:
        """Clean Network members joined to the first of them (dashed), the T7 (solid)."""
        width = max(2, look.unit // 6)
        groups = (
            (state.clean_network, look.colour("link"), True, -0.35),
            (state.t7, look.colour("text"), False, 0.35),
        )
        for members, colour, dashed, bend in groups:
            if len(members) < 2:
                continue
            hub = "US" if "US" in members else members[0]
            start = self.label_point(hub, local)
            for member in members:
                if member != hub:
                    end = self.label_point(member, local)
                    _arc(out, colour, start, end, bend, width, dashed)
            pygame.draw.circle(out, colour, start, width * 3, width)

    def _draw_label(
        self,
        out: pygame.Surface,
        local: pygame.Rect,
        text: Text,
        actor: str,
        name: str,
        size: int,
        look: Look,
    ) -> None:
        box = self._label_box(local, text, actor, name, size)
        _halo(
            out,
            text,
            name,
            box.center,
            size,
            look.colour("text"),
            look.colour("background"),
            "center",
        )


def _strait_label(tension: float) -> str:
    return f"Taiwan Strait · tension {tension:.0%}"


def _rim(size: int) -> int:
    """How thick the dark rim around a label of text size `size` is."""
    return max(1, size // 12)


def _mix(a: Colour, b: Colour, f: float) -> Colour:
    """`a` moved the fraction `f` of the way to `b`."""
    return tuple(round(x + (y - x) * f) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _halo(
    out: pygame.Surface,
    text: Text,
    label: str,
    where: tuple[int, int],
    size: int,
    colour: Colour,
    halo: Colour,
    anchor: str,
) -> None:
    """Text with a dark rim, readable over any land colour or the sea."""
    rim = _rim(size)
    for dx, dy in (
        (-rim, 0),
        (rim, 0),
        (0, -rim),
        (0, rim),
        (-rim, -rim),
        (rim, rim),
        (-rim, rim),
        (rim, -rim),
    ):
        text.draw(out, label, (where[0] + dx, where[1] + dy), size, halo, True, anchor)
    text.draw(out, label, where, size, colour, True, anchor)


def _arc(
    out: pygame.Surface,
    colour: Colour,
    start: tuple[int, int],
    end: tuple[int, int],
    bend: float,
    width: int,
    dashed: bool,
) -> None:
    """A curved line from start to end; `bend` lifts its middle (a share of its length)."""
    (x0, y0), (x1, y1) = start, end
    length = max(1.0, ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 + bend * length * 0.25
    steps = max(8, int(length // 8))
    points = []
    for i in range(steps + 1):
        t = i / steps
        points.append(
            (
                (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t * t * x1,
                (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t * t * y1,
            )
        )
    if not dashed:
        pygame.draw.lines(out, colour, False, points, width)
        return
    for i in range(0, len(points) - 1, 2):
        pygame.draw.line(out, colour, points[i], points[i + 1], width)
