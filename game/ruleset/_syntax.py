"""Say a YAML syntax error in plain words, at the line of the designer's mistake.

PyYAML reports where its parser gave up, in its own terms ("expected <block end>, but
found '?'"). Designers make a handful of mistakes: a key indented one space off, a list
item at the wrong level, a ':' or a quote inside an unquoted value, a quote or bracket
left open. `explain_syntax_error` recognises each from the error, the text around it and
the tokens before it, and says it in words with the fix; anything else keeps PyYAML's
words. `_yaml.read_yaml` calls it when composing a file fails.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeAlias

import yaml

_KEY_LINE = re.compile(
    r"([ ]*(?:-[ ]+)*)(\"[^\"]*\"|'[^']*'|[^\s#'\"\[\]{}:-][^#]*?|-\S[^#]*?):(?:[ ]+(.*))?$"
)
_DASH_LINE = re.compile(r"([ ]*)-(?:[ ]|$)")
_BLOCK_END = re.compile(r"expected (<block end>|'<document start>'), but found")
_FLOW_END = re.compile(r"expected ',' or '([\]}])', but got '?([^']*)'?")
_CANNOT_START = re.compile(r"found character '(\\t|.)' that cannot start any token")

Explained = tuple[int, int, str]
if TYPE_CHECKING:  # yaml.CSafeLoader exists only where libyaml is installed
    # The loader whose scanner re-reads the tokens before a mistake: libyaml's or PyYAML's.
    Loader: TypeAlias = type[yaml.SafeLoader] | type[yaml.CSafeLoader]


def explain_syntax_error(
    text: str, exc: yaml.MarkedYAMLError, loader: Loader = yaml.SafeLoader
) -> Explained:
    """Say what a YAML syntax error means and how to fix it, at the line of the mistake.

    Args:
        text: the file's text.
        exc: PyYAML's error for it.
        loader: the loader to scan the text's tokens with (libyaml's is faster).

    Returns:
        (line, col, message), 1-based.
    """
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = str(exc.problem or exc.context or "invalid YAML")
    if "expected a single document" in str(exc):
        return line, col, "more than one YAML document ('---'); put one document in each file"
    found = _Mistake(text, exc, mark, loader).explain() if mark is not None else None
    return found or (line, col, f"YAML syntax: {problem}")


class _Mistake:
    """One syntax error with the text around it, to tell which common mistake it is."""

    def __init__(
        self, text: str, exc: yaml.MarkedYAMLError, mark: yaml.Mark, loader: Loader
    ) -> None:
        """Keep the error's words and positions; `mark` is where PyYAML gave up."""
        self.text = text
        self.loader = loader
        self.lines = text.splitlines() or [""]
        self.problem = str(exc.problem or "")
        self.context = str(exc.context or "")
        self.at = (mark.line, mark.column)  # 0-based, as in PyYAML's marks
        cmark = exc.context_mark
        self.context_at = (cmark.line, cmark.column) if cmark else None

    def explain(self) -> Explained | None:
        problem, context = self.problem, self.context
        if problem == "mapping values are not allowed here":
            return self._colon()
        if "while scanning a simple key" in context and "could not find expected ':'" in problem:
            return self._no_colon(self.context_at[0]) if self.context_at else None
        if "quoted scalar" in context and self.context_at:
            return self._quoted()
        if found := _CANNOT_START.search(problem):
            return self._cannot_start(found.group(1))
        if problem.startswith("found undefined alias"):
            return self._here(
                "a value cannot start with '*' (YAML reads '*name' as a reference to an "
                "'&name' anchor); put the value in quotes"
            )
        if found := _FLOW_END.search(problem):
            return self._flow(*found.groups())
        if _BLOCK_END.search(problem):
            return self._block()
        return None

    # Positions and lines -------------------------------------------------------------
    def _here(self, message: str) -> Explained:
        return self.at[0] + 1, self.at[1] + 1, message

    def _line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def _above(self, index: int) -> list[int]:
        """Indexes of the lines above `index` that hold something, nearest first."""
        return [
            i
            for i in range(min(index, len(self.lines)) - 1, -1, -1)
            if self.lines[i].strip() and not self.lines[i].lstrip().startswith("#")
        ]

    @staticmethod
    def _indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    def _last_token(self) -> Any:
        """The last token (other than key, value and block end) before the problem, or None."""
        last = None
        try:
            for token in yaml.scan(self.text, Loader=self.loader):
                start = token.start_mark
                if (start.line, start.column) >= self.at:
                    break
                if type(token).__name__ not in ("BlockEndToken", "KeyToken", "ValueToken"):
                    last = token
        except yaml.YAMLError:
            pass
        return last

    # The mistakes ----------------------------------------------------------------------
    def _colon(self) -> Explained:
        """A ':' PyYAML would not take as a key's: in a value, or after a run-on value."""
        row, col = self.at
        text = self._line(row)
        head = re.sub(r"^(?:-[ ]+)*", "", text[:col].lstrip(" "))
        if re.search(r":(?:[ ]|$)", head) or head.startswith(("'", '"', "[", "{")):
            return self._here("a ':' inside an unquoted value; put the value in quotes")
        # The line starts like a key, so its ':' ends a plain value begun on a line above:
        # after the key (or '-') that holds it, or on a line of its own that lacks a ':'.
        start = row
        for i in self._above(row):
            key, dash = _KEY_LINE.match(self.lines[i]), _DASH_LINE.match(self.lines[i])
            if not key and not dash:
                start = i  # a line of the run-on value
                continue
            if key and not key.group(3):
                break  # a key whose value starts below it, on line `start`
            if dash and not key and not self.lines[i][dash.end() :].strip():
                break
            column = len(key.group(1)) + 1 if key else self._indent(self.lines[i]) + 1
            what = "key" if key else "list item"
            return (
                row + 1,
                self._indent(text) + 1,
                f"this line is indented more than the {what} above it (column {column}), so "
                f"YAML reads it as more of that {what}'s value; line up the keys of one mapping",
            )
        return self._no_colon(start)

    def _no_colon(self, row: int) -> Explained:
        text = self._line(row)
        tight = re.match(r"([ ]*(?:-[ ]+)*[^\s:#]+):\S", text)
        if tight:
            return (
                row + 1,
                len(tight.group(1)) + 1,
                "put a space after this ':'; without one YAML reads the key and value as one word",
            )
        return (
            row + 1,
            self._indent(text) + 1,
            "this line is neither 'key: value' nor a list item ('- value'); "
            "add the ':' after the key",
        )

    def _quoted(self) -> Explained | None:
        if self.context_at is None:
            return None
        row, col = self.context_at
        quote = self._line(row)[col : col + 1] or '"'
        if "end of stream" in self.problem:
            return (
                row + 1,
                col + 1,
                f"this quote ({quote}) is never closed; end the text with another {quote}",
            )
        escape = re.search(r"unknown escape character '(.)'", self.problem)
        if escape:
            return self._here(
                f"unknown escape '\\{escape.group(1)}' in double-quoted text; write '\\\\' for "
                "a backslash, or use single quotes"
            )
        return None

    def _cannot_start(self, char: str) -> Explained:
        if char in ("\t", "\\t"):
            return self._here("a tab character; YAML separates and indents with spaces only")
        return self._here(f"a value cannot start with {char!r}; put the value in quotes")

    def _flow(self, closer: str, got: str) -> Explained | None:
        if self.context_at is None:
            return None
        row, col = self.context_at
        opener = self._line(row)[col : col + 1]
        kind = "list" if opener == "[" else "mapping"
        if got in ("]", "}") and got != closer:
            return self._here(
                f"this {got!r} does not close the {opener!r} at line {row + 1}, column "
                f"{col + 1}; close the {kind} with {closer!r}"
            )
        last = self._last_token()
        if got == "<stream end>" or (last is not None and last.start_mark.line < self.at[0]):
            return (
                row + 1,
                col + 1,
                f"this {opener!r} is never closed; end the {kind} with {closer!r}",
            )
        if got == ":":
            return self._here("a ':' inside an unquoted value; put the value in quotes")
        return None

    def _block(self) -> Explained | None:
        """The parser met a token that fits no open mapping or list: mostly indentation."""
        row, col = self.at
        text = self._line(row)
        last = self._last_token()
        style = getattr(last, "style", None)
        name = type(last).__name__
        if name == "ScalarToken" and style in ("'", '"'):
            if last.start_mark.line < last.end_mark.line == row:
                start = last.start_mark
                return (
                    start.line + 1,
                    start.column + 1,
                    f"this quote ({style}) is not closed on its line, so the text runs on to "
                    f"line {row + 1}; close it on this line",
                )
            if last.end_mark.line == row:
                return self._here(
                    f"text after the closing quote ({style}); quote the whole value once (inside "
                    "'…' write '' for a quote mark, or use \"…\")"
                )
        if name in ("FlowMappingEndToken", "FlowSequenceEndToken") and last.end_mark.line == row:
            return self._here(
                "text after a closing bracket (a value that starts with '{' or '[' is read as a "
                "mapping or list); put the whole value in quotes"
            )
        if col != self._indent(text):
            return None  # not at the start of its line: no indentation mistake
        if name == "ScalarToken" and style in ("|", ">"):
            first = self._indent(self._line(last.start_mark.line + 1)) + 1
            return self._here(
                f"this line is indented less than the text block ('{style}') above it "
                f"(column {first}); indent every line of the block at least as much as its first"
            )
        above = self._above(row)
        if _DASH_LINE.match(text):
            return self._list_item(row, col, above)
        return self._key(row, col, above)

    def _list_item(self, row: int, col: int, above: list[int]) -> Explained:
        for i in above:
            line = self.lines[i]
            if re.match(r"[ ]*-[^\s\-]", line):
                dash = self._indent(line)
                return (
                    i + 1,
                    dash + 1,
                    "put a space after this '-' to make a list item; without one YAML reads "
                    "it as part of the text",
                )
            dash_line = _DASH_LINE.match(line)
            if dash_line:
                dash = len(dash_line.group(1))
                if dash != col:
                    return self._here(
                        f"this list item is at column {col + 1}, but the items above it are at "
                        f"column {dash + 1}; line up the '-' of one list"
                    )
                break
        keys = self._key_columns(above)
        where = f" (column {keys[0] + 1})" if keys else ""
        return self._here(
            f"a list item ('- ') where a key of the mapping above belongs{where}; put the "
            "list under a key ('key:' then '- item' lines below it)"
        )

    def _key_columns(self, above: list[int]) -> list[int]:
        """0-based columns of the keys on the lines `above`: the nearest, then ever smaller ones."""
        columns: list[int] = []
        for i in above:
            match = _KEY_LINE.match(self.lines[i])
            if match and (not columns or len(match.group(1)) < columns[-1]):
                columns.append(len(match.group(1)))
                if columns[-1] == 0:
                    break
        return columns

    def _key(self, row: int, col: int, above: list[int]) -> Explained | None:
        previous = self.lines[above[0]] if above else ""
        dash = _DASH_LINE.match(previous)
        keys = self._key_columns(above)
        outer = [c for c in keys if c < col]
        if dash and len(dash.group(1)) == col:
            item_key = len(previous) - len(previous[col + 1 :].lstrip()) if previous[col + 1 :].strip() else 0  # fmt: skip
            fix = (
                f"indent it under the item's first key (column {item_key + 1})"
                if item_key
                else "indent it under an item"
            )
            return self._here(
                f"this key is lined up with the list items above it (column {col + 1}), but a "
                f"list holds only '- ' items; {fix}"
            )
        if not keys:
            return None
        nearest = keys[0]
        if col > nearest:
            return self._here(
                f"this line is indented more than the key above it (column {nearest + 1}); "
                "line up the keys of one mapping"
            )
        if col == nearest:
            return None
        if outer:
            inner = min(c for c in keys if c > col)
            return self._here(
                f"this key is at column {col + 1}, between two levels of keys above it "
                f"(columns {outer[0] + 1} and {inner + 1}); line it up with the keys it belongs with"
            )
        return self._here(
            f"this key is at column {col + 1}, but the keys above it are at column "
            f"{nearest + 1}; line up the keys of one mapping"
        )
