"""The world after a quarter: the map, the gauges and the scores (and, re-exported here,
the charts and the debrief screens that `App` and other screens open).

The world screen draws its map, legend and gauges once into a surface of the window's
size and, each frame, blits it and draws only the hovered nation's outline (or firm's ring)
and its card of numbers (placed by `WorldScreen.card_box`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.sim import GeoModel
from game.ui._charts import contrast_ratio
from game.ui._export import seat_order
from game.ui._map import MapState, MapView, map_state, tension_colour
from game.ui._screen import Screen, Text
from game.ui._screens_charts import ChartsScreen
from game.ui._screens_debrief import DebriefScreen
from game.ui._theme import Colour, Look

if TYPE_CHECKING:
    from game.ui._app import App

__all__ = ["ChartsScreen", "DebriefScreen", "WorldScreen", "firm_facts", "nation_facts"]

# Nation attributes the hover card shows, with their names for the room.
FACTS = (
    ("defense", "Defense"),
    ("talent", "Talent"),
    ("resilience", "Resilience"),
    ("network_security", "Network security"),
    ("ai_capability", "AI capability"),
    ("quantum_capability", "Quantum capability"),
    ("tariffs_faced", "Tariffs it faces"),
)

# Firm tags in words for the room.
TAG_WORDS = {
    "foundry": "foundry",
    "ran_vendor": "RAN vendor",
    "open_ran": "Open RAN",
    "mainland": "mainland China",
    "untrusted": "untrusted vendor",
    "odm": "server maker",
    "designer": "chip designer",
    "packaging": "packaging",
    "power": "power",
    "quantum_partner": "quantum partner",
}


def advanced_shares(model: GeoModel) -> dict[str, float]:
    """Each nation's share of the advanced capacity of the firms based in it."""
    by_home: dict[str, float] = {}
    for firm in model.firms.values():
        home = getattr(firm, "home", None)
        if home is not None:
            by_home[home.id] = by_home.get(home.id, 0.0) + getattr(firm, "adv_capacity", 0.0)
    total = sum(by_home.values())
    return {n: (by_home.get(n, 0.0) / total if total else 0.0) for n in model.nations}


def nation_facts(model: GeoModel, nation: str, team: str | None = None) -> list[tuple[str, str]]:
    """What the hover card says of a nation: (what, value) lines, its name first.

    The score stands alone: it measures the nation against its own objectives, so a rank
    among nations would compare unlike things."""
    agent = model.nations[nation]
    scores = model.scores()
    gdp = model.metric_values.get(f"{nation.lower()}_gdp_index")
    if gdp is None and getattr(agent, "gdp0", 0):
        gdp = agent.gdp / agent.gdp0 * 100
    firms = sorted(
        (f for f in model.firms.values() if getattr(f, "home", None) is agent),
        key=lambda f: getattr(f, "adv_capacity", 0.0),
        reverse=True,
    )
    lines = [
        (agent.name, f"played by {team}" if team else "played by a bot"),
        ("Score", f"{scores.get(nation, 0.0):.1f}"),
    ]
    if gdp is not None:
        lines.append(("GDP (2025 = 100)", f"{gdp:.1f}"))
    lines.append(("Advanced chips", f"{advanced_shares(model)[nation]:.0%} of world"))
    lines.append(("Clean Network", "member" if getattr(agent, "clean_network", 0) > 0 else "no"))
    if getattr(agent, "export_restricted", 0) > 0:
        lines.append(("Export controls", "restricted"))
    for attr, label in FACTS:
        value = getattr(agent, attr, None)
        if isinstance(value, int | float):
            spec = model.ruleset.attributes.get("nation", {}).get(attr)
            unit_share = spec is not None and spec.min == 0 and spec.max == 1
            lines.append((label, f"{value:.0%}" if unit_share else f"{value:.1f}"))
    if firms:
        lines.append(("Firms", ", ".join(f.name for f in firms[:3])))
    return lines


