"""The projector's side of `play --lan`: the lobby, the server and the hub of one game,
and the addresses of this machine an instructor may open the game on."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

from game.lan._hub import Hub
from game.lan._lobby import Lobby
from game.lan._server import LanServer

__all__ = ["Address", "LanLink", "local_addresses", "qr_matrix"]

LOOPBACK = "127.0.0.1"


class LanLink:
    """Team seats on devices for a session: serving on `bind`:`port`, pumped each frame."""

    def __init__(self, session: Any, bind: str = LOOPBACK, port: int = 8765):
        self.lobby = Lobby(session)
        self.server = LanServer(bind, port)
        self.server.start()
        self.hub = Hub(self.lobby, self.server)
        self.clock_for: tuple[int, int, int | None] | None = None  # (game, quarter, minutes)

    @property
    def url(self) -> str:
        return self.server.url

    def rebind(self, bind: str) -> None:
        """Serve on another address (the same port when free): teams open it and join
        again with the code.

        Raises:
            GameError: when the address cannot be served on (the old one is kept).
        """
        old = self.server
        old.stop()
        self.hub.pump()  # the closed pages leave their seats (their devices are counted)
        # A page keeps its token per address: at the new one every team joins again with
        # the code (decisions already submitted stay).
        for nation in self.lobby.seats:
            self.lobby.free(nation)
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


@dataclass(frozen=True)
class Address:
    """An IPv4 address of this machine, and what kind of network it is on."""

    ip: str
    interface: str = ""  # its network interface's name, when known ('wlan0', 'docker0')
    kind: str = ""  # 'likely' (the way out), 'virtual', 'vpn', 'loopback' or ''

    @property
    def label(self) -> str:
        """'192.168.1.20 (wlan0)', '172.17.0.1 (docker0: containers/VMs, not the room)'."""
        note = {
            "loopback": "this computer only",
            "virtual": "containers/VMs, not the room",
            "vpn": "VPN, not the room",
        }.get(self.kind, "")
        said = ": ".join(part for part in (self.interface, note) if part)
        return f"{self.ip} ({said})" if said else self.ip


# Names of interfaces that are not the room's network (Linux, macOS and Windows names).
_VIRTUAL = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "lxc", "lxd", "cni",
            "flannel", "podman", "vethernet", "hyper-v", "virtualbox", "vmware")  # fmt: skip
_VPN = ("tun", "tap", "wg", "utun", "ppp", "ipsec", "tailscale", "zt", "nordlynx", "vpn",
        "proton", "openvpn", "wireguard", "cloudflare")  # fmt: skip


def _kind_of(interface: str) -> str:
    name = interface.lower()
    if name.startswith(_VIRTUAL) or any(word in name for word in ("virtual", "docker", "wsl")):
        return "virtual"
    if name.startswith(_VPN) or "vpn" in name:
        return "vpn"
    return ""


def local_addresses() -> list[Address]:
    """This machine's IPv4 addresses: the likely classroom one first, then the others on
    real networks, then those of virtual machines, containers and VPNs, loopback last.

    The likely one is the address the machine would use to reach the internet (asked of
    the operating system; no packet is sent). Interface names come from psutil when it is
    installed; they are how a VPN's or Docker's address is told from the room's."""
    likely = ""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routed, never answered
        likely = probe.getsockname()[0]
    except OSError:
        pass
    finally:
        probe.close()
    named: dict[str, str] = {}  # address -> interface
    try:
        import psutil

        for interface, entries in psutil.net_if_addrs().items():
            for entry in entries:
                if entry.family == socket.AF_INET:
                    named.setdefault(entry.address, interface)
    except (ImportError, OSError):
        pass
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    found = list(dict.fromkeys([likely, *named, *(str(i[4][0]) for i in infos)]))
    found = [a for a in found if a and not a.startswith("127.") and a != "0.0.0.0"]
    addresses = [Address(a, named.get(a, ""), _kind_of(named.get(a, ""))) for a in found]
    addresses = [
        Address(a.ip, a.interface, "likely") if a.ip == likely and not a.kind else a
        for a in addresses
    ]
    order = {"likely": 0, "": 1, "vpn": 2, "virtual": 3}
    addresses.sort(key=lambda a: order[a.kind])
    return [*addresses, Address(LOOPBACK, named.get(LOOPBACK, ""), "loopback")]


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of `text` as rows of dark (True) and light modules, with its quiet zone."""
    import segno

    code = segno.make(text, error="m", micro=False)
    rows = [[bool(v) for v in row] for row in code.matrix]
    border = 4
    width = len(rows[0]) + 2 * border
    blank = [[False] * width for _ in range(border)]
    return blank + [[False] * border + row + [False] * border for row in rows] + blank
