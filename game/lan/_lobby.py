"""Team seats for clients on their own devices: the join code, the teams' tokens, each
seat's status and its decision for the coming quarter.

The lobby knows nothing of the network. The server hands it each client's message as a
dict and sends back what it returns; only the game's thread calls it, so it is the only
code that touches the model. State lives here, never in a connection: a team that
reloads its page, or whose phone slept, rejoins its seat with its token and finds its
pending decision as it left it.
"""

from __future__ import annotations

import hmac
import math
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from game.errors import GameError
from game.sim import Decision, DecisionError
from game.ui._screens_turn import pretty
from game.ui._session import Session

__all__ = ["CODE_LENGTH", "PROTOCOL", "LanError", "Lobby", "Seat"]

PROTOCOL = 1  # the first message's version: a page of another version reloads
CODE_LENGTH = 6
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
TOKEN_BYTES = 16  # 128 bits
MAX_ACTIONS = 20  # more moves in one message than any ruleset offers is not a team


class LanError(GameError):
    """A client's message cannot be accepted; the text is shown to the team."""


@dataclass
class Seat:
    """One team's seat: the token its devices hold and how many are connected."""

    nation: str
    token: str | None = None
    devices: int = 0


@dataclass
class Lobby:
    """The seats of a game's teams; `code` is the join code shown on the projector."""

    session: Session
    code: str = field(default_factory=lambda: new_code())
    seats: dict[str, Seat] = field(init=False, default_factory=dict)
    clock: tuple[int, float] | None = field(init=False, default=None)  # (turn, deadline)
    ended: bool = field(init=False, default=False)  # the facilitator ended the game early

    def __post_init__(self) -> None:
        self.sync()

    def sync(self) -> list[str]:
        """Give a seat to every team now on a device, and take it from every team that
        is not (handed to a bot, or to the keyboard of this computer); return the nations
        whose seats were taken (their pages must close)."""
        teams = self.session.teams
        gone = [n for n in self.seats if n not in teams or not teams[n].device]
        self.seats = {n: self.seats.get(n) or Seat(n) for n in self.session.on_devices}
        return gone

    # Joining -------------------------------------------------------------------------
    def hello(self) -> dict[str, Any]:
        """The first message on every connection: the protocol and the seats to join."""
        model = self.session.model
        return {
            "type": "hello",
            "protocol": PROTOCOL,
            "title": model.ruleset.game.title,
            "scenario": model.scenario_id,
            "seats": [
                {"nation": n, "name": model.nations[n].name, "team": self.session.teams[n].name,
                 "taken": seat.token is not None}
                for n, seat in self.seats.items()
            ],
        }  # fmt: skip

    def join(self, message: dict[str, Any]) -> Seat:
        """A device takes a seat: with the join code and a free nation, or with the token
        a device of that team was given (a reload, a sleeping phone, a second device).

        Raises:
            LanError: for another protocol, a wrong code or token, or a seat taken.
        """
        if message.get("protocol") != PROTOCOL:
            raise LanError("this page is from another version of the game; reload it")
        token = message.get("token")
        if token is not None:
            seat = self._seat_of(token)
            if seat is None:
                raise LanError("this device's seat is no longer valid; join again with the code")
            return seat
        code = message.get("code")
        if not isinstance(code, str) or not hmac.compare_digest(
            "".join(code.split()).upper().encode(), self.code.encode()
        ):
            raise LanError("wrong join code: type the code shown on the projector")
        nation = message.get("nation")
        seat = self.seats.get(nation) if isinstance(nation, str) else None
        if seat is None:
            raise LanError("choose one of the teams' seats")
        if seat.token is not None:
            name = self.session.model.nations[seat.nation].name
            raise LanError(
                f"{name} is already taken by another device; open the game on that device, "
                "or ask the instructor to free the seat"
            )
        seat.token = secrets.token_urlsafe(TOKEN_BYTES)
        return seat

    def _seat_of(self, token: Any) -> Seat | None:
        if not isinstance(token, str):
            return None
        for seat in self.seats.values():  # every seat compared, in constant time each
            if seat.token is not None and hmac.compare_digest(seat.token.encode(), token.encode()):  # fmt: skip
                return seat
        return None

    def free(self, nation: str) -> None:
        """The instructor frees a seat (a team's device lost or replaced): its devices must
        join again with the code; a decision already submitted stays."""
        seat = self.seats[nation]
        seat.token, seat.devices = None, 0

    # Deciding ------------------------------------------------------------------------
    def submit(self, seat: Seat, message: dict[str, Any]) -> None:
        """A team's decision for the coming quarter, checked as the front end checks it;
        a later one replaces it until the quarter is played.

        Raises:
            LanError: for a decision of another quarter, or one the rules refuse.
        """
        model = self.session.model
        if model.over or self.ended:
            raise LanError("the game is over")
        if message.get("turn") != model.turn + 1:
            raise LanError("that decision is for another quarter; the page shows the current one")  # fmt: skip
        decision = Decision(seat.nation, _invest(message.get("invest")), _actions(message.get("actions")))  # fmt: skip
        # A move closed this quarter is refused now, as the page shows it, not when the
        # quarter is played (the news would tell the room what the team tried).
        options = {(o.action, o.target): o for o in model.action_options(seat.nation)}
        for action, target in decision.actions:
            option = options.get((action, target))
            if option is not None and not option.available:
                whom = f" ({model.nations[target].name})" if target in model.nations else ""
                raise LanError(f"{pretty(action)}{whom} is not open now: {option.reason}")
        try:
            self.session.decide(decision)
        except DecisionError as exc:
            raise LanError(str(exc)) from None

    def decided(self, nation: str) -> bool:
        """Whether `nation`'s team has decided the coming quarter (the session keeps it,
        so undoing a quarter or reloading the rules asks the teams again)."""
        return nation in self.session.decided

    @property
    def all_joined(self) -> bool:
        """Whether every team's seat has been taken by a device."""
        return all(seat.token is not None for seat in self.seats.values())

    @property
    def ready(self) -> bool:
        """Whether there are teams and every one has decided the coming quarter."""
        return bool(self.seats) and all(self.decided(n) for n in self.seats)

    def resolve(self) -> Any:
        """Play the quarter (standing splits for teams that did not decide)."""
        return self.session.resolve()

    def status_of(self, seat: Seat) -> str:
        """What the instructor's screen shows: waiting, deciding, submitted or disconnected."""
        if seat.token is None:
            return "waiting"
        if self.decided(seat.nation):
            return "submitted"
        return "deciding" if seat.devices else "disconnected"

    # The room's clock ----------------------------------------------------------------
    def set_clock(self, seconds: float | None) -> None:
        """Give the teams `seconds` to decide the coming quarter (None: no clock)."""
        turn = self.session.model.turn
        self.clock = None if seconds is None else (turn, time.monotonic() + seconds)

    def seconds_left(self) -> float | None:
        """The seconds left to decide the coming quarter (None: no clock, or a clock of
        a quarter already played or undone)."""
        if self.clock is None or self.clock[0] != self.session.model.turn:
            return None
        return max(0.0, self.clock[1] - time.monotonic())

    # What each screen shows ------------------------------------------------------------
    def status(self) -> list[dict[str, Any]]:
        """Every team's status, for the instructor's screen."""
        teams = self.session.teams
        return [
            {
                "nation": n,
                "team": teams[n].name,
                "status": self.status_of(seat),
                "devices": seat.devices,
            }
            for n, seat in self.seats.items()
        ]

    def view(self, seat: Seat) -> dict[str, Any]:
        """What a team's page shows: who it is, its aim and score, the budget and the
        moves for the coming quarter, its pending decision, and the last quarter's news."""
        from game.lan._view import team_view

        view = team_view(self.session, seat.nation, self.decided(seat.nation))
        view["over"] = view["over"] or self.ended
        left = self.seconds_left()
        view["seconds_left"] = None if left is None else round(left)
        return view


def new_code() -> str:
    """A fresh join code, such as 'K7QH3M'."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _invest(value: Any) -> dict[str, float] | None:
    """A split as the page sends it: line -> share (0 to 1), or None to keep the standing one."""
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) > 50:
        raise LanError("the budget split must be a table of lines and shares")
    split = {}
    for line, share in value.items():
        if not isinstance(line, str) or isinstance(share, bool) or not isinstance(share, int | float):  # fmt: skip
            raise LanError("each share of the budget must be a number")
        if not math.isfinite(share):
            raise LanError("each share of the budget must be a number")
        split[line] = float(share)
    return split


def _actions(value: Any) -> list[tuple[str, str | None]]:
    """Moves as the page sends them: [{"action": id, "target": nation or null}, ...]."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ACTIONS:
        raise LanError("the moves must be a short list")
    moves: list[tuple[str, str | None]] = []
    for item in value:
        action = item.get("action") if isinstance(item, dict) else None
        target = item.get("target") if isinstance(item, dict) else None
        if not isinstance(action, str) or not (target is None or isinstance(target, str)):
            raise LanError("each move needs an action and at most one target")
        moves.append((action, target))
    return moves
