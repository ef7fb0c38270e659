"""Where the default ruleset lives: `DEFAULT_RULES`, the rules bundled with the game.

The rule files are kept in the top-level `rules/` folder of the project, where designers
edit them. A wheel carries the same files as package data in `game/rules/` (pyproject.toml
maps the package `game.rules` onto `rules/`), so an install that is not editable plays too.
"""

from __future__ import annotations

import atexit
import contextlib
from importlib.resources import as_file, files
from pathlib import Path

__all__ = ["DEFAULT_RULES"]

# A resource that is not a plain file (an install inside a zip) is copied out by `as_file`
# and must outlive every game of the process; the stack removes the copy at exit.
_resources = contextlib.ExitStack()
atexit.register(_resources.close)


def _bundled_rules() -> Path:
    """The folder of the bundled rules: the installed package data, else the source tree's."""
    packaged = files("game").joinpath("rules")
    if packaged.is_dir():
        return Path(_resources.enter_context(as_file(packaged)))
    # An editable install or a source checkout: the package data is the top-level
    # `rules/` itself. (Editable installs cannot import `game.rules`, whose folder has no
    # `__init__.py` on purpose, so the folder is found beside the `game` package.)
    return Path(__file__).resolve().parents[2] / "rules"


DEFAULT_RULES: Path = _bundled_rules()
