"""The agents of a game (nations, firms, agencies) and the world they share.

Attributes declared in the ruleset become plain instance attributes (floats), so a
compiled expression such as `self.capacity` is one attribute read.
"""

from __future__ import annotations

import mesa

__all__ = ["Agency", "Firm", "Nation", "World"]


class World:
    """World-level state: the attributes under `attributes: world:` in the rules."""

    kind = "world"
    id = "world"
    name = "World"

    def __init__(self, values: dict[str, float]):
        for name, value in values.items():
            setattr(self, name, float(value))


class _RuleAgent(mesa.Agent):
    """An agent whose attributes come from the ruleset."""

    kind = ""

    def __init__(
        self, model: mesa.Model, ident: str, name: str, tags: list[str], values: dict[str, float]
    ):
        super().__init__(model)
        self.id = ident
        self.name = name
        self.tags = frozenset(tags)
        for attr, value in values.items():
            setattr(self, attr, float(value))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r})"


class Nation(_RuleAgent):
    """A nation: decides each turn (as a player or by its bot's doctrine)."""

    kind = "nation"


class Firm(_RuleAgent):
    """A firm, based in its `home` nation."""

    kind = "firm"

    def __init__(
        self,
        model: mesa.Model,
        ident: str,
        name: str,
        tags: list[str],
        values: dict[str, float],
        home: Nation,
    ):
        super().__init__(model, ident, name, tags, values)
        self.home = home


class Agency(Firm):
    """A government agency, based in its `home` nation."""

    kind = "agency"
