"""The map of the six actors and the bundled font, read from the `assets/` folder.

`assets/map/actors.json` (made by `assets/map/make_shapes.py` from Natural Earth) holds
each actor's outline as polygons in a strip one unit wide and `aspect` units high. This
module scales them into a screen rectangle, keeping the aspect, and finds which actor a
point is in. It needs no Pygame: a rectangle is anything unpacking to (x, y, w, h), so a
`pygame.Rect` serves.

The assets are kept in the top-level `assets/` folder of the project. A wheel carries them
as package data in `game/assets/` when pyproject.toml maps it (as it maps `game/rules/`);
an editable install or a source checkout reads the folder beside the `game` package.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

from game.errors import GameError

__all__ = ["ASSETS", "ActorShape", "MapData", "MapDataError", "font_path", "load_map"]

Point = tuple[float, float]
Polygon = tuple[Point, ...]
ScreenPolygon = list[tuple[int, int]]

ACTOR_IDS = ("US", "TW", "CN", "JP", "KR", "EU")

# A resource that is not a plain file (an install inside a zip) is copied out by `as_file`
# and must outlive the process's screens; the stack removes the copy at exit.
_resources = contextlib.ExitStack()
atexit.register(_resources.close)


def _bundled_assets() -> Path:
    """The assets folder: the installed package data, else the source tree's."""
    packaged = files("game").joinpath("assets")
    if packaged.is_dir():
        return Path(_resources.enter_context(as_file(packaged)))
    return Path(__file__).resolve().parents[2] / "assets"


ASSETS: Path = _bundled_assets()