def firm_facts(model: GeoModel, firm_id: str) -> list[tuple[str, str]]:
    """What the hover card says of a firm: (what, value) lines, its name first."""
    firm = model.firms[firm_id]
    home = getattr(firm, "home", None)
    home_name = home.name if home is not None else "—"
    tags = sorted(firm.tags, key=lambda t: (t != "foundry", t))
    lines = [
        (firm.name, f"firm in {home_name}"),
        ("Home", home_name),
        ("Kind", ", ".join(TAG_WORDS.get(t, t.replace("_", " ")) for t in tags) or "—"),
    ]
    capacity = float(getattr(firm, "adv_capacity", 0.0) or 0.0)
    world = sum(float(getattr(f, "adv_capacity", 0.0) or 0.0) for f in model.firms.values())
    if capacity:
        share = capacity / world if world else 0.0
        lines.append(("Advanced capacity", f"{capacity:.1f} ({share:.0%} of world)"))
    for attr, label in (("ran_share", "RAN share"), ("ai_server_share", "AI-server share")):
        value = float(getattr(firm, attr, 0.0) or 0.0)
        if value:
            lines.append((label, f"{value:.0%}"))
    return lines


class WorldScreen(Screen):
    """The world at a glance after a quarter: the map, gauges and scores."""

    name = "world"

    def __init__(self, app: App):
        super().__init__(app)
        self.view = MapView()
        self.hovered: str | None = "TW" if app.options.autoplay is not None else None
        self.firm: str | None = None  # the firm whose dot is under the mouse
        self.pointer: tuple[int, int] | None = None
        self.state: MapState | None = None
        self.base: pygame.Surface | None = None
        self.map_rect = pygame.Rect(0, 0, 1, 1)
        self.glance_rect = pygame.Rect(0, 0, 0, 0)
        self.scores_rect = pygame.Rect(0, 0, 0, 0)
        self.card: pygame.Rect | None = None  # where the hover card was last drawn

    def build(self) -> None:
        look, u = self.look, self.unit
        session = self.app.require_session()
        model = session.model
        self.label(f"The world, {model.date}", self.rect(2, 1, 40, 2.6), "@title")
        self.label(
            f"Quarter {model.turn} of {model.turns} · point at a nation or a firm's dot for its numbers",
            self.rect(2, 3.8, 50, 1.4),
            "@muted",
        )
        bottom = look.height - 3 * u
        self.charts_button = self.button(
            "Charts (C)",
            pygame.Rect(look.width - 31 * u, bottom, 14 * u, 2 * u),
            tip="Key metrics over time",
        )
        # After the last quarter, Enter opens the debrief: the button says so.
        self.next_button = self.button(
            "To the debrief (Enter)" if session.over else "Next quarter (Enter)",
            pygame.Rect(look.width - 16 * u, bottom, 14 * u, 2 * u),
            "@primary",
        )
        width = look.width - 4 * u
        height = min(round(width * self.view.data.aspect), round(look.height * 0.45))
        self.map_rect = pygame.Rect(2 * u, round(5.2 * u), width, height)
        # Below the map: the legend's line, then the gauges (left) and the scores (right).
        top = self.map_rect.bottom + u // 3 + round(look.text("small") * 1.6) + u // 2
        bottom = look.height - round(3.6 * u)
        half = look.width // 2
        self.glance_rect = pygame.Rect(2 * u, top, half - 3 * u, bottom - top)
        self.scores_rect = pygame.Rect(half + u, top, half - 3 * u, bottom - top)
        self.base = None  # drawn on the first frame, for this size
        self.state = None
        self.card = None

    # Events ------------------------------------------------------------------------
    def process_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.next_button:
                self.app.next_step()
                return True
            if event.ui_element is self.charts_button:
                self.open_charts()
                return True
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.app.next_step()
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_c:
            self.open_charts()
            return True
        if event.type == pygame.MOUSEMOTION:
            self.hover(event.pos)
        return False

    def map_state(self) -> MapState:
        """What the map shows (the model does not change while this screen is up)."""
        if self.state is None:
            self.state = map_state(self.app.require_session().model)
        return self.state

    def hover(self, pos: tuple[int, int]) -> None:
        """Note the firm's dot under `pos` (its home then counts as hovered), else the
        nation pointed at: its label, its land, or near a small one (`MapView.actor_at`)."""
        self.pointer = pos
        self.firm = None
        if self.map_rect.collidepoint(pos):
            self.firm = self.view.firm_at(
                pos, self.map_rect, self.look, self.app.text, self.map_state(), self.unit * 0.1
            )
        if self.firm is not None:
            home = getattr(self.app.require_session().model.firms[self.firm], "home", None)
            self.hovered = home.id if home is not None else None
            return
        self.hovered = self.view.actor_at(
            pos, self.map_rect, self.look, self.app.text, self.map_state(), self.unit * 0.6
        )

    def strait_rect(self) -> pygame.Rect:
        """Where the map's Taiwan Strait label is, in window pixels."""
        return self.view.strait_label_box(self.map_rect, self.look, self.app.text, self.map_state())

    def open_charts(self) -> None:
        """Show the charts; their Back returns here."""
        self.app.show(ChartsScreen(self.app, back=self))

    def autoplay(self) -> None:
        if "charts" not in self.app.shown:
            self.open_charts()
            return
        self.app.next_step()

    # Drawing -----------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        if self.base is None or self.base.get_size() != surface.get_size():
            self.base = self._draw_base(surface.get_size())
        surface.blit(self.base, (0, 0))
        self.card = None
        if self.firm is not None:
            for mark in self.view.firm_marks(
                self.map_rect, self.look, self.app.text, self.map_state()
            ):
                if mark.firm == self.firm:
                    self.view.ring(
                        surface, mark, self.look.colour("accent"), max(2, self.unit // 8)
                    )
            self.card = self._draw_card(surface)
        elif self.hovered is not None:
            self.view.outline(
                surface,
                self.map_rect,
                self.hovered,
                self.look.colour("text"),
                max(2, self.unit // 6),
            )
            self.card = self._draw_card(surface)

    def card_lines(self) -> list[tuple[str, str]]:
        """The hover card's lines for the firm or nation under the mouse (none at sea)."""
        session = self.app.require_session()
        if self.firm is not None:
            return firm_facts(session.model, self.firm)
        if self.hovered is None:
            return []
        team = session.teams.get(self.hovered)
        return nation_facts(session.model, self.hovered, team.name if team else None)

    def card_box(self, width: int, height: int) -> pygame.Rect:
        """Where the hover card goes, inside the window and never over the "At a glance"
        gauges, the strait's label or the buttons: below the map over the scores (the whole
        map stays in view, the nation outlined) when it fits there; else in a top corner of
        the map, the one away from the hovered nation. When no place is free (a window far
        from 16:9), the place that covers least of those, then least of the nation."""
        pad = self.unit // 3
        window = pygame.Rect(0, 0, self.look.width, self.look.height).inflate(-2 * pad, -2 * pad)
        avoid = (
            self.glance_rect,
            self.strait_rect(),
            self.next_button.rect,
            self.charts_button.rect,
        )
        keep = pygame.Rect(self.pointer or self.map_rect.center, (1, 1))
        if self.hovered is not None:
            keep.union_ip(self.view.bounds(self.hovered, self.map_rect))
        m = self.map_rect
        below = pygame.Rect(0, 0, width, height)
        below.topright = (m.right, m.bottom + pad)
        right, left = pygame.Rect(below), pygame.Rect(below)
        right.topright = (m.right - pad, m.y + pad)
        left.topleft = (m.x + pad, m.y + pad)
        corners = [right, left] if keep.centerx < m.centerx else [left, right]
        low = [box.move(0, m.bottom - pad - box.bottom) for box in corners]
        places = [box.clamp(window) for box in (below, *corners, *low)]

        def cost(box: pygame.Rect) -> tuple[int, int]:
            hidden = sum(_area(box.clip(r)) for r in avoid)
            return hidden, _area(box.clip(keep))

        return min(places, key=cost)  # the first of the cheapest: the order is the preference

    def _draw_card(self, surface: pygame.Surface) -> pygame.Rect:
        """The hovered firm's or nation's numbers in two columns (a firm's in one), where
        `card_box` puts them; returns the card's rectangle."""
        look, u, text = self.look, self.unit, self.app.text
        lines = self.card_lines()
        size, big = look.text("body"), look.text("heading")
        font, bold = text.font(size), text.font(big, True)
        facts = [line for line in lines[1:] if line[0] != "Firms"]
        firms = [line for line in lines[1:] if line[0] == "Firms"]
        half = len(facts) if self.firm is not None else (len(facts) + 1) // 2
        columns = [facts[:half], facts[half:]]
        keys = [max((font.size(k)[0] for k, _ in col), default=0) for col in columns]
        strong = text.font(size, True)
        values = [max((strong.size(v)[0] for _, v in col), default=0) for col in columns]
        width = sum(keys) + sum(values) + 6 * u
        if firms:
            width = max(width, font.size(firms[0][0])[0] + strong.size(firms[0][1])[0] + 3 * u)
        width = max(width, bold.size(lines[0][0])[0] + font.size(lines[0][1])[0] + 3 * u)
        # Rows closer than the font's own line spacing: the card must fit below the map.
        row = round(size * 1.3)
        height = bold.get_linesize() + row * (half + len(firms)) + u
        box = self.card_box(width, height)
        pygame.draw.rect(surface, look.colour("panel"), box, border_radius=u // 3)
        colour = look.nation(self.hovered or "")
        pygame.draw.rect(surface, colour, box, max(2, u // 8), border_radius=u // 3)
        name, who = lines[0]
        top = text.draw(surface, name, (box.x + u, box.y + u // 3), big, colour, True)
        muted, ink = look.colour("muted"), look.colour("text")
        text.draw(surface, who, (box.right - u, top.centery), size, muted, anchor="midright")
        left = box.x + u
        for col, key_w, value_w in zip(columns, keys, values, strict=True):
            y = top.bottom + u // 4
            for key, value in col:
                text.draw(surface, key, (left, y), size, muted)
                text.draw(surface, value, (left + key_w + u, y), size, ink, True)
                y += row
            left += key_w + value_w + 3 * u
        for key, value in firms:
            y = top.bottom + u // 4 + row * half
            shown = text.draw(surface, key, (box.x + u, y), size, muted)
            text.draw(surface, value, (shown.right + u, y), size, ink, True)
        return box

    def _draw_base(self, size: tuple[int, int]) -> pygame.Surface:
        """Everything but the hover: background, map, legend, gauges, scores."""
        look, u, text = self.look, self.unit, self.app.text
        base = pygame.Surface(size)
        base.fill(look.colour("background"))
        model = self.app.require_session().model
        state = self.map_state()
        base.blit(self.view.surface(self.map_rect, look, text, state), self.map_rect)
        small = look.text("small")
        y = self.map_rect.bottom + u // 3
        x = self.map_rect.x
        members = len(state.clean_network)
        x = _legend(
            base,
            text,
            (x, y),
            small,
            look.colour("link"),
            True,
            f"Clean Network ({members} members)",
            u,
        )
        t7 = "T7 alliance" if state.t7 else "T7 alliance (not formed yet)"
        x = _legend(
            base, text, (x + 2 * u, y), small, look.colour("text"), bool(not state.t7), t7, u
        )
        calm = tension_colour(look, 0.0)
        hot = tension_colour(look, 1.0)
        x = text.draw(base, "Strait:", (x + 2 * u, y), small, look.colour("muted")).right
        x = text.draw(base, " calm", (x, y), small, calm, True).right
        text.draw(base, " → tense", (x, y), small, hot, True)
        self._draw_glance(base, model, self.glance_rect)
        self._draw_scores(base, model, self.scores_rect)
        return base

    def _draw_glance(self, base: pygame.Surface, model: GeoModel, area: pygame.Rect) -> None:
        look, u, text = self.look, self.unit, self.app.text
        size = look.text("body")
        text.draw(base, "At a glance", area.topleft, size, look.colour("accent"), True)
        row = (area.h - round(size * 1.5)) / 4
        values = model.metric_values
        gauges = (
            ("Silicon shield", values.get("silicon_shield", 0.0), look.colour("shield")),
            (
                "Strait tension",
                values.get("strait_tension", 0.0),
                tension_colour(look, values.get("strait_tension", 0.0)),
            ),
            ("US–Taiwan trust", values.get("us_tw_trust", 0.0), look.colour("trust")),
        )
        label_w = text.font(size).size("US–Taiwan trust")[0] + u
        for i, (label, value, colour) in enumerate(gauges):
            y = round(area.y + size * 1.5 + i * row)
            r = pygame.Rect(area.x, y, area.w, round(row))
            text.draw(base, label, (r.x, r.centery), size, look.colour("text"), anchor="midleft")
            bar = pygame.Rect(
                r.x + label_w, r.centery - round(row * 0.3), r.w - label_w - 4 * u, round(row * 0.6)
            )
            _bar(base, bar, [(value, colour, "")], look, text)
            text.draw(
                base,
                f"{value:.0%}",
                (r.right, r.centery),
                size,
                look.colour("text"),
                True,
                "midright",
            )
        y = round(area.y + size * 1.5 + 3 * row)
        r = pygame.Rect(area.x, y, area.w, round(row))
        text.draw(
            base, "Advanced chips", (r.x, r.centery), size, look.colour("text"), anchor="midleft"
        )
        shares = [
            (values.get(f"{n.lower()}_advanced_share", 0.0), look.nation(n), n)
            for n in ("TW", "US", "CN")
        ]
        rest = max(0.0, 1.0 - sum(s for s, _, _ in shares))
        bar = pygame.Rect(
            r.x + label_w, r.centery - round(row * 0.35), r.w - label_w, round(row * 0.7)
        )
        _bar(base, bar, [*shares, (rest, look.colour("land_other"), "other")], look, text)

    def _draw_scores(self, base: pygame.Surface, model: GeoModel, area: pygame.Rect) -> None:
        look, u, text = self.look, self.unit, self.app.text
        size = look.text("body")
        # Teams first, never ranked: each score measures a nation against its own objectives.
        shown = text.draw(base, "Scores", area.topleft, size, look.colour("accent"), True)
        text.draw(
            base,
            "  each against its own objectives",
            (shown.right, shown.bottom),
            look.text("small"),
            look.colour("muted"),
            anchor="bottomleft",
        )
        history = model.score_history()
        scores = {n: (v[-1] if v else 0.0) for n, v in history.items()}
        order = seat_order(model, self.app.require_session().teams)
        best = max([abs(s) for s in scores.values()] + [1e-9])
        row = (area.h - round(size * 1.5)) / max(1, len(order))
        font = text.font(size)
        label_w = max(font.size(model.nations[n].name)[0] for n in order) + u
        value_w = font.size("000.0  +00.0")[0]
        for i, nation in enumerate(order):
            y = round(area.y + size * 1.5 + i * row)
            r = pygame.Rect(area.x, y, area.w, round(row))
            colour = look.nation(nation)
            text.draw(
                base,
                model.nations[nation].name,
                (r.x, r.centery),
                size,
                look.colour("text"),
                anchor="midleft",
            )
            bar = pygame.Rect(
                r.x + label_w,
                r.centery - round(row * 0.28),
                r.w - label_w - value_w - u,
                round(row * 0.56),
            )
            bar.w = max(2, round(bar.w * max(0.0, scores[nation]) / best))
            pygame.draw.rect(base, colour, bar, border_radius=max(1, u // 8))
            series = history[nation]
            # No change after the first quarter: the start's score is not in the history.
            change = series[-1] - series[-2] if len(series) > 1 else None
            shown = text.draw(
                base,
                f"{scores[nation]:.1f}",
                (r.right - font.size("  +00.0")[0], r.centery),
                size,
                look.colour("text"),
                True,
                "midright",
            )
            if change is None:
                continue
            tone = look.colour("good") if change >= 0 else look.colour("bad")
            text.draw(
                base,
                f"  {change:+.1f}",
                (shown.right, r.centery),
                look.text("small"),
                tone,
                anchor="midleft",
            )


def _bar(
    surface: pygame.Surface,
    rect: pygame.Rect,
    parts: list[tuple[float, Colour, str]],
    look: Look,
    text: Text,
) -> None:
    """A horizontal bar on a track: one part (a gauge), or several stacked (shares), each
    labelled inside when its label fits."""
    radius = max(1, rect.h // 4)
    pygame.draw.rect(surface, look.colour("panel_edge"), rect, border_radius=radius)
    x = rect.x
    size = look.text("small")
    font = text.font(size, True)
    for value, colour, label in parts:
        width = round(rect.w * max(0.0, min(1.0, value)))
        if width <= 0:
            continue
        part = pygame.Rect(x, rect.y, min(width, rect.right - x), rect.h)
        pygame.draw.rect(surface, colour, part, border_radius=radius)
        if label:
            for words in (f"{label} {value:.0%}", label):
                if font.size(words)[0] + size // 2 <= part.w:
                    # Dark text on light parts, white on dark ones (the US's blue).
                    dark, light = look.colour("background"), (255, 255, 255)
                    ink = max((dark, light), key=lambda c: contrast_ratio(c, colour))
                    text.draw(surface, words, part.center, size, ink, True, "center")
                    break
        x += width


def _legend(
    surface: pygame.Surface,
    text: Text,
    pos: tuple[int, int],
    size: int,
    colour: Colour,
    dashed: bool,
    label: str,
    u: int,
) -> int:
    """A line sample and its label; returns the x where the next item may start."""
    x, y = pos
    mid = y + size * 0.7
    width = max(2, u // 6)
    if dashed:
        for i in range(0, 2 * u, u // 2):
            pygame.draw.line(surface, colour, (x + i, mid), (x + i + u // 4, mid), width)
    else:
        pygame.draw.line(surface, colour, (x, mid), (x + 2 * u, mid), width)
    return text.draw(surface, label, (x + 2 * u + u // 3, y), size, colour).right


def _area(rect: pygame.Rect) -> int:
    return rect.w * rect.h
