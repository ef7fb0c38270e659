"""The world after a quarter, the charts, and the debrief (placeholder layout)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.ui._screen import Screen

if TYPE_CHECKING:
    pass

__all__ = ["ChartsScreen", "DebriefScreen", "WorldScreen"]


class WorldScreen(Screen):
    """The world at a glance after a quarter."""

    name = "world"

    def build(self) -> None:
        look, u = self.look, self.unit
        model = self.app.require_session().model
        self.label(f"The world, {model.date}", self.rect(2, 1, 40, 2.6), "@title")
        self.next_button = self.button(
            "Next quarter (Enter)",
            pygame.Rect(look.width - 16 * u, look.height - 3 * u, 14 * u, 2 * u),
            "@primary",
        )

    def process_event(self, event: pygame.event.Event) -> bool:
        if (
            event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.next_button
        ) or (event.type == pygame.KEYDOWN and event.key == pygame.K_RETURN):
            self.app.next_step()
            return True
        return False

    def autoplay(self) -> None:
        self.app.next_step()


class ChartsScreen(Screen):
    """Key metrics over time."""

    name = "charts"


class DebriefScreen(Screen):
    """Scores, turning points and export, at the end."""

    name = "debrief"

    def build(self) -> None:
        look, u = self.look, self.unit
        self.label("Debrief", self.rect(2, 1, 40, 2.6), "@title")
        self.quit_button = self.button(
            "Quit", pygame.Rect(look.width - 16 * u, look.height - 3 * u, 14 * u, 2 * u), "@primary"
        )

    def process_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.quit_button:
            self.app.quit()
            return True
        return False

    def autoplay(self) -> None:
        if "facilitator" not in self.app.shown:
            self.app.toggle_facilitator()
            return
        self.app.quit()
