"""The loader against random damage: it refuses with SaveError or loads the very same game."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from game.ruleset import Ruleset
from game.saves import SaveError, SaveFile, parse_save, read_save, write_save

from .classroom import new_game, play_on


@dataclass(frozen=True)
class Original:
    """A real save's bytes, what it reads as, and the offsets of its structure (outside rule text)."""

    data: bytes
    save: SaveFile
    structure: tuple[int, ...]


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory, ruleset: Ruleset) -> Original:
    """The classroom game after 3 turns, saved to disk and read back."""
    path = tmp_path_factory.mktemp("property") / "small.json"
    write_save(play_on(new_game(21, 6, ruleset), until=3), path)
    data = path.read_bytes()
    rules_start = data.index(b'"rules": {')
    structure = tuple(m.start() for m in re.finditer(rb'[0-9.:,"{}\[\]e-]', data[:rules_start]))
    return Original(data, read_save(path), structure)


@st.composite
def damage(draw: st.DrawFn, original: Original) -> bytes:
    """One to four flips, insertions, deletions, digit-to-'e' swaps or a truncation."""
    data = bytearray(original.data)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        if draw(st.booleans()):  # mostly hit the record and summary, not the rule text
            at = draw(st.sampled_from(original.structure)) % len(data)
        else:
            at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "exponent", "truncate"]))
        if kind == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(
                st.sampled_from([b" ", b"\n", b"0", b"9", b",", b'"', b"e9"])
                | st.binary(min_size=1, max_size=8)
            )
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "exponent":
            data[at : at + 1] = b"e"
        else:
            del data[at:]
    return bytes(data)


@settings(
    max_examples=200,
    deadline=None,
)
@given(data=st.data())
def test_damaged_bytes_never_crash_the_loader_nor_load_another_game(
    original: Original, data: st.DataObject
) -> None:
    """Random damage to a real save raises SaveError, or loads the same record, rules and summary."""
    damaged = data.draw(damage(original))
    try:
        save = parse_save(damaged, Path("damaged.json"))
    except SaveError as exc:
        refusal = str(exc)
    else:
        refusal = ""
    if refusal:
        assert "\n" not in refusal
        event(f"refused: {refusal.split(': ', 1)[1][:40]}")
        return
    event("loaded")
    assert save.record == original.save.record
    assert save.sources == original.save.sources
    assert save.summary == original.save.summary
