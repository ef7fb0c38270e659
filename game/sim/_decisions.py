"""What a nation decides in a turn, and the bots that decide for nations nobody plays."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.ruleset import CompiledBot, DecisionLine

__all__ = ["Decision", "bot_decision", "decisions_by_turn"]


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
