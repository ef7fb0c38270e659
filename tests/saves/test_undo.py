"""Undo: rebuilding a game at an earlier turn, taking another decision, and saving that."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from game.ruleset import Ruleset
from game.saves import read_save, write_save
from game.sim import Decision, GeoModel

from .classroom import new_game, outputs, play_on

FIRST = Decision("TW", {"fabs": 0.9, "ai": 0.1})
SECOND = Decision("TW", {"ai": 0.5, "quantum": 0.5}, [("reject_proposal", "US")])


def play_with(
    ruleset: Ruleset, turn_five: Decision, until: int = 10, script: bool = False
) -> GeoModel:
    """A game (seed 21) where the Taiwan team takes `turn_five` in turn 5 (and, with
    `script`, the classroom script's lines and injections are played too)."""
    if script:
        model = new_game(21, 10, ruleset)
    else:
        model = GeoModel(seed=21, rules=ruleset, turns=10, seats={"TW": "human"})
    model = play_on(model, until=4)
    model.submit(turn_five)
    model.step()
    return play_on(model, until=until)


def undone_and_redone(ruleset: Ruleset, script: bool = False) -> GeoModel:
    """Turn 5 played with FIRST, taken back, played again with SECOND, then to the end."""
    model = play_with(ruleset, FIRST, until=5, script=script).rewound()
    assert model.turn == 4
    model.submit(SECOND)
    model.step()
    return play_on(model)


def test_undo_then_another_decision_is_the_game_of_that_decision(ruleset: Ruleset) -> None:
    """Undo turn 5 and decide otherwise: the same summary and CSV as deciding so at first."""
    assert outputs(undone_and_redone(ruleset)) == outputs(play_with(ruleset, SECOND))


def test_undo_then_another_decision_differs_from_the_first_decision(ruleset: Ruleset) -> None:
    """The two decisions of turn 5 make different games (so the test above shows something)."""
    assert outputs(play_with(ruleset, FIRST)) != outputs(play_with(ruleset, SECOND))


def test_the_record_notes_the_undone_turn_with_its_decisions(ruleset: Ruleset) -> None:
    """The record lists turn 5 as undone, with the team's first decision of that turn."""
    redone = undone_and_redone(ruleset)
    ((turn, taken),) = redone.record().undos
    assert turn == 5
    team = [d for d in taken if d.by == "team"]
    assert [(d.nation, d.invest) for d in team] == [("TW", FIRST.invest)]
    assert {d.turn for d in taken} == {5}


def test_apart_from_the_undo_note_the_record_is_the_straight_games(ruleset: Ruleset) -> None:
    """Without its undo note, the redone game's record is that of the game decided so at first."""
    redone = undone_and_redone(ruleset).record()
    assert dataclasses.replace(redone, undos=()) == play_with(ruleset, SECOND).record()


def test_undoing_several_turns_notes_each_newest_first(ruleset: Ruleset) -> None:
    """Going back from turn 7 to turn 4 notes turns 7, 6 and 5, in that order."""
    model = play_with(ruleset, FIRST, until=7).rewound(4)
    assert model.turn == 4
    assert [turn for turn, _ in model.record().undos] == [7, 6, 5]


def test_the_undo_note_survives_a_save_and_load(tmp_path: Path, ruleset: Ruleset) -> None:
    """A redone game saved and loaded keeps its undo note, and replays to the same outputs."""
    redone = undone_and_redone(ruleset)
    save = read_save(write_save(redone, tmp_path / "redone.json"))
    assert save.record.undos == redone.record().undos
    loaded = save.model()
    assert loaded.record() == redone.record()
    assert outputs(loaded) == outputs(redone)


def test_a_loaded_game_can_be_undone_and_redone(tmp_path: Path, ruleset: Ruleset) -> None:
    """Undo works on a game loaded from a save as on the game that wrote it."""
    write_save(play_with(ruleset, FIRST, until=5), tmp_path / "at5.json")
    model = read_save(tmp_path / "at5.json").model().rewound()
    model.submit(SECOND)
    model.step()
    assert outputs(play_on(model)) == outputs(play_with(ruleset, SECOND))


def test_undo_keeps_the_scripted_lines_and_injections_still_to_come(ruleset: Ruleset) -> None:
    """Undo in a scripted game keeps the script's later lines (the cable cut of turn 9)."""
    redone = undone_and_redone(ruleset, script=True)
    assert outputs(redone) == outputs(play_with(ruleset, SECOND, script=True))
