"""read_yaml: plain data with positions from clean files, one Diagnostic per hostile input.

Hostile inputs are sized so that they would hang or exhaust memory if the matching
guard were missing; the tests assert behaviour only (timing lives in benchmarks).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from game.errors import Diagnostic
from game.ruleset import _yaml
from game.ruleset._yaml import MAX_BYTES, MAX_DEPTH, Pos, YamlDoc, read_yaml

DEEP = 20_000


def read(tmp_path: Path, content: bytes, name: str = "rules.yaml") -> tuple[YamlDoc | None, list]:
    """Write `content` to a file and read it back; return (document, diagnostics)."""
    path = tmp_path / name
    path.write_bytes(content)
    diags: list[Diagnostic] = []
    doc = read_yaml(path, name, diags)
    return doc, diags


def only(diags: list[Diagnostic]) -> Diagnostic:
    """Return the single diagnostic in `diags`, failing if there is not exactly one."""
    assert len(diags) == 1, [d.render() for d in diags]
    return diags[0]


# Clean files ---------------------------------------------------------------------------

CLEAN = b"""\
# a comment line
game:
  title: 'Mini Shield'
  phases: [decisions, events]
  turns: 12
  ratio: 0.5
  live: true
  nothing: null
  start: 2025-01-01
nations:
  - id: TW
    name: "Taiwan"
"""


def test_clean_file_gives_plain_data(tmp_path):
    """A clean file reads to dicts, lists, strings, numbers, booleans and None."""
    doc, diags = read(tmp_path, CLEAN)
    assert diags == []
    assert doc is not None
    assert doc.data == {
        "game": {
            "title": "Mini Shield",
            "phases": ["decisions", "events"],
            "turns": 12,
            "ratio": 0.5,
            "live": True,
            "nothing": None,
            "start": "2025-01-01",
        },
        "nations": [{"id": "TW", "name": "Taiwan"}],
    }


def test_clean_file_records_value_positions_and_styles(tmp_path):
    """Every value keeps its 1-based line, column and quoting style."""
    doc, _ = read(tmp_path, CLEAN)
    assert doc is not None
    assert doc.file == "rules.yaml"
    assert doc.values[("game", "title")] == Pos(3, 10, "'")
    assert doc.values[("game", "phases", 1)] == Pos(4, 23, None)
    assert doc.values[("game", "turns")] == Pos(5, 10, None)
    assert doc.values[("nations", 0, "name")] == Pos(12, 11, '"')


def test_clean_file_records_key_positions(tmp_path):
    """Every mapping key keeps its own position, separate from its value's."""
    doc, _ = read(tmp_path, CLEAN)
    assert doc is not None
    assert doc.keys[("game",)] == Pos(2, 1)
    assert doc.keys[("game", "turns")] == Pos(5, 3)
    assert doc.keys[("nations", 0, "id")] == Pos(11, 5)


def test_pos_falls_back_to_nearest_parent(tmp_path):
    """Asking for a path that is not in the file gives the nearest recorded parent."""
    doc, _ = read(tmp_path, CLEAN)
    assert doc is not None
    assert doc.pos(("game", "missing", 3)) == Pos(3, 3, None)
    assert doc.pos(("game", "turns", "deeper")) == Pos(5, 10, None)
    assert doc.pos(("game", "missing"), key=True) == Pos(2, 1)


def test_empty_file_is_an_empty_mapping(tmp_path):
    """A file with only comments reads as {} with no problems."""
    doc, diags = read(tmp_path, b"# nothing here yet\n")
    assert diags == []
    assert doc is not None
    assert doc.data == {}


def test_byte_order_mark_is_ignored(tmp_path):
    """A UTF-8 byte order mark (as Windows editors write) does not shift positions."""
    doc, diags = read(tmp_path, b"\xef\xbb\xbfa: 1\nb: x\n")
    assert diags == []
    assert doc is not None
    assert doc.data == {"a": 1, "b": "x"}
    assert doc.values[("b",)] == Pos(2, 4, None)


def test_brackets_inside_quotes_are_not_nesting(tmp_path):
    """Thousands of brackets inside a quoted string are text, not nesting."""
    text = "[" * DEEP + "{" * DEEP
    doc, diags = read(tmp_path, f"news: '{text}'\n".encode())
    assert diags == []
    assert doc is not None
    assert doc.data == {"news": text}


