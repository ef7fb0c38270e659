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
from game.ui._screens_setup import BOT, DEVICE, TEAM
from game.ui._screens_turn import pretty

if TYPE_CHECKING:
    from game.ui._app import App

__all__ = ["TIMERS", "FacilitatorMenu", "PauseCurtain"]

# A team's time to decide, shown on its decision screen (the room's clock, not a rule).
TIMERS: dict[str, int | None] = {"Off": None, "1 min": 1, "2 min": 2, "3 min": 3, "5 min": 5}
# What the menu cannot do once the game is over (at the debrief).
ENDED_OFF = frozenset({"inject", "undo", "end"})


def _where_we_are(model: Any) -> str:
    """'Next: 2025 Q2 · 1 of 12 quarters played', and on a line of its own what the
    facilitator has queued."""
    text = f"{model.turn} of {model.turns} quarters played"
    if not model.over:
        text = f"Next: {model.date_of(model.turn + 1)} · " + text
    queued = [
        f"{pretty(line.event)} in {model.date_of(line.turn)}"
        for line in model.script
        if line.event is not None and line.turn > model.turn
    ]
    if queued:
        text += "\nQueued: " + ", ".join(queued)
    return text


def _timer_label(minutes: int | None) -> str:
    return next(label for label, value in TIMERS.items() if value == minutes)


