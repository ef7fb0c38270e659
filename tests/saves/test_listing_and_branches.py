"""Listing saves, autosaving after each turn, and what-if branches of a saved game."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from game.ruleset import DecisionLine, Ruleset
from game.saves import (
    Autosaver,
    SaveError,
    branch_game,
    encode_save,
    list_saves,
    read_save,
    write_save,
)
from game.sim import GeoModel

from .classroom import new_game, play_on

ACCEPT = [
    DecisionLine(turn=3, nation="TW", invest={"fabs": 0.8, "ai": 0.2}),
    DecisionLine(turn=3, nation="TW", action="accept_proposal", target="US"),
]


def test_list_saves_lists_the_newest_first(tmp_path: Path, ruleset: Ruleset) -> None:
    """Three saves written one after another are listed newest first, with their summaries."""
    paths = []
    for turn in (1, 2, 3):
        path = write_save(
            GeoModel(seed=4, rules=ruleset, turns=3).run(until=turn), tmp_path / f"s{turn}.json"
        )
        os.utime(path, ns=(turn * 10**18, turn * 10**18))  # distinct times, in writing order
        paths.append(path)
    listed = list_saves(tmp_path)
    assert [s.path for s in listed] == paths[::-1]
    assert [s.summary.turn for s in listed if s.summary] == [3, 2, 1]


def test_a_game_s_autosaves_written_in_one_clock_tick_list_the_later_turn_first(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """Autosaves of turns 11 and 12 with the same written time and file time list turn 12
    first (by name), so Continue opens the game's last turn."""
    model = GeoModel(seed=4, rules=ruleset, turns=12).run(until=11)
    older = tmp_path / "autosave-20260101-000000-abcd-t011.json"
    older.write_bytes(encode_save(model, written="2026-01-01T00:00:00Z"))
    model.step()
    newer = tmp_path / "autosave-20260101-000000-abcd-t012.json"
    newer.write_bytes(encode_save(model, written="2026-01-01T00:00:00Z"))
    for path in (newer, older):  # the later file first: equal times are the point
        os.utime(path, ns=(10**18, 10**18))
    assert [s.path.name for s in list_saves(tmp_path)] == [newer.name, older.name]


def test_list_saves_names_a_damaged_save_and_skips_other_files(
    tmp_path: Path, small_save: Path
) -> None:
    """A damaged save is listed with its problem; temporary and non-JSON files are not listed."""
    (tmp_path / "broken.json").write_bytes(small_save.read_bytes()[:100])
    (tmp_path / ".small.json.1a2b3c4d.tmp").write_bytes(small_save.read_bytes()[:100])
    (tmp_path / "notes.txt").write_text("week 1", encoding="utf-8")
    listed = {s.path.name: s for s in list_saves(tmp_path)}
    assert sorted(listed) == ["broken.json", "small.json"]
    assert listed["small.json"].summary is not None
    assert listed["broken.json"].summary is None
    assert "not a readable save" in listed["broken.json"].problem


def test_list_saves_refuses_a_missing_folder(tmp_path: Path) -> None:
    """Listing a folder that does not exist raises SaveError."""
    with pytest.raises(SaveError, match="no such folder"):
        list_saves(tmp_path / "absent")


