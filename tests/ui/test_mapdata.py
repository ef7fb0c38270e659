"""The map of the six actors and the bundled font (game/ui/_mapdata.py, assets/)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from game.ui._mapdata import ACTOR_IDS, MapDataError, font_path, load_map

SIZES = [(1280, 720), (1920, 1080), (2560, 1440), (3840, 2160), (1280, 300), (500, 2000)]


@pytest.fixture(scope="module")
def world():
    """The bundled map."""
    return load_map()


@pytest.fixture(scope="module")
def pygame_font():
    """pygame with its font module, headless."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame = pytest.importorskip("pygame")
    pygame.font.init()
    return pygame


def test_shapes_file_has_the_six_actors_inside_the_unit_box(world) -> None:
    """Every actor has polygons of three or more points, all inside 0..1 × 0..aspect."""
    assert set(world.actors) == set(ACTOR_IDS)
    for shape in world.actors.values():
        assert shape.polygons
        for polygon in shape.polygons:
            assert len(polygon) >= 3
            assert all(0 <= x <= 1 and 0 <= y <= world.aspect for x, y in polygon)


def test_shapes_file_stays_small() -> None:
    """actors.json is tens of kilobytes, not an atlas."""
    path = Path(__file__).resolve().parents[2] / "assets" / "map" / "actors.json"
    assert path.stat().st_size < 100_000


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_fit_keeps_every_point_inside_the_rect(world, width: int, height: int) -> None:
    """Fitted polygons lie inside the rectangle, which may not start at the origin."""
    rect = (7, 13, width, height)
    for polygons in world.fit(rect).values():
        for polygon in polygons:
            for x, y in polygon:
                assert 7 <= x < 7 + width
                assert 13 <= y < 13 + height


def test_fit_keeps_the_aspect(world) -> None:
    """The fitted map fills the width of a tall rectangle and keeps its proportions."""
    points = [p for polys in world.fit((0, 0, 1000, 1000)).values() for q in polys for p in q]
    width = max(x for x, _ in points) - min(x for x, _ in points)
    height = max(y for _, y in points) - min(y for _, y in points)
    assert width > 950
    assert height / width == pytest.approx(world.aspect, rel=0.1)


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("actor", ACTOR_IDS)
def test_hit_finds_each_actor_at_its_label(world, actor: str, width: int, height: int) -> None:
    """The pixel of an actor's label point is on that actor, Taiwan too."""
    rect = (0, 0, width, height)
    assert world.hit(world.fit_point(world.actors[actor].label, rect), rect) == actor


def test_hit_finds_nothing_in_the_open_sea(world) -> None:
    """The middle of the Pacific, the map's corners and the strait are nobody's."""
    rect = (0, 0, 1920, 1080)
    frame = world.frame(rect)
    pacific = frame.to_screen((world.breaks[1], world.aspect / 2))
    corner = frame.to_screen((0.001, 0.001))
    strait = world.fit_point(world.strait.label, rect)
    assert [world.hit(p, rect) for p in (pacific, corner, strait, (0, 0))] == [None] * 4


def test_hit_with_slop_takes_a_near_miss(world) -> None:
    """A pixel just off Taiwan's east coast is Taiwan when the hit may slop a few pixels."""
    rect = (0, 0, 1280, 720)
    x, y = world.fit_point(world.actors["TW"].label, rect)
    east = next(x + d for d in range(1, 60) if world.hit((x + d, y), rect) is None)
    assert world.hit((east + 2, y), rect, slop=6) == "TW"
    assert world.hit((east + 2, y), rect) is None


def test_the_strait_lies_between_china_and_taiwan(world) -> None:
    """The strait's label is west of Taiwan's label and east of China's coast."""
    strait_x = world.strait.label[0]
    assert world.actors["CN"].label[0] < strait_x < world.actors["TW"].label[0]


def test_load_map_reports_a_missing_actor(tmp_path: Path) -> None:
    """A file without an actor is a MapDataError naming it, not a KeyError."""
    data = json.loads((Path(__file__).resolve().parents[2] / "assets/map/actors.json").read_text())
    del data["actors"]["KR"]
    path = tmp_path / "actors.json"
    path.write_text(json.dumps(data))
    with pytest.raises(MapDataError) as caught:
        load_map(path)
    assert caught.value.path == path
    assert "'KR'" in caught.value.problem


def test_load_map_reports_a_missing_file(tmp_path: Path) -> None:
    """A missing file is a MapDataError that says how to make it."""
    with pytest.raises(MapDataError, match=r"make_shapes\.py"):
        load_map(tmp_path / "nowhere.json")


@pytest.mark.parametrize("bold", [False, True])
def test_font_renders_the_games_characters(pygame_font, bold: bool) -> None:
    """The bundled font loads and draws the dash and the arrow with glyphs of their own."""
    font = pygame_font.font.Font(str(font_path(bold=bold)), 32)
    text = font.render("2027 Q3 – Taiwan → US", True, (255, 255, 255))
    assert text.get_width() > 200
    missing = font.render("\ue000", True, (255, 255, 255))  # a private-use point: no glyph
    for char in "–→’é":
        drawn = font.render(char, True, (255, 255, 255))
        same_box = drawn.get_size() == missing.get_size()
        assert not (
            same_box
            and pygame_font.image.tobytes(drawn, "RGBA")
            == pygame_font.image.tobytes(missing, "RGBA")
        ), char
