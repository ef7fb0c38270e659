"""What compiled expressions see as `c`: the evaluation context of one game.

The slots are the contract of `game.ruleset.CONTEXT_SLOTS`. The context holds only the
game's own objects and bound methods, so it pickles with the model.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from game.ruleset import CONTEXT_SLOTS, AgentIndex

if TYPE_CHECKING:
    from game.sim._model import GeoModel

__all__ = ["Context", "build_context"]


class Context:
    """The evaluation context (see `game.ruleset.CONTEXT_SLOTS`)."""

    __slots__ = CONTEXT_SLOTS

    self: Any
    target: Any
    world: Any
    p: types.SimpleNamespace
    turn: float
    year: float
    quarter: float
    nations: dict[str, Any]
    firms: dict[str, Any]
    agencies: dict[str, Any]
    sets: list[list[Any]]
    agg: AgentIndex
    random: Callable[[], float]
    pending: Callable[[Any, str, str | None], int]
    proposed: Callable[[Any, str, str | None], int]
    since: Callable[[str], float]
    fired: Callable[[str], float]

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CONTEXT_SLOTS if hasattr(self, name)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)


def build_context(model: GeoModel) -> Context:
    """Build the context of `model`: its agents, agent lists, parameters and functions.

    Agent lists are in order of id, whatever order the rule files declare agents in.
    """
    c = Context()
    by_kind: dict[str, dict[str, Any]] = {
        "nation": model.nations,
        "firm": model.firms,
        "agency": model.agencies,
    }
    c.sets = [
        [
            agent
            for _, agent in sorted(by_kind[kind].items())
            if (
                nation is None
                or agent.id == nation
                or getattr(agent, "home", None) is model.nations.get(nation)
            )
            and (tag is None or tag in agent.tags)
        ]
        for kind, nation, tag in model.ruleset.agent_sets
    ]
    c.agg = AgentIndex(c.sets)
    c.sets = c.agg.lists
    c.self = c.target = None
    c.world = model.world
    c.p = types.SimpleNamespace(**model.parameters)
    c.nations, c.firms, c.agencies = model.nations, model.firms, model.agencies
    c.random = model.chance_draw
    c.pending, c.proposed = model.pending, model.proposed
    c.since, c.fired = model.since, model.fired_count
    c.turn = c.year = c.quarter = 0.0
    return c
