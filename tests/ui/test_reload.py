"""F5 (and the facilitator's menu) reload the rules from disk into a running game: the
game replays its record under the new rules and goes on; rules with errors are shown as
file:line:col and the game keeps its rules. Real rule files in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pygame
import pytest
from pygame_gui.windows import UIMessageWindow

from game.errors import RulesetError
from game.ruleset import DEFAULT_RULES, load_ruleset
from game.sim import Decision, RecordError
from game.ui import Session
from game.ui._focus import top_window

from .driver import Player
from .test_facilitator import menu_button, open_menu


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, folder)
    return folder


def set_parameter(folder: Path, name: str, value: str) -> None:
    """Change one parameter's value in the file that declares it."""
    for path in folder.glob("*.yaml"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for i, line in enumerate(lines):
            if line.startswith(f"  {name}:") and lines[i + 1].strip().startswith("value:"):
                lines[i + 1] = f"    value: {value}\n"
                path.write_text("".join(lines), encoding="utf-8")
                return
    raise AssertionError(f"no parameter {name}")


def played(rules: Path) -> Session:
    """A seminar game of two turns, the US a team that invests all in fabs."""
    session = Session.new("seminar", {"US": "Washington"}, seed=3, rules=load_ruleset(rules))
    for _ in range(2):
        session.decide(Decision("US", {"fabs": 1.0}))
        session.resolve()
    return session


def test_a_reload_replays_the_game_under_the_edited_rules(rules: Path) -> None:
    session = played(rules)
    before = session.model
    teams = [(d.turn, d.invest) for d in before.decision_log if d.by == "team"]
    set_parameter(rules, "defense_weight", "0.8")
    session.reload_rules(rules)
    after = session.model
    assert after is not before
    assert (after.turn, after.parameters["defense_weight"]) == (2, 0.8)
    assert [(d.turn, d.invest) for d in after.decision_log if d.by == "team"] == teams
    # Taiwan's own defence, weaker than its shield, now weighs more in deterrence
    assert after.metric_values["deterrence"] < before.metric_values["deterrence"]
    session.decide(Decision("US", {"fabs": 1.0}))
    session.resolve()  # and the game goes on
    assert session.model.turn == 3


def test_a_reload_keeps_the_reports_of_the_replay_and_the_injected_event(rules: Path) -> None:
    """The turns' reports (for the debrief) are those played under the new rules, and an
    event the facilitator injected for the coming turn still happens."""
    session = played(rules)
    session.inject("strait_crisis")
    set_parameter(rules, "defense_weight", "0.8")
    session.reload_rules(rules)
    assert [r.turn for r in session.reports] == [1, 2]
    assert session.reports[-1].metrics["deterrence"][1] == session.model.metric_values["deterrence"]  # fmt: skip
    assert [x.event for x in session.model.script if x.turn == 3 and x.event] == ["strait_crisis"]
    report = session.resolve()
    assert ("strait_crisis", "injected") in report.events


def test_a_reload_refuses_rules_without_an_injected_event(rules: Path) -> None:
    session = played(rules)
    session.inject("quantum_breakthrough")
    path = rules / "quantum_ai.yaml"
    path.write_text(path.read_text().replace("  quantum_breakthrough:", "  quantum_leap:"))
    before = session.model
    with pytest.raises(RecordError, match="injects 'quantum_breakthrough', which these rules lack"):  # fmt: skip
        session.reload_rules(rules)
    assert session.model is before


def test_rules_with_errors_leave_the_game_as_it_was(rules: Path) -> None:
    session = played(rules)
    before = session.model
    (rules / "broken.yaml").write_text("rules:\n  r: {phase: nowhere}\n", encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        session.reload_rules(rules)
    assert any(d.file.endswith("broken.yaml") and d.line == 2 for d in caught.value.diagnostics)
    assert session.model is before
    assert session.model.turn == 2


def test_F5_in_the_window_shows_errors_then_reloads_the_fixed_rules(make_app, rules: Path) -> None:
    player = Player(make_app(rules=rules))
    player.start(played(rules))
    session = player.app.session
    before = session.model
    broken = rules / "broken.yaml"
    broken.write_text("rules:\n  r: {phase: nowhere}\n", encoding="utf-8")
    player.press(pygame.K_F5)
    window = top_window(player.app.manager)
    assert isinstance(window, UIMessageWindow)
    assert window.window_display_title == "The rules have errors"
    assert "broken.yaml:2:" in window.text_block.html_text
    assert session.model is before
    window.kill()
    broken.unlink()
    set_parameter(rules, "shield_floor", "0.1")
    player.press(pygame.K_F5)
    assert session.model is not before
    assert session.model.parameters["shield_floor"] == 0.1
    assert session.model.turn == 2
    assert player.app.notice is not None
    assert player.app.notice[0].startswith("Rules reloaded from ")


def test_F5_with_bots_at_every_seat_stays_in_the_same_quarter(make_app, rules: Path) -> None:
    """With no team to decide the coming quarter, F5 shows the news of the quarter just
    replayed; it does not play the next one."""
    session = Session.new("baseline", {}, seed=3, rules=load_ruleset(rules))
    for _ in range(2):
        session.resolve()
    player = Player(make_app(rules=rules))
    player.start(session)  # which plays the next quarter and shows its news
    turn = player.app.session.model.turn
    assert (turn, player.app.screen.name) == (3, "news")
    set_parameter(rules, "shield_floor", "0.1")
    for _ in range(2):  # and again, with nothing changed
        player.press(pygame.K_F5)
        assert (player.app.session.model.turn, player.app.screen.name) == (turn, "news")
        assert player.app.screen.report.turn == turn
    assert player.app.session.model.parameters["shield_floor"] == 0.1


def test_a_fault_while_reloading_leaves_the_game_running(
    make_app, rules: Path, monkeypatch
) -> None:
    """Whatever goes wrong reading the rules, the class's game goes on, and says so."""
    player = Player(make_app(rules=rules))
    player.start(played(rules))
    before = player.app.session.model

    def broken(folder: object) -> None:
        raise KeyError("a fault")

    monkeypatch.setattr("game.ui._session.load_ruleset", broken)
    player.press(pygame.K_F5)
    window = top_window(player.app.manager)
    assert isinstance(window, UIMessageWindow)
    assert window.window_display_title == "The rules could not be reloaded"
    assert player.app.session.model is before
    assert player.app.running


def test_the_facilitators_menu_reloads_the_rules(make_app, rules: Path) -> None:
    player = Player(make_app(rules=rules))
    player.start(played(rules))
    set_parameter(rules, "shield_floor", "0.2")
    menu = open_menu(player)
    player.click(menu_button(menu, "reload"))
    assert player.app.session.model.parameters["shield_floor"] == 0.2
    assert player.app.overlay is None