def test_nesting_at_the_limit_is_accepted(tmp_path):
    """Flow nesting exactly at the limit reads normally."""
    content = "x: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\n"
    doc, diags = read(tmp_path, content.encode())
    assert diags == []
    assert doc is not None
    value = doc.data["x"]
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == 1


def test_unreadable_path_is_a_diagnostic(tmp_path):
    """A path that cannot be read gives a diagnostic at 1:1, not an exception."""
    diags: list[Diagnostic] = []
    assert read_yaml(tmp_path / "absent.yaml", "absent.yaml", diags) is None
    d = only(diags)
    assert (d.file, d.line, d.col) == ("absent.yaml", 1, 1)
    assert "cannot read file" in d.message


# Hostile inputs: one table, each with the diagnostic it must produce -------------------


def billion_laughs() -> bytes:
    """The classic alias bomb: nine levels of ten aliases each (10**9 strings)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    return ("\n".join(lines) + "\n").encode()


HOSTILE = [
    pytest.param(
        b"a: 1\nx: !!python/object/apply:os.system ['echo hacked']\n",
        (2, 4, "tag '!!python/object/apply:os.system' is not allowed"),
        id="python-object-apply",
    ),
    pytest.param(
        b"x: !!python/name:os.system\n",
        (1, 4, "tag '!!python/name:os.system' is not allowed"),
        id="python-name",
    ),
    pytest.param(
        b"x: !!python/object/new:subprocess.Popen [[ls]]\n",
        (1, 4, "tag '!!python/object/new:subprocess.Popen' is not allowed"),
        id="python-object-new",
    ),
    pytest.param(
        b"x: !include other.yaml\n", (1, 4, "tag '!include' is not allowed"), id="local-tag"
    ),
    pytest.param(
        b"x: !!binary aGVsbG8=\n", (1, 4, "tag '!!binary' is not allowed"), id="binary-tag"
    ),
    pytest.param(b"x: !!set {a, b}\n", (1, 4, "tag '!!set' is not allowed"), id="set-tag"),
    pytest.param(
        b"a: 1\nb: [1, 2\nc: 3\n",
        (3, 2, "YAML syntax: expected ',' or ']', but got ':'"),
        id="unclosed-bracket",
    ),
    pytest.param(
        b"a: b: c\n",
        (1, 5, "YAML syntax: mapping values are not allowed here"),
        id="colon-in-value",
    ),
    pytest.param(
        b"a: 1\nb: 'open quote\n",
        (3, 1, "YAML syntax: found unexpected end of stream"),
        id="unclosed-quote",
    ),
    pytest.param(
        b"a: 1\n---\nb: 2\n",
        (2, 1, "more than one YAML document ('---'); put one document in each file"),
        id="two-documents",
    ),
    pytest.param(
        b"a: 1\nb: 2\na: 3\n",
        (3, 1, "duplicate key 'a' (first at line 1)"),
        id="duplicate-key",
    ),
    pytest.param(
        b"x:\n  a: 1\n  b: 2\n  a: 3\n",
        (4, 3, "duplicate key 'a' (first at line 2)"),
        id="duplicate-nested-key",
    ),
    pytest.param(
        b"base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
        (3, 3, "merge keys ('<<') are not supported"),
        id="merge-key",
    ),
    pytest.param(
        b"? [a, b]\n: 1\n",
        (1, 3, "a key must be a plain word, not a list or mapping"),
        id="list-key",
    ),
    pytest.param(
        bytes(range(256)) * 4,
        (2, 118, "invalid UTF-8 (byte 0x80)"),
        id="binary-junk",
    ),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", (1, 1, "invalid UTF-8 (byte 0x89)"), id="png-file"
    ),
    pytest.param(b"a: 1\nb: caf\xe9\n", (2, 7, "invalid UTF-8 (byte 0xe9)"), id="latin-1-text"),
    pytest.param(b"a: 1\nb: x\x00y\n", (2, 5, "control character U+0000"), id="nul-byte"),
    pytest.param(b"a: \x1b[31mred\n", (1, 4, "control character U+001B"), id="escape-code"),
    pytest.param(
        b"a:\n\tb: 1\n",
        (2, 1, "tab character in indentation; YAML indents with spaces only"),
        id="tab",
    ),
    pytest.param(
        b"a:\n  b:\n  \tc: 1\n", (3, 3, "tab character in indentation"), id="tab-after-spaces"
    ),
    pytest.param(
        b"x: " + b"[" * DEEP + b"]" * DEEP + b"\n",
        (1, 3 + MAX_DEPTH + 1, "nesting is too deep; rule files nest at most"),
        id="deep-brackets",
    ),
    pytest.param(
        b"x: " + b"{a: " * DEEP + b"1" + b"}" * DEEP + b"\n",
        # The top-level mapping is the first level, so the 40th brace is one too many.
        (1, 3 + 4 * (MAX_DEPTH - 1) + 1, "nesting is too deep"),
        id="deep-braces",
    ),
    pytest.param(
        b"a: 1\nx: [1, 2, " + b"[" * DEEP + b"\n",
        (2, 10 + MAX_DEPTH, "nesting is too deep"),
        id="deep-unclosed-brackets",
    ),
    pytest.param(
        b"- " * DEEP + b"x\n", (1, 2 * MAX_DEPTH + 1, "nesting is too deep"), id="deep-dashes"
    ),
    pytest.param(
        b"a: 1\n" + b"- " * DEEP + b"x\n",
        (2, 2 * MAX_DEPTH + 1, "nesting is too deep"),
        id="deep-dashes-l2",
    ),
    pytest.param(
        b"".join(b" " * i + b"k:\n" for i in range(1900)),
        (MAX_DEPTH + 1, MAX_DEPTH + 1, "nesting is too deep"),
        id="indent-staircase",
    ),
    pytest.param(
        b"".join(b"  " * i + b"k:\n" for i in range(MAX_DEPTH + 10)),
        (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1, "nesting is too deep"),
        id="deep-block-mapping",
    ),
    pytest.param(b"a: &a [*a]\n", (1, 4, "nesting is too deep"), id="self-alias"),
    pytest.param(
        b"#" * (MAX_BYTES + 1), (1, 1, f"rule files are limited to {MAX_BYTES:,}"), id="huge-file"
    ),
]


@pytest.mark.parametrize(("content", "expected"), HOSTILE)
def test_hostile_input_gives_one_diagnostic(tmp_path, content, expected):
    """Each hostile file gives exactly one diagnostic at the right line and column."""
    _, diags = read(tmp_path, content)
    d = only(diags)
    line, col, message = expected
    assert d.file == "rules.yaml"
    assert (d.line, d.col) == (line, col), d.render()
    assert message in d.message
    assert d.severity == "error"


def test_python_tag_is_never_executed(tmp_path):
    """A `!!python/object/apply` tag does not run its call; the value reads as None."""
    marker = tmp_path / "pwned"
    content = f"x: !!python/object/apply:os.mkdir ['{marker}']\n"
    doc, diags = read(tmp_path, content.encode())
    assert diags
    assert not marker.exists()
    assert doc is not None
    assert doc.data == {"x": None}


def test_bad_tag_keeps_reading_the_rest(tmp_path):
    """After a refused tag the rest of the file is still read and checked."""
    doc, diags = read(tmp_path, b"x: !!python/name:os.system\ny: 2\ny: 3\n")
    assert [(d.line, d.col) for d in diags] == [(1, 4), (3, 1)]
    assert doc is not None
    assert doc.data == {"x": None, "y": 2}


def test_tabs_are_reported_on_each_line(tmp_path):
    """Tabs on several lines are all reported (up to five), each with its line."""
    content = b"a:\n" + b"\tb: 1\n" * 7
    _, diags = read(tmp_path, content)
    assert [(d.line, d.col) for d in diags] == [(2, 1), (3, 1), (4, 1), (5, 1), (6, 1)]


def test_duplicate_key_keeps_the_first_value(tmp_path):
    """A duplicate key is reported and the first value is kept, not silently replaced."""
    doc, diags = read(tmp_path, b"a: 1\nb: 2\na: 3\n")
    assert len(diags) == 1
    assert doc is not None
    assert doc.data == {"a": 1, "b": 2}


def test_billion_laughs_is_refused(tmp_path):
    """The billion-laughs alias bomb stops with one 'too many values' diagnostic."""
    doc, diags = read(tmp_path, billion_laughs())
    assert doc is None
    d = only(diags)
    assert "file expands to too many values (an alias bomb?)" in d.message


def test_billion_laughs_is_reported_where_an_alias_expands(tmp_path):
    """The alias bomb is reported on the line whose aliases pass the limit (line 4), not at line 1."""
    _, diags = read(tmp_path, billion_laughs())
    d = only(diags)
    # Line 1 holds only plain strings; the expansion passes 10,000 aliased values in `d:`.
    assert d.line == 4, d.render()


def test_too_many_plain_values_are_refused(tmp_path, monkeypatch):
    """A file with more values than the limit gives one diagnostic near the limit's line."""
    monkeypatch.setattr(_yaml, "MAX_VALUES", 1000)
    doc, diags = read(tmp_path, b"- 1\n" * 1500)
    assert doc is None
    d = only(diags)
    assert "too many values" in d.message
    # The limit may or may not count the surrounding list itself.
    assert d.line in (1000, 1001)


