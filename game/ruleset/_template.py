"""News text with `{expression}` or `{expression:format}` fields, compiled once.

A `Template` keeps its compiled fields as `Expression`s (which pickle as text), so a
ruleset's news pickles with it.
"""

from __future__ import annotations

import re
from typing import Any

from game.ruleset._expr import (
    BOOL,
    ENTITY_KINDS,
    MAX_FORMAT_WIDTH,
    STRING,
    ExprError,
    Namespace,
    Scope,
    compile_expression,
)
from game.ruleset._runtime import Expression

__all__ = ["Template", "compile_template"]

_CASTS = {STRING: str, BOOL: bool}
_WORLD = Scope()


class Template:
    """Compiled news text: call it with an evaluation context to get the text."""

    __slots__ = ("pieces", "text")

    def __init__(self, text: str, pieces: tuple[str | tuple[Expression, str], ...]):
        self.text = text
        self.pieces = pieces

    def __call__(self, c: Any) -> str:
        out = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
            else:
                expr, spec = piece
                out.append(format(_CASTS.get(expr.type, float)(expr.fn(c)), spec))
        return "".join(out)

    def __reduce__(self) -> tuple[Any, ...]:
        return Template, (self.text, self.pieces)

    def __repr__(self) -> str:
        return f"Template({self.text!r})"


def _split_template(text: str) -> list[tuple[str, int]]:
    """Split 'a {x:.1f} b' into [('a ', -1), ('x:.1f', 3), (' b', -1)]; -1 marks text."""
    parts: list[tuple[str, int]] = []
    i, buf = 0, []
    while i < len(text):
        ch = text[i]
        if ch in "{}" and text[i : i + 2] in ("{{", "}}"):
            buf.append(ch)
            i += 2
            continue
        if ch == "}":
            raise ExprError("single '}' in text; write '}}' for a brace", i)
        if ch != "{":
            buf.append(ch)
            i += 1
            continue
        depth, j, quote = 0, i + 1, ""
        while j < len(text):
            c = text[j]
            if quote:
                quote = "" if c == quote else quote
            elif c in "'\"":
                quote = c
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            elif c == "}" and depth <= 0:
                break
            j += 1
        else:
            raise ExprError("'{' without a closing '}'", i)
        if buf:
            parts.append(("".join(buf), -1))
            buf = []
        parts.append((text[i + 1 : j], i + 1))
        i = j + 1
    if buf:
        parts.append(("".join(buf), -1))
    return parts


def compile_template(text: str, ns: Namespace, scope: Scope = _WORLD) -> Template:
    """Compile news text with `{expression}` or `{expression:format}` fields.

    Raises:
        ExprError: with the column in `text` of the offending field.
    """
    pieces: list[str | tuple[Expression, str]] = []
    for part, start in _split_template(text):
        if start < 0:
            pieces.append(part)
            continue
        expr_text, spec = part, ""
        depth, quote = 0, ""
        for k, c in enumerate(part):
            if quote:
                quote = "" if c == quote else quote
            elif c in "'\"":
                quote = c
            elif c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif c == ":" and depth == 0:
                expr_text, spec = part[:k], part[k + 1 :]
        try:
            expr = compile_expression(expr_text, ns, scope)
        except ExprError as exc:
            exc.col += start
            raise
        if any(int(n) > MAX_FORMAT_WIDTH for n in re.findall(r"\d+", spec)):
            raise ExprError(
                f"format {spec!r} is too wide; widths and precisions go up to {MAX_FORMAT_WIDTH}",
                start,
            )
        sample: Any = "x" if expr.type == STRING else True if expr.type == BOOL else 1.0
        if expr.type in ENTITY_KINDS:
            raise ExprError(f"cannot show a {expr.type} in text; use .name", start)
        try:
            format(sample, spec)
        except (ValueError, TypeError):
            raise ExprError(f"bad format {spec!r}; try '.1f', '.0%' or ','", start) from None
        pieces.append((expr, spec))
    return Template(text, tuple(pieces))
