"""`silicon-shield play`, run for real as `python -m game` in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MAIN = Path(__file__).resolve().parents[1]
SCREENS = {"setup", "handoff", "decide", "news", "why", "world", "debrief", "facilitator"}


def play(
    *args: str, env: dict[str, str] | None = None, cwd: Path = MAIN
) -> subprocess.CompletedProcess:
    """Run `silicon-shield play ARGS` and capture what it says."""
    return subprocess.run(
        [sys.executable, "-m", "game", "play", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env if env is not None else os.environ | {"SDL_VIDEODRIVER": "dummy"},
        timeout=300,
        check=False,
    )


def errors(result: subprocess.CompletedProcess) -> list[str]:
    """The lines of stderr that say `error:`."""
    return [line for line in result.stderr.splitlines() if "error:" in line]


@pytest.fixture(scope="module")
def autoplay(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    """`play --autoplay 3 --screenshots DIR` with SDL's dummy video driver, run once."""
    folder = tmp_path_factory.mktemp("autoplay")
    env = os.environ | {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    result = play(
        "--scenario", "seminar", "--autoplay", "3", "--screenshots", str(folder / "shots"),
        "--saves", str(folder / "saves"), env=env, cwd=folder,
    )  # fmt: skip
    return result, folder / "shots"


def test_autoplay_exits_0(autoplay) -> None:
    """Three turns played by bots through every screen end with exit code 0."""
    result, _ = autoplay
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_autoplay_saves_a_picture_of_every_screen(autoplay) -> None:
    """A PNG of each screen: setup, hand-off, decide, news, Why?, world, debrief, facilitator."""
    _, folder = autoplay
    names = {path.stem.partition("-")[2] for path in folder.glob("*.png")}
    assert names >= SCREENS
    assert all(path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for path in folder.glob("*.png"))


def test_without_a_display_play_says_so_in_one_line(tmp_path: Path) -> None:
    """No display and no SDL driver: one line pointing to `run` and `--autoplay`, exit 1."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")
    }
    result = play("--saves", str(tmp_path), env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "silicon-shield run" in line
    assert "--autoplay" in line


@pytest.mark.parametrize(
    "args",
    [
        ["--size", "100x100"],
        ["--size", "big"],
        ["--seats", "US=maybe"],
        ["--seats", "XX=human"],
        ["--scenario", "nope"],
    ],
    ids=["size-small", "size-words", "seat-kind", "seat-nation", "scenario"],
)
def test_a_bad_value_exits_2_with_one_error_line(args: list[str], tmp_path: Path) -> None:
    """A bad --size, --seats or --scenario exits 2 with one error line and no traceback."""
    result = play(*args, "--saves", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = errors(result)
    assert args[0] in line
