"""The world, charts and debrief screens, headless, with real Pygame events
(game/ui/_screens_world.py, _screens_debrief.py, _map.py, _charts.py, _export.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pygame
import pytest

from game.ui._app import App, PlayOptions
from game.ui._export import SCORES_NOTE, debrief_markdown, turning_points
from game.ui._screens_world import ChartsScreen, DebriefScreen, WorldScreen
from game.ui._session import Session

from .driver import Player, show_screen

SIZES = [(1280, 720), (3840, 2160)]


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def app(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """An app at the smallest or largest size, three quarters into a seminar with one team."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.display.init()
    pygame.font.init()
    app = App(PlayOptions(size=request.param, saves=tmp_path / "saves"))
    session = Session.new("seminar", {"TW": "Taipei"}, seed=1)
    for _ in range(3):
        session.resolve()
    app.start(session)
    yield app
    pygame.quit()


def run(app: App, frames: int = 3) -> None:
    """Handle the queued events and draw a few frames, as the event loop does."""
    for _ in range(frames):
        for event in pygame.event.get():
            app.handle(event)
        app.frame(1 / 60)


def press(app: App, key: int) -> None:
    """Press and release a key."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))
    run(app)


def click(app: App, pos: tuple[int, int]) -> None:
    """Click the left mouse button at `pos`."""
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        pygame.event.post(pygame.event.Event(kind, pos=pos, button=1, touch=False))
        run(app, 1)
    run(app)


def widgets_inside(app: App) -> None:
    """Every widget lies inside the window."""
    window = app.window.get_rect()
    for element in app.manager.get_root_container().elements:
        assert window.contains(element.rect), f"{element} at {element.rect} is off-screen"


@pytest.mark.parametrize("screen", [WorldScreen, ChartsScreen, DebriefScreen])
def test_each_screen_draws_with_its_widgets_on_screen(app: App, screen: type) -> None:
    """Each screen builds and draws at the smallest and largest sizes, no widget off-screen."""
    app.show(screen(app))
    run(app)
    widgets_inside(app)
    assert app.window.get_at((app.window.get_width() // 2, app.window.get_height() // 3))


def test_hovering_taiwan_shows_its_numbers(app: App) -> None:
    """Moving the mouse onto Taiwan's label point opens a panel that names Taiwan."""
    world = WorldScreen(app)
    app.show(world)
    run(app)
    point = world.view.label_point("TW", world.map_rect)
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=point, rel=(0, 0), buttons=(0, 0, 0))
    )
    run(app)
    assert world.hovered == "TW"
    name, who = world.card_lines()[0]
    assert (name, who) == ("Taiwan", "played by Taipei")
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=(1, 1), rel=(0, 0), buttons=(0, 0, 0))
    )
    run(app)
    assert world.hovered is None


def test_c_opens_the_charts_and_escape_comes_back(app: App) -> None:
    """C on the world opens the charts; Esc returns to the same world screen."""
    world = WorldScreen(app)
    app.show(world)
    run(app)
    press(app, pygame.K_c)
    assert isinstance(app.screen, ChartsScreen)
    press(app, pygame.K_ESCAPE)
    assert app.screen is world


def test_clicking_charts_opens_them(app: App) -> None:
    """A mouse click on the Charts button opens the charts."""
    world = WorldScreen(app)
    app.show(world)
    run(app)
    click(app, world.charts_button.rect.center)
    assert isinstance(app.screen, ChartsScreen)


def test_enter_goes_on_to_the_next_quarter(app: App) -> None:
    """Enter on the world goes on: the team's hand-off for the coming quarter."""
    app.show(WorldScreen(app))
    run(app)
    press(app, pygame.K_RETURN)
    assert app.screen is not None
    assert app.screen.name == "handoff"


def test_export_writes_markdown_and_charts(app: App) -> None:
    """E on the debrief writes debrief.md and non-empty PNG charts, and says where."""
    debrief = DebriefScreen(app)
    app.show(debrief)
    run(app)
    press(app, pygame.K_e)
    path = debrief.exported
    assert path is not None
    assert path.is_file()
    assert path.parent.parent == app.options.saves
    text = path.read_text(encoding="utf-8")
    assert "## Final scores" in text
    assert SCORES_NOTE in text
    assert re.search(r"\| Taiwan \| (team )?Taipei \| ", text)  # the wording is _export's
    assert "Rank" not in text
    charts = sorted((path.parent / "charts").glob("*.png"))
    assert len(charts) == 4
    for chart in charts:
        assert chart.stat().st_size > 1000
        assert f"charts/{chart.name}" in text
    assert str(path.parent) in debrief.status.text


