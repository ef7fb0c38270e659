"""Writing safely: a writer killed mid-write leaves the previous save whole; bad paths are refused."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from game.ruleset import Ruleset
from game.saves import Autosaver, SaveError, check_save_path, list_saves, read_save, write_save
from game.sim import GeoModel

from .conftest import snapshot

# Writes two whole saves (turn 63 and turn 64 of seed 5) to one path, in turn, for ever.
# The saves are encoded once, so that nearly all the loop's time is spent writing the
# file, the way write_save writes it: a kill then nearly always lands mid-write.
WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from game.atomic import write_atomic
    from game.saves import encode_save, write_save
    from game.sim import GeoModel

    path = Path(sys.argv[1])
    games = [GeoModel(seed=5).run(until=63), GeoModel(seed=5).run()]
    write_save(games[0], path)
    data = [encode_save(game) for game in games]
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        write_atomic(path, data[n % 2])
    """
)
ROOT_NOTE = "root may write into any folder, so nothing is unwritable to it"


def kill_while_writing(path: Path, delay: float) -> None:
    """Start a process saving to `path` over and over; SIGKILL it `delay` s after its first save."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL


@pytest.fixture
def model(ruleset: Ruleset) -> GeoModel:
    """A short bot game to save."""
    return GeoModel(seed=2, rules=ruleset, turns=4).run()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_a_writer_killed_mid_write_leaves_a_whole_loadable_save(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """Killed at random moments, a writer always leaves one of its saves, whole; only it is listed."""
    records = {}
    for until in (63, 64):
        records[until] = GeoModel(seed=5, rules=ruleset).run(until=until).record()
    path = tmp_path / "game.json"
    chance = random.Random()
    kills = 0
    # Kill until at least one kill has left a temporary file (so it was mid-write), and at
    # least four times; a kill lands mid-write about nine times in ten.
    while kills < 4 or not list(tmp_path.glob("*.tmp")):
        assert kills < 12, "no kill landed while the file was being written"
        kill_while_writing(path, chance.uniform(0.0, 0.2))
        kills += 1
        save = read_save(path)
        assert save.record == records[save.record.turn]
        assert save.ruleset().hash == ruleset.hash
        listed = list_saves(tmp_path)
        assert [(s.path, s.problem) for s in listed] == [(path, "")]


def test_write_save_refuses_a_folder(tmp_path: Path, model: GeoModel) -> None:
    """A save path that is a folder is refused, naming it, and nothing is written."""
    (tmp_path / "week1").mkdir()
    before = snapshot(tmp_path)
    with pytest.raises(SaveError, match="is a folder") as caught:
        write_save(model, tmp_path / "week1")
    assert caught.value.path == str(tmp_path / "week1")
    assert snapshot(tmp_path) == before
    assert list(tmp_path.iterdir()) == [tmp_path / "week1"]


def test_write_save_refuses_a_missing_folder(tmp_path: Path, model: GeoModel) -> None:
    """A save path in a folder that does not exist is refused, and the folder is not made."""
    target = tmp_path / "nowhere" / "week1.json"
    with pytest.raises(SaveError, match="does not exist"):
        write_save(model, target)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason=ROOT_NOTE)
def test_write_save_refuses_an_unwritable_folder(tmp_path: Path, model: GeoModel) -> None:
    """A save path in a read-only folder is refused, and nothing is written there."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(SaveError, match="not writable"):
            write_save(model, folder / "week1.json")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("week1", "is a folder"),
        ("nowhere/week1.json", "does not exist"),
        ("week1.sav", "a save is a .json file"),
    ],
)
def test_check_save_path_refuses_before_a_game_is_played(
    tmp_path: Path, name: str, problem: str
) -> None:
    """`check_save_path` refuses a folder, a missing folder or a name `saves` would not list."""
    (tmp_path / "week1").mkdir()
    before = snapshot(tmp_path)
    with pytest.raises(SaveError, match=problem) as caught:
        check_save_path(tmp_path / name)
    assert "\n" not in str(caught.value)
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason=ROOT_NOTE)
def test_check_save_path_refuses_an_unwritable_folder(tmp_path: Path) -> None:
    """`check_save_path` refuses a path in a read-only folder."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(SaveError, match="not writable"):
            check_save_path(folder / "week1.json")
    finally:
        folder.chmod(0o755)


def test_check_save_path_accepts_a_new_file_in_a_folder(tmp_path: Path) -> None:
    """A new file in an existing folder is a fine save path, and checking it writes nothing."""
    assert check_save_path(tmp_path / "week1.json") == tmp_path / "week1.json"
    assert list(tmp_path.iterdir()) == []


def test_autosaver_refuses_a_file_for_a_folder(tmp_path: Path) -> None:
    """An autosave folder that is a file is refused when the autosaver is made."""
    (tmp_path / "saves").write_text("not a folder", encoding="utf-8")
    with pytest.raises(SaveError, match="is not a folder"):
        Autosaver(tmp_path / "saves")


def test_a_new_save_replaces_the_old_one_whole(tmp_path: Path, ruleset: Ruleset) -> None:
    """Saving over a save leaves the new one, and no temporary file beside it."""
    path = tmp_path / "game.json"
    write_save(GeoModel(seed=2, rules=ruleset, turns=4).run(until=2), path)
    write_save(GeoModel(seed=2, rules=ruleset, turns=4).run(), path)
    assert read_save(path).record.turn == 4
    assert list(tmp_path.iterdir()) == [path]
