"""The simulation: a Mesa model whose agents follow a compiled ruleset.

`GeoModel` is a plain `mesa.Model` (it works with `mesa.batch_run`). Nations, firms and
agencies are Mesa agents; a turn runs the ruleset's phases in order. This package
knows nothing of Pygame, files other than rule and decision files, or processes.
"""

from game.sim._agents import Agency, Firm, Nation, World
from game.sim._decisions import Decision, bot_decision, decisions_by_turn
from game.sim._engine import NewsItem, TraceEntry
from game.sim._model import DEFAULT_RULES, GeoModel, Proposal

__all__ = [
    "DEFAULT_RULES",
    "Agency",
    "Decision",
    "Firm",
    "GeoModel",
    "Nation",
    "NewsItem",
    "Proposal",
    "TraceEntry",
    "World",
    "bot_decision",
    "decisions_by_turn",
]
