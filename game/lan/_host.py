"""`silicon-shield host`: a game served to teams' browsers, without a window.

It prints one JSON line (the URL, the join code) once the port is open, plays a quarter
when every team has submitted (or when the turn timeout runs out: teams that did not
submit keep their standing split; the clock starts once every team has joined, and the
pages count it down), says on stderr each quarter it played, autosaves after every
quarter, and ends with the summary `run` prints and a save, as `play` leaves one.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.errors import ParameterError
from game.lan._hub import Hub
from game.lan._lobby import PROTOCOL, Lobby
from game.lan._server import LanServer

__all__ = ["HostInterrupted", "HostOptions", "host"]


@dataclass
class HostOptions:
    """What `host` is asked to serve."""

    scenario: str | None
    teams: list[str]
    rules: Any = None  # a Ruleset
    seed: int | None = None
    bind: str = "127.0.0.1"
    port: int = 0
    turn_timeout: float | None = None
    saves: Path = Path("saves")
    load: Path | None = None  # continue this save: its teams play on their devices
    progress: bool = True  # say on stderr each quarter played


def host(options: HostOptions, announce: Any = None, stop: threading.Event | None = None) -> Any:
    """Serve a game to the teams' devices until it ends (or `stop` is set); return the
    session (the model, the teams) as it stands.

    `announce(line)` receives the JSON start line (default: printed on stdout).

    Raises:
        GameError: when the address cannot be served on.
        ParameterError: for an unknown scenario or nation, or a game without teams.
        SaveError: when the save to continue cannot be read.
    """
    from game.ui._session import Session

    if options.load is not None:
        session = Session.load(options.load, autosave=options.saves, devices=True)
    else:
        session = Session.new(
            options.scenario,
            dict.fromkeys(options.teams, ""),
            seed=options.seed,
            rules=options.rules,
            autosave=options.saves,
            devices=options.teams,
        )
    if not session.teams:
        raise ParameterError("--teams", "no team plays this game: every nation is a bot's")
    lobby = Lobby(session)
    server = LanServer(options.bind, options.port)
    server.start()
    hub = Hub(lobby, server)
    line = json.dumps({
        "url": server.url, "code": lobby.code, "bind": options.bind, "port": server.port,
        "protocol": PROTOCOL, "scenario": session.model.scenario_id, "teams": list(lobby.seats),
        "check": server.url + "check",
    })  # fmt: skip
    (announce or (lambda text: print(text, flush=True)))(line)
    try:
        _serve(session, lobby, hub, options, stop)
    except KeyboardInterrupt:
        raise HostInterrupted(session, server.port) from None
    finally:
        server.stop()
    return session


class HostInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped `host`: the game as it stands is in `session`, to save; it was
    served on `port`."""

    def __init__(self, session: Any, port: int):
        super().__init__()
        self.session = session
        self.port = port


def _serve(session: Any, lobby: Lobby, hub: Hub, options: HostOptions, stop: Any) -> None:
    """Play quarters as the teams decide, until the game ends or `stop` is set."""
    timeout = options.turn_timeout
    while not session.over and not (stop is not None and stop.is_set()):
        hub.pump(wait=0.05)
        if timeout is not None and lobby.clock is None and lobby.all_joined:
            lobby.set_clock(timeout)  # the clock runs once every team has a device
            hub.send_state()  # the pages count down
        left = lobby.seconds_left()
        if lobby.ready or (left is not None and left <= 0):
            late = [lobby.session.teams[n].name for n in lobby.seats if not lobby.decided(n)]
            lobby.resolve()
            if options.progress:
                progress(session, late)
            if timeout is not None:
                lobby.set_clock(timeout)
            hub.send_state()
    hub.pump()
    hub.send_state()
    time.sleep(0.2)  # let the last states go out before the port closes


def progress(session: Any, late: list[str]) -> None:
    """Say on stderr which quarter was played, and which teams' standing splits it used."""
    model = session.model
    played = model.date_of(model.turn)
    if late:
        said = f"{played} played ({model.turn} of {model.turns}); standing splits for {', '.join(late)}"  # fmt: skip
    else:
        said = f"{played} played ({model.turn} of {model.turns}); every team decided"
    print(said, file=sys.stderr, flush=True)


def report(session: Any, saves: Path) -> Path:
    """Save the game as it stands, with its teams' names, say where, and return the path."""
    model = session.model
    saves.mkdir(parents=True, exist_ok=True)
    path = session.save(saves / f"host-{time.strftime('%Y%m%d-%H%M%S')}.json")
    print(f"saved {path}: turn {model.turn} of {model.turns}", file=sys.stderr)
    return path
