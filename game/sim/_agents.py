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


class _Counter:
    """Counts agent ids from 1 (an iterator over ints that pickles)."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last = 0

    def __next__(self) -> int:
        self.last += 1
        return self.last


class _IdsOnTheModel:
    """Stands in for Mesa's class-level `Agent._ids`, keeping each model's counter on the
    model itself.

    Mesa 3.3 keeps a counter per model in a class-level dict (`Agent._ids`) that holds
    every model ever made, so finished games are never freed (mesa issue 3179, fixed by
    PR 3180 in later releases). `mesa.Agent.__init__` reads `self._ids[model]`; this
    answers from the model, so nothing outlives the game.
    """

    def __getitem__(self, model: mesa.Model) -> _Counter:
        counter: _Counter | None = model.__dict__.get("_agent_id_counter")
        if counter is None:
            counter = model.__dict__["_agent_id_counter"] = _Counter()
        return counter


class _RuleAgent(mesa.Agent):
    """An agent whose attributes come from the ruleset."""

    kind = ""
    _ids = _IdsOnTheModel()  # see _IdsOnTheModel

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
