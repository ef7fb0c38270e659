"""How fast the front end draws: frames per second of the world screen, for `bench`."""

from __future__ import annotations

import os
import time

import pygame

__all__ = ["world_frame_rate"]


def world_frame_rate(
    size: tuple[int, int] = (1920, 1080), seconds: float = 2.0
) -> dict[str, float]:
    """Frames per second the world screen draws at `size`, uncapped, while the pointer
    moves over the map (so the hover panel redraws), after a game of 4 quarters.

    Uses SDL's dummy video driver when there is no display.
    """
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from game.ui._app import App, PlayOptions
    from game.ui._screens_world import WorldScreen
    from game.ui._session import Session

    pygame.display.init()
    pygame.font.init()
    try:
        app = App(PlayOptions(size=size, saves=_nowhere()))
        session = Session.new("seminar", {}, seed=1)
        for _ in range(4):
            session.resolve()
        app.session = session
        app.show(WorldScreen(app))
        frames, start = 0, time.perf_counter()
        width, height = size
        while time.perf_counter() - start < seconds:
            x = width // 4 + (frames * 7) % (width // 2)
            pygame.event.post(
                pygame.event.Event(
                    pygame.MOUSEMOTION, pos=(x, height // 4), rel=(7, 0), buttons=(0, 0, 0)
                )
            )
            for event in pygame.event.get():
                app.handle(event)
            app.frame(1 / 60)
            frames += 1
        elapsed = time.perf_counter() - start
    finally:
        pygame.quit()
    return {
        "fps": round(frames / elapsed, 1),
        "frames": frames,
        "width": width,
        "height": height,
        "driver": os.environ.get("SDL_VIDEODRIVER", "default"),
    }


def _nowhere() -> os.PathLike[str]:
    import tempfile
    from pathlib import Path

    return Path(tempfile.gettempdir()) / "silicon-shield-bench-saves"
