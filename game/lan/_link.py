"""The projector's side of `play --lan`: the lobby, the server and the hub of one game,
and the addresses of this machine an instructor may open the game on."""

from __future__ import annotations

import socket
from typing import Any

from game.lan._hub import Hub
from game.lan._lobby import Lobby
from game.lan._server import LanServer

__all__ = ["LanLink", "local_addresses", "qr_matrix"]

LOOPBACK = "127.0.0.1"


class LanLink:
    """Team seats on devices for a session: serving on `bind`:`port`, pumped each frame."""

    def __init__(self, session: Any, bind: str = LOOPBACK, port: int = 8765):
        self.lobby = Lobby(session)
        self.server = LanServer(bind, port)
        self.server.start()
        self.hub = Hub(self.lobby, self.server)

    @property
    def url(self) -> str:
        return self.server.url

    def rebind(self, bind: str) -> None:
        """Serve on another address (the same port when free): pages reconnect there.

        Raises:
            GameError: when the address cannot be served on (the old one is kept).
        """
        old = self.server
        old.stop()
        self.hub.pump()  # the closed pages leave their seats (their devices are counted)
        fresh = LanServer(bind, old.port)
        try:
            fresh.start()
        except Exception:
            fresh = LanServer(old.bind, old.port)
            fresh.start()
            raise
        finally:
            self.server = self.hub.server = fresh

    def pump(self) -> int:
        """Handle the pages' messages waiting now (on the game's thread)."""
        return self.hub.pump()

    def close(self) -> None:
        """Close every page's connection and release the port."""
        self.server.stop()


def local_addresses() -> list[str]:
    """This machine's IPv4 addresses, the likely classroom one first and loopback last.

    The likely one is the address the machine would use to reach the internet (asked of
    the operating system; no packet is sent). Virtual machines' and containers' bridges
    and VPNs are often among the others, which is why the instructor chooses."""
    found: list[str] = []
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routed, never answered
        found.append(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    for info in infos:
        address = str(info[4][0])
        if address not in found and not address.startswith("127."):
            found.append(address)
    found = [a for a in found if not a.startswith("127.") and a != "0.0.0.0"]
    return [*found, LOOPBACK]


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of `text` as rows of dark (True) and light modules, with its quiet zone."""
    import segno

    code = segno.make(text, error="m", micro=False)
    rows = [[bool(v) for v in row] for row in code.matrix]
    border = 4
    width = len(rows[0]) + 2 * border
    blank = [[False] * width for _ in range(border)]
    return blank + [[False] * border + row + [False] * border for row in rows] + blank
