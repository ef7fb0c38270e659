"""The charts: key metrics over time, four to a screen, readable from the back of the room."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.ui._charts import ChartLayout, Ink, draw_chart, key_charts
from game.ui._screen import Screen

if TYPE_CHECKING:
    from game.ui._app import App

__all__ = ["ChartsScreen"]


class ChartsScreen(Screen):
    """Key metrics over time, as line charts readable from the back of the room."""

    name = "charts"

    def __init__(self, app: App, back: Screen | None = None):
        super().__init__(app)
        self.back = back
        self.base: pygame.Surface | None = None
        self.layouts: list[ChartLayout] = []  # where each chart's plot and dates went

    def build(self) -> None:
        look, u = self.look, self.unit
        model = self.app.require_session().model
        span = f"{model.date_of(1)} – {model.date}" if model.turn else "before the first quarter"
        self.label(f"Charts, {span}", self.rect(2, 1, 50, 2.6), "@title")
        where = (
            "the debrief" if self.back is not None and self.back.name == "debrief" else "the world"
        )
        self.back_button = self.button(
            f"Back to {where} (Esc)",
            pygame.Rect(look.width - 18 * u, look.height - 3 * u, 16 * u, 2 * u),
            "@primary",
        )
        self.base = None

    def process_event(self, event: pygame.event.Event) -> bool:
        pressed = (
            event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.back_button
        )
        keyed = event.type == pygame.KEYDOWN and event.key in (
            pygame.K_ESCAPE,
            pygame.K_BACKSPACE,
            pygame.K_RETURN,
            pygame.K_KP_ENTER,
            pygame.K_c,
        )
        if pressed or keyed:
            self.go_back()
            return True
        return False

    def go_back(self) -> None:
        """Back to the screen the charts were opened from."""
        from game.ui._screens_world import WorldScreen

        self.app.show(self.back if self.back is not None else WorldScreen(self.app))

    def autoplay(self) -> None:
        self.go_back()

    def draw(self, surface: pygame.Surface) -> None:
        if self.base is None or self.base.get_size() != surface.get_size():
            self.base = self._draw_base(surface.get_size())
        surface.blit(self.base, (0, 0))

    def chart_rects(self) -> list[pygame.Rect]:
        """Where the four charts go: two by two below the title, above the Back button."""
        look, u = self.look, self.unit
        area = pygame.Rect(2 * u, round(4.3 * u), look.width - 4 * u, look.height - round(8 * u))
        gap = u
        w, h = (area.w - gap) // 2, (area.h - gap) // 2
        return [
            pygame.Rect(area.x + (i % 2) * (w + gap), area.y + (i // 2) * (h + gap), w, h)
            for i in range(4)
        ]

    def _draw_base(self, size: tuple[int, int]) -> pygame.Surface:
        look = self.look
        base = pygame.Surface(size)
        base.fill(look.colour("background"))
        model = self.app.require_session().model
        charts = key_charts(model, look)
        dates = [model.date_of(t) for t in range(1, model.turn + 1)]
        ink = Ink.screen(look)
        self.layouts = [
            draw_chart(base, rect, chart, dates, self.app.text, look.text("body"), ink)
            for rect, chart in zip(self.chart_rects(), charts[:4], strict=False)
        ]
        return base
