"""The simulation: a Mesa model whose agents follow a compiled ruleset.

`GeoModel` is a plain `mesa.Model` (it works with `mesa.batch_run`). Nations, firms and
agencies are Mesa agents; a turn runs the ruleset's phases in order. This package
knows nothing of Pygame, files other than rule and decision files, or processes.
"""

from game.sim._actions import Proposal
from game.sim._agents import Agency, Firm, Nation, World
from game.sim._decisions import Decision, DecisionError, bot_decision, decisions_by_turn
from game.sim._engine import NewsItem, TraceEntry
from game.sim._explain import Cause, Explanation, ScoreTerm
from game.sim._model import DEFAULT_RULES, MAX_TURNS, SEAT_KINDS, GeoModel
from game.sim._record import (
    RECORD_FORMAT,
    ActionOption,
    ActionOutcome,
    DecisionRecord,
    GameRecord,
    RecordError,
    TurnReport,
)

__all__ = [
    "DEFAULT_RULES",
    "MAX_TURNS",
    "RECORD_FORMAT",
    "SEAT_KINDS",
    "ActionOption",
    "ActionOutcome",
    "Agency",
    "Cause",
    "Decision",
    "DecisionError",
    "DecisionRecord",
    "Explanation",
    "Firm",
    "GameRecord",
    "GeoModel",
    "Nation",
    "NewsItem",
    "Proposal",
    "RecordError",
    "ScoreTerm",
    "TraceEntry",
    "TurnReport",
    "World",
    "bot_decision",
    "decisions_by_turn",
]
