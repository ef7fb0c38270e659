"""The web server teams' devices talk to: Starlette on uvicorn, in a thread beside the game.

The server keeps no game state. Each WebSocket message goes into `inbox` as
("message", connection, data); the game's thread drains the inbox each frame (or each
tick of `host`), lets the lobby answer, and sends replies back with `send()`, which is
safe to call from that thread. Uvicorn runs in its own thread, so it installs no signal
handlers; `stop()` closes every connection and releases the port.

What the server refuses on its own: a WebSocket from a page of another origin, a frame
over `MAX_MESSAGE` bytes (uvicorn closes the connection), messages beyond the rate per
connection or per address, and anything that is not a JSON object. It serves the team
page and its files, a self-check page and nothing else: no instructor controls, no
saves, no files from disk, no tracebacks, no API docs.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import queue
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from game.errors import GameError

__all__ = ["MAX_MESSAGE", "LanServer", "missing_extra"]

MAX_MESSAGE = 4096  # bytes of one WebSocket frame: a decision is a few hundred
RATE = 8.0  # messages per second a connection may send, on average
BURST = 16  # and at once
ADDRESS_RATE = 200.0  # per address (a classroom behind one NAT is many devices)
ADDRESS_BURST = 400
CONNECTIONS_PER_ADDRESS = 64
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/client.js": ("client.js", "text/javascript; charset=utf-8"),
          "/style.css": ("style.css", "text/css; charset=utf-8"),
          "/check": ("check.html", "text/html; charset=utf-8"),
          "/check.js": ("check.js", "text/javascript; charset=utf-8")}  # fmt: skip
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'",
}


def missing_extra() -> str:
    """'' when the web server's libraries are installed, else how to install them."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
        import websockets  # noqa: F401
    except ImportError:
        return "teams on their own devices need the 'lan' extra: pip install 'silicon-shield[lan]'"
    return ""


@dataclass
class _Bucket:
    """A token bucket: `take()` is False once more than the rate is asked for."""

    rate: float
    burst: float
    tokens: float = 0.0
    at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class LanServer:
    """The team clients' web server on `bind`:`port` (0: a free port), in a thread."""

    def __init__(self, bind: str = "127.0.0.1", port: int = 0):
        self.bind = bind
        self.port = port
        self.inbox: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._outboxes: dict[int, asyncio.Queue[Any]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ids = itertools.count(1)
        self._per_address: dict[str, int] = {}
        self._address_buckets: dict[str, _Bucket] = {}
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # Starting and stopping ----------------------------------------------------------
    def start(self, timeout: float = 10.0) -> None:
        """Start serving; return once the port is open (its number is then `port`).

        Raises:
            GameError: when the address cannot be bound (in use, not this machine's).
        """
        import uvicorn

        config = uvicorn.Config(
            self._app(), host=self.bind, port=self.port, lifespan="off", log_level="critical",
            ws="websockets-sansio", ws_max_size=MAX_MESSAGE, ws_ping_interval=10, ws_ping_timeout=20,
            server_header=False, date_header=False, proxy_headers=False,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        failed: list[BaseException] = []

        def serve() -> None:
            try:
                self._server.run()
            except BaseException as exc:
                failed.append(exc)

        self._thread = threading.Thread(target=serve, name="lan-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if failed or not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise GameError(f"cannot serve on {self.bind}:{self.port}: the address is in use or not this machine's")  # fmt: skip
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        """Close every connection and release the port."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None

    @property
    def url(self) -> str:
        """The address teams open."""
        host = f"[{self.bind}]" if ":" in self.bind else self.bind
        return f"http://{host}:{self.port}/"

    # The game's side --------------------------------------------------------------------
    def send(self, connection: int, message: dict[str, Any] | None) -> None:
        """Send `message` to a connection (None closes it); from any thread."""
        loop, box = self._loop, self._outboxes.get(connection)
        if loop is not None and box is not None:
            loop.call_soon_threadsafe(box.put_nowait, message)

    # The web side --------------------------------------------------------------------
    def _app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.responses import PlainTextResponse, Response
        from starlette.routing import Route, WebSocketRoute

        async def page(request: Any) -> Any:
            name, kind = STATIC[request.url.path]
            body = resources.files("game.lan").joinpath("static", name).read_bytes()
            return Response(body, media_type=kind, headers=HEADERS)

        async def not_found(request: Any, exc: Any) -> Any:
            return PlainTextResponse("not found", status_code=404, headers=HEADERS)

        async def fault(request: Any, exc: Any) -> Any:
            return PlainTextResponse("the game could not answer", status_code=500, headers=HEADERS)  # fmt: skip

        async def no_icon(request: Any) -> Any:
            return Response(status_code=204, headers=HEADERS)

        routes = [Route(path, page) for path in STATIC]
        routes.append(Route("/favicon.ico", no_icon))
        routes.append(WebSocketRoute("/ws", self._socket))
        return Starlette(
            routes=routes, exception_handlers={404: not_found, 405: not_found, 500: fault}
        )

    async def _socket(self, websocket: Any) -> None:
        from starlette.websockets import WebSocketDisconnect

        self._loop = asyncio.get_running_loop()
        address = websocket.client.host if websocket.client else "?"
        if not _same_origin(websocket.headers.get("origin"), websocket.headers.get("host")):
            await websocket.close(code=1008)  # before accepting: the handshake gets 403
            return
        if self._per_address.get(address, 0) >= CONNECTIONS_PER_ADDRESS:
            await websocket.close(code=1013)
            return
        await websocket.accept()
        connection = next(self._ids)
        box: asyncio.Queue[Any] = asyncio.Queue()
        self._outboxes[connection] = box
        self._per_address[address] = self._per_address.get(address, 0) + 1
        bucket = _Bucket(RATE, BURST)
        shared = self._address_buckets.setdefault(address, _Bucket(ADDRESS_RATE, ADDRESS_BURST))
        self.inbox.put(("open", connection, address))

        async def sender() -> None:
            while True:
                message = await box.get()
                if message is None:
                    await websocket.close(code=1000)
                    return
                await websocket.send_text(json.dumps(message, separators=(",", ":")))

        sending = asyncio.create_task(sender())
        try:
            while not sending.done():
                receiving = asyncio.ensure_future(websocket.receive_text())
                done, _ = await asyncio.wait({receiving, sending}, return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
                if receiving not in done:
                    receiving.cancel()
                    break
                text = receiving.result()
                if not (bucket.take() and shared.take()):
                    box.put_nowait({"type": "error", "message": "too many messages; wait a moment"})  # fmt: skip
                    continue
                try:
                    data = json.loads(text)
                except ValueError:
                    data = None
                if not isinstance(data, dict):
                    box.put_nowait({"type": "error", "message": "not a message of this game"})
                    continue
                self.inbox.put(("message", connection, data))
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            sending.cancel()
            self._outboxes.pop(connection, None)
            self._per_address[address] -= 1
            self.inbox.put(("close", connection))


def _same_origin(origin: str | None, host: str | None) -> bool:
    """Whether a WebSocket comes from a page this server served (its Origin's host and
    port are the Host it asked for)."""
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()
