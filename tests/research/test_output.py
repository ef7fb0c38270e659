"""write_table and write_atomic: CSV or Parquet, written atomically."""

from __future__ import annotations

import csv
import importlib.util
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import game.atomic as atomic_module
from game.errors import GameError
from game.research import write_atomic, write_table

COLUMNS = ["turn", "name", "value"]
ROWS = [[0, "start", 0.5], [1, "next", 1 / 3]]


def test_csv_has_a_header_and_the_rows(tmp_path: Path) -> None:
    """write_table to .csv writes the header then one line per row."""
    path = tmp_path / "out.csv"
    write_table(path, COLUMNS, ROWS)
    with path.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == COLUMNS
    assert [row[:2] for row in table[1:]] == [["0", "start"], ["1", "next"]]
    assert float(table[2][2]) == pytest.approx(1 / 3)


def test_csv_leaves_no_temporary_files(tmp_path: Path) -> None:
    """After writing, the folder holds only the output file."""
    write_table(tmp_path / "out.csv", COLUMNS, ROWS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_csv_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    """Writing over a longer existing file leaves exactly the new content."""
    path = tmp_path / "out.csv"
    path.write_text("old,header\n" + "stale,row\n" * 1000, encoding="utf-8")
    write_table(path, COLUMNS, ROWS[:1])
    assert path.read_text(encoding="utf-8") == "turn,name,value\n0,start,0.5\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_same_rows_give_byte_identical_csv(tmp_path: Path) -> None:
    """Writing the same rows twice gives the same bytes."""
    write_table(tmp_path / "a.csv", COLUMNS, ROWS)
    write_table(tmp_path / "b.csv", COLUMNS, ROWS)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the final rename fails, the previous file is intact and no temporary file remains."""
    path = tmp_path / "out.csv"
    path.write_text("previous\n", encoding="utf-8")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk unplugged")

    monkeypatch.setattr(atomic_module.os, "replace", crash)
    with pytest.raises(GameError, match="disk unplugged"):
        write_atomic(path, b"new\n")
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_missing_folder_is_a_game_error(tmp_path: Path) -> None:
    """Writing into a folder that does not exist raises GameError naming the folder."""
    with pytest.raises(GameError, match="does not exist"):
        write_table(tmp_path / "nowhere" / "out.csv", COLUMNS, ROWS)


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is not None, reason="pyarrow is installed")
def test_parquet_without_pyarrow_names_the_research_extra(tmp_path: Path) -> None:
    """Parquet output without pyarrow raises GameError telling how to install the extra."""
    path = tmp_path / "out.parquet"
    with pytest.raises(GameError, match=r"research") as caught:
        write_table(path, COLUMNS, ROWS)
    assert "pyarrow" in str(caught.value)
    assert not path.exists()


@pytest.mark.parametrize("name", ["out.txt", "out.json", "out"])
def test_other_suffix_is_a_game_error(tmp_path: Path, name: str) -> None:
    """A name not ending in .csv or .parquet raises GameError and writes nothing."""
    with pytest.raises(GameError, match=r"\.csv or \.parquet"):
        write_table(tmp_path / name, COLUMNS, ROWS)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def umask_027() -> Iterator[None]:
    """The process's umask set to 027 for one test (the real one, as a shell would set it)."""
    old = os.umask(0o027)
    yield
    os.umask(old)


@pytest.mark.usefixtures("umask_027")
def test_new_file_has_the_mode_the_umask_gives(tmp_path: Path) -> None:
    """A new file is created with 0o666 less the umask (0o640 under umask 027), not 0o600."""
    path = tmp_path / "out.csv"
    write_table(path, COLUMNS, ROWS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.usefixtures("umask_027")
def test_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    """Writing over an existing file keeps that file's mode, whatever the umask."""
    path = tmp_path / "out.csv"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o604)
    write_atomic(path, b"new\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o604
    assert path.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
