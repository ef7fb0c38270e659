"""`silicon-shield host`: a game served to teams' browsers, without a window.

It prints one JSON line (the URL, the join code) once the port is open, plays a quarter
when every team has submitted (or when the turn timeout runs out: teams that did not
submit keep their standing split; the clock starts once every team has joined), autosaves after every quarter, and ends with the
summary `run` prints and a save, as `play` leaves one.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.lan._hub import Hub
from game.lan._lobby import PROTOCOL, Lobby
from game.lan._server import LanServer

__all__ = ["HostOptions", "host"]


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


def host(options: HostOptions, announce: Any = None, stop: threading.Event | None = None) -> Any:
    """Serve a game to the teams' devices until it ends (or `stop` is set); return the
    model as it stands.

    `announce(line)` receives the JSON start line (default: printed on stdout).

    Raises:
        GameError: when the address cannot be served on.
        ParameterError: for an unknown scenario or nation.
    """
    from game.ui._session import Session

    session = Session.new(
        options.scenario,
        dict.fromkeys(options.teams, ""),
        seed=options.seed,
        rules=options.rules,
        autosave=options.saves,
    )
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
    opened = time.monotonic()
    try:
        while not session.over and not (stop is not None and stop.is_set()):
            hub.pump(wait=0.05)
            if not lobby.all_joined:
                opened = time.monotonic()  # the clock runs once every team has a device
            late = options.turn_timeout is not None and time.monotonic() - opened >= options.turn_timeout  # fmt: skip
            if lobby.ready or late:
                lobby.resolve()
                hub.send_state()
                opened = time.monotonic()
        hub.pump()
        hub.send_state()
        time.sleep(0.2)  # let the last states go out before the port closes
    finally:
        server.stop()
    return session.model


def report(model: Any, saves: Path) -> None:
    """Save the finished game and print the summary `run` prints."""
    from game.saves import write_save

    saves.mkdir(parents=True, exist_ok=True)
    path = saves / f"host-{time.strftime('%Y%m%d-%H%M%S')}.json"
    write_save(model, path)
    print(f"saved {path}: turn {model.turn} of {model.turns}", file=sys.stderr)
