"""`silicon-shield host` as a real process, for the tests of the team pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def host_process(folder: Path) -> subprocess.Popen[str]:
    """`host` of the seminar (seed 3) on a free port of 127.0.0.1, Taiwan and the US played
    by teams, saving into `folder`/saves; its first line of stdout is the JSON start line."""
    return subprocess.Popen(
        [sys.executable, "-m", "game", "host", "--scenario", "seminar", "--teams", "US,TW",
         "--port", "0", "--seed", "3", "--saves", str(folder / "saves")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder,
    )  # fmt: skip
