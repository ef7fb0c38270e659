"""What a nation decides in a turn, and the bots that decide for nations nobody plays."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from game.errors import GameError
from game.ruleset import CompiledBot, DecisionLine, Ruleset, did_you_mean

__all__ = ["Decision", "DecisionError", "bot_decision", "check_decision", "decisions_by_turn"]


class DecisionError(GameError):
    """A decision a team submitted cannot be taken; `field` names what is wrong."""

    def __init__(self, nation: str, field: str, message: str):
        self.nation = nation
        self.field = field
        super().__init__(message)


@dataclass
class Decision:
    """One nation's choices for one turn.

    `invest` is the budget split across investment lines (shares adding up to at most 1);
    None keeps the nation's standing split. `actions` are (action id, target id or None).
    """

    nation: str
    invest: dict[str, float] | None = None
    actions: list[tuple[str, str | None]] = field(default_factory=list)

    def merge(self, other: Decision) -> None:
        """Add another decision's choices for the same nation and turn to this one."""
        if other.invest is not None:
            self.invest = {**(self.invest or {}), **other.invest}
        self.actions.extend(other.actions)


def decisions_by_turn(
    lines: list[DecisionLine],
) -> tuple[dict[int, dict[str, Decision]], dict[int, list[str]]]:
    """Group decision lines into {turn: {nation: Decision}} and {turn: [injected events]}."""
    scripted: dict[int, dict[str, Decision]] = {}
    events: dict[int, list[str]] = {}
    for line in lines:
        if line.event:
            events.setdefault(line.turn, []).append(line.event)
            continue
        assert line.nation is not None  # checked when the line was loaded
        decision = Decision(line.nation, dict(line.invest) if line.invest is not None else None)
        if line.action:
            decision.actions.append((line.action, line.target))
        turn = scripted.setdefault(line.turn, {})
        if line.nation in turn:
            turn[line.nation].merge(decision)
        else:
            turn[line.nation] = decision
    return scripted, events


def bot_decision(bot: CompiledBot, context: Any) -> Decision:
    """Decide for a nation by its doctrine; `context.self` must be the nation.

    Policies are read in order; each whose `when` holds overrides the lines it names
    and adds its action. A split adding up to more than 1 is scaled down to 1.
    """
    split = dict(bot.invest)
    actions: list[tuple[str, str | None]] = []
    for policy in bot.policies:
        if policy.when.fn(context):
            if policy.invest:
                split.update(policy.invest)
            if policy.action and (policy.action, policy.target) not in actions:
                actions.append((policy.action, policy.target))
    total = sum(split.values())
    if total > 1.0:
        split = {line: share / total for line, share in split.items()}
    return Decision(bot.nation, split, actions)


def check_decision(decision: Decision, ruleset: Ruleset) -> None:
    """Check a decision as strictly as a decisions file's lines are checked.

    Raises:
        DecisionError: naming the nation, the field and the problem in words.
    """
    nation = decision.nation
    if nation not in ruleset.nations:
        hint = did_you_mean(str(nation), ruleset.nations)
        known = ", ".join(ruleset.nations)
        raise DecisionError(
            str(nation), "nation", f"unknown nation {nation!r}{hint}; known: {known}"
        )
    if decision.invest is not None:
        lines = ruleset.investment_lines
        for line, share in decision.invest.items():
            if line not in lines:
                hint = did_you_mean(str(line), lines)
                raise DecisionError(
                    nation,
                    "invest",
                    f"{nation}: unknown investment line {line!r}{hint}; lines: {', '.join(lines)}",
                )
            if (
                isinstance(share, bool)
                or not isinstance(share, int | float)
                or not math.isfinite(share)
                or not 0 <= share <= 1
            ):
                raise DecisionError(
                    nation,
                    "invest",
                    f"{nation}: the share of {line} must be a number from 0 to 1, not {share!r}",
                )
        total = sum(decision.invest.values())
        if total > 1.0 + 1e-9:
            raise DecisionError(
                nation,
                "invest",
                f"{nation}: investment shares add up to {total:.2f}; they may add up to at most 1",
            )
    for action, target in decision.actions:
        if action not in ruleset.actions:
            hint = did_you_mean(str(action), ruleset.actions)
            raise DecisionError(nation, "actions", f"{nation}: unknown action {action!r}{hint}")
        needs = ruleset.actions[action].spec.target == "nation"
        if needs and target is None:
            raise DecisionError(
                nation, "actions", f"{nation}: action {action!r} needs a target nation"
            )
        if not needs and target is not None:
            raise DecisionError(nation, "actions", f"{nation}: action {action!r} takes no target")
        if target is not None and target not in ruleset.nations:
            hint = did_you_mean(str(target), ruleset.nations)
            raise DecisionError(nation, "actions", f"{nation}: unknown target {target!r}{hint}")
        if target == nation:
            raise DecisionError(nation, "actions", f"{nation}: a nation cannot target itself")
