"""The ruleset travels with the save: edited or deleted rule folders do not change a save."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.ruleset import load_ruleset
from game.saves import read_save, rules_difference, write_save

from .classroom import new_game, outputs, play_on

RISK = "  crisis_base_risk:\n    value: 0.03\n"


@pytest.fixture
def saved_game(rules_copy: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A 10-turn classroom game played with rules from a folder; its save and its outputs."""
    model = play_on(new_game(21, 10, rules_copy))
    return write_save(model, tmp_path / "game.json"), outputs(model)


def edit_parameter(rules: Path) -> None:
    """Raise the crisis risk in the rules folder (a designer's edit)."""
    path = rules / "silicon_shield.yaml"
    text = path.read_text(encoding="utf-8")
    assert RISK in text
    path.write_text(text.replace(RISK, RISK.replace("0.03", "0.2")), encoding="utf-8")


def test_a_save_replays_with_its_own_rules_after_the_folder_is_edited(
    saved_game: tuple[Path, dict[str, str]], rules_copy: Path
) -> None:
    """After a parameter is changed in the rules folder, the save replays exactly as played."""
    path, played = saved_game
    edit_parameter(rules_copy)
    assert load_ruleset(rules_copy).parameters["crisis_base_risk"].value == 0.2
    assert outputs(read_save(path).model()) == played


def test_a_save_replays_with_its_own_rules_after_the_folder_is_deleted(
    saved_game: tuple[Path, dict[str, str]], rules_copy: Path
) -> None:
    """With its rules folder gone, the save still loads and replays exactly as played."""
    path, played = saved_game
    shutil.rmtree(rules_copy)
    assert outputs(read_save(path).model()) == played


def test_the_rules_a_save_carries_have_the_recorded_hash(
    saved_game: tuple[Path, dict[str, str]], rules_copy: Path
) -> None:
    """`SaveFile.ruleset().hash` is the record's ruleset hash, and the folder's before any edit."""
    path, _ = saved_game
    save = read_save(path)
    assert save.ruleset().hash == save.record.ruleset_hash == load_ruleset(rules_copy).hash


def test_an_edited_folder_is_told_apart_from_the_saved_rules(
    saved_game: tuple[Path, dict[str, str]], rules_copy: Path
) -> None:
    """`rules_difference` names the one edited file and the two hashes."""
    path, _ = saved_game
    edit_parameter(rules_copy)
    save = read_save(path)
    difference = rules_difference(save, load_ruleset(rules_copy))
    assert not difference.same
    assert difference.changed == ("silicon_shield.yaml",)
    assert difference.added == difference.removed == ()
    assert difference.other_hash != save.record.ruleset_hash
    assert "changed: silicon_shield.yaml" in difference.describe()


def test_a_save_played_under_edited_rules_plays_another_game(
    saved_game: tuple[Path, dict[str, str]], rules_copy: Path
) -> None:
    """Given the edited rules on purpose, the same team decisions play a different game."""
    path, played = saved_game
    edit_parameter(rules_copy)
    other = read_save(path).model(rules=load_ruleset(rules_copy))
    assert other.turn == 10
    assert outputs(other) != played
