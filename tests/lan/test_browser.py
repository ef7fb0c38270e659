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
    # A teammate's device joins Taiwan's seat with the link Taiwan's page offers.
    taiwan.click("#teammate summary")
    link = taiwan.inner_text("#team-link")
    teammate = browser.new_context(**PHONE).new_page()
    teammate.goto(link)
    teammate.wait_for_selector("#game:not([hidden])")
    assert teammate.inner_text("#team") == "Team Taiwan — Taiwan"
    assert "#seat=" not in teammate.url  # the token leaves the address bar
    taiwan.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    usa.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)
    assert (tmp_path / "phone.png").stat().st_size > 10_000


def test_the_self_check_page_reaches_the_game(hosted: dict[str, Any], browser: Any) -> None:
    page = browser.new_context(**PHONE).new_page()
    page.goto(hosted["check"])
    page.wait_for_selector("text=The live connection works too")
    assert "2 team seats" in page.inner_text("#live")


def test_three_teams_in_their_own_browsers_with_a_clock_and_only_a_keyboard(
    tmp_path: Path, browser: Any
) -> None:
    """Three teams in separate browser contexts; Japan's uses the keyboard alone; a wrong
    code and a page of another origin are refused; the pages count the clock down; the
    phone reads the last quarter's news above its decision."""
    process = host_process(tmp_path, "US,TW,JP", "--turn-timeout", "600")
    try:
        line = json.loads(process.stdout.readline())  # type: ignore[union-attr]
        taiwan = browser.new_context(**PHONE).new_page()
        usa = browser.new_context(**DESKTOP).new_page()
        japan = browser.new_context(**DESKTOP).new_page()
        # A wrong code is refused, in words, beside the form.
        usa.goto(line["url"])
        usa.wait_for_selector("#join:not([hidden])")
        usa.fill("#code", "ZZZZZZ")
        usa.check("#seat-US")
        usa.click("#join-form button")
        usa.wait_for_selector("text=wrong join code")
        join(usa, line, "US")
        join(taiwan, line, "TW")
        # Japan, keyboard only: Tab to each control, type, arrows, Space and Enter.
        japan.goto(line["url"])
        japan.wait_for_selector("#join:not([hidden])")
        japan.keyboard.press("Tab")  # the code field comes first
        japan.keyboard.type(line["code"].lower())
        japan.keyboard.press("Tab")  # the first free seat's radio button
        while japan.evaluate("document.activeElement.id") != "seat-JP":
            japan.keyboard.press("ArrowDown")
        japan.keyboard.press("Space")
        japan.keyboard.press("Enter")  # joins
        japan.wait_for_selector("#game:not([hidden])")
        japan.wait_for_selector("#clock:not([hidden])")  # every team joined: the clock runs
        assert japan.inner_text("#clock").endswith("left")
        assert usa.inner_text("#clock").endswith("left")
        steps = 0
        while japan.evaluate("document.activeElement.id") != "line-fabs" and steps < 40:
            japan.keyboard.press("Tab")
            steps += 1
        before = japan.evaluate("split.fabs")
        japan.keyboard.press("ArrowRight")
        assert japan.evaluate("split.fabs") == before + 1
        assert sum(japan.evaluate("split").values()) == 100
        while japan.evaluate("document.activeElement.id") != "submit" and steps < 80:
            japan.keyboard.press("Tab")
            steps += 1
        japan.keyboard.press("Enter")
        japan.wait_for_selector("text=Submitted. You can change it")
        # A page of another origin cannot open the game's WebSocket.
        japan.route("http://elsewhere.example/", lambda route: route.fulfill(body="<p>hi</p>", content_type="text/html"))  # fmt: skip
        japan.goto("http://elsewhere.example/")
        ws = line["url"].replace("http://", "ws://") + "ws"
        opened = japan.evaluate(
            """(url) => new Promise((done) => {
                 const s = new WebSocket(url);
                 s.onopen = () => done(true);
                 s.onerror = () => done(false);
               })""",
            ws,
        )
        assert opened is False
        for page in (usa, taiwan):
            page.click("#submit")
        taiwan.wait_for_selector("text=2025 Q2: quarter 2 of 12")
        # On the phone the news of the quarter played comes first, above the budget.
        news = taiwan.locator("#news-box").bounding_box()
        budget = taiwan.locator("#lines").bounding_box()
        assert news["y"] < budget["y"]
        assert "The news of 2025 Q1" in taiwan.inner_text("#news-title")
        # On the desktop it stands in its column beside the decision.
        side = usa.locator("#news-box").bounding_box()
        assert side["x"] > usa.locator("#lines").bounding_box()["x"] + 300
    finally:
        process.kill()
        process.communicate()
