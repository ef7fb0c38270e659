"""Random clicks, motions and key presses on every kind of screen never raise."""

from __future__ import annotations

import random

import pygame
import pytest
from pygame_gui.windows import UIFileDialog

from .driver import DT, KINDS, Player, show_screen

EVENTS = 500  # per screen kind: 4,000 in all, about fifteen seconds
KEYS = [
    pygame.K_RETURN, pygame.K_ESCAPE, pygame.K_SPACE, pygame.K_TAB, pygame.K_BACKSPACE,
    pygame.K_UP, pygame.K_DOWN, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_HOME, pygame.K_END,
    pygame.K_a, pygame.K_z, pygame.K_0, pygame.K_9, pygame.K_F1, pygame.K_DELETE,
]  # fmt: skip


def random_events(rng: random.Random, size: tuple[int, int]) -> list[pygame.event.Event]:
    """One random thing a player does: a click, a drag step, a key or a typed character."""
    point = (rng.randrange(size[0]), rng.randrange(size[1]))
    roll = rng.random()
    if roll < 0.45:
        button = rng.choice([1, 1, 1, 3, 4, 5])
        return [
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=point, button=button),
            pygame.event.Event(pygame.MOUSEBUTTONUP, pos=point, button=button),
        ]
    if roll < 0.65:
        pygame.mouse.set_pos(point)  # SDL queues the motion itself
        return []
    if roll < 0.9:
        key = rng.choice(KEYS)
        mod = rng.choice([0, 0, 0, pygame.KMOD_CTRL, pygame.KMOD_SHIFT])
        return [
            pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0),
            pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode="", scancode=0),
        ]
    return [pygame.event.Event(pygame.TEXTINPUT, text=rng.choice("ab19 ✓"))]


@pytest.mark.parametrize("kind", KINDS)
def test_random_events_never_raise(player: Player, kind: str) -> None:
    """A few hundred random events on a screen of `kind` (and wherever they lead) raise nothing."""
    rng = random.Random(f"fuzz-{kind}")
    show_screen(player, kind)
    app = player.app
    size = app.window.get_size()
    for _ in range(EVENTS):
        if not app.running:  # the debrief's Quit was clicked: start that screen again
            app.running = True
            show_screen(player, kind)
        for event in random_events(rng, size):
            pygame.event.post(event)
        for event in pygame.event.get():
            app.handle(event)
        app.frame(DT)
        # Keep the fuzz off the real file system: the load dialog can delete files.
        for element in app.manager.get_sprite_group().sprites():
            if isinstance(element, UIFileDialog):
                element.kill()
