"""Read one YAML file safely into plain data, remembering where every value came from.

PyYAML's `compose` gives nodes that carry their line and column; we walk those nodes
ourselves rather than construct Python objects, which lets us refuse every tag but the
plain ones, catch duplicate keys (PyYAML keeps the last silently), bound alias expansion
(billion laughs) and nesting, and keep a position for every key and value.

Before composing, a pass over libyaml's tokens (C, linear) measures nesting and counts
values, stopping at the first token past a limit: PyYAML's own composer is recursive
and its scanner quadratic in nesting, so a hostile file must never reach them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from game.errors import Diagnostic, clip_text
from game.ruleset._syntax import explain_syntax_error

MAX_BYTES = 2_000_000
MAX_VALUES = 100_000
MAX_DEPTH = 40
MAX_INDENT = 240
MAX_ALIASED = 10_000
TOO_DEEP = f"nesting is too deep; rule files nest at most {MAX_DEPTH} levels"

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)

Path_ = tuple[str | int, ...]

_FAST = getattr(yaml, "CSafeLoader", None)
_OPEN = ("BlockSequenceStartToken", "BlockMappingStartToken", "FlowSequenceStartToken",
         "FlowMappingStartToken")  # fmt: skip
_CLOSE = ("BlockEndToken", "FlowSequenceEndToken", "FlowMappingEndToken")
_VALUE = ("ScalarToken", "AliasToken")


@dataclass(frozen=True)
class Pos:
    """Where a value starts in its file: 1-based line and column, and its scalar style."""

    line: int
    col: int
    style: str | None = None
    end_line: int = field(default=0, compare=False)


@dataclass
class YamlDoc:
    """A parsed file: its data and the positions of its values and mapping keys."""

    file: str
    data: Any
    lines: list[str] = field(default_factory=list)
    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)
    bad: set[Path_] = field(default_factory=set)  # values already reported (refused tags)

    def pos(self, path: Path_, *, key: bool = False) -> Pos:
        """Return the position of the value at `path` (or of its key), else of its nearest parent."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.keys:
                return self.keys[probe]
            probe = probe[:-1]
        return self.values.get((), Pos(1, 1))


class _UnusableFileError(Exception):
    """Raised inside the walk once a file is beyond saving (too big, too deep)."""


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


_INTERESTING = re.compile(r"[\[\]{}'\"#]")


def _too_deep(text: str) -> tuple[int, int] | None:
    """Find nesting deeper than PyYAML can take quickly; return its (line, col) or None.

    PyYAML's scanner is quadratic in flow nesting and its composer recursive, so 20,000
    nested brackets would take a minute; this linear pre-scan refuses them first.
    """
    depth = 0
    for number, line in enumerate(text.split("\n"), 1):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        dashes = re.match(r"(?:-[ ]+)+", body)
        if indent > MAX_INDENT or (dashes and dashes.group().count("-") > MAX_DEPTH):
            return number, indent + 1
        quote = ""
        for match in _INTERESTING.finditer(line):
            ch, col = match.group(), match.start()
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "'\"":
                quote = ch if col == 0 or line[col - 1] in " [{,:" else ""
            elif ch == "#":
                if col == 0 or line[col - 1] == " ":
                    break
            elif ch in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return number, col + 1
            else:
                depth = max(0, depth - 1)
    return None


def _prescan(text: str) -> tuple[int, int, str] | None:
    """Refuse nesting past MAX_DEPTH and more than MAX_VALUES values, before composing.

    Returns:
        (line, col, message) of the first token past a limit, or None. Syntax errors
        are left for the composer, which reports them with the same position.
    """
    if _FAST is not None:
        try:
            return _scan_limits(text, _FAST)
        except yaml.MarkedYAMLError as exc:
            # Newer libyaml stops at 1,000 levels, sometimes before yielding our 41st
            # opening token: the pure-Python scanner reads up to there, so the place
            # reported is the same whichever libyaml PyYAML was built with.
            mark = exc.problem_mark
            if "maximum nesting depth" in str(exc.problem) and mark is not None:
                try:
                    found = _scan_limits(text[: mark.index + 1], yaml.SafeLoader)
                except yaml.YAMLError:
                    found = None
                at = _too_deep(text) or (mark.line + 1, mark.column + 1)
                return found or (*at, TOO_DEEP)
        except yaml.YAMLError:
            pass
    # No libyaml, or a syntax error (the composer reports it): a character scan guards
    # the nesting all the same.
    deep = _too_deep(text)
    return (*deep, TOO_DEEP) if deep else None