class MapDataError(GameError):
    """The map file is missing or is not the shape `make_shapes.py` writes."""

    def __init__(self, path: Path, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(
            f"{path}: {problem} (regenerate it with assets/map/make_shapes.py; see "
            "assets/map/PROVENANCE.md)"
        )


@dataclass(frozen=True)
class ActorShape:
    """One actor's outline: polygons, holes in them (Switzerland in the EU), a label point."""

    actor: str
    name: str
    polygons: tuple[Polygon, ...]
    holes: tuple[Polygon, ...]
    label: Point
    bounds: tuple[float, float, float, float]  # min x, min y, max x, max y

    def contains(self, point: Point) -> bool:
        """Whether a point (map units) is inside a polygon and outside every hole."""
        x, y = point
        left, top, right, bottom = self.bounds
        if not (left <= x <= right and top <= y <= bottom):
            return False
        return any(_inside(point, p) for p in self.polygons) and not any(
            _inside(point, h) for h in self.holes
        )

    def distance(self, point: Point) -> float:
        """The distance (map units) from a point outside the shape to its nearest edge."""
        return min(
            _segment_distance(point, ring[i - 1], ring[i])
            for ring in self.polygons
            for i in range(len(ring))
        )


@dataclass(frozen=True)
class Strait:
    """The Taiwan Strait: its centre line, the water between the coasts, a label point."""

    line: Polygon
    polygon: Polygon
    label: Point


@dataclass(frozen=True)
class _Frame:
    """Where the map lands in a rectangle: offset and pixels per map unit."""

    x: float
    y: float
    scale: float
    right: int  # last pixel column and row inside the rectangle
    bottom: int

    def to_screen(self, point: Sequence[float]) -> tuple[int, int]:
        """Map units → a pixel of the rectangle."""
        return (
            min(math.floor(self.x + point[0] * self.scale), self.right),
            min(math.floor(self.y + point[1] * self.scale), self.bottom),
        )

    def to_map(self, point: Sequence[float]) -> Point:
        """A pixel → map units (its centre)."""
        return ((point[0] + 0.5 - self.x) / self.scale, (point[1] + 0.5 - self.y) / self.scale)


@dataclass(frozen=True)
class MapData:
    """The six actors' shapes in a strip one unit wide and `aspect` high, y pointing down.

    `breaks` are the x positions where the strip is cut (between Europe and Asia, and
    twice across the Pacific): a screen may draw a faint line there, for the panels are
    not one continuous map.
    """

    aspect: float
    actors: dict[str, ActorShape]
    strait: Strait
    breaks: tuple[float, ...]
    source: str

    def frame(self, rect: Iterable[int]) -> _Frame:
        """The largest placement of the map in `rect` keeping its aspect, centred."""
        x, y, w, h = rect
        scale = min(w, h / self.aspect)
        return _Frame(
            x=x + (w - scale) / 2,
            y=y + (h - scale * self.aspect) / 2,
            scale=scale,
            right=x + w - 1,
            bottom=y + h - 1,
        )

    def fit(self, rect: Iterable[int]) -> dict[str, list[ScreenPolygon]]:
        """Each actor's polygons in pixels, the map scaled into `rect` keeping its aspect.

        Args:
            rect: a `pygame.Rect` or any (x, y, width, height).

        Returns:
            For each actor id, its polygons as lists of integer points inside `rect`.
        """
        frame = self.frame(rect)
        return {
            actor: [[frame.to_screen(p) for p in polygon] for polygon in shape.polygons]
            for actor, shape in self.actors.items()
        }

    def fit_holes(self, rect: Iterable[int]) -> dict[str, list[ScreenPolygon]]:
        """Each actor's holes in pixels, to be drawn over its polygons in the sea's colour."""
        frame = self.frame(rect)
        return {
            actor: [[frame.to_screen(p) for p in hole] for hole in shape.holes]
            for actor, shape in self.actors.items()
        }

    def fit_point(self, point: Sequence[float], rect: Iterable[int]) -> tuple[int, int]:
        """A point in map units (a label, a strait's end) as a pixel of `rect`."""
        return self.frame(rect).to_screen(point)

    def hit(self, point: Sequence[int], rect: Iterable[int], slop: float = 0) -> str | None:
        """The actor under a pixel of the map drawn in `rect`, or None for the sea.

        Args:
            point: the pixel, such as a mouse position.
            rect: the rectangle the map was fitted into.
            slop: a pixel outside every actor but within this many pixels of one counts
                as on it (Taiwan is a small target on a small screen).

        Returns:
            The actor id, or None.
        """
        frame = self.frame(rect)
        where = frame.to_map(point)
        for actor, shape in self.actors.items():
            if shape.contains(where):
                return actor
        if slop <= 0:
            return None
        nearest = min(self.actors.values(), key=lambda shape: shape.distance(where))
        return nearest.actor if nearest.distance(where) * frame.scale <= slop else None


def load_map(path: Path | None = None) -> MapData:
    """Read the map of the six actors.

    Args:
        path: a file written by `make_shapes.py`; the bundled `assets/map/actors.json` if None.

    Returns:
        The shapes, ready to fit into a rectangle.

    Raises:
        MapDataError: the file is missing, is not JSON, or lacks an actor or a field.
    """
    path = ASSETS / "map" / "actors.json" if path is None else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MapDataError(path, f"cannot be read: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise MapDataError(path, f"is not JSON: {exc.msg} at line {exc.lineno}") from exc
    try:
        actors = {actor: _actor(actor, data["actors"][actor]) for actor in ACTOR_IDS}
        strait = data["strait"]
        return MapData(
            aspect=float(data["aspect"]),
            actors=actors,
            strait=Strait(
                line=_polygon(strait["line"]),
                polygon=_polygon(strait["polygon"]),
                label=_point(strait["label"]),
            ),
            breaks=tuple(float(b) for b in data["breaks"]),
            source=str(data["source"]),
        )
    except KeyError as exc:
        raise MapDataError(path, f"has no {exc.args[0]!r}") from exc
    except (TypeError, ValueError, IndexError) as exc:
        raise MapDataError(path, f"has a malformed point or number ({exc})") from exc


def font_path(bold: bool = False) -> Path:
    """The bundled font (Source Sans 3, SIL Open Font License), regular or bold."""
    return ASSETS / "fonts" / ("SourceSans3-Bold.ttf" if bold else "SourceSans3-Regular.ttf")


def _actor(actor: str, data: dict) -> ActorShape:
    """One actor's entry of the file."""
    polygons = tuple(_polygon(p) for p in data["polygons"])
    if not polygons:
        raise ValueError(f"actor {actor} has no polygons")
    xs = [x for polygon in polygons for x, _ in polygon]
    ys = [y for polygon in polygons for _, y in polygon]
    return ActorShape(
        actor=actor,
        name=str(data["name"]),
        polygons=polygons,
        holes=tuple(_polygon(h) for h in data.get("holes", [])),
        label=_point(data["label"]),
        bounds=(min(xs), min(ys), max(xs), max(ys)),
    )


def _polygon(points: list) -> Polygon:
    """A list of [x, y] pairs as a tuple of points."""
    return tuple(_point(p) for p in points)


def _point(pair: list) -> Point:
    """An [x, y] pair as a point."""
    x, y = pair
    return (float(x), float(y))


def _inside(point: Point, ring: Polygon) -> bool:
    """Even-odd ray casting: whether a point is inside a closed ring."""
    x, y = point
    inside = False
    xj, yj = ring[-1]
    for xi, yi in ring:
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        xj, yj = xi, yi
    return inside


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    """The distance from a point to a segment."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)
