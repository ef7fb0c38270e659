"""The teams' names travel in the save (format 2); a format 1 save still loads, unnamed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from game.ruleset import Ruleset
from game.saves import SAVE_FORMAT, TEAM_NAME_MAX, SaveError, read_save, write_save

from .classroom import new_game, play_on
from .conftest import snapshot
from .test_bad_input import reseal


@pytest.fixture
def named_save(tmp_path: Path, ruleset: Ruleset) -> Path:
    """The classroom game after 3 turns, its Taiwan team named "Eagles"."""
    model = play_on(new_game(21, 6, ruleset), until=3)
    return write_save(model, tmp_path / "named.json", teams={"TW": "Eagles"})


def content_of(path: Path) -> dict[str, Any]:
    """A save's JSON document."""
    return json.loads(path.read_bytes())


def test_team_names_are_saved_and_read_back(named_save: Path) -> None:
    """A save written with team names reads back with them, in the current format."""
    assert content_of(named_save)["format_version"] == SAVE_FORMAT == 2
    assert read_save(named_save).teams == {"TW": "Eagles"}


def test_a_format_1_save_without_names_still_loads(named_save: Path) -> None:
    """A save of the previous format (no teams) reads, with no names and the same record."""
    content = content_of(named_save)
    del content["teams"]
    content["format_version"] = 1
    old = named_save.with_name("old.json")
    old.write_bytes(reseal(content))
    save = read_save(old)
    assert save.teams == {}
    assert save.record == read_save(named_save).record


def test_team_names_are_under_the_checksum(named_save: Path) -> None:
    """A team's name changed in place (not resealed) is refused as edited by hand."""
    data = named_save.read_bytes()
    named_save.write_bytes(data.replace(b'"Eagles"', b'"Vultures"', 1))
    with pytest.raises(SaveError, match="checksum does not match"):
        read_save(named_save)


BAD_TEAMS: dict[str, tuple[Any, str]] = {
    "a list": (["Eagles"], "expected nation: name pairs, found list"),
    "a bot's seat": ({"CN": "Dragons"}, "'CN' is not a team seat of the game .*team seats: TW"),
    "an unknown nation": ({"XX": "Eagles"}, "'XX' is not a team seat"),
    "an empty name": ({"TW": "  "}, "the team of TW has no name"),
    "a number": ({"TW": 7}, "the team of TW has no name .*found 7"),
    "too long": ({"TW": "E" * (TEAM_NAME_MAX + 1)}, f"at most {TEAM_NAME_MAX} fit"),
    "a control character": ({"TW": "Ea\ngles"}, "control character"),
}


@pytest.mark.parametrize("case", sorted(BAD_TEAMS))
def test_resealed_bad_team_names_are_refused_in_one_line(named_save: Path, case: str) -> None:
    """A resealed save whose teams are wrong is refused in one line naming what is wrong,
    and nothing on disk changes."""
    teams, problem = BAD_TEAMS[case]
    content = content_of(named_save)
    content["teams"] = teams
    named_save.write_bytes(reseal(content))
    before = snapshot(named_save.parent)
    with pytest.raises(SaveError, match=f"the save's teams are malformed: .*{problem}") as caught:
        read_save(named_save)
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"{named_save}: ")
    assert snapshot(named_save.parent) == before


def test_a_name_for_a_bot_seat_is_not_written(tmp_path: Path, ruleset: Ruleset) -> None:
    """Saving a name for a nation no team plays is refused, and no file is written."""
    model = new_game(21, 6, ruleset)
    with pytest.raises(SaveError, match="cannot save the game: 'CN' is not a team seat"):
        write_save(model, tmp_path / "bad.json", teams={"CN": "Dragons"})
    assert not (tmp_path / "bad.json").exists()
