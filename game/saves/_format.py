"""The save file: one JSON document, versioned and checksummed, carrying its rules.

A save holds the game's record (seed, scenario, parameters, seats and every decision
applied, with who made it, the injections and the undos), the names the teams chose for
themselves, the text of every rule file the game was played with, and a summary for
listings. A SHA-256 checksum over the rest of the document finds a truncated, damaged or
hand-edited file: such a save is refused with one line naming the problem, and nothing is
changed.

Format 2 added the team names (`teams`: nation id -> name, one for each team seat at
most); a format 1 save has none, and its teams are given their default names.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from game.errors import GameError, RulesetError
from game.ruleset import Ruleset, load_ruleset_sources
from game.sim import GameRecord, GeoModel, RecordError

__all__ = [
    "SAVE_FORMAT",
    "TEAM_NAME_MAX",
    "SaveError",
    "SaveFile",
    "SaveSummary",
    "encode_save",
    "parse_save",
]

SAVE_FORMAT = 2  # 2: the team names; 1: none (still read)
TEAMS_SINCE = 2  # the first format holding the team names
TEAM_NAME_MAX = 40  # characters in a team's name: it heads cards, curtains and tables
MAGIC = "silicon-shield save"
MAX_SAVE_BYTES = 64 * 1024 * 1024
NOT_A_SAVE = "not a Silicon Shield save"


class SaveError(GameError):
    """A save cannot be read, or written; `path` names the file."""

    def __init__(self, path: str | Path | None, message: str):
        self.path = str(path) if path is not None else ""
        super().__init__(f"{self.path}: {message}" if self.path else message)


@dataclass(frozen=True)
class SaveSummary:
    """What a listing shows of a save, without replaying it."""

    scenario: str
    date: str
    turn: int
    turns: int
    teams: tuple[str, ...]
    scores: dict[str, float]
    seed: int
    written: str

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        return {
            "scenario": self.scenario,
            "date": self.date,
            "turn": self.turn,
            "turns": self.turns,
            "teams": list(self.teams),
            "scores": dict(self.scores),
            "seed": self.seed,
            "written": self.written,
        }


@dataclass(frozen=True)
class SaveFile:
    """A save as read: its record, its rules' text, its summary and its teams' names
    (`teams`: nation id -> name; empty in a format 1 save)."""

    path: Path | None
    record: GameRecord
    sources: dict[str, str]
    summary: SaveSummary
    game_version: str
    written: str
    teams: dict[str, str] = field(default_factory=dict)

    def ruleset(self) -> Ruleset:
        """The rules the game was played with, compiled from the text the save carries.

        Raises:
            SaveError: when the carried rules do not load (each problem is named by its
                file inside the save) or are not the rules the game was played with.
        """
        label = str(self.path) if self.path is not None else "save"
        try:
            ruleset = load_ruleset_sources(self.sources, label)
        except RulesetError as exc:
            first = exc.diagnostics[0].render() if exc.diagnostics else "unreadable rules"
            more = len(exc.diagnostics) - 1
            extra = f" (and {more} more)" if more > 0 else ""
            raise SaveError(
                None, f"the rules inside the save do not load: {first}{extra}"
            ) from None
        if ruleset.hash != self.record.ruleset_hash:
            raise SaveError(
                self.path, "the rules inside the save are not the ones it was played with"
            )
        return ruleset

    def model(
        self, until: int | None = None, rules: Ruleset | None = None, trace: bool = False
    ) -> GeoModel:
        """The saved game, replayed from its record to its last turn (or turn `until`).

        With `rules`, the same team and scripted decisions are played under other rules
        (bots decide afresh); by default, under the save's own rules.

        Raises:
            SaveError: when the record does not replay under the rules.
        """
        ruleset = rules if rules is not None else self.ruleset()
        try:
            return GeoModel.from_record(self.record, rules=ruleset, until=until, trace=trace)
        except (RecordError, GameError) as exc:
            raise SaveError(self.path, str(exc)) from None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def summarise(model: GeoModel, written: str) -> SaveSummary:
    """The listing summary of a game."""
    return SaveSummary(
        scenario=model.scenario_id,
        date=model.date_of(model.turn) if model.turn else f"before {model.date_of(1)}",
        turn=model.turn,
        turns=model.turns,
        teams=tuple(n for n, seat in model.seats.items() if seat == "human"),
        scores=model.scores(),
        seed=int(model.seed),
        written=written,
    )


def encode_save(
    model: GeoModel, written: str | None = None, teams: Mapping[str, str] | None = None
) -> bytes:
    """The save of `model` as the bytes of its file.

    Args:
        model: the game.
        written: when it is saved (default: now), as the summary says it.
        teams: the names of the teams playing it (nation id -> name), team seats only.

    Raises:
        SaveError: when `teams` names a nation that is not a team seat, or a name is
            empty, longer than `TEAM_NAME_MAX` or holds a control character.
    """
    from game import __version__

    stamp = written or _now()
    record = model.record()
    names = dict(sorted((teams or {}).items()))
    problem = _team_problem(names, record.seats)
    if problem:
        raise SaveError(None, f"cannot save the game: {problem}")
    content = {
        "magic": MAGIC,
        "format_version": SAVE_FORMAT,
        "game_version": __version__,
        "written": stamp,
        "summary": summarise(model, stamp).to_dict(),
        "record": record.to_dict(),
        "teams": names,
        "rules": {"hash": model.ruleset.hash, "files": dict(sorted(model.ruleset.sources.items()))},
    }
    content["checksum"] = "sha256:" + hashlib.sha256(_canonical(content)).hexdigest()
    return (
        json.dumps(content, indent=1, ensure_ascii=False, allow_nan=False).encode("utf-8") + b"\n"
    )


def parse_save(data: bytes, path: Path | None = None) -> SaveFile:
    """Read the bytes of a save file.

    Raises:
        SaveError: one line naming the problem: empty, not a save, damaged (checksum),
            from a newer version, or a field that is wrong.
    """
    if not data.strip():
        raise SaveError(
            path, "the file is empty; it is not a save (was it cut off while being written?)"
        )
    if len(data) > MAX_SAVE_BYTES:
        raise SaveError(
            path, f"the file is {len(data):,} bytes; a save is at most {MAX_SAVE_BYTES:,}"
        )
    try:
        content = json.loads(
            data.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite_float
        )
    except UnicodeDecodeError:
        raise SaveError(path, "not a save: the file is not text (UTF-8)") from None
    except json.JSONDecodeError as exc:
        raise SaveError(
            path,
            f"not a readable save: {exc.msg} at line {exc.lineno}, column {exc.colno} "
            "(the file is damaged or cut off)",
        ) from None
    except (ValueError, RecursionError):
        # A number out of range (1e999) or nesting too deep for the parser.
        raise SaveError(path, "not a readable save: the file is damaged") from None
    if not isinstance(content, dict) or content.get("magic") != MAGIC:
        raise SaveError(path, NOT_A_SAVE)
    version = content.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SaveError(path, "the save has no valid format_version")
    if version > SAVE_FORMAT:
        raise SaveError(
            path,
            f"the save is of format {version}, written by a newer Silicon Shield "
            f"(this one reads format {SAVE_FORMAT} and older); update the game to open it",
        )
    checksum = content.pop("checksum", None)
    expected = "sha256:" + hashlib.sha256(_canonical(content)).hexdigest()
    if checksum != expected:
        raise SaveError(
            path, "the save is damaged or was edited by hand: its checksum does not match"
        )
    try:
        record = GameRecord.from_dict(content.get("record"))
    except RecordError as exc:
        raise SaveError(path, f"the save's record is malformed: {exc}") from None
    except OverflowError:  # a whole number too large to be a parameter's float
        raise SaveError(path, "the save's record is malformed: a number is too large") from None
    rules = content.get("rules")
    if not isinstance(rules, dict) or not isinstance(rules.get("files"), dict):
        raise SaveError(path, "the save carries no rules")
    sources = rules["files"]
    if not sources or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in sources.items()
    ):
        raise SaveError(path, "the save's rules are malformed")
    summary = _summary(content.get("summary"), path)
    return SaveFile(
        path=path,
        record=record,
        sources=dict(sources),
        summary=summary,
        game_version=str(content.get("game_version", "")),
        written=str(content.get("written", "")),
        teams=_teams(content, version, record, path),
    )


def _team_problem(teams: Mapping[str, Any], seats: Mapping[str, str]) -> str:
    """What is wrong with `teams` (nation id -> team name) for a game seated as `seats`,
    or "" when nothing is: each must name a team seat, with a name of 1 to
    `TEAM_NAME_MAX` printable characters."""
    for nation, name in teams.items():
        if seats.get(nation) != "human":
            known = ", ".join(n for n, seat in seats.items() if seat == "human") or "none"
            return f"{nation!r} is not a team seat of the game (its team seats: {known})"
        if not isinstance(name, str) or not name.strip():
            return f"the team of {nation} has no name (expected text, found {name!r})"
        if len(name) > TEAM_NAME_MAX:
            return (
                f"the name of the team of {nation} is {len(name)} characters long; "
                f"at most {TEAM_NAME_MAX} fit"
            )
        if not name.isprintable():
            return f"the name of the team of {nation} holds a control character: {name!r}"
    return ""


def _teams(
    content: dict[str, Any], version: int, record: GameRecord, path: Path | None
) -> dict[str, str]:
    """The team names of a save (none before format 2)."""
    if version < TEAMS_SINCE:
        return {}
    teams = content.get("teams")
    if not isinstance(teams, dict):
        found = "none" if teams is None else type(teams).__name__
        raise SaveError(
            path, f"the save's teams are malformed: expected nation: name pairs, found {found}"
        )
    problem = _team_problem(teams, record.seats)
    if problem:
        raise SaveError(path, f"the save's teams are malformed: {problem}")
    return dict(teams)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a save")


def _finite_float(text: str) -> float:
    """A JSON number as a float; one too large (1e999) would read as infinity: refused."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} is out of range")
    return value


def _summary(data: Any, path: Path | None) -> SaveSummary:
    if not isinstance(data, dict):
        raise SaveError(path, "the save has no summary")
    try:
        scores = {str(k): float(v) for k, v in dict(data["scores"]).items()}
        if not all(math.isfinite(v) for v in scores.values()):
            raise ValueError
        return SaveSummary(
            scenario=str(data["scenario"]),
            date=str(data["date"]),
            turn=int(data["turn"]),
            turns=int(data["turns"]),
            teams=tuple(str(t) for t in data["teams"]),
            scores=scores,
            seed=int(data["seed"]),
            written=str(data["written"]),
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        raise SaveError(path, "the save's summary is malformed") from None
