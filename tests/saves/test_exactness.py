"""Exactness: a game saved at turn k and resumed in a new process ends as if played straight."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.ruleset import DecisionLine, Ruleset
from game.saves import read_save, write_save
from game.sim import GeoModel

from .classroom import new_game, outputs, play_on, resume

CLASSROOM = Path(__file__).with_name("classroom.py")
TURNS = 12


def resume_elsewhere(*saves: str) -> list[dict[str, str]]:
    """Resume each save in one new Python process (`SAVE+N` first extends it by N turns)."""
    done = subprocess.run(
        [sys.executable, str(CLASSROOM), *saves],
        cwd=Path(saves[0].partition("+")[0]).parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, str]] = json.loads(done.stdout)
    return results


def chance_crises(model: GeoModel) -> list[int]:
    """The turns in which a strait crisis fired by chance (not injected)."""
    injected = set(model.injection_log)
    return [
        e["turn"]
        for e in model.summary()["events"]
        if e["id"] == "strait_crisis" and (e["turn"], e["id"]) not in injected
    ]


@pytest.mark.parametrize("seed", [65, 7, 8])
def test_saved_at_k_and_resumed_in_a_new_process_matches_playing_straight(
    tmp_path: Path, ruleset: Ruleset, seed: int
) -> None:
    """Saves at turns 0, 6 and 12, resumed in a new process, print what a straight game prints."""
    straight = play_on(new_game(seed, TURNS, ruleset))
    saves = []
    for k in (0, TURNS // 2, TURNS):
        model = play_on(new_game(seed, TURNS, ruleset), until=k)
        saves.append(str(write_save(model, tmp_path / f"at{k}.json")))
    assert resume_elsewhere(*saves) == [outputs(straight)] * 3


def test_the_exactness_games_have_a_crisis_by_chance_and_an_injected_event(
    ruleset: Ruleset,
) -> None:
    """Seeds 65 and 7 draw a strait crisis by chance in the first turns; every game has a cable cut."""
    for seed, turn in ((65, 4), (7, 5)):
        model = play_on(new_game(seed, TURNS, ruleset))
        assert chance_crises(model) == [turn]
        assert (4, "cable_cut") in model.injection_log
    assert chance_crises(play_on(new_game(8, TURNS, ruleset))) == []


def test_a_save_at_the_last_turn_made_longer_in_a_new_process_matches_the_longer_game(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """A 6-turn game saved, loaded elsewhere and made 6 turns longer equals a 12-turn game."""
    write_save(play_on(new_game(3, 6, ruleset)), tmp_path / "short.json")
    straight = play_on(new_game(3, 12, ruleset))
    assert resume_elsewhere(f"{tmp_path / 'short.json'}+6") == [outputs(straight)]


def test_a_save_resumed_in_this_process_keeps_the_record(tmp_path: Path, ruleset: Ruleset) -> None:
    """A game resumed from a save at turn 5 ends with the record of the game played straight."""
    straight = play_on(new_game(21, TURNS, ruleset))
    write_save(play_on(new_game(21, TURNS, ruleset), until=5), tmp_path / "at5.json")
    resumed = read_save(tmp_path / "at5.json").model()
    assert resume(resumed).record() == straight.record()


def test_a_64_turn_bot_game_loads_replays_and_continues(tmp_path: Path, ruleset: Ruleset) -> None:
    """A whole baseline game (64 turns of bots) loads from its save, replays exactly and plays on."""
    model = GeoModel(seed=5, rules=ruleset)
    model.run()
    assert model.turn == 64
    save = read_save(write_save(model, tmp_path / "long.json"))
    assert save.summary.turn == 64
    loaded = save.model()
    assert outputs(loaded) == outputs(model)
    loaded.extend(4)
    loaded.run()
    assert loaded.turn == 68


def test_a_save_alone_resumes_the_script_still_to_come(tmp_path: Path, ruleset: Ruleset) -> None:
    """A game saved at turn 5 and resumed without its script again still has the turn 9 cable cut."""
    straight = play_on(new_game(21, TURNS, ruleset))
    write_save(play_on(new_game(21, TURNS, ruleset), until=5), tmp_path / "at5.json")
    assert outputs(play_on(read_save(tmp_path / "at5.json").model())) == outputs(straight)


BEFORE_CRN = Path(__file__).with_name("data") / "before_common_random_numbers.json"


def test_a_save_from_before_common_random_numbers_replays_its_own_game(tmp_path: Path) -> None:
    """A save written before chance draws were keyed (record format 1: a 24-turn bots game,
    seed 5, a cable cut injected in turn 8) replays the game it recorded, drawing in order
    from the one generator as it did; it keeps that format when saved again."""
    save = read_save(BEFORE_CRN)
    assert save.record.format == 1
    model = save.model()  # bots decide again and must decide as recorded (China's drills)
    assert model.sequential_draws
    assert model.fired_events == [
        (6, "cable_cut", "chance"),
        (8, "cable_cut", "injected"),
        (10, "quantum_breakthrough", "chance"),
        (20, "cable_cut", "chance"),
        (21, "cable_cut", "chance"),
    ]
    assert [d.turn for d in model.decision_log if d.nation == "CN" and d.actions] == [16, 17]
    assert model.scores() == save.summary.scores
    assert model.record() == save.record
    model.extend(4)
    model.run()
    again = read_save(write_save(model, tmp_path / "longer.json"))
    assert again.record.format == 1
    assert outputs(again.model()) == outputs(model)
    # The same game with keyed draws is another game: the save really pins the old draws.
    script = [DecisionLine(turn=8, event="cable_cut")]
    fresh = GeoModel(seed=5, rules=save.ruleset(), turns=24, decisions=script).run()
    assert fresh.fired_events != [e for e in model.fired_events if e[0] <= 24]
