"""Only the changed parts of a frame go to the display."""

from __future__ import annotations

import pygame

from game.ui._present import TILE, Presenter


def test_only_changed_tiles_are_sent(make_app) -> None:
    """A first frame goes whole; an unchanged one sends nothing; a small change sends its tiles."""
    app = make_app(size=(1280, 720))
    window = app.window
    presenter = Presenter()
    window.fill((10, 20, 30))
    assert presenter.present(window) == -1
    assert presenter.present(window) == 0
    pygame.draw.rect(window, (200, 0, 0), pygame.Rect(TILE * 3 + 5, TILE * 2 + 5, 10, 10))
    assert presenter.present(window) == 1
    assert presenter.present(window) == 0


def test_a_wide_change_is_merged_into_rows(make_app) -> None:
    """Changed tiles side by side in a row are sent as one rectangle."""
    app = make_app(size=(1280, 720))
    window = app.window
    presenter = Presenter()
    window.fill((0, 0, 0))
    presenter.present(window)
    pygame.draw.rect(window, (255, 255, 255), pygame.Rect(0, 0, 1280, 10))
    assert presenter.present(window) == 1
    presenter.invalidate()
    assert presenter.present(window) == -1
