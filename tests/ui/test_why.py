"""The Why? window shows where a cause comes from with the labels `docs` uses: the
article's words and the game's assumption, both when a rule has both
(game/ui/_screens_turn.py)."""

from __future__ import annotations

from typing import Any

from game.ruleset import ARTICLE_LABEL, ASSUMED_LABEL, DecisionLine
from game.ui._app import App
from game.ui._screens_turn import NewsScreen, WhyWindow
from game.ui._session import Session

from .driver import Player


def _why_text(app: App, causes: str) -> str:
    """The text of the Why? window of this quarter's news item caused by `causes`."""
    report = app.require_session().resolve()
    app.show(NewsScreen(app, report))
    (item,) = [n for n in report.news if causes in n.causes]
    window = WhyWindow(app, item)
    app.open_overlay(window)
    boxes: list[Any] = [
        e for e in window.window.get_container().elements if hasattr(e, "html_text")
    ]
    return "".join(box.html_text for box in boxes)


def test_why_shows_the_article_and_the_assumption(app: App, player: Player) -> None:
    """China's drills: the article's words on strait risks, then the game's assumption."""
    session = Session.new("seminar", {"US": "Washington", "TW": "Taipei"}, seed=3)
    session.model.add_decisions([DecisionLine(turn=1, nation="CN", action="military_drills")])
    app.start(session)
    text = _why_text(app, "military_drills")
    player.pump()
    assert f"<i>{ARTICLE_LABEL}: " in text
    assert f"<i>{ASSUMED_LABEL}: " in text
    assert text.index(ARTICLE_LABEL) < text.index(ASSUMED_LABEL)


def test_why_shows_one_label_for_a_passage_alone(app: App, player: Player) -> None:
    """A cable cut is the article's alone: no assumption line."""
    session = Session.new("seminar", {"US": "Washington", "TW": "Taipei"}, seed=3)
    session.model.add_decisions([DecisionLine(turn=1, event="cable_cut")])
    app.start(session)
    text = _why_text(app, "cable_cut")
    player.pump()
    assert f"<i>{ARTICLE_LABEL}: " in text
    assert ASSUMED_LABEL not in text
