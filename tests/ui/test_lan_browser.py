"""`play --lan` as a class would play it: the projector's window (the real event loop,
SDL's dummy driver) and two teams in Debian's Chromium, driven by Playwright."""

from __future__ import annotations

from typing import Any

from lan.hosting import ARGS, DESKTOP, PHONE, browser_or_skip, join  # (tests/ is on the path)

sync_api, CHROMIUM = browser_or_skip()


def test_play_lan_two_browsers_play_the_seminar_to_its_debrief(make_app: Any) -> None:
    """The issue's trial, automated: the projector (the real event loop) serves the
    seminar; Taiwan on a phone and the US on a laptop play all 12 quarters in Chromium;
    Taiwan's page is closed mid-game and a new one takes the seat back with its token."""
    import threading
    import time

    import pygame

    from game.ui import Session

    from .driver import Player

    app = make_app(lan=True, port=0)
    player = Player(app)
    player.start(
        Session.new("seminar", {"US": "Washington", "TW": "Taipei"}, seed=3, devices=["US", "TW"])
    )
    url, code = app.lan.url, app.lan.lobby.code
    done: list[str] = []
    failed: list[BaseException] = []

    def teams() -> None:
        try:
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                phone = browser.new_context(**PHONE)
                pages = {"TW": phone.new_page(), "US": browser.new_context(**DESKTOP).new_page()}
                for nation, page in pages.items():
                    join(page, {"url": url, "code": code}, nation)
                for quarter in range(1, 13):
                    if quarter == 6:  # Taiwan's phone drops; a new page has the seat back
                        pages["TW"].close()
                        pages["TW"] = phone.new_page()
                        pages["TW"].goto(url)
                        pages["TW"].wait_for_selector("#game:not([hidden])")
                    for nation, page in pages.items():
                        page.wait_for_selector(f"text=quarter {quarter} of 12", timeout=30_000)
                        if nation == "US" and quarter == 1:  # the 50-50 plan, to Taiwan
                            page.select_option("#move-propose_sourcing_5050-target", "TW")
                            page.check("#move-propose_sourcing_5050")
                        if nation == "TW" and page.is_visible("#proposals-box"):
                            page.check("#proposals input[value=reject]")
                        page.focus("#line-ai")
                        page.keyboard.press("ArrowRight")
                        page.click("#submit")
                        # Accepted; the last team's submit plays the quarter at once.
                        page.wait_for_function(
                            "q => $('decided').textContent.startsWith('Submitted') || shownTurn > q"
                            " || !$('over').hidden",
                            arg=quarter,
                        )
                for page in pages.values():
                    page.wait_for_selector("#over:not([hidden])", timeout=30_000)
                browser.close()
            done.append("ok")
        except BaseException as exc:
            failed.append(exc)

    browsers = threading.Thread(target=teams, daemon=True)
    browsers.start()
    deadline = time.monotonic() + 240
    try:
        while browsers.is_alive() and time.monotonic() < deadline:
            player.pump(1)
            if player.screen.name in ("news", "world"):  # the instructor moves the room on
                player.press(pygame.K_RETURN)
        browsers.join(timeout=5)
        assert not failed, failed
        assert done == ["ok"]
        while player.screen.name in ("news", "world"):
            player.press(pygame.K_RETURN)
        assert player.screen.name == "debrief"
        model = app.session.model
        assert model.turn == 12
        teams_moves = [d for d in model.decision_log if d.by == "team"]
        assert len(teams_moves) == 24  # every quarter, both teams decided on their pages
        assert any(("reject_proposal", "US") in d.actions for d in teams_moves)
    finally:
        app.close_lan()


def test_a_freed_seat_s_page_goes_back_to_joining(make_app: Any) -> None:
    """The instructor frees Taiwan's seat (Free seat, on the waiting screen): Taiwan's page
    leaves its stale form for the join form, saying why, and joins again."""
    import threading
    import time

    from game.ui import Session

    from .driver import Player

    app = make_app(port=0)
    player = Player(app)
    player.start(Session.new("seminar", {"TW": "Taipei"}, seed=3, devices=["TW"]))
    url, code = app.lan.url, app.lan.lobby.code
    joined, freed, done = threading.Event(), threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def team() -> None:
        try:
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_context(**PHONE).new_page()
                join(page, {"url": url, "code": code}, "TW")
                joined.set()
                assert freed.wait(30)
                page.wait_for_selector("#join:not([hidden])")
                assert page.is_hidden("#game")
                assert "the instructor freed this seat" in page.inner_text("#join-problem")
                join(page, {"url": url, "code": code}, "TW")  # with the code, as a new device
                browser.close()
            done.set()
        except BaseException as exc:
            failed.append(exc)
            done.set()

    thread = threading.Thread(target=team, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    try:
        while not joined.is_set() and time.monotonic() < deadline and not failed:
            player.pump(1)
        player.click(player.screen.widgets["free:TW"])
        freed.set()
        while not done.is_set() and time.monotonic() < deadline:
            player.pump(1)
        assert not failed, failed
        assert done.is_set()
        assert app.lan.lobby.seats["TW"].token is not None  # the seat was taken again
    finally:
        app.close_lan()
