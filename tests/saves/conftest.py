"""Fixtures for the save tests: the default rules, a copy of them, and a small real save."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.ruleset import Ruleset, load_ruleset
from game.saves import write_save

from .classroom import RULES, new_game, play_on


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    """The bundled rules, loaded once."""
    return load_ruleset(RULES)


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A copy of the bundled rules folder in `tmp_path`, free to edit or delete."""
    return Path(shutil.copytree(RULES, tmp_path / "my_rules"))


@pytest.fixture
def small_save(tmp_path: Path, ruleset: Ruleset) -> Path:
    """A real save on disk: the classroom game (seed 21) after 3 of its 6 turns."""
    model = play_on(new_game(21, 6, ruleset), until=3)
    return write_save(model, tmp_path / "small.json")


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its bytes and modification time (to show nothing changed)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
