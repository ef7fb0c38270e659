"""`silicon-shield host` as a real process, for the tests of the team pages."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any


def host_process(folder: Path, teams: str = "US,TW", *more: str) -> subprocess.Popen[str]:
    """`host` of the seminar (seed 3) on a free port of 127.0.0.1, Taiwan and the US (or
    `teams`) played by teams, saving into `folder`/saves; its first line of stdout is the
    JSON start line."""
    return subprocess.Popen(
        [sys.executable, "-m", "game", "host", "--scenario", "seminar", "--teams", teams,
         "--port", "0", "--seed", "3", "--saves", str(folder / "saves"), *more],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder,
        preexec_fn=_interruptible,
    )  # fmt: skip


def _interruptible() -> None:
    """Ctrl-C reaches `host` as it does in a terminal, even when the tests run where SIGINT
    is ignored (a background job inherits that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# Chromium on a machine without a network of its own: no background connections.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def join(page: Any, line: dict[str, Any], nation: str) -> None:
    """Open the page, type the code (in lower case, as a student might) and take a seat."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(line["url"])
    page.wait_for_selector("#join:not([hidden])")
    assert not page.is_visible("#game")  # no empty game form beside the join form
    page.fill("#code", line["code"].lower())
    page.check(f"#seat-{nation}")
    page.click("#join-form button")
    page.wait_for_selector("#game:not([hidden])")
    assert errors == []


def browser_or_skip() -> tuple[Any, str]:
    """Playwright's sync API and Debian's Chromium, or the calling test module is skipped
    (`.ci/run` installs both where missing)."""
    import pytest

    pytest.importorskip("starlette")
    pytest.importorskip("uvicorn")
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)  # fmt: skip
    return sync_api, chromium
