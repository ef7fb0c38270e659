"""What every screen has: the app it belongs to, its widgets, its drawing, its autoplay step.

A screen builds its pygame_gui widgets (always with `manager=` given) from the window's
size, reacts to events by calling the app's flow (never the model directly), draws what
pygame_gui does not (the map, charts, curtains), and says what autoplay does on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui

if TYPE_CHECKING:
    from game.ui._app import App

__all__ = ["Screen", "Text"]

# The text size of each theme class a label may have (see Look.gui_theme).
_KINDS = {
    "@title": "title",
    "@heading": "heading",
    "@huge": "huge",
    "@small": "small",
    "@muted": "small",
}


class Text:
    """Draws text with the bundled font at the theme's sizes (cached per size)."""

    def __init__(self, regular: str, bold: str):
        self.paths = {False: regular, True: bold}
        self.fonts: dict[tuple[int, bool], pygame.font.Font] = {}

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        """The font at `size` pixels."""
        key = (size, bold)
        if key not in self.fonts:
            self.fonts[key] = pygame.font.Font(self.paths[bold], size)
        return self.fonts[key]

    def draw(
        self,
        surface: pygame.Surface,
        text: str,
        pos: tuple[int, int],
        size: int,
        colour: tuple[int, int, int],
        bold: bool = False,
        anchor: str = "topleft",
    ) -> pygame.Rect:
        """Draw one line of text; return the rectangle it took."""
        image = self.font(size, bold).render(text, True, colour)
        rect = image.get_rect(**{anchor: pos})
        surface.blit(image, rect)
        return rect

    def wrap(self, text: str, size: int, width: int, bold: bool = False) -> list[str]:
        """Split `text` into lines no wider than `width` pixels."""
        font = self.font(size, bold)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split():
                trial = f"{line} {word}".strip()
                if font.size(trial)[0] <= width or not line:
                    line = trial
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        return lines


class Screen:
    """A screen of the game. Subclasses set `name` and override what they need."""

    name = "screen"

    def __init__(self, app: App):
        self.app = app
        self.look = app.look
        self.manager: pygame_gui.UIManager = app.manager
        self.unit = app.look.unit

    def rebind(self, app: App) -> None:
        """Take the app's new look and manager (after the window changed size)."""
        self.look = app.look
        self.manager = app.manager
        self.unit = app.look.unit

    def build(self) -> None:
        """Create the screen's widgets (the manager is empty when this is called)."""

    def process_event(self, event: pygame.event.Event) -> bool:
        """React to an event; return True when it was used."""
        return False

    def update(self, dt: float) -> None:
        """Advance animations and timers by `dt` seconds."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw what lies under the widgets."""
        surface.fill(self.look.colour("background"))

    def autoplay(self) -> None:
        """What a bot at the keyboard does on this screen (for `--autoplay`)."""

    # Helpers -----------------------------------------------------------------------
    def rect(self, x: float, y: float, w: float, h: float) -> pygame.Rect:
        """A rectangle in units of the base size."""
        u = self.unit
        return pygame.Rect(round(x * u), round(y * u), round(w * u), round(h * u))

    def label(self, text: str, rect: pygame.Rect, kind: str = "", **kwargs: Any) -> Any:
        """A label; `kind` is a theme class such as '@title' or '@muted'.

        The label is made tall enough for its text size, whatever `rect` says.
        """
        size = self.look.text(_KINDS.get(kind, "body"))
        rect = pygame.Rect(rect.x, rect.y, rect.w, max(rect.h, round(size * 1.6)))
        return pygame_gui.elements.UILabel(
            relative_rect=rect,
            text=text,
            manager=self.manager,
            object_id=pygame_gui.core.ObjectID(class_id=kind) if kind else None,
            **kwargs,
        )

    def button(self, text: str, rect: pygame.Rect, kind: str = "", tip: str | None = None) -> Any:
        """A button; `kind` is a theme class such as '@primary'."""
        return pygame_gui.elements.UIButton(
            relative_rect=rect,
            text=text,
            manager=self.manager,
            tool_tip_text=tip,
            object_id=pygame_gui.core.ObjectID(class_id=kind) if kind else None,
        )
