"""Silicon Shield: an agent-based strategy game of the US–Taiwan technology alliance.

Packages: `ruleset` (YAML rules, checked and compiled), `sim` (the Mesa model),
`research` (headless runs and sweeps), `saves`, `ui` (the Pygame front end); `cli` is
the `silicon-shield` command. `from game import GeoModel` gives the model.
"""

from typing import Any

__all__ = ["GeoModel", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Importing Mesa takes about a second; only pay for it when the model is used.
    if name == "GeoModel":
        from game.sim import GeoModel

        return GeoModel
    raise AttributeError(f"module 'game' has no attribute {name!r}")
