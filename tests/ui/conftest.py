"""Fixtures for the front end's tests: a real window (SDL's dummy driver) and a player."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Headless whatever the machine has: set before pygame opens its display.
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from game.ui import PlayOptions
from game.ui._app import App

from .driver import Player


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., App]]:
    """Make an `App` in a headless window; options as `PlayOptions` takes them."""
    pygame.display.init()
    pygame.font.init()

    def make(**options: object) -> App:
        options.setdefault("size", (1280, 720))
        options.setdefault("saves", tmp_path / "saves")
        options.setdefault("seed", 7)
        pygame.event.clear()
        return App(PlayOptions(**options))  # type: ignore[arg-type]

    yield make
    pygame.event.clear()


@pytest.fixture
def app(make_app: Callable[..., App]) -> App:
    """An app at 1280×720 with nothing on show yet."""
    return make_app()


@pytest.fixture
def player(app: App) -> Player:
    """A player at the app's keyboard and mouse."""
    return Player(app)
