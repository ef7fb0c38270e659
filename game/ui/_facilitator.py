"""The facilitator's menu (F1): inject an event, undo the last turn, save, switch seats,
end the game — over any screen, without the teams' choices on show."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui
from pygame_gui.elements import UIDropDownMenu, UILabel, UIWindow

from game.errors import GameError
from game.ui._screen import Screen
from game.ui._screens_turn import pretty

if TYPE_CHECKING:
    from game.ui._app import App

__all__ = ["TIMERS", "FacilitatorMenu", "PauseCurtain"]

# A team's time to decide, shown on its decision screen (the room's clock, not a rule).
TIMERS: dict[str, int | None] = {"Off": None, "2 min": 2, "3 min": 3, "5 min": 5}
# What the menu cannot do once the game is over (at the debrief).
ENDED_OFF = frozenset({"inject", "undo", "end"})


def _where_we_are(model: Any) -> str:
    """'Next: 2025 Q2 · 1 of 12 quarters played', and what the facilitator has queued."""
    text = f"{model.turn} of {model.turns} quarters played"
    if not model.over:
        text = f"Next: {model.date_of(model.turn + 1)} · " + text
    queued = [
        f"{pretty(line.event)} in {model.date_of(line.turn)}"
        for line in model.script
        if line.event is not None and line.turn > model.turn
    ]
    if queued:
        text += " · queued: " + ", ".join(queued)
    return text


def _timer_label(minutes: int | None) -> str:
    return next(label for label, value in TIMERS.items() if value == minutes)


class FacilitatorMenu(Screen):
    """A window of the facilitator's controls."""

    name = "facilitator"

    def __init__(self, app: App):
        super().__init__(app)
        self.window: Any = None
        self.buttons: dict[Any, str] = {}
        self.status: Any = None

    def build(self) -> None:
        session = self.app.require_session()
        model = session.model
        look, u = self.look, self.unit
        rect = pygame.Rect(look.width // 2 - 18 * u, 2 * u, 36 * u, look.height - 4 * u)
        self.window = UIWindow(rect, manager=self.manager, window_display_title="Facilitator (F1)")
        box = self.window

        def place(x: float, y: float, w: float, h: float = 1.8) -> pygame.Rect:
            return pygame.Rect(round(x * u), round(y * u), round(w * u), round(h * u))

        # At the debrief (the game over, or ended from here) nothing is left to inject,
        # undo or end: those buttons are greyed out; Save and Back still work.
        ended = session.over or getattr(self.app.screen, "name", "") == "debrief"

        def button(text: str, where: pygame.Rect, action: str, tip: str = "") -> None:
            b = pygame_gui.elements.UIButton(
                where, text, manager=self.manager, container=box, tool_tip_text=tip or None
            )
            if ended and action in ENDED_OFF:
                b.disable()
            self.buttons[b] = action

        UILabel(
            place(1, 0.5, 32),
            _where_we_are(model),
            manager=self.manager,
            container=box,
        )
        events = list(model.ruleset.events)
        UILabel(place(1, 2.6, 12), "Make it happen:", manager=self.manager, container=box)
        self.event_menu = UIDropDownMenu(
            [pretty(e) for e in events],
            pretty(events[0]),
            place(13, 2.6, 12),
            manager=self.manager,
            container=box,
        )
        self.event_ids = {pretty(e): e for e in events}
        button(
            "Inject next turn",
            place(25.5, 2.6, 8.5),
            "inject",
            "The event fires in the coming quarter",
        )
        button(
            "Undo last turn",
            place(1, 5, 16),
            "undo",
            "Take the last quarter back; teams decide it again",
        )
        button("Save now", place(18, 5, 16), "save", "Write the game to the saves folder")
        button(
            "Pause (hide the screen)",
            place(1, 7.4, 16),
            "pause",
            "A curtain until a key is pressed",
        )
        UILabel(place(18, 7.4, 8), "Turn timer:", manager=self.manager, container=box)
        self.timer_menu = UIDropDownMenu(
            list(TIMERS),
            _timer_label(self.app.timer_minutes),
            place(26, 7.4, 8),
            manager=self.manager,
            container=box,
        )
        y = 9.9
        UILabel(
            place(1, y, 32), "Seats (from the coming turn):", manager=self.manager, container=box
        )
        self.seat_menus: dict[Any, str] = {}
        for i, (ident, nation) in enumerate(model.nations.items()):
            row = y + 2.1 + i * 2.1
            UILabel(place(1, row, 12), nation.name, manager=self.manager, container=box)
            current = "Team" if ident in session.teams else "Bot"
            menu = UIDropDownMenu(
                ["Team", "Bot"], current, place(13, row, 8), manager=self.manager, container=box
            )
            self.seat_menus[menu] = ident
        bottom = y + 2.5 + len(model.nations) * 2.1
        button("End the game → debrief", place(1, bottom, 16), "end")
        button("Back to the game (F1)", place(18, bottom, 16), "close")
        self.status = UILabel(place(1, bottom + 2.4, 33), "", manager=self.manager, container=box)

    def draw(self, surface: pygame.Surface) -> None:
        """The window is a widget; nothing to draw over it."""

    def process_event(self, event: pygame.event.Event) -> bool:
        session = self.app.require_session()
        if event.type == pygame_gui.UI_WINDOW_CLOSE and event.ui_element is self.window:
            self.app.close_overlay()
            return True
        if (
            event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED
            and event.ui_element is self.timer_menu
        ):
            self.app.timer_minutes = TIMERS[event.text]
            self.say(f"turn timer: {event.text.lower()} (from the next team's decision)")
            return True
        if (
            event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED
            and event.ui_element in self.seat_menus
        ):
            nation = self.seat_menus[event.ui_element]
            session.set_seat(
                nation,
                f"Team {session.model.nations[nation].name}" if event.text == "Team" else None,
            )
            self.say(
                f"{session.model.nations[nation].name}: {event.text.lower()} from the coming turn"
            )
            return True
        if event.type != pygame_gui.UI_BUTTON_PRESSED or event.ui_element not in self.buttons:
            return event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and self._close()
        action = self.buttons[event.ui_element]
        if action == "close":
            return self._close()
        if action == "inject":
            chosen = self.event_menu.selected_option
            label = chosen[0] if isinstance(chosen, tuple) else chosen
            session.inject(self.event_ids[label])
            self.say(f"{label} will happen in {session.model.date_of(session.model.turn + 1)}")
        elif action == "undo":
            undone = session.model.date_of(session.model.turn)
            try:
                session.undo()
            except GameError as exc:
                self.say(str(exc))
                return True
            self.window.kill()
            self.app.next_step()
            self.app.tell(f"Took back {undone}: the teams decide it again")
        elif action == "save":
            folder = self.app.options.saves
            try:
                folder.mkdir(parents=True, exist_ok=True)
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                path = session.save(folder / f"game-{stamp}-t{session.model.turn:03d}.json")
            except (GameError, OSError) as exc:
                self.say(str(exc))
                return True
            self.say(f"saved to {path}")
        elif action == "pause":
            self.window.kill()
            self.app.close_overlay()
            self.app.open_overlay(PauseCurtain(self.app))
        elif action == "end":
            from game.ui._screens_world import DebriefScreen

            self.app.show(DebriefScreen(self.app))
        return True

    def _close(self) -> bool:
        self.window.kill()
        self.app.close_overlay()
        return True

    def say(self, text: str) -> None:
        """Tell the facilitator what happened."""
        if self.status is not None:
            self.status.set_text(text)

    def autoplay(self) -> None:
        self._close()


class PauseCurtain(Screen):
    """The game paused: the whole window hidden until a key or a click."""

    name = "pause"

    def draw(self, surface: pygame.Surface) -> None:
        look = self.look
        surface.fill(look.colour("background"))
        middle = (look.width // 2, look.height // 2)
        text = self.app.text
        text.draw(
            surface, "Paused", middle, look.text("huge"), look.colour("accent"), True, "midbottom"
        )
        below = (middle[0], middle[1] + self.unit)
        text.draw(
            surface,
            "Press any key or click to go on.",
            below,
            look.text(),
            look.colour("muted"),
            anchor="midtop",
        )

    def process_event(self, event: pygame.event.Event) -> bool:
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONUP):
            self.app.close_overlay()
            return True
        return False

    def autoplay(self) -> None:
        self.app.close_overlay()
