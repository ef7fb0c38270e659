"""Bad input: every damaged, foreign or newer save is refused with one line, and nothing changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game.saves import SaveError, list_saves, read_save

from .conftest import snapshot

RISK = "  crisis_base_risk:\n    value: 0.03\n"


def reseal(content: dict[str, Any]) -> bytes:
    """A save's content with its checksum made right again (as a forger would)."""
    content = {k: v for k, v in content.items() if k != "checksum"}
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
    content["checksum"] = "sha256:" + hashlib.sha256(canonical).hexdigest()
    return json.dumps(content, indent=1, ensure_ascii=False).encode("utf-8")


def edited(change: Callable[[dict[str, Any]], None], seal: bool) -> Callable[[bytes], bytes]:
    """A damage that edits the save's JSON, then re-seals the checksum or leaves it."""

    def damage(data: bytes) -> bytes:
        content = json.loads(data)
        change(content)
        if seal:
            return reseal(content)
        return json.dumps(content, indent=1, ensure_ascii=False).encode("utf-8")

    return damage


def set_in(*keys: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit that sets one value, deep in the save's JSON."""

    def change(content: dict[str, Any]) -> None:
        for key in keys[:-1]:
            content = content[key]
        content[keys[-1]] = value

    return change


DAMAGES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "truncated": (lambda d: d[: len(d) // 2], "not a readable save: .* cut off"),
    "cut at the last byte": (lambda d: d.rstrip()[:-1], "not a readable save"),
    "garbage": (lambda d: bytes(range(256)) * 8, "not a save: the file is not text"),
    "zero bytes": (lambda d: b"", "the file is empty"),
    "blank": (lambda d: b" \n\t\n", "the file is empty"),
    "not json": (lambda d: b"turn: 3\nnation: TW\n", "not a readable save"),
    "json, not a save": (lambda d: b'{"turn": 3}', "not a Silicon Shield save"),
    "a json list": (lambda d: b"[1, 2, 3]", "not a Silicon Shield save"),
    "tampered seed": (edited(set_in("record", "seed", value=22), seal=False), "checksum"),
    "tampered score": (
        edited(set_in("summary", "scores", "TW", value=99.0), seal=False),
        "checksum",
    ),
    "checksum removed": (
        edited(lambda c: c.pop("checksum"), seal=False),
        "checksum does not match",
    ),
    "newer format": (
        edited(set_in("format_version", value=99), seal=True),
        "format 99, written by a newer Silicon Shield",
    ),
    "no format": (
        edited(set_in("format_version", value="1"), seal=True),
        "no valid format_version",
    ),
    "format 0": (
        edited(set_in("format_version", value=0), seal=True),
        "no valid format_version",
    ),
    "resealed without teams": (
        edited(lambda c: c.pop("teams"), seal=True),
        "teams are malformed: expected nation: name pairs, found none",
    ),
    "a number too large for a float": (
        lambda d: d.replace(b'"turn": 3,', b'"turn": 3e999,', 1),
        "damaged",
    ),
    "a resealed record of the wrong shape": (
        edited(set_in("record", "decisions", value={"turn": 1}), seal=True),
        "record is malformed",
    ),
    "a resealed parameter too large for a float": (
        edited(set_in("record", "parameters", value={"crisis_base_risk": 10**400}), seal=True),
        "record is malformed",
    ),
    "a resealed score too large for a float": (
        edited(set_in("summary", "scores", "TW", value=10**400), seal=True),
        "summary is malformed",
    ),
    "resealed without rules": (
        edited(set_in("rules", "files", value={}), seal=True),
        "rules are malformed",
    ),
}


@pytest.fixture(params=sorted(DAMAGES))
def damaged(request: pytest.FixtureRequest, small_save: Path) -> tuple[Path, str]:
    """The small save damaged in one way, beside the untouched original; and the problem to name."""
    damage, problem = DAMAGES[request.param]
    path = small_save.with_name("damaged.json")
    data = damage(small_save.read_bytes())
    assert data != small_save.read_bytes()
    path.write_bytes(data)
    return path, problem


def test_a_damaged_save_is_refused_with_one_line_naming_the_problem(
    damaged: tuple[Path, str],
) -> None:
    """Reading a damaged save raises SaveError: one line, the file's path, then the problem."""
    path, problem = damaged
    with pytest.raises(SaveError, match=problem) as caught:
        read_save(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert caught.value.path == str(path)


def test_reading_a_damaged_save_changes_nothing_on_disk(damaged: tuple[Path, str]) -> None:
    """Neither reading nor listing a damaged save touches a file (bytes and times alike)."""
    path, _ = damaged
    before = snapshot(path.parent)
    with pytest.raises(SaveError):
        read_save(path)
    listed = {s.path: s for s in list_saves(path.parent)}
    if path in listed:  # other JSON files (not saves at all) are not listed
        assert listed[path].summary is None
        assert listed[path].problem
    assert snapshot(path.parent) == before


def test_json_that_is_not_a_save_is_not_listed(tmp_path: Path, small_save: Path) -> None:
    """A run's --json output beside the saves is not shown as a damaged save."""
    (tmp_path / "summary.json").write_text('{"scenario": "seminar"}', encoding="utf-8")
    listed = [s.path.name for s in list_saves(tmp_path)]
    assert "summary.json" not in listed


def test_the_checksum_alone_catches_a_tampered_value(small_save: Path) -> None:
    """A save with one value changed in place (formatting kept) is refused as edited by hand."""
    data = small_save.read_bytes()
    assert data.count(b'"seed": 21,') == 2  # in the summary and in the record
    small_save.write_bytes(data.replace(b'"seed": 21,', b'"seed": 22,', 1))
    with pytest.raises(SaveError, match="edited by hand: its checksum does not match"):
        read_save(small_save)


def test_whitespace_outside_values_does_not_matter(small_save: Path) -> None:
    """Re-indenting a save (same JSON) leaves it readable, with the same record."""
    original = read_save(small_save)
    content = json.loads(small_save.read_bytes())
    small_save.write_text(json.dumps(content, indent=4), encoding="utf-8")
    assert read_save(small_save).record == original.record


def test_broken_rules_inside_a_save_name_the_file_and_line(small_save: Path) -> None:
    """A resealed save whose rule text does not parse names the rule file inside it and the line."""
    content = json.loads(small_save.read_bytes())
    files = content["rules"]["files"]
    assert RISK in files["silicon_shield.yaml"]
    files["silicon_shield.yaml"] = files["silicon_shield.yaml"].replace(
        RISK, RISK.replace("0.03", "[0.03")
    )
    small_save.write_bytes(reseal(content))
    save = read_save(small_save)  # the file itself is sound
    before = snapshot(small_save.parent)
    with pytest.raises(SaveError, match=r"rules inside the save do not load") as caught:
        save.ruleset()
    message = str(caught.value)
    assert "\n" not in message
    text = files["silicon_shield.yaml"]
    line = text[: text.index("[0.03")].count("\n") + 1
    assert f"silicon_shield.yaml:{line}:" in message
    assert str(small_save) in message
    with pytest.raises(SaveError, match=rf"silicon_shield\.yaml:{line}:"):
        save.model()
    assert snapshot(small_save.parent) == before


def test_rules_inside_a_save_that_are_not_the_played_ones_are_refused(small_save: Path) -> None:
    """A resealed save whose (valid) rules were edited is refused: not the rules it was played with."""
    content = json.loads(small_save.read_bytes())
    files = content["rules"]["files"]
    files["silicon_shield.yaml"] = files["silicon_shield.yaml"].replace(
        RISK, RISK.replace("0.03", "0.2")
    )
    small_save.write_bytes(reseal(content))
    with pytest.raises(SaveError, match="not the ones it was played with"):
        read_save(small_save).model()


def test_a_missing_save_and_a_folder_are_refused(tmp_path: Path) -> None:
    """Reading a path that does not exist, or a folder, raises SaveError naming it."""
    with pytest.raises(SaveError, match="no such save"):
        read_save(tmp_path / "absent.json")
    with pytest.raises(SaveError, match="is a folder"):
        read_save(tmp_path)
