"""The team page in a real browser: Debian's Chromium driven by Playwright, against
`silicon-shield host` on 127.0.0.1 (a phone-sized page and a desktop one)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .hosting import ARGS, DESKTOP, PHONE, browser_or_skip, host_process, join

sync_api, CHROMIUM = browser_or_skip()


@pytest.fixture
def hosted(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """`silicon-shield host` of the seminar, Taiwan and the US played by teams."""
    process = host_process(tmp_path)
    try:
        yield json.loads(process.stdout.readline())  # type: ignore[union-attr]
    finally:
        process.kill()
        process.communicate()


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def test_two_teams_play_a_quarter_in_the_browser_and_a_reload_keeps_the_seat(
    hosted: dict[str, Any], browser: Any, tmp_path: Path
) -> None:
    taiwan = browser.new_context(**PHONE).new_page()
    usa = browser.new_context(**DESKTOP).new_page()
    join(taiwan, hosted, "TW")
    join(usa, hosted, "US")
    assert taiwan.inner_text("#team") == "Team Taiwan — Taiwan"
    assert "2025 Q1: quarter 1 of 12" in taiwan.inner_text("#quarter")
    # The US moves its fabs line with the keyboard: the split still adds up to 100%.
    usa.focus("#line-fabs")
    for _ in range(4):
        usa.keyboard.press("ArrowRight")
    split = usa.evaluate("split")
    assert sum(split.values()) == 100
    assert split["fabs"] > 30
    # A move against a nation is chosen from a menu; a closed one says why.
    usa.select_option("#move-propose_sourcing_5050-target", "TW")
    usa.check("#move-propose_sourcing_5050")
    assert usa.is_disabled("#move-form_t7")
    assert "Not now:" in usa.inner_text("#move-form_t7-reason")
    usa.click("#submit")
    usa.wait_for_selector("text=Submitted. You can change it")
    # Taiwan submits on its phone, reloads (the decision is kept), and the quarter is played.
    taiwan.click("#submit")
    taiwan.wait_for_selector("text=Submitted. You can change it")
    taiwan.wait_for_selector("text=2025 Q2: quarter 2 of 12")
    taiwan.reload()
    taiwan.wait_for_selector("#game:not([hidden])")
    assert taiwan.inner_text("#team") == "Team Taiwan — Taiwan"
    assert "United States: Propose sourcing 50-50" in taiwan.inner_text("#proposals")
    taiwan.click("#news summary >> nth=0")
    assert "From the article:" in taiwan.inner_text("#news")
    taiwan.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    usa.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)
    assert (tmp_path / "phone.png").stat().st_size > 10_000


def test_the_self_check_page_reaches_the_game(hosted: dict[str, Any], browser: Any) -> None:
    page = browser.new_context(**PHONE).new_page()
    page.goto(hosted["check"])
    page.wait_for_selector("text=The live connection works too")
    assert "2 team seats" in page.inner_text("#live")
