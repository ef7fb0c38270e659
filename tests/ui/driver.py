"""A player at the keyboard and mouse: real events through the real Pygame loop, headless.

`Player` posts real events to Pygame's queue and then does what `App.run` does each
frame: hands every event from `pygame.event.get()` to `App.handle` and draws a frame with
`App.frame`. The mouse is moved with `pygame.mouse.set_pos`, which makes SDL itself queue
the MOUSEMOTION and sets the pointer position that pygame_gui reads for hovering and for
dragging a slider's handle (a posted MOUSEMOTION alone would not move the pointer).
"""

from __future__ import annotations

from typing import Any

import pygame
from pygame_gui.elements import UIDropDownMenu

from game.ruleset import DecisionLine
from game.ui import Session
from game.ui._app import App

__all__ = ["DT", "KINDS", "MAX_FRAMES", "Player", "show_screen"]

DT = 1 / 60  # seconds a frame takes at the game's 60 frames per second
MAX_FRAMES = 60  # a second of frames is enough for any chain of widget events to settle


class Player:
    """Drives an `App` with real events, as students would."""

    def __init__(self, app: App):
        self.app = app

    def start(self, session: Session) -> None:
        """Begin `session` (as Start or Load would) and let its first screen settle."""
        self.app.start(session)
        self.pump()

    @property
    def screen(self) -> Any:
        """The screen on show."""
        return self.app.screen

    def pump(self, frames: int = 3) -> None:
        """Run the loop for at least `frames` frames, and on until two frames in a row
        had no events: pygame_gui answers a click over several frames (a button press,
        then a list's selection, then the drop-down's change).
        """
        quiet = 0
        for n in range(MAX_FRAMES):
            events = pygame.event.get()
            for event in events:
                self.app.handle(event)
            self.app.frame(DT)
            quiet = 0 if events else quiet + 1
            if n + 1 >= frames and quiet >= 2:
                return

    # The mouse -------------------------------------------------------------------
    def move(self, pos: tuple[int, int], frames: int = 1) -> None:
        """Move the pointer to `pos`."""
        pygame.mouse.set_pos(pos)
        self.pump(frames)

    def down(self, pos: tuple[int, int], button: int = 1) -> None:
        """Press a mouse button at `pos`."""
        self.move(pos)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
        self.pump(1)

    def up(self, pos: tuple[int, int], button: int = 1) -> None:
        """Release a mouse button at `pos`."""
        self.move(pos)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
        self.pump()

    def click(self, target: Any, button: int = 1) -> None:
        """Click a widget (at its centre) or a point."""
        pos = target if isinstance(target, tuple) else tuple(target.rect.center)
        self.down(pos, button)
        self.up(pos, button)

    def drag(self, start: tuple[int, int], end: tuple[int, int], steps: int = 6) -> None:
        """Press at `start`, move in steps to `end`, release there."""
        self.down(start)
        for i in range(1, steps + 1):
            x = start[0] + (end[0] - start[0]) * i // steps
            y = start[1] + (end[1] - start[1]) * i // steps
            self.move((x, y), frames=2)
        self.up(end)

    def choose(self, menu: UIDropDownMenu, text: str) -> None:
        """Open a drop-down menu and click the option `text`."""
        self.click(menu)
        options = menu.menu_states["expanded"].options_selection_list
        for item in options.item_list:
            if item["text"] == text:
                self.click(item["button_element"])
                return
        raise LookupError(f"{text!r} is not among {[i['text'] for i in options.item_list]}")

    # The keyboard ----------------------------------------------------------------
    def press(self, key: int, mod: int = 0, unicode: str = "") -> None:
        """Press and release a key."""
        pygame.event.post(
            pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=unicode, scancode=0)
        )
        self.pump(1)
        pygame.event.post(
            pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode=unicode, scancode=0)
        )
        self.pump()

    def type(self, text: str) -> None:
        """Type `text` into the focused text box."""
        for char in text:
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=char))
        self.pump()


KINDS = ["setup", "handoff", "decide", "news", "why", "world", "debrief", "facilitator"]


def show_screen(player: Player, kind: str) -> None:
    """Put a screen of `kind` (one of KINDS) on show, in a seminar game of US and Taiwan
    teams whose first quarter has news (the US proposes the 50-50 plan; a cable is cut)."""
    from game.ui._screens_setup import SetupScreen
    from game.ui._screens_turn import DecideScreen, NewsScreen, WhyWindow
    from game.ui._screens_world import DebriefScreen, WorldScreen

    app = player.app
    if kind == "setup":
        app.show(SetupScreen(app))
        player.pump()
        return
    session = Session.new("seminar", {"US": "Washington", "TW": "Taipei"}, seed=3)
    session.model.add_decisions(
        [
            DecisionLine(turn=1, nation="US", action="propose_sourcing_5050", target="TW"),
            DecisionLine(turn=1, event="cable_cut"),
        ]
    )
    app.start(session)
    if kind == "decide":
        app.show(DecideScreen(app, "US"))
    elif kind in ("news", "why"):
        report = session.resolve()
        app.show(NewsScreen(app, report))
        if kind == "why":
            app.open_overlay(WhyWindow(app, report.news[0]))
    elif kind == "world":
        session.resolve()
        app.show(WorldScreen(app))
    elif kind == "debrief":
        app.show(DebriefScreen(app))
    elif kind == "facilitator":
        app.toggle_facilitator()
    player.pump()
