"""What-if branches of a saved game, and how other rules differ from a save's own."""

from __future__ import annotations

from dataclasses import dataclass

from game.ruleset import DecisionLine, Ruleset
from game.saves._format import SaveError, SaveFile
from game.sim import GeoModel, RecordError

__all__ = ["Branch", "RulesDifference", "branch_game", "rules_difference"]


@dataclass(frozen=True)
class Branch:
    """A saved game (`original`) beside a branch that took other decisions from `start`.

    `parted` is the first turn at which any metric differs (None: they never part);
    `refused` the branch's actions the game refused (a requirement not met, no proposal
    pending), as the news of their turn words it.
    """

    original: GeoModel
    branch: GeoModel
    start: int
    parted: int | None
    refused: tuple[str, ...] = ()


def branch_game(save: SaveFile, lines: list[DecisionLine], rules: Ruleset | None = None) -> Branch:
    """Follow the save's log up to the first turn in `lines`, then `lines`' decisions,
    with bots deciding for every nation they do not script.

    Raises:
        SaveError: when the branch has no decision, or starts before turn 1 or after the
            saved game's last turn.
    """
    if not lines:
        raise SaveError(None, "the branch file has no decisions")
    start = min(line.turn for line in lines)
    last = max(line.turn for line in lines)
    played = save.record.turn
    if played < 1:
        raise SaveError(
            save.path, "the saved game has not played a turn yet; nothing to branch from"
        )
    if last > played:
        raise SaveError(
            None,
            f"the branch scripts turn {last}, beyond the saved game's last turn ({played})",
        )
    ruleset = rules if rules is not None else save.ruleset()
    original = save.model(rules=ruleset)
    try:
        branch = GeoModel.from_record(save.record, rules=ruleset, until=start - 1)
    except RecordError as exc:
        raise SaveError(save.path, str(exc)) from None
    branch.seats = dict.fromkeys(branch.seats, "bot")
    branch.add_decisions(lines)
    branch.run(until=original.turn)
    return Branch(
        original, branch, start, _parted(original, branch, start), _refused(branch, lines)
    )


def _refused(branch: GeoModel, lines: list[DecisionLine]) -> tuple[str, ...]:
    taken = {(t, n, a, target) for t, n, a, target in branch.action_log}
    out = []
    for line in lines:
        if line.action is None or (line.turn, line.nation, line.action, line.target) in taken:
            continue
        nation = line.nation or ""
        who = branch.nations[nation].name if nation in branch.nations else nation
        news = [
            n.text
            for n in branch.news
            if n.turn == line.turn
            and line.action in n.causes
            and "refused" in n.text
            and who in n.text
        ]
        out.append(news[0] if news else f"{who} → {line.action} in turn {line.turn} was not taken")
    return tuple(out)


def _parted(original: GeoModel, branch: GeoModel, start: int) -> int | None:
    for index in range(start - 1, original.turn):
        for metric, series in original.history.items():
            if series[index] != branch.history[metric][index]:
                return index + 1
    return None


@dataclass(frozen=True)
class RulesDifference:
    """How a ruleset differs from a save's own rules."""

    saved_hash: str
    other_hash: str
    changed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def same(self) -> bool:
        """Whether the rules are the saved ones."""
        return self.saved_hash == self.other_hash

    def describe(self) -> str:
        """One line for people: which files differ."""
        if self.same:
            return f"the rules are the saved ones (ruleset {self.saved_hash})"
        parts = []
        for word, names in (
            ("changed", self.changed),
            ("added", self.added),
            ("removed", self.removed),
        ):
            if names:
                parts.append(f"{word}: {', '.join(names)}")
        detail = "; ".join(parts) or "the same files, read differently"
        return f"the rules differ from the saved ones (ruleset {self.other_hash}, saved {self.saved_hash}; {detail})"


def rules_difference(save: SaveFile, ruleset: Ruleset) -> RulesDifference:
    """Compare `ruleset` with the rules a save carries, file by file."""
    saved, other = save.sources, ruleset.sources
    return RulesDifference(
        saved_hash=save.record.ruleset_hash,
        other_hash=ruleset.hash,
        changed=tuple(sorted(n for n in saved.keys() & other.keys() if saved[n] != other[n])),
        added=tuple(sorted(other.keys() - saved.keys())),
        removed=tuple(sorted(saved.keys() - other.keys())),
    )
