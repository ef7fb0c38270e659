"""Saves on disk: writing them atomically, reading them, autosaving and listing them."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from game.atomic import write_atomic
from game.errors import GameError
from game.saves._format import (
    NOT_A_SAVE,
    SaveError,
    SaveFile,
    SaveSummary,
    encode_save,
    parse_save,
)
from game.sim import GeoModel

__all__ = [
    "AUTOSAVE_KEEP",
    "DEFAULT_FOLDER",
    "Autosaver",
    "SaveListing",
    "check_save_path",
    "list_saves",
    "read_save",
    "write_save",
]

DEFAULT_FOLDER = Path("saves")
AUTOSAVE_KEEP = 5
AUTOSAVE_PREFIX = "autosave-"


def check_save_path(path: str | Path) -> Path:
    """Check, before a game is played, that a save can be written at `path`.

    Raises:
        SaveError: when `path` is a folder or not a .json name, its folder is missing
            or not writable, or the file exists and cannot be replaced.
    """
    path = Path(path)
    if path.is_dir():
        raise SaveError(path, "is a folder; give a file name such as week1.json")
    if path.suffix.lower() != ".json":
        raise SaveError(path, "a save is a .json file; give a name such as week1.json")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise SaveError(path, f"the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SaveError(path, f"the folder {str(folder)!r} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise SaveError(path, "the file exists and is not writable")
    return path


def write_save(model: GeoModel, path: str | Path, teams: Mapping[str, str] | None = None) -> Path:
    """Save `model` to `path` atomically (a crash leaves the previous save whole), with
    the names of the `teams` playing it (nation id -> name).

    Raises:
        SaveError: when the file cannot be written, or a team name cannot be saved.
    """
    path = check_save_path(path)
    data = encode_save(model, teams=teams)
    try:
        write_atomic(path, data)
    except GameError as exc:
        raise SaveError(None, str(exc)) from None
    return path


def read_save(path: str | Path) -> SaveFile:
    """Read and check a save file.

    Raises:
        SaveError: one line naming the problem (missing, a folder, unreadable, damaged,
            newer, malformed).
    """
    path = Path(path)
    if path.is_dir():
        raise SaveError(path, "is a folder, not a save")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SaveError(path, "no such save") from None
    except OSError as exc:
        raise SaveError(path, f"cannot read it: {exc.strerror or exc}") from None
    return parse_save(data, path)


@dataclass(frozen=True)
class SaveListing:
    """One save found in a folder: its summary, or why it cannot be read."""

    path: Path
    summary: SaveSummary | None
    problem: str = ""


def list_saves(folder: str | Path = DEFAULT_FOLDER) -> list[SaveListing]:
    """The saves (`*.json`) in `folder`, newest first; damaged ones say why.

    Newest is by the time written inside the save, then the file's modification time,
    then the name: a game's autosaves written within one tick of the clock still list
    its later turn first (`autosave-<start>-t012` after `-t011`).

    Raises:
        SaveError: when `folder` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SaveError(folder, "no such folder")
    found = []
    for path in folder.glob("*.json"):
        if not path.is_file():
            continue
        try:
            found.append(SaveListing(path, read_save(path).summary))
        except SaveError as exc:
            problem = str(exc).removeprefix(f"{path}: ")
            if problem == NOT_A_SAVE:
                continue  # some other JSON file (a run's --json output, say): not ours to list
            found.append(SaveListing(path, None, problem))
    found.sort(
        key=lambda s: (
            s.summary.written if s.summary else "",
            s.path.stat().st_mtime_ns,
            s.path.name,
        ),
        reverse=True,
    )
    return found


class Autosaver:
    """Writes `autosave-<start>-t<turn>.json` in a folder after each turn, keeping this
    game's newest few autosaves (its older ones are removed; other games' are kept)."""

    def __init__(self, folder: str | Path = DEFAULT_FOLDER, keep: int = AUTOSAVE_KEEP):
        self.folder = Path(folder)
        self.keep = max(1, keep)
        # The start time names the game's autosaves; the token keeps two games started
        # in the same second from writing over each other's files.
        self.started = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
        if self.folder.exists() and not self.folder.is_dir():
            raise SaveError(self.folder, "is not a folder")

    def save(self, model: GeoModel, teams: Mapping[str, str] | None = None) -> Path:
        """Autosave `model` now, with its `teams`' names; return the file written.

        Raises:
            SaveError: when the folder cannot be created or written.
        """
        try:
            self.folder.mkdir(exist_ok=True)  # only the last folder: a typo is no new tree
        except FileNotFoundError:
            raise SaveError(
                self.folder, f"the folder {str(self.folder.parent)!r} does not exist"
            ) from None
        except OSError as exc:
            raise SaveError(self.folder, f"cannot create it: {exc.strerror or exc}") from None
        path = write_save(
            model, self.folder / f"{AUTOSAVE_PREFIX}{self.started}-t{model.turn:03d}.json", teams
        )
        self._rotate()
        return path

    def _rotate(self) -> None:
        """Keep this game's newest autosaves; other games' autosaves are left alone."""
        autosaves = sorted(
            self.folder.glob(f"{AUTOSAVE_PREFIX}{self.started}-*.json"),
            key=lambda p: (p.stat().st_mtime_ns, p.name),
            reverse=True,
        )
        for old in autosaves[self.keep :]:
            old.unlink(missing_ok=True)
