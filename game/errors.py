"""The exceptions Silicon Shield raises for a user's mistake.

Every error a user can cause (a broken rule file, a wrong command-line value, a bad
decisions file, a rule that divides by zero at run time) is a `GameError`. The command
line prints its message and exits non-zero; it never shows a traceback for these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Diagnostic",
    "GameError",
    "ParameterError",
    "RulesetError",
    "SimulationError",
    "clip_text",
]


def clip_text(value: object, limit: int = 60) -> str:
    """Return `repr`-like text for a value, cut to `limit` characters.

    Error messages quote what the user wrote; a 10 MB string must not be printed whole.
    """
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 5] + "…" + text[-3:]
    return text


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a rule file, with its position (1-based line and column)."""

    file: str
    line: int
    col: int
    message: str
    severity: str = "error"
    hint: str = field(default="", compare=False)

    def render(self) -> str:
        """Return the problem as `path:line:col: error: message`."""
        text = f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class GameError(Exception):
    """The root of every error caused by a user's input."""


class RulesetError(GameError):
    """A ruleset could not be loaded; `diagnostics` lists every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.render() for d in self.diagnostics))


class ParameterError(GameError):
    """A parameter value given by the user (for example with `--set`) is not acceptable."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(message)


class SimulationError(GameError):
    """A rule failed while the game ran (for example a division by zero)."""

    def __init__(self, message: str, *, rule: str = "", turn: int = 0):
        self.rule = rule
        self.turn = turn
        super().__init__(message)
