"""The classroom front end: a Pygame game a seminar plays on one laptop and a projector.

It drives the same `GeoModel` as headless runs and holds no game logic: screens turn
what teams choose into `Decision`s, and `Session` applies them, saves and undoes.
"""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # before pygame is first imported

from game.ui._app import PlayOptions, play
from game.ui._session import Session, Team
from game.ui._speed import world_frame_rate

__all__ = ["PlayOptions", "Session", "Team", "play", "world_frame_rate"]
