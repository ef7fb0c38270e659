"""Policy actions and proposals: taking them, answering them, letting them lapse, and
saying which a nation may take now (and, for each it may not, why)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.ruleset import CompiledAction, never_allowed
from game.sim._engine import apply_effects
from game.sim._record import ActionOption, ActionOutcome
from game.sim._words import clause_in_words, the_name

if TYPE_CHECKING:
    from game.sim._agents import Nation
    from game.sim._model import GeoModel

__all__ = ["Proposal", "action_options", "expire_proposals", "take_action"]


@dataclass
class Proposal:
    """A proposal awaiting its target's answer."""

    action: str
    source: str
    target: str
    turn: int
    expires: int


def take_action(
    model: GeoModel, nation: Nation, action_id: str, target_id: str | None
) -> ActionOutcome:
    """Take an action now, or refuse it with a news item saying why."""
    action = model.ruleset.actions[action_id]
    model.where, model.cause = action.where, action_id
    c = model.context
    target = model.nations.get(target_id) if target_id else None
    label = f"{nation.name} → {action_id}" + (f" ({target.name})" if target else "")
    reason = _refusal(model, nation, action, target, model.turn)
    if reason:
        model.post(f"{label}: refused, {reason}", action_id)
        return ActionOutcome(nation.id, action_id, target_id, False, reason)
    if action.spec.answer and target is not None:
        _answer(model, nation, action_id, target, action.spec.answer)
        return ActionOutcome(nation.id, action_id, target_id, True)
    if action.spec.proposal:
        model.proposals.append(
            Proposal(
                action_id,
                nation.id,
                target_id or "",
                model.turn,
                model.turn + action.spec.proposal.expires,
            )
        )
    model.action_log.append((model.turn, nation.id, action_id, target_id))
    c.self, c.target = nation, target
    apply_effects(model, action.effects, action_id)
    return ActionOutcome(nation.id, action_id, target_id, True)


def _refusal(
    model: GeoModel, nation: Nation, action: CompiledAction, target: Nation | None, turn: int
) -> str:
    """Why `nation` may not take `action` (against `target`) in `turn`; '' if it may."""
    if target is nation:
        return "a nation cannot target itself"
    c = model.context
    c.self, c.target = nation, target
    for clause in action.clauses:
        if not clause.fn(c):
            return clause_in_words(clause.source, model, nation, target)
    if action.spec.answer and target is not None:
        if not _answerable(model, nation, target, turn):
            return f"no proposal from {the_name(target.name)} is pending"
    elif action.spec.proposal and model.proposed(nation, action.id, target.id if target else None):
        return "the same proposal is still pending"
    return ""


def _answerable(model: GeoModel, nation: Nation, proposer: Nation, turn: int) -> list[Proposal]:
    return [
        p
        for p in model.proposals
        if p.target == nation.id and p.source == proposer.id and p.turn < turn
    ]


def _answer(model: GeoModel, nation: Nation, action_id: str, proposer: Nation, answer: str) -> None:
    proposal = _answerable(model, nation, proposer, model.turn)[0]
    model.proposals.remove(proposal)
    model.action_log.append((model.turn, nation.id, action_id, proposer.id))
    deal = model.ruleset.actions[proposal.action]
    c = model.context
    c.self, c.target = nation, proposer
    apply_effects(model, model.ruleset.actions[action_id].effects, action_id)
    c.self, c.target = proposer, nation
    effects = deal.on_accept if answer == "accept" else deal.on_reject
    apply_effects(model, effects, f"{proposal.action}:{answer}")


def expire_proposals(model: GeoModel) -> None:
    """Let proposals whose time is up lapse, applying their `on_expire` effects."""
    c = model.context
    for proposal in [p for p in model.proposals if p.expires <= model.turn]:
        model.proposals.remove(proposal)
        action = model.ruleset.actions[proposal.action]
        model.where, model.cause = action.where, proposal.action
        c.self, c.target = model.nations[proposal.source], model.nations[proposal.target]
        apply_effects(model, action.on_expire, f"{proposal.action}:expire")


def action_options(model: GeoModel, nation_id: str) -> list[ActionOption]:
    """Every action `nation_id` could take in the coming turn, against each possible
    target, with whether it is available as things stand and, if not, why.

    Asking changes nothing: the state of the `chance()` draws is restored, so a front
    end may ask as often as it likes without changing the game.
    """
    nation = model.nations[nation_id]
    state = model.draw_state()
    c = model.context
    saved = (c.self, c.target)
    options = []
    try:
        for action in model.ruleset.actions.values():
            targets: list[Nation | None] = (
                [n for n in model.nations.values() if n is not nation]
                if action.spec.target == "nation"
                else [None]
            )
            for target in targets:
                reason = _refusal(model, nation, action, target, model.turn + 1)
                target_id = target.id if target is not None else None
                never = action.spec.requires is not None and (
                    never_allowed(action.spec.requires, action.id, nation.id, target_id) is not None
                )
                options.append(
                    ActionOption(action.id, target_id, not reason, reason, action.spec.doc, never)
                )
    finally:
        model.set_draw_state(state)
        c.self, c.target = saved
    return options
