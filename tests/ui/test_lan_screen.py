"""`play --lan`: the projector's waiting screen and the teams' pages, through the real
event loop (SDL's dummy driver) and real WebSocket clients on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import socket
import time
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pygame
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("segno")
pytest.importorskip("websockets")
from websockets.sync.client import ClientConnection, connect

from game.ui import Session

from .driver import Player


@pytest.fixture
def room(make_app: Any) -> Iterator[Callable[..., Player]]:
    """Start the seminar with its teams, Washington (the US) and Taipei (Taiwan), those of
    `devices` on their own devices: `room(devices, timer=None, **options)` (options as
    `make_app`'s). Whatever the test did, the pages are closed and the port released."""
    apps = []

    def start(devices: Sequence[str] = (), timer: int | None = None, **options: Any) -> Player:
        app = make_app(port=0, **options)
        apps.append(app)
        app.timer_minutes = timer
        player = Player(app)
        teams = {"US": "Washington", "TW": "Taipei"}
        player.start(Session.new("seminar", teams, seed=3, devices=list(devices)))
        return player

    yield start
    for app in apps:
        app.close_lan()


@pytest.fixture
def setup(make_app: Any) -> Iterator[Callable[..., Player]]:
    """The setup screen with the seats given (`setup(seats)`), its game's pages closed after."""
    apps = []

    def show(seats: dict[str, str]) -> Player:
        from game.ui._screens_setup import SetupScreen

        app = make_app(port=0, seats=seats)
        apps.append(app)
        player = Player(app)
        app.show(SetupScreen(app))
        player.pump()
        return player

    yield show
    for app in apps:
        app.close_lan()


@pytest.fixture
def player(room: Callable[..., Player]) -> Player:
    """Both teams on their own devices, as `play --lan` seats them."""
    return room(["US", "TW"], lan=True)


def page(player: Player, pages: contextlib.ExitStack) -> ClientConnection:
    """A team's page: connected, and its hello read (the game answers between frames)."""
    url = player.app.lan.url
    return pages.enter_context(connect(url.replace("http://", "ws://") + "ws", origin=url.rstrip("/")))  # fmt: skip


def answer(player: Player, client: ClientConnection, kind: str) -> dict[str, Any]:
    """Run the game's frames until the page has a message of `kind`."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        player.pump(1)
        with contextlib.suppress(TimeoutError):
            message = json.loads(client.recv(timeout=0.05))
            if message["type"] == kind:
                return message
    raise AssertionError(f"no {kind!r} message")


def join(player: Player, pages: contextlib.ExitStack, nation: str) -> ClientConnection:
    client = page(player, pages)
    answer(player, client, "hello")
    code = player.app.lan.lobby.code
    client.send(json.dumps({"type": "join", "protocol": 1, "code": code, "nation": nation}))
    answer(player, client, "state")
    return client


def test_the_projector_shows_where_to_join_and_plays_once_every_team_submitted(player: Player) -> None:  # fmt: skip
    assert player.screen.name == "lan"
    address = player.screen.widgets["address"]
    assert address.selected_option[0].startswith("127.0.0.1 (")
    assert address.selected_option[0].endswith("this computer only)")
    with contextlib.ExitStack() as pages:
        us = join(player, pages, "US")
        tw = join(player, pages, "TW")
        assert [t["status"] for t in player.app.lan.lobby.status()] == ["deciding", "deciding"]
        us.send(json.dumps({"type": "submit", "turn": 1, "invest": None, "actions": []}))
        answer(player, us, "accepted")
        assert player.screen.name == "lan"  # Taiwan has not decided yet
        assert [t["status"] for t in player.app.lan.lobby.status()] == ["submitted", "deciding"]
        tw.send(json.dumps({"type": "submit", "turn": 1, "invest": {"defense": 1.0}, "actions": []}))  # fmt: skip
        state = answer(player, tw, "state")
        while state["turn"] != 2:
            state = answer(player, tw, "state")
        assert player.screen.name == "news"
        assert player.app.session.model.turn == 1
        assert state["date"] == "2025 Q2"
        player.press(pygame.K_RETURN)  # the news, then the world map, then the waiting screen
        player.press(pygame.K_RETURN)
        assert player.screen.name == "lan"


def test_p_plays_the_quarter_without_the_late_teams_and_enter_does_not(player: Player) -> None:
    player.press(pygame.K_RETURN)  # one Enter too many after the world map: nothing happens
    assert (player.screen.name, player.app.session.model.turn) == ("lan", 0)
    player.press(pygame.K_p)
    assert player.screen.name == "news"
    log = player.app.session.model.decision_log
    assert {(d.nation, d.by) for d in log if d.nation in ("US", "TW")} == {("US", "standing"), ("TW", "standing")}  # fmt: skip


def test_closing_the_game_releases_the_port(player: Player) -> None:
    port = player.app.lan.server.port
    player.app.close_lan()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # free again


def test_the_instructor_frees_a_seat_or_hands_it_to_a_bot(player: Player) -> None:
    with contextlib.ExitStack() as pages:
        tw = join(player, pages, "TW")
        tw.send(json.dumps({"type": "submit", "turn": 1, "invest": {"ai": 1.0}, "actions": []}))
        answer(player, tw, "accepted")
        player.click(player.screen.widgets["free:TW"])
        assert answer(player, tw, "left")["message"].startswith("the instructor freed this seat")
        assert [t["status"] for t in player.app.lan.lobby.status()] == ["waiting", "waiting"]
        again = page(player, pages)  # a new device joins again with the code
        answer(player, again, "hello")
        code = player.app.lan.lobby.code
        again.send(json.dumps({"type": "join", "protocol": 1, "code": code, "nation": "TW"}))
        assert answer(player, again, "state")["pending"]["invest"] == {"ai": 1.0}  # kept
        player.click(player.screen.widgets["bot:US"])
        assert list(player.app.lan.lobby.seats) == ["TW"]
        assert player.app.session.model.seats["US"] == "bot"
        player.pump()
        # Taiwan, the only team left, has decided: the quarter is played with its choice.
        assert player.screen.name == "news"
        (taiwan,) = [d for d in player.app.session.model.decision_log if d.nation == "TW"]
        assert (taiwan.by, taiwan.invest) == ("team", {"ai": 1.0})


def test_the_setup_screen_lets_teams_play_on_their_own_devices(setup: Any) -> None:
    from game.ui._screens_setup import ON_DEVICES

    player = setup({"US": "human", "TW": "human"})
    app = player.app
    player.choose(player.screen.widgets["where"], ON_DEVICES)
    assert app.options.lan is True
    player.press(pygame.K_RETURN)  # start the game
    assert player.screen.name == "lan"
    assert list(app.lan.lobby.seats) == ["US", "TW"]


def test_pages_follow_the_projector_when_a_quarter_is_undone(player: Player) -> None:
    with contextlib.ExitStack() as pages:
        tw = join(player, pages, "TW")
        player.press(pygame.K_p)  # quarter 1 played
        while answer(player, tw, "state")["turn"] != 2:
            pass
        player.app.session.undo()  # as the facilitator's menu does
        assert answer(player, tw, "state")["turn"] == 1


def test_opening_the_game_on_another_address_frees_the_seats_of_the_pages_it_closed(
    player: Player,
) -> None:
    with contextlib.ExitStack() as pages:
        join(player, pages, "TW")
        assert player.app.lan.lobby.status()[1]["status"] == "deciding"
        player.screen.open_on("127.0.0.1")  # the pages on the old server are closed
        assert player.app.lan.lobby.status()[1]["status"] == "waiting"  # join again there
        assert player.app.lan.lobby.seats["TW"].devices == 0
        again = page(player, pages)  # and the new server answers
        assert answer(player, again, "hello")["protocol"] == 1


def test_a_room_of_teams_at_the_keyboard_and_on_devices(room: Any) -> None:
    """The US decides at the projector's keyboard (hand-off, decision), Taiwan on its
    page meanwhile; the quarter is played once both have decided, each as a team."""
    player = room(["TW"])
    app = player.app
    # The room sees where to join first; Enter hands the keyboard to the US.
    assert player.screen.name == "lan"
    assert "keyboard" in player.screen.widgets
    assert list(app.lan.lobby.seats) == ["TW"]
    with contextlib.ExitStack() as pages:
        tw = join(player, pages, "TW")
        tw.send(json.dumps({"type": "submit", "turn": 1, "invest": {"ai": 1.0}, "actions": []}))
        answer(player, tw, "accepted")
        assert player.screen.name == "lan"  # the US has not decided: nothing played
        player.press(pygame.K_RETURN)
        assert (player.screen.name, player.screen.nation) == ("handoff", "US")
        player.press(pygame.K_RETURN)  # lift the curtain
        player.press(pygame.K_RETURN)  # review
        player.press(pygame.K_RETURN)  # confirm
        player.pump()
        assert player.screen.name == "news"
    log = app.session.model.decision_log
    assert {(d.nation, d.by) for d in log if d.nation in ("US", "TW")} == {("US", "team"), ("TW", "team")}  # fmt: skip


def seat_menu(player: Player, nation: str) -> Any:
    """The facilitator's seat menu of `nation` (F1, already open)."""
    (menu,) = [m for m, n in player.app.overlay.seat_menus.items() if n == nation]
    return menu


def test_the_facilitator_moves_a_team_between_the_keyboard_and_a_device(room: Any) -> None:
    from game.ui._screens_setup import DEVICE, TEAM

    player = room()
    app = player.app
    assert app.lan is None
    assert player.screen.name == "handoff"
    player.press(pygame.K_F1)
    player.choose(seat_menu(player, "TW"), DEVICE)  # the pages are served from now on
    assert app.lan is not None
    assert list(app.lan.lobby.seats) == ["TW"]
    assert app.session.teams["TW"].name == "Taipei"  # the team keeps its name
    with contextlib.ExitStack() as pages:
        tw = join(player, pages, "TW")
        player.choose(seat_menu(player, "TW"), TEAM)  # back to the keyboard: its page is told
        assert answer(player, tw, "left")["message"].startswith("the instructor moved this team to the game's computer")  # fmt: skip
        assert app.lan.lobby.seats == {}


def test_the_setup_screen_seats_some_teams_on_devices(setup: Any) -> None:
    from game.ui._screens_setup import DEVICE, MIXED

    player = setup({"US": "human", "TW": "human"})
    app = player.app
    player.choose(player.screen.widgets["seat:TW"], DEVICE)
    assert player.screen.widgets["where"].selected_option[0] == MIXED
    player.press(pygame.K_RETURN)  # start the game: where to join, then the US's turn
    assert player.screen.name == "lan"
    assert app.session.on_devices == ["TW"]
    assert list(app.lan.lobby.seats) == ["TW"]


def test_the_addresses_say_which_network_is_a_vpn_or_a_container_s(monkeypatch: Any) -> None:
    """The instructor's menu: the room's address first, VPN and Docker addresses named as
    such and put after it, loopback last."""
    import psutil

    from game.lan import _link

    def entry(address: str) -> Any:  # as psutil gives them: a family and an address
        return types.SimpleNamespace(family=socket.AF_INET, address=address)

    interfaces = {
        "lo": [entry("127.0.0.1")],
        "docker0": [entry("172.17.0.1")],
        "tun0": [entry("10.8.0.6")],
        "wlan0": [entry("192.168.1.20")],
        "eth1": [entry("192.168.56.1")],
    }
    monkeypatch.setattr(psutil, "net_if_addrs", lambda: interfaces)
    labels = [a.label for a in _link.local_addresses()]
    assert labels[-3:] == [
        "10.8.0.6 (tun0: VPN, not the room)",
        "172.17.0.1 (docker0: containers/VMs, not the room)",
        "127.0.0.1 (lo: this computer only)",
    ]
    assert set(labels[:-3]) >= {"192.168.1.20 (wlan0)", "192.168.56.1 (eth1)"}


def test_a_page_choosing_its_seat_sees_a_seat_the_facilitator_adds(room: Any) -> None:
    from game.ui._screens_setup import DEVICE

    player = room(["TW"])
    with contextlib.ExitStack() as pages:
        choosing = page(player, pages)
        assert [s["nation"] for s in answer(player, choosing, "hello")["seats"]] == ["TW"]
        player.press(pygame.K_F1)
        player.choose(seat_menu(player, "US"), DEVICE)
        seats = answer(player, choosing, "hello")["seats"]
        assert [s["nation"] for s in seats] == ["US", "TW"]


def test_how_to_play_explains_the_devices_when_teams_play_on_them(room: Any) -> None:
    from game.ui._screens_setup import HOW_TO_PLAY_DEVICES

    app = room(["TW"], first_time=True).app
    assert app.overlay.name == "howto"
    assert app.overlay.text == HOW_TO_PLAY_DEVICES
    assert "join code" in HOW_TO_PLAY_DEVICES


def test_seats_on_devices_from_the_command_line(setup: Any) -> None:
    """`play --seats US=human,TW=device`: the setup screen shows it, the game serves it."""
    from game.ui._screens_setup import DEVICE, TEAM

    player = setup({"US": "human", "TW": "device"})
    assert (player.screen.seats["US"], player.screen.seats["TW"]) == (TEAM, DEVICE)
    player.press(pygame.K_RETURN)
    assert player.app.session.on_devices == ["TW"]


def test_ending_the_game_early_ends_it_on_the_pages(player: Player) -> None:
    """F1's "End the game → debrief" ends the game on every page: over, and no more submits."""
    from game.ui._screens_world import DebriefScreen

    with contextlib.ExitStack() as pages:
        tw = join(player, pages, "TW")
        player.app.show(DebriefScreen(player.app))  # as the facilitator's menu does
        assert answer(player, tw, "state")["over"] is True
        tw.send(json.dumps({"type": "submit", "turn": 1, "invest": None, "actions": []}))
        assert answer(player, tw, "error")["message"] == "the game is over"


def test_p_waits_for_the_teams_at_this_computer_and_they_share_the_quarter_s_clock(
    room: Any,
) -> None:
    player = room(["TW"], timer=2)
    app = player.app
    assert "play" not in player.screen.widgets  # the US decides first
    player.press(pygame.K_p)
    assert (player.screen.name, app.session.model.turn) == ("lan", 0)  # nothing played
    assert app.notice is not None
    assert app.notice[0].startswith("Washington decides at this computer first")
    app.lan.lobby.set_clock(42)  # the quarter's clock, as the pages count it
    player.press(pygame.K_RETURN)  # the curtain
    player.press(pygame.K_RETURN)  # the US's decision, on the same clock
    player.pump()
    assert player.screen.name == "decide"
    assert 40 <= player.screen.time_left <= 42