def _scan_limits(text: str, loader: Any) -> tuple[int, int, str] | None:
    """(line, col, message) of the first token of `text` past MAX_DEPTH levels or
    MAX_VALUES values, as `loader`'s scanner reads it; None if none is.

    Raises:
        yaml.YAMLError: when the scanner stops at a syntax error (or libyaml's own limit).
    """
    depth = values = 0
    for token in yaml.scan(text, Loader=loader):
        name = type(token).__name__
        if name in _OPEN:
            depth += 1
            if depth > MAX_DEPTH:
                mark = token.start_mark
                return mark.line + 1, mark.column + 1, TOO_DEEP
        elif name in _CLOSE:
            depth -= 1
        elif name in _VALUE:
            values += 1
            if values > MAX_VALUES:
                mark = token.start_mark
                return (
                    mark.line + 1,
                    mark.column + 1,
                    (f"file has too many values; rule files hold at most {MAX_VALUES:,}"),
                )
    return None


def read_yaml(
    path: Path | None, display: str, diags: list[Diagnostic], raw: bytes | None = None
) -> YamlDoc | None:
    """Parse `path` (or the bytes `raw`, when given); append every problem to `diags` and
    return None if it cannot be used.

    Args:
        path: the file to read (None when `raw` is given).
        display: how to name the file in messages.
        diags: the list problems are appended to.
        raw: the file's content, already read (for example from a save).

    Returns:
        The parsed document, or None when the file has errors that stop parsing.
    """

    def err(line: int, col: int, message: str) -> None:
        diags.append(Diagnostic(display, line, col, message))

    if raw is None:
        if path is None:
            raise TypeError("read_yaml needs a path or the raw bytes")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            err(1, 1, f"cannot read file: {exc.strerror}")
            return None
    if len(raw) > MAX_BYTES:
        err(1, 1, f"file is {len(raw):,} bytes; rule files are limited to {MAX_BYTES:,}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        err(line, col, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8 text")
        return None
    text = text.removeprefix("\ufeff")
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line, col = _line_col(text, bad.start())
        err(line, col, f"control character U+{ord(bad.group()):04X}; is this a YAML text file?")
        return None
    tabs = [
        (n, len(m.group(1)) + 1)
        for n, ln in enumerate(text.splitlines(), 1)
        if (m := re.match(r"([ ]*)\t", ln))
    ]
    for line, col in tabs[:5]:
        err(line, col, "tab character in indentation; YAML indents with spaces only")
    if tabs:
        return None
    problem = _prescan(text)
    if problem:
        err(*problem)
        return None
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        err(*explain_syntax_error(text, exc, _FAST or yaml.SafeLoader))
        return None
    except yaml.YAMLError as exc:
        err(1, 1, f"YAML syntax: {clip_text(str(exc), 120)}")
        return None
    except RecursionError:
        err(1, 1, TOO_DEEP)
        return None
    doc = YamlDoc(display, None, text.splitlines())
    if node is None:
        doc.data = {}
        return doc
    walker = _Walker(doc, err)
    try:
        doc.data = walker.walk(node, (), 0)
    except _UnusableFileError:
        return None
    return doc


def _compose(text: str) -> yaml.Node | None:
    """Compose `text` into nodes: with libyaml when present, with PyYAML if that fails.

    Both give the same nodes with the same marks (1-based lines and columns counted in
    characters); libyaml is about six times faster. A file libyaml refuses is composed
    again by PyYAML, whose errors name what was found and `_syntax` puts in plain words.
    """
    if _FAST is not None:
        try:
            return yaml.compose(text, Loader=_FAST)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