def test_debrief_autoplay_exports_opens_the_menu_then_quits(app: App) -> None:
    """Autoplay on the debrief exports once, opens the facilitator's menu once, then quits."""
    debrief = DebriefScreen(app)
    app.show(debrief)
    run(app)
    debrief.autoplay()
    assert debrief.exported is not None
    debrief.autoplay()
    assert app.overlay is not None
    assert app.overlay.name == "facilitator"
    app.shown.add("facilitator")
    debrief.autoplay()
    assert not app.running
    assert len(list(app.options.saves.glob("debrief-*"))) == 1


def test_score_history_ends_at_the_scores(app: App) -> None:
    """The scores over time end at what the model's scores are now."""
    model = app.require_session().model
    history = model.score_history()
    assert {n: round(v[-1], 6) for n, v in history.items()} == model.scores()
    assert all(len(v) == model.turn for v in history.values())


def test_turning_points_are_the_largest_moves_with_their_news(app: App) -> None:
    """Turning points come largest first; each names a date and the metrics that moved."""
    session = app.require_session()
    points = turning_points(session.model, count=2, reports=session.reports)
    assert 1 <= len(points) <= 2
    for point in points:
        assert point.date == session.model.date_of(point.turn)
        assert point.changes
    text = debrief_markdown(session.model, {"TW": "Taipei"}, points=points)
    assert f"### {points[0].date}" in text


def test_debrief_Q_asks_first_and_Esc_keeps_the_game(app: App) -> None:
    """Q on the debrief asks "Quit the game?"; Esc goes back, Enter then quits."""
    debrief = DebriefScreen(app)
    app.show(debrief)
    run(app)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q, mod=0, unicode="q"))
    run(app)
    assert debrief.asking()
    assert app.running
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode=""))
    run(app)
    assert not debrief.asking()
    assert app.running
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q, mod=0, unicode="q"))
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode=""))
    run(app)
    assert not app.running


def test_pointing_at_tsmcs_dot_shows_tsmc_and_taiwan_still_shows_taiwan(player: Player) -> None:
    """With the real pointer: over TSMC's dot a panel names TSMC and its numbers; over
    Taiwan away from the dots the panel names Taiwan again."""
    show_screen(player, "world")
    world = player.screen
    assert isinstance(world, WorldScreen)
    marks = world.view.firm_marks(world.map_rect, world.look, player.app.text, world.map_state())
    assert {m.firm for m in marks} >= {"TSMC", "TSMC_AZ", "Intel", "Samsung", "SMIC"}
    tsmc = next(m for m in marks if m.firm == "TSMC")
    player.move(tsmc.centre)
    assert world.firm == "TSMC"
    lines = dict(world.card_lines())
    assert world.card_lines()[0] == ("TSMC", "firm in Taiwan")
    assert lines["Kind"] == "foundry"
    assert "of world" in lines["Advanced capacity"]
    taiwan = world.view.label_point("TW", world.map_rect)
    assert not any(m.contains(taiwan, world.unit) for m in marks)
    player.move(taiwan)
    assert world.firm is None
    assert world.hovered == "TW"
    assert world.card_lines()[0][0] == "Taiwan"


@pytest.mark.parametrize(
    "size", [(1280, 720), (1600, 900), (1920, 1080), (3840, 2160)], ids=lambda s: f"{s[0]}x{s[1]}"
)
def test_the_hover_card_never_covers_the_gauges_or_the_strait(
    make_app: Callable[..., App], size: tuple[int, int]
) -> None:
    """Pointing at each nation and each firm's dot shows a card inside the window that
    covers neither the "At a glance" gauges nor the Taiwan Strait's label."""
    app = make_app(size=size)
    session = Session.new("seminar", {"TW": "Taipei"}, seed=1)
    session.resolve()
    app.start(session)
    world = WorldScreen(app)
    app.show(world)
    run(app)
    marks = world.view.firm_marks(world.map_rect, world.look, app.text, world.map_state())
    points = {n: world.view.label_point(n, world.map_rect) for n in session.model.nations}
    points |= {m.firm: m.centre for m in marks}
    window = app.window.get_rect()
    for what, point in points.items():
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEMOTION, pos=point, rel=(0, 0), buttons=(0, 0, 0))
        )
        run(app)
        assert what in (world.hovered, world.firm)
        card = world.card
        assert card is not None, f"no card over {what}"
        assert window.contains(card), f"{what}: card {card} leaves the window"
        assert not card.colliderect(world.glance_rect), f"{what}: card covers the gauges"
        assert not card.colliderect(world.strait_rect()), f"{what}: card covers the strait"


