"""`bench`'s figures for teams on their own devices: how many teams' pages a game serves at
once, and how soon they (and the projector) show a quarter once the last team submitted.

Real parts only: the game's own server on 127.0.0.1 and a free port, real WebSocket
clients (one per team), and for the projector the real window (SDL's dummy driver when
there is no display) running its frames as `play --lan` does.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

__all__ = ["projector_figures", "serve_figures", "write_more_nations"]


def write_more_nations(rules: Path, nations: int, into: Path) -> Path:
    """Copy the ruleset in folder `rules` into the empty folder `into`, with nations cloned
    (ids X01, X02, …, each a copy of one of the ruleset's nations) up to `nations` in all.

    Raises:
        ValueError: when no file defines `nations:`.
    """
    base = rules.resolve()
    originals: dict[str, Any] = {}
    for source in sorted(p for p in base.rglob("*") if p.is_file()):
        target = into / source.relative_to(base)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        if source.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("nations"), dict):
                originals |= data["nations"]
    if not originals:
        raise ValueError(f"{rules} defines no nations")
    specs = list(originals.values())
    more = {
        f"X{i:02d}": dict(specs[i % len(specs)], name=f"Extra nation {i}")
        for i in range(1, max(0, nations - len(originals)) + 1)
    }
    if more:
        text = yaml.safe_dump({"nations": more}, sort_keys=False, allow_unicode=True)
        (into / "more_nations.yaml").write_text(text, encoding="utf-8")
    return into


def serve_figures(rules: Path, teams: int = 30, quarters: int = 4) -> dict[str, Any]:
    """`host` serving `teams` teams (a ruleset grown to that many nations), each on its own
    page: for each of `quarters` quarters, the seconds from the last team's submit to
    every page having the next quarter."""
    from websockets.sync.client import connect

    from game.lan._host import HostOptions, host
    from game.ruleset import load_ruleset

    with tempfile.TemporaryDirectory() as tmp:
        folder = write_more_nations(rules, teams, Path(tmp) / "rules")
        ruleset = load_ruleset(folder)
        nations = list(ruleset.nations)[:teams]
        started = threading.Event()
        stop = threading.Event()
        line: dict[str, Any] = {}

        def announce(text: str) -> None:
            line.update(json.loads(text))
            started.set()

        options = HostOptions(None, nations, rules=ruleset, seed=0, port=0,
                              saves=Path(tmp) / "saves", progress=False)  # fmt: skip
        thread = threading.Thread(target=host, args=(options, announce, stop), daemon=True)
        thread.start()
        if not started.wait(30):
            raise RuntimeError("the game did not start serving")
        url = line["url"].replace("http://", "ws://") + "ws"
        pages = [connect(url, origin=line["url"].rstrip("/"), open_timeout=10) for _ in nations]
        try:
            for nation, page in zip(nations, pages, strict=True):
                _until(page, "hello")
                page.send(json.dumps({"type": "join", "protocol": 1, "code": line["code"], "nation": nation}))  # fmt: skip
                _until(page, "state")
            times = []
            for turn in range(1, quarters + 1):
                for page in pages:
                    page.send(json.dumps({"type": "submit", "turn": turn, "invest": None, "actions": []}))  # fmt: skip
                start = time.perf_counter()
                for page in pages:
                    _until(page, "state", turn + 1)
                times.append(time.perf_counter() - start)
        finally:
            for page in pages:
                page.close()
            stop.set()
            thread.join(timeout=30)
    return {
        "teams": len(nations),
        "quarters": quarters,
        "ms_median": round(statistics.median(times) * 1000, 1),
        "ms_max": round(max(times) * 1000, 1),
    }


def projector_figures(quarters: int = 4) -> dict[str, Any]:
    """`play --lan` with Taiwan and the US on their own pages: the seconds from the last
    team's submit to the projector showing the quarter's news, the window's frames running
    at the game's pace (60 a second)."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame
    from websockets.sync.client import connect

    from game.ui._app import FPS, App, PlayOptions
    from game.ui._session import Session

    pygame.display.init()
    pygame.font.init()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        app = App(PlayOptions(size=(1600, 900), saves=Path(tmp), port=0))
        try:
            teams = {"US": "", "TW": ""}
            app.start(Session.new("seminar", teams, seed=0, devices=list(teams)))
            url = app.require_lan().url
            pages = [connect(url.replace("http://", "ws://") + "ws", origin=url.rstrip("/")) for _ in teams]  # fmt: skip
            for nation, page in zip(teams, pages, strict=True):
                page.send(json.dumps({"type": "join", "protocol": 1, "code": app.lan.lobby.code, "nation": nation}))  # fmt: skip
            clock = pygame.time.Clock()
            for turn in range(1, quarters + 1):
                while app.screen is None or app.screen.name != "lan":
                    app.next_step()  # from the news to the teams' quarter, as Enter does
                for page in pages:
                    page.send(json.dumps({"type": "submit", "turn": turn, "invest": None, "actions": []}))  # fmt: skip
                start = time.perf_counter()
                while app.screen.name != "news":
                    for event in pygame.event.get():
                        app.handle(event)
                    app.frame(clock.tick(FPS) / 1000.0)
                    if time.perf_counter() - start > 30:
                        raise RuntimeError("the projector did not show the quarter")
                times.append(time.perf_counter() - start)
            for page in pages:
                page.close()
        finally:
            app.close_lan()
            pygame.quit()
    return {
        "quarters": quarters,
        "ms_median": round(statistics.median(times) * 1000, 1),
        "ms_max": round(max(times) * 1000, 1),
    }


def _until(page: Any, kind: str, turn: int | None = None) -> dict[str, Any]:
    """Read `page`'s messages until one of `kind` (of quarter `turn`) arrives."""
    while True:
        message = json.loads(page.recv(timeout=30))
        if message["type"] == kind and (turn is None or message.get("turn") == turn):
            return message