def test_autosaver_writes_after_each_turn_and_keeps_the_last_few(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """Autosaving after each of 6 turns with keep=3 leaves the saves of turns 4, 5 and 6."""
    folder = tmp_path / "saves"
    autosaver = Autosaver(folder, keep=3)
    model = GeoModel(seed=4, rules=ruleset, turns=6)
    written = []
    while not model.over:
        model.step()
        written.append(autosaver.save(model))
        assert read_save(written[-1]).record == model.record()
    assert sorted(folder.iterdir()) == written[-3:]
    assert [s.summary.turn for s in list_saves(folder) if s.summary] == [6, 5, 4]


def test_autosaver_makes_its_folder(tmp_path: Path, ruleset: Ruleset) -> None:
    """The autosave folder is made when the first autosave is written."""
    path = Autosaver(tmp_path / "saves").save(GeoModel(seed=4, rules=ruleset, turns=2))
    assert path.parent == tmp_path / "saves"
    assert path.name.startswith("autosave-")
    assert path.name.endswith("-t000.json")


def test_autosaver_makes_no_tree_of_folders(tmp_path: Path, ruleset: Ruleset) -> None:
    """A mistyped autosave folder whose parent is missing is refused, not created."""
    with pytest.raises(SaveError, match="does not exist"):
        Autosaver(tmp_path / "typo" / "saves").save(GeoModel(seed=4, rules=ruleset, turns=2))
    assert not (tmp_path / "typo").exists()


def test_autosaves_of_another_game_are_kept(tmp_path: Path, ruleset: Ruleset) -> None:
    """Rotation keeps each game's newest autosaves and never removes another game's."""
    first = Autosaver(tmp_path, keep=2)
    model = GeoModel(seed=4, rules=ruleset, turns=3)
    kept = first.save(model)
    second = Autosaver(tmp_path, keep=2)
    for _ in range(3):
        model.step()
        second.save(model)
    assert kept.exists()
    assert len(list(tmp_path.glob(f"autosave-{second.started}-*.json"))) == 2


@pytest.fixture
def saved(tmp_path: Path, ruleset: Ruleset) -> Path:
    """The classroom game (seed 21, 10 turns; the US proposes 50-50 in turn 2), saved at its end."""
    return write_save(play_on(new_game(21, 10, ruleset)), tmp_path / "game.json")


def test_a_branch_matches_the_original_before_its_turn(saved: Path) -> None:
    """Before the branching turn, the branch's per-turn metrics are the original's exactly."""
    result = branch_game(read_save(saved), ACCEPT)
    assert result.start == 3
    original = result.original.datacollector.get_model_vars_dataframe()
    branch = result.branch.datacollector.get_model_vars_dataframe()
    assert original.iloc[:3].to_csv() == branch.iloc[:3].to_csv()  # set-up, turns 1 and 2
    assert result.branch.turn == result.original.turn == 10


def test_a_branch_parts_at_the_first_turn_that_differs(saved: Path) -> None:
    """`parted` is the first turn at which any metric of the branch differs from the original."""
    result = branch_game(read_save(saved), ACCEPT)
    differing = [
        turn
        for turn in range(1, 11)
        if any(
            series[turn - 1] != result.branch.history[metric][turn - 1]
            for metric, series in result.original.history.items()
        )
    ]
    assert differing
    assert result.parted == differing[0]
    assert result.parted >= result.start


def test_the_original_of_a_branch_is_the_saved_game(saved: Path) -> None:
    """The branch's `original` is the saved game replayed, record and all."""
    save = read_save(saved)
    assert branch_game(save, ACCEPT).original.record() == save.record


def test_a_branch_takes_its_own_decisions(saved: Path) -> None:
    """In the branch, Taiwan accepts the 50-50 proposal in turn 3, as its script says."""
    result = branch_game(read_save(saved), ACCEPT)
    assert (3, "TW", "accept_proposal", "US") in result.branch.action_log
    assert (3, "TW", "accept_proposal", "US") not in result.original.action_log


def test_a_branch_beyond_the_saved_game_is_refused(saved: Path) -> None:
    """Branch lines for a turn after the saved game's last one are refused, naming the turn."""
    late = [*ACCEPT, DecisionLine(turn=11, nation="TW", invest={"fabs": 1.0})]
    with pytest.raises(SaveError, match="turn 11, beyond the saved game's last turn \\(10\\)"):
        branch_game(read_save(saved), late)


def test_a_branch_with_no_lines_is_refused(saved: Path) -> None:
    """A branch file with no decisions is refused."""
    with pytest.raises(SaveError, match="no decisions"):
        branch_game(read_save(saved), [])


def test_a_branch_of_a_game_at_turn_zero_is_refused(tmp_path: Path, ruleset: Ruleset) -> None:
    """A save that has played no turn has nothing to branch from."""
    path = write_save(new_game(21, 10, ruleset), tmp_path / "new.json")
    with pytest.raises(SaveError, match="has not played a turn"):
        branch_game(read_save(path), ACCEPT)