def test_value_limit_stops_the_parser_early(tmp_path, monkeypatch):
    """Past the value limit the reader stops building YAML nodes instead of composing the whole file."""
    monkeypatch.setattr(_yaml, "MAX_VALUES", 1000)
    built = 0
    original = yaml.ScalarNode.__init__

    def counting_init(self, *args, **kwargs):
        nonlocal built
        built += 1
        original(self, *args, **kwargs)

    monkeypatch.setattr(yaml.ScalarNode, "__init__", counting_init)
    _, diags = read(tmp_path, b"- 1\n" * 20_000)
    assert "too many values" in only(diags).message
    # Building every node before checking means a 2 MB file costs ~40 s and ~700 MB.
    assert built < 5 * 1000, f"{built} scalar nodes built for a limit of 1,000 values"


# Nesting the linear pre-scan misreads must still be reported on its own line ------------

HIDDEN_NESTING = [
    pytest.param(
        b'a: 1\nb: 2\nx: [ "abc\n  ", ' + b"[" * DEEP + b"]" * DEEP + b" ]\n",
        4,
        id="closing-quote-after-space",
    ),
    pytest.param(
        b"a: 1\nb: 2\nx: [ 'it'' ', " + b"[" * DEEP + b"]" * DEEP + b" ]\n",
        3,
        id="escaped-single-quote",
    ),
    pytest.param(
        b'a: 1\nb: 2\nx: [?" #", ' + b"[" * DEEP + b"]" * DEEP + b"]\n",
        3,
        id="hash-inside-key-quote",
    ),
]


