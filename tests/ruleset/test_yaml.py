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
        (1, 3 + MAX_DEPTH, "nesting is too deep; rule files nest at most"),  # x: is one
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
        (2, 9 + MAX_DEPTH, "nesting is too deep"),
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


# Syntax mistakes: each real mistake with the exact diagnostic it must give --------------

RULE = """\
rules:
  tension_decays:
    doc: Tension fades a little each quarter.
    phase: production
    effects:
      - multiply: world.strait_tension
        value: 0.9
"""


def broken(old: str, new: str) -> bytes:
    """RULE with `old` (which occurs once) replaced by `new`."""
    assert RULE.count(old) == 1, old
    return RULE.replace(old, new).encode()


SYNTAX_MISTAKES = [
    pytest.param(
        broken("    phase:", "   phase:"),
        (4, 4, "this key is at column 4, between two levels of keys above it (columns 3 and "
         "5); line it up with the keys it belongs with"),
        id="de-indented-key",
    ),
    pytest.param(
        broken("    phase:", "      phase:"),
        (4, 7, "this line is indented more than the key above it (column 5), so YAML reads it "
         "as more of that key's value; line up the keys of one mapping"),
        id="over-indented-key",
    ),
    pytest.param(
        broken("    doc: Tension fades a little each quarter.", '    doc: "Tension fades."'),
        None,
        id="quoted-value-is-fine",
    ),
    pytest.param(
        broken("    phase: production", '    doc2: "x"\n      phase: production'),
        (5, 7, "this line is indented more than the key above it (column 5); line up the keys "
         "of one mapping"),
        id="over-indented-key-after-quoted-value",
    ),
    pytest.param(
        broken("        value: 0.9", "        value: 0.9\n      phase: late"),
        (8, 7, "this key is at column 7, between two levels of keys above it (columns 5 and "
         "9); line it up with the keys it belongs with"),
        id="key-at-the-column-of-list-items-below-it",
    ),
    pytest.param(
        broken("        value: 0.9", "      value: 0.9"),
        (7, 7, "this key is lined up with the list items above it (column 7), but a list holds "
         "only '- ' items; indent it under the item's first key (column 9)"),
        id="item-key-at-the-column-of-its-dash",
    ),
    pytest.param(
        broken("        value: 0.9", "        value: 0.9\n     - add: world.x\n"),
        (8, 6, "this list item is at column 6, but the items above it are at column 7; line "
         "up the '-' of one list"),
        id="list-item-one-space-short",
    ),
    pytest.param(
        broken("        value: 0.9", "        value: 0.9\n        - add: world.x\n"),
        (8, 9, "this list item is at column 9, but the items above it are at column 7; line "
         "up the '-' of one list"),
        id="list-item-under-the-keys-of-an-item",
    ),
    pytest.param(
        broken("    effects:", "    effects: []\n    when: x\n  - oops"),
        (7, 3, "a list item ('- ') where a key of the mapping above belongs (column 5); put "
         "the list under a key ('key:' then '- item' lines below it)"),
        id="list-item-where-a-key-belongs",
    ),
    pytest.param(
        broken("    phase: production", "    phase production"),
        (4, 5, "this line is neither 'key: value' nor a list item ('- value'); add the ':' "
         "after the key"),
        id="missing-colon",
    ),
    pytest.param(
        broken("    phase: production", "    phase:production"),
        (4, 10, "put a space after this ':'; without one YAML reads the key and value as one "
         "word"),
        id="no-space-after-colon",
    ),
    pytest.param(
        broken("Tension fades a little each quarter.", "Note: tension fades."),
        (3, 14, "a ':' inside an unquoted value; put the value in quotes"),
        id="colon-in-plain-value",
    ),
    pytest.param(
        b"a: b: c\n",
        (1, 5, "a ':' inside an unquoted value; put the value in quotes"),
        id="colon-in-value",
    ),
    pytest.param(
        broken("Tension fades a little each quarter.", "'Tension fades."),
        (3, 10, "this quote (') is never closed; end the text with another '"),
        id="unclosed-quote-at-the-end",
    ),
    pytest.param(
        broken("Tension fades a little each quarter.", '"Tension fades.')
        .replace(b"phase: production", b'phase: "production"'),
        (3, 10, 'this quote (") is not closed on its line, so the text runs on to line 4; '
         "close it on this line"),
        id="unclosed-quote-closed-lines-later",
    ),
    pytest.param(
        broken("Tension fades a little each quarter.", '"Tension" fades.'),
        (3, 20, "text after the closing quote (\"); quote the whole value once (inside '…' "
         "write '' for a quote mark, or use \"…\")"),
        id="text-after-a-quote",
    ),
    pytest.param(
        broken("Tension fades a little each quarter.", "{fades} each quarter."),
        (3, 18, "text after a closing bracket (a value that starts with '{' or '[' is read as "
         "a mapping or list); put the whole value in quotes"),
        id="text-after-a-brace",
    ),
    pytest.param(
        b"a: 1\nb: [1, 2\nc: 3\n",
        (2, 4, "this '[' is never closed; end the list with ']'"),
        id="unclosed-bracket",
    ),
    pytest.param(
        b"a: 1\nb: {x: 1\n",
        (2, 4, "this '{' is never closed; end the mapping with '}'"),
        id="unclosed-brace",
    ),
    pytest.param(
        b"- {turn: 2, nation: TW]\n",
        (1, 23, "this ']' does not close the '{' at line 1, column 3; close the mapping with '}'"),
        id="wrong-closing-bracket",
    ),
    pytest.param(
        broken("    phase:", "\tphase:"),
        (4, 1, "tab character in indentation; YAML indents with spaces only"),
        id="tab",
    ),
    pytest.param(
        broken("Tension fades a little each quarter.", "@home fades."),
        (3, 10, "a value cannot start with '@'; put the value in quotes"),
        id="reserved-first-character",
    ),
    pytest.param(
        b"a:\n  doc: |\n    line one\n   line two\n  b: 1\n",
        (4, 4, "this line is indented less than the text block ('|') above it (column 5); "
         "indent every line of the block at least as much as its first"),
        id="block-text-line-short",
    ),
    pytest.param(
        b"  a: 1\nb: 2\n",
        (2, 1, "this key is at column 1, but the keys above it are at column 3; line up the "
         "keys of one mapping"),
        id="first-key-indented",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("content", "expected"), SYNTAX_MISTAKES)
def test_syntax_mistake_is_explained_at_its_line(tmp_path, content, expected):
    """Each common mistake gives one diagnostic, in words, at the line of the mistake."""
    doc, diags = read(tmp_path, content)
    if expected is None:
        assert diags == []
        return
    assert doc is None
    d = only(diags)
    assert (d.line, d.col, d.message) == expected, d.render()


def test_unrecognised_syntax_error_keeps_pyyaml_words(tmp_path):
    """A syntax error that is none of the common mistakes keeps PyYAML's own words."""
    d = only(read(tmp_path, b"%YAML 1.1\n%YAML 1.1\n---\na: 1\n")[1])
    assert (d.line, d.col, d.message) == (2, 1, "YAML syntax: found duplicate YAML directive")


def test_libyaml_and_pyyaml_give_the_same_positions(monkeypatch):
    """With libyaml or without it, every value and key of every default rule file is at the same place."""
    rules = Path(__file__).resolve().parents[2] / "rules"
    paths = sorted(rules.glob("*.yaml"))
    fast = [read_yaml(path, path.name, []) for path in paths]
    monkeypatch.setattr(_yaml, "_FAST", None)
    slow = [read_yaml(path, path.name, []) for path in paths]
    for path, one_doc, other in zip(paths, fast, slow, strict=True):
        assert one_doc is not None, path
        assert other is not None, path
        assert one_doc.data == other.data, path
        assert one_doc.values == other.values, path
        assert one_doc.keys == other.keys, path
        assert [(p.style, p.end_line) for p in one_doc.values.values()] == [
            (p.style, p.end_line) for p in other.values.values()
        ], path