class FacilitatorMenu(Screen):
    """A window of the facilitator's controls, laid out to the lengths of its texts.

    What an action did shows on the menu's last lines (the menu is built again around it),
    so nothing is drawn over the window and no line is cut short.
    """

    name = "facilitator"

    def __init__(self, app: App):
        super().__init__(app)
        self.window: Any = None
        self.buttons: dict[Any, str] = {}
        self.outcome = ""  # what the facilitator's last action did
        self.chosen: str | None = None  # the event last injected, still chosen on rebuild
        self.ending = False  # "End the game" pressed once: a second press ends it

    # Measuring -----------------------------------------------------------------------
    def _width(self, text: str) -> int:
        """The width a label or button needs for `text` (body text) with a margin."""
        return self.app.text.font(self.look.text()).size(text)[0] + self.unit

    def _lines(self, text: str, width: int) -> list[str]:
        """`text` wrapped to `width` pixels; a word wider than that (a save's path) is cut."""
        size = self.look.text()
        font = self.app.text.font(size)
        lines: list[str] = []
        for line in self.app.text.wrap(text, size, width):
            while font.size(line)[0] > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and font.size(line[:cut])[0] > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
            lines.append(line)
        return lines

    # Building ------------------------------------------------------------------------
    def build(self) -> None:
        session = self.app.require_session()
        model = session.model
        look, u = self.look, self.unit
        # A line the room was just shown (Undo's) moves into the menu rather than being
        # drawn over it.
        if self.app.notice is not None:
            self.outcome = self.outcome or self.app.notice[0]
            self.app.notice = None
        tallest = look.height - 4 * u
        rect = pygame.Rect(look.width // 2 - 18 * u, 2 * u, 36 * u, tallest)
        self.window = UIWindow(rect, manager=self.manager, window_display_title="Facilitator (F1)")
        self.buttons = {}
        box = self.window
        inner = box.get_container().get_rect()
        left, full = u, inner.width - 2 * u
        gap, row, line = round(0.6 * u), round(1.8 * u), round(look.text() * 1.6)
        half = (full - gap) // 2
        right = left + half + gap

        # At the debrief (the game over, or ended from here) nothing is left to inject,
        # undo or end: those buttons are greyed out; Save and Back still work.
        ended = session.over or getattr(self.app.screen, "name", "") == "debrief"

        def button(text: str, x: int, y: int, w: int, action: str, tip: str = "") -> None:
            b = pygame_gui.elements.UIButton(
                pygame.Rect(x, y, w, row),
                text,
                manager=self.manager,
                container=box,
                tool_tip_text=tip or None,
            )
            if ended and action in ENDED_OFF:
                b.disable()
            self.buttons[b] = action

        def label(text: str, x: int, y: int, w: int) -> UILabel:
            return UILabel(
                pygame.Rect(x, y, w, max(row, line)),
                text,
                manager=self.manager,
                container=box,
            )

        def menu(options: list[str], chosen: str, x: int, y: int, w: int) -> UIDropDownMenu:
            return UIDropDownMenu(
                options, chosen, pygame.Rect(x, y, w, row), manager=self.manager, container=box
            )

        def lines(text: str, y: int) -> int:
            for part in self._lines(text, full):
                UILabel(pygame.Rect(left, y, full, line), part, manager=self.manager, container=box)
                y += line
            return y

        y = lines(_where_we_are(model), round(0.5 * u)) + gap

        events = list(model.ruleset.events)
        self.event_ids = {pretty(e): e for e in events}
        said = self._width("Make it happen:")
        inject = self._width("Inject next turn") + u
        label("Make it happen:", left, y, said)
        chosen = self.chosen if self.chosen in self.event_ids else pretty(events[0])
        self.event_menu = menu(
            list(self.event_ids), chosen, left + said, y, full - said - inject - gap
        )
        button(
            "Inject next turn",
            left + full - inject,
            y,
            inject,
            "inject",
            "The event fires in the coming quarter",
        )
        y += row + gap
        third = (full - 2 * gap) // 3
        button(
            "Undo last turn",
            left,
            y,
            third,
            "undo",
            "Take the last quarter back; teams decide it again",
        )
        button("Save now", left + third + gap, y, third, "save", "Write the game to the saves folder")  # fmt: skip
        button(
            "Reload rules (F5)",
            left + 2 * (third + gap),
            y,
            full - 2 * (third + gap),
            "reload",
            "Read the rule files again and replay the game under them (a designer's edit)",
        )
        y += row + gap
        button(
            "Pause (hide the screen)", left, y, half, "pause", "A curtain until a key is pressed"
        )
        said = self._width("Turn timer:")
        label("Turn timer:", right, y, said)
        self.timer_menu = menu(
            list(TIMERS), _timer_label(self.app.timer_minutes), right + said, y, half - said
        )
        y += row + gap

        # Seats in two columns, so the menu stays short whatever the number of nations.
        label("Seats (from the quarter being decided):", left, y, full)
        y += max(row, line)
        self.seat_menus: dict[Any, str] = {}
        named = max(self._width(n.name) for n in model.nations.values())
        lowest = 0  # the bottom of the lowest seat's list when open
        for i, (ident, nation) in enumerate(model.nations.items()):
            x = left if i % 2 == 0 else right
            top = y + (i // 2) * (row + gap // 2)
            label(nation.name, x, top, named)
            team = session.teams.get(ident)
            current = BOT if team is None else DEVICE if team.device else TEAM
            seat = menu([TEAM, DEVICE, BOT], current, x + named, top, half - named)
            self.seat_menus[seat] = ident
            lowest = top + 3 * row + u
        y += (len(model.nations) + 1) // 2 * (row + gap // 2) + gap // 2
        ending = "End now: press again" if self.ending else "End the game → debrief"
        button(ending, left, y, half, "end")
        button("Back to the game (F1)", right, y, half, "close")
        y = lines(self.outcome, y + row + gap)
        # The window fits its lines, and leaves the lowest seat's options room to open.
        chrome = box.rect.height - inner.height
        box.set_dimensions((box.rect.width, min(tallest, max(y, lowest) + u // 2 + chrome)))

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
            where = "; the pages of teams on devices count down" if self.app.lan is not None else ""  # fmt: skip
            self.say(f"Turn timer: {event.text.lower()} (from the next team's decision{where})")
            return True
        if (
            event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED
            and event.ui_element in self.seat_menus
        ):
            nation = self.seat_menus[event.ui_element]
            name = session.model.nations[nation].name
            if event.text == BOT:
                session.set_seat(nation, None)
            elif not self.app.place_team(nation, device=event.text == DEVICE):
                return True  # the app said why (the lan extra missing, the port taken)
            where = {TEAM: "a team at this computer", DEVICE: "a team on its own device", BOT: "its bot"}  # fmt: skip
            self.say(f"{name}: {where[event.text]}, from now on")
            return True
        if event.type != pygame_gui.UI_BUTTON_PRESSED or event.ui_element not in self.buttons:
            return event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and self._close()
        action = self.buttons[event.ui_element]
        if action == "close":
            return self._close()
        if action == "inject":
            chosen = self.event_menu.selected_option
            label = chosen[0] if isinstance(chosen, tuple) else chosen
            self.chosen = label
            session.inject(self.event_ids[label])
            self.say(f"{label} will happen in {session.model.date_of(session.model.turn + 1)}")
        elif action == "undo":
            undone = session.model.date_of(session.model.turn)
            try:
                session.undo()
            except GameError as exc:
                self.say(str(exc))
                return True
            # The menu closes (the next step replaces the screen) so the room sees the
            # banner; opened again, the menu shows the same line at its foot.
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
            self.say(f"Saved to {path}")
        elif action == "reload":
            self.app.reload_rules()
        elif action == "pause":
            self.window.kill()
            self.app.close_overlay()
            self.app.open_overlay(PauseCurtain(self.app))
        elif action == "end" and not self.ending:
            # One press too many must not end a class's game: ask for a second.
            self.ending = True
            left = session.model.turns - session.model.turn
            self.say(f"Press again to end the game now ({left} quarters not played) and show the debrief")  # fmt: skip
            return True
        elif action == "end":
            from game.ui._screens_world import DebriefScreen

            self.app.show(DebriefScreen(self.app))
        self.ending = False
        return True

    def _close(self) -> bool:
        self.window.kill()
        self.app.close_overlay()
        return True

    def say(self, text: str) -> None:
        """Tell the facilitator what happened, on the menu's last lines (the menu is laid
        out again around them, and around what is now queued)."""
        self.outcome = text
        if self.window is not None and self.window.alive():
            self.window.kill()
            self.build()

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
