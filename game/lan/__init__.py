"""Teams on their own devices: a join code, team seats held by tokens, and a server that
sends each team's page its state and hands the game its decisions (`host`, `play --lan`)."""

from game.lan._lobby import PROTOCOL, LanError, Lobby, Seat

__all__ = ["PROTOCOL", "LanError", "Lobby", "Seat"]
