"""The game's side of the team clients: drains the server's inbox on the game's thread,
lets the lobby answer each message, and sends every team's page its state.

Messages from a page (protocol 1):

- `{"type": "join", "protocol": 1, "code": "K7QH3M", "nation": "TW"}`, or with the
  `token` the game gave this team: take (or take back) a seat;
- `{"type": "submit", "turn": 3, "invest": {"fabs": 0.5, ...} | null,
  "actions": [{"action": "impose_tariff", "target": "CN"}]}`: the team's decision for
  the coming quarter (the seat is the connection's, never a nation the page names).

Messages to a page: `hello` (first, with the protocol and the seats; again when the
seats change), `joined` (the seat and its token), `state` (see `team_view`), `accepted`,
`error`, and `left` (the instructor freed the seat, handed it to a bot or moved the team
to the game's computer: the page goes back to joining).
"""

from __future__ import annotations

import queue
from typing import Any

from game.lan._lobby import LanError, Lobby, Seat
from game.lan._server import LanServer

__all__ = ["Hub"]


class Hub:
    """Connections and the seats they hold; call `pump()` from the game's thread."""

    def __init__(self, lobby: Lobby, server: LanServer):
        self.lobby = lobby
        self.server = server
        self.seat_of: dict[int, str | None] = {}  # connection -> the nation of its seat

    def pump(self, wait: float = 0.0) -> int:
        """Handle every message waiting (waiting up to `wait` seconds for the first);
        return how many were handled."""
        handled = 0
        self.follow_seats()  # the facilitator's menu may have moved a team
        try:
            item = self.server.inbox.get(timeout=wait) if wait > 0 else self.server.inbox.get_nowait()  # fmt: skip
            while True:
                self._handle(item)
                handled += 1
                item = self.server.inbox.get_nowait()
        except queue.Empty:
            return handled

    def _handle(self, item: tuple[Any, ...]) -> None:
        kind, connection = item[0], item[1]
        if kind == "open":
            self.seat_of[connection] = None
            self.server.send(connection, self.lobby.hello())
            return
        if kind == "close":
            nation = self.seat_of.pop(connection, None)
            seat = self.lobby.seats.get(nation) if nation else None
            if seat is not None:
                seat.devices = max(0, seat.devices - 1)
            return
        message = item[2]
        try:
            self._message(connection, message)
        except LanError as exc:
            self.server.send(connection, {"type": "error", "message": str(exc)})

    def _message(self, connection: int, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "join":
            if self.seat_of.get(connection) is not None:
                raise LanError("this page already holds a seat")
            seat = self.lobby.join(message)
            self.seat_of[connection] = seat.nation
            seat.devices += 1
            self._tell_choosing()  # other pages choosing a seat see this one taken
            self.server.send(connection, {"type": "joined", "nation": seat.nation, "token": seat.token})  # fmt: skip
            self.server.send(connection, self.lobby.view(seat))
            return
        seat = self._seat(connection)
        if kind == "submit":
            self.lobby.submit(seat, message)
            self.server.send(connection, {"type": "accepted", "turn": message.get("turn")})
            self.send_state(seat.nation)  # every device of the team sees the decision
            return
        raise LanError("not a message of this game")

    def _seat(self, connection: int) -> Seat:
        nation = self.seat_of.get(connection)
        seat = self.lobby.seats.get(nation) if nation else None
        if seat is None:
            raise LanError("join a seat first")
        return seat

    def send_state(self, nation: str | None = None) -> None:
        """Send each joined page (or only `nation`'s) its team's state."""
        views: dict[str, dict[str, Any]] = {}
        for connection, held in list(self.seat_of.items()):
            if held is None or (nation is not None and held != nation):
                continue
            seat = self.lobby.seats.get(held)
            if seat is None:
                continue
            if held not in views:
                views[held] = self.lobby.view(seat)
            self.server.send(connection, views[held])

    def free(self, nation: str) -> None:
        """The instructor frees a seat: its pages are closed and must join again."""
        self.lobby.free(nation)
        self._close_pages(nation, "the instructor freed this seat; join again with the code")
        self._tell_choosing()

    def to_bot(self, nation: str) -> None:
        """The instructor hands a seat to its bot, from the coming quarter: its pages are
        told and closed."""
        self.lobby.session.set_seat(nation, None)
        self.follow_seats()

    def follow_seats(self) -> None:
        """Seat the teams as the session now has them on devices: the pages of a seat
        taken away (handed to a bot, or its team moved to the game's computer) are told
        and closed, and the pages still choosing a seat see the new list."""
        before = list(self.lobby.seats)
        gone = self.lobby.sync()
        if list(self.lobby.seats) == before:
            return
        choosing = [c for c, held in self.seat_of.items() if held is None]
        for nation in gone:
            here = nation in self.lobby.session.teams
            self._close_pages(nation, "the instructor moved this team to the game's computer: decide there when your team's curtain comes" if here else "the instructor handed this seat to a bot")  # fmt: skip
        self._tell_choosing(choosing)

    def _tell_choosing(self, connections: list[int] | None = None) -> None:
        """Send the seats again to the pages still choosing one (or to `connections`)."""
        if connections is None:
            connections = [c for c, held in self.seat_of.items() if held is None]
        if connections:
            hello = self.lobby.hello()
            for connection in connections:
                self.server.send(connection, hello)

    def _close_pages(self, nation: str, why: str) -> None:
        """Tell `nation`'s pages `why`, then close them."""
        for connection, held in list(self.seat_of.items()):
            if held == nation:
                self.server.send(connection, {"type": "left", "message": why})
                self.server.send(connection, None)
                self.seat_of[connection] = None
