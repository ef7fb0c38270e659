"""Saves: a game written to disk and read back, autosave, replay and what-if branches.

A save is one JSON file holding the game's record (every decision applied, with who
made it), the teams' names, the text of the rules it was played with, a summary for
listings and a checksum. Reading one gives a `SaveFile`, whose `model()` replays the game exactly; a
`Branch` replays it up to a turn and then follows other decisions. This package uses
`game.sim` and `game.ruleset`; neither knows of it.
"""

from game.saves._branch import Branch, RulesDifference, branch_game, rules_difference
from game.saves._format import (
    SAVE_FORMAT,
    TEAM_NAME_MAX,
    SaveError,
    SaveFile,
    SaveSummary,
    encode_save,
    parse_save,
)
from game.saves._store import (
    AUTOSAVE_KEEP,
    DEFAULT_FOLDER,
    Autosaver,
    SaveListing,
    check_save_path,
    list_saves,
    read_save,
    write_save,
)

__all__ = [
    "AUTOSAVE_KEEP",
    "DEFAULT_FOLDER",
    "SAVE_FORMAT",
    "TEAM_NAME_MAX",
    "Autosaver",
    "Branch",
    "RulesDifference",
    "SaveError",
    "SaveFile",
    "SaveListing",
    "SaveSummary",
    "branch_game",
    "check_save_path",
    "encode_save",
    "list_saves",
    "parse_save",
    "read_save",
    "rules_difference",
    "write_save",
]
