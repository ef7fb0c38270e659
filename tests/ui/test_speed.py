"""The front end's frame-rate measure that `bench` prints."""

from __future__ import annotations

from game.ui import world_frame_rate


def test_the_world_screen_frame_rate_is_measured() -> None:
    """world_frame_rate draws real frames of the world screen and reports their rate."""
    figure = world_frame_rate((1280, 720), seconds=0.3)
    assert figure["frames"] > 0
    assert figure["fps"] > 0
    assert (figure["width"], figure["height"]) == (1280, 720)