@pytest.mark.parametrize(("content", "line"), HIDDEN_NESTING)
def test_deep_nesting_behind_quotes_is_refused(tmp_path, content, line):
    """Deep nesting the pre-scan cannot see is still refused with one diagnostic, not an exception."""
    doc, diags = read(tmp_path, content)
    assert doc is None
    assert "nesting is too deep" in only(diags).message


@pytest.mark.parametrize(("content", "line"), HIDDEN_NESTING)
def test_deep_nesting_behind_quotes_is_reported_on_its_line(tmp_path, content, line):
    """Deep nesting the pre-scan misses is reported on the line that nests, not at 1:1."""
    _, diags = read(tmp_path, content)
    d = only(diags)
    assert d.line == line, d.render()


def test_deep_indentation_alone_is_not_refused(tmp_path):
    """A value indented by 1,000 spaces is only three levels deep, and loads."""
    doc, diags = read(tmp_path, b"a:\n  b:\n" + b" " * 1000 + b"c: 1\n")
    assert diags == []
    assert doc.data == {"a": {"b": {"c": 1}}}


@pytest.mark.parametrize("content", [b"a: !!bool maybe\n", b'a: !!int ""\n', b'a: !!float ""\n'])
def test_explicit_tag_with_a_bad_value_is_a_diagnostic(tmp_path, content):
    """A plain tag with a value it cannot hold is reported, not raised."""
    _, diags = read(tmp_path, content)
    assert "cannot read value" in only(diags).message
