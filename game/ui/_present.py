"""Showing a drawn frame: only the parts of the window that changed go to the display.

A full-window flip at 1920×1080 costs about 25 ms on a software display (Xvfb, many
projector laptops), more than a frame at 60 per second has. Each frame is drawn whole
(cheap), compared with the last one in tiles with numpy, and only the changed tiles are
sent to the display: when the pointer moves over the sea, nothing is sent at all.
"""

from __future__ import annotations

import numpy as np
import pygame

__all__ = ["TILE", "Presenter"]

TILE = 64  # pixels; a tile that changed is sent whole


class Presenter:
    """Sends a window's changed tiles to the display (the whole window when in doubt)."""

    def __init__(self) -> None:
        self.last: np.ndarray | None = None
        self.full_next = True

    def invalidate(self) -> None:
        """Send the whole window next time (after a resize, say)."""
        self.full_next = True

    def present(self, window: pygame.Surface) -> int:
        """Show `window`; return how many tiles were sent (-1: the whole window)."""
        try:
            pixels = pygame.surfarray.pixels2d(window)
        except (ValueError, pygame.error):
            pygame.display.flip()  # a surface numpy cannot read: show it all
            return -1
        rows = pixels.T  # (height, width), contiguous in memory: fast to compare
        if self.full_next or self.last is None or self.last.shape != rows.shape:
            self.last = np.array(rows, copy=True)
            self.full_next = False
            del pixels  # unlock the surface before the display reads it
            pygame.display.flip()
            return -1
        rects = self._changed(rows, self.last)
        if rects:
            np.copyto(self.last, rows)
        del pixels, rows
        if rects:
            pygame.display.update(rects)
        return len(rects)

    @staticmethod
    def _changed(now: np.ndarray, before: np.ndarray) -> list[pygame.Rect]:
        """The tiles that differ, as rectangles (runs of tiles in a row merged)."""
        height, width = now.shape
        diff = now != before
        row_starts = np.arange(0, height, TILE)
        col_starts = np.arange(0, width, TILE)
        tiles = np.logical_or.reduceat(
            np.logical_or.reduceat(diff, row_starts, axis=0), col_starts, axis=1
        )
        rects = []
        for j, row in enumerate(tiles):
            i, count = 0, len(row)
            while i < count:
                if not row[i]:
                    i += 1
                    continue
                start = i
                while i < count and row[i]:
                    i += 1
                rect = pygame.Rect(start * TILE, j * TILE, (i - start) * TILE, TILE)
                rects.append(rect.clip(pygame.Rect(0, 0, width, height)))
        return rects