def test_the_next_button_says_next_quarter_while_quarters_remain(app: App) -> None:
    """Three quarters into twelve, the world's button goes on to the next quarter."""
    world = WorldScreen(app)
    app.show(world)
    run(app)
    assert world.next_button.text == "Next quarter (Enter)"


def test_after_the_last_quarter_the_button_says_to_the_debrief(
    make_app: Callable[..., App],
) -> None:
    """On the world after quarter 12 of 12 the button says "To the debrief (Enter)", its
    text fits it, and Enter opens the debrief."""
    app = make_app(size=(1280, 720))
    session = Session.new("seminar", {"US": "Eagles", "TW": "Taipei"}, seed=1)
    while not session.over:
        session.resolve()
    app.start(session)
    world = WorldScreen(app)
    app.show(world)
    run(app)
    button = world.next_button
    assert button.text == "To the debrief (Enter)"
    assert button.font.size(button.text)[0] < button.rect.w
    press(app, pygame.K_RETURN)
    assert isinstance(app.screen, DebriefScreen)
    assert session.model.turn == 12


def label_pixels(app: App, box: pygame.Rect) -> int:
    """How many pixels of the window inside `box` are in the labels' text colour."""
    area = app.window.subsurface(box.clip(app.window.get_rect()))
    colour = app.look.colour("text")
    return pygame.mask.from_threshold(area, colour, (8, 8, 8, 255)).count()


@pytest.mark.parametrize(
    "size", [(1280, 720), (1920, 1080), (3840, 2160)], ids=lambda s: f"{s[0]}x{s[1]}"
)
def test_pointing_at_a_nation_s_name_points_at_the_nation(
    make_app: Callable[..., App], size: tuple[int, int]
) -> None:
    """With the real pointer on the centre of each nation's name on the map (Taiwan's and
    South Korea's at sea beside their land), that nation is hovered and its card shown."""
    app = make_app(size=size)
    player = Player(app)
    session = Session.new("seminar", {"TW": "Taipei"}, seed=1)
    session.resolve()
    player.start(session)
    world = WorldScreen(app)
    app.show(world)
    player.pump()
    boxes = world.view.label_boxes(world.map_rect, world.look, app.text, world.map_state())
    assert set(boxes) == set(session.model.nations)
    for nation, box in boxes.items():  # each box holds its drawn name
        assert label_pixels(app, box) > box.w * box.h // 20, f"no text drawn in {nation}'s box"
    for nation, box in boxes.items():
        player.move((1, 1))
        assert world.hovered is None
        player.move(box.center)
        assert world.hovered == nation, f"{nation}'s name at {box.center}"
        assert world.firm is None
        assert world.card_lines()[0][0] == session.model.nations[nation].name
        assert world.card is not None


@pytest.mark.parametrize(
    "size", [(1280, 720), (1920, 1080), (3840, 2160)], ids=lambda s: f"{s[0]}x{s[1]}"
)
def test_pointing_near_taiwan_s_island_at_sea_points_at_taiwan(
    make_app: Callable[..., App], size: tuple[int, int]
) -> None:
    """A pointer at sea most of a unit above, below or right of Taiwan's island hovers
    Taiwan; three units out in the open sea hovers nothing."""
    app = make_app(size=size)
    player = Player(app)
    session = Session.new("seminar", {"TW": "Taipei"}, seed=1)
    player.start(session)
    world = WorldScreen(app)
    app.show(world)
    player.pump()
    island, u = world.view.bounds("TW", world.map_rect), world.unit
    near = round(0.9 * u)
    points = [
        (island.centerx, island.top - near),
        (island.centerx, island.bottom + near),
        (island.right + near, island.centery),
    ]
    for point in points:
        assert world.view.hit(point, world.map_rect, slop=0) is None  # at sea
        player.move((1, 1))
        player.move(point)
        assert world.hovered == "TW", f"{point} beside Taiwan at {island}"
    player.move((island.right + 3 * u, island.bottom + 3 * u))
    assert world.hovered is None