class _Walker:
    """Turns composed nodes into dicts, lists and scalars, recording positions."""

    def __init__(self, doc: YamlDoc, err: Any):
        self.doc = doc
        self.err = err
        self.count = 0
        self.aliased = 0
        self.seen: set[int] = set()
        self.constructor = yaml.SafeLoader("")

    def walk(self, node: yaml.Node, path: Path_, depth: int, site: Pos | None = None) -> Any:
        """Convert `node`; `site` is where the alias being expanded was used, if any."""
        self.count += 1
        mark = node.start_mark
        if site is None and not isinstance(node, yaml.ScalarNode) and id(node) in self.seen:
            # An alias: report expansion problems where the alias is used, not at its anchor.
            site = self.doc.values.get(path[:-1], Pos(mark.line + 1, mark.column + 1))
        self.seen.add(id(node))
        self.aliased += site is not None
        if self.count > MAX_VALUES or self.aliased > MAX_ALIASED:
            where = site or Pos(mark.line + 1, mark.column + 1)
            self.err(
                where.line,
                where.col,
                "file expands to too many values (an alias bomb?); "
                f"at most {MAX_VALUES:,} values, {MAX_ALIASED:,} through aliases",
            )
            raise _UnusableFileError
        if depth > MAX_DEPTH:
            self.err(
                mark.line + 1,
                mark.column + 1,
                TOO_DEEP,
            )
            raise _UnusableFileError
        style = getattr(node, "style", None) or None
        self.doc.values[path] = Pos(mark.line + 1, mark.column + 1, style, node.end_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth, site)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self._bad_tag(node, path)
                return None
            return [
                self.walk(item, (*path, i), depth + 1, site) for i, item in enumerate(node.value)
            ]
        if node.tag not in _PLAIN_TAGS:
            self._bad_tag(node, path)
            return None
        if node.tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:str"):
            return node.value
        try:
            # The plain tags' constructors, called directly: construct_object's
            # bookkeeping for recursive structures costs more than the conversion.
            return self.constructor.yaml_constructors[node.tag](self.constructor, node)
        except (yaml.YAMLError, ValueError, OverflowError, KeyError, IndexError, TypeError):
            self.err(mark.line + 1, mark.column + 1, f"cannot read value {clip_text(node.value)}")
            self.doc.bad.add(path)
            return None

    def _bad_tag(self, node: yaml.Node, path: Path_) -> None:
        self.doc.bad.add(path)
        mark = node.start_mark
        self.err(
            mark.line + 1,
            mark.column + 1,
            f"tag {clip_text(node.tag.replace('tag:yaml.org,2002:', '!!'))} is not allowed; rule files hold plain "
            "mappings, lists, strings, numbers and booleans",
        )

    def _mapping(
        self, node: yaml.MappingNode, path: Path_, depth: int, site: Pos | None
    ) -> dict[str, Any] | None:
        if node.tag != _MAP_TAG:
            self._bad_tag(node, path)
            return None
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            kmark = key_node.start_mark
            if not isinstance(key_node, yaml.ScalarNode):
                self.err(
                    kmark.line + 1,
                    kmark.column + 1,
                    "a key must be a plain word, not a list or mapping",
                )
                continue
            key = key_node.value
            if key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                self.err(
                    kmark.line + 1,
                    kmark.column + 1,
                    "merge keys ('<<') are not supported; write the keys out",
                )
                continue
            if key in out:
                first = self.doc.keys[(*path, key)]
                self.err(
                    kmark.line + 1,
                    kmark.column + 1,
                    f"duplicate key {clip_text(key)} (first at line {first.line}); "
                    "YAML would silently keep only the last",
                )
                continue
            self.doc.keys[(*path, key)] = Pos(kmark.line + 1, kmark.column + 1)
            out[key] = self.walk(value_node, (*path, key), depth + 1, site)
        return out


def locate(doc: YamlDoc, pos: Any, offset: int) -> tuple[int, int]:
    """Map an offset in a scalar's text back to (line, col) in its file.

    YAML folds a plain or quoted scalar written over several lines into one line
    (each break becomes a space, indentation goes); a literal block (`|`) keeps its
    lines. Escapes in double-quoted text are not undone, so columns there may drift.
    """
    quoted = pos.style in ("'", '"')
    if pos.end_line <= pos.line or not doc.lines:
        return pos.line, pos.col + offset + (1 if quoted else 0)
    if pos.style == "|":
        first = pos.line  # 0-based index of the block's first content line
        body = doc.lines[first : pos.end_line]
        indent = min((len(s) - len(s.lstrip(" ")) for s in body if s.strip()), default=0)
        for number, text in enumerate(body, first + 1):
            width = len(text) - indent
            if offset <= width:
                return number, indent + offset + 1
            offset -= width + 1
        return pos.line, pos.col
    start = pos.line - 1 if pos.style != ">" else pos.line
    for number in range(start, min(pos.end_line, len(doc.lines))):
        text = doc.lines[number]
        begin = (
            pos.col - 1 + (1 if quoted else 0)
            if number == pos.line - 1
            else len(text) - len(text.lstrip())
        )
        segment = text[begin:].rstrip()
        if offset <= len(segment):
            return number + 1, begin + offset + 1
        offset -= len(segment) + 1
    return pos.line, pos.col
