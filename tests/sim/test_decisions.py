"""Decisions: scripted lines, bots, budget splits, proposals and their answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game import GeoModel
from game.errors import RulesetError
from game.ruleset import DecisionLine
from game.sim import Decision, Proposal

US_BOT_MARKS = """\
bots:
  US:
    doc: Puts everything into fabs and leaves a mark every turn.
    invest: {fabs: 1.0}
    policies:
      - doc: Always.
        when: "true"
        action: mark
"""


def lines(*items: dict[str, Any]) -> list[DecisionLine]:
    """Decision lines from plain dicts, as a decisions file would give them."""
    return [DecisionLine(**item) for item in items]


def invested(model: GeoModel, nation: str) -> dict[str, float]:
    """A nation's `invest_<line>` values this turn."""
    n = model.nations[nation]
    return {line: getattr(n, f"invest_{line}") for line in model.ruleset.investment_lines}


# Scripted decisions ------------------------------------------------------------------
def test_invest_split_sets_each_line_to_budget_times_share(lab: Callable[..., Path]) -> None:
    """A scripted split sets `invest_<line>` = budget × share, and 0 for lines it leaves out."""
    decisions = lines({"turn": 1, "nation": "US", "invest": {"fabs": 0.25, "ai": 0.5}})
    model = GeoModel(seed=1, rules=lab(), decisions=decisions)
    model.step()
    assert model.nations["US"].budget == pytest.approx(10.0)  # gdp 100 * 0.1
    assert invested(model, "US") == pytest.approx({"fabs": 2.5, "ai": 5.0, "talent": 0.0})


def test_decisions_file_scripts_a_split(lab: Callable[..., Path], tmp_path: Path) -> None:
    """A decisions file (a YAML list) scripts a nation's budget split for its turn."""
    path = tmp_path / "decisions.yaml"
    path.write_text(
        "- {turn: 1, nation: CN, invest: {talent: 0.4}}\n- {turn: 2, nation: CN, invest: {ai: 1.0}}\n",
        encoding="utf-8",
    )
    model = GeoModel(seed=1, rules=lab(), decisions=path)
    model.step()
    assert invested(model, "CN") == pytest.approx({"fabs": 0.0, "ai": 0.0, "talent": 2.0})
    model.step()
    assert invested(model, "CN") == pytest.approx({"fabs": 0.0, "ai": 5.0, "talent": 0.0})


def test_decisions_file_scripts_an_action(lab: Callable[..., Path], tmp_path: Path) -> None:
    """An `action:` line in a decisions file makes the nation take that action in its turn."""
    path = tmp_path / "decisions.yaml"
    path.write_text("- {turn: 2, nation: TW, action: mark}\n", encoding="utf-8")
    model = GeoModel(seed=1, rules=lab(), decisions=path, turns=3).run()
    assert model.action_log == [(2, "TW", "mark", None)]


def test_a_bad_decisions_file_is_a_ruleset_error(lab: Callable[..., Path], tmp_path: Path) -> None:
    """A decisions file naming an unknown nation raises RulesetError with the line's position."""
    path = tmp_path / "decisions.yaml"
    path.write_text(
        "- {turn: 1, nation: US, action: mark}\n- {turn: 2, nation: XX, action: mark}\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesetError) as caught:
        GeoModel(seed=1, rules=lab(), decisions=path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.file.endswith("decisions.yaml")
    assert diagnostic.line == 2
    assert "XX" in diagnostic.message


def test_split_stands_until_changed(lab: Callable[..., Path]) -> None:
    """A nation without a bot keeps its last split in later turns, with its budget recomputed."""
    extra = """\
rules:
  grow:
    doc: Growth.
    assumption: tests only
    phase: first
    for_each: nations
    effects:
      - multiply: self.gdp
        value: 2
"""
    decisions = lines({"turn": 1, "nation": "US", "invest": {"fabs": 0.5}})
    model = GeoModel(seed=1, rules=lab(extra), decisions=decisions)
    model.step()
    assert model.nations["US"].invest_fabs == pytest.approx(10.0)  # 200 * 0.1 * 0.5
    model.step()
    assert model.nations["US"].invest_fabs == pytest.approx(20.0)  # 400 * 0.1 * 0.5


def test_lines_of_one_nation_and_turn_are_merged(lab: Callable[..., Path]) -> None:
    """An invest line and an action line for the same nation and turn both take effect."""
    decisions = lines(
        {"turn": 1, "nation": "TW", "invest": {"ai": 1.0}},
        {"turn": 1, "nation": "TW", "action": "mark"},
    )
    model = GeoModel(seed=1, rules=lab(), decisions=decisions)
    model.step()
    assert model.nations["TW"].invest_ai == pytest.approx(10.0)
    assert model.world.counter == 1


def test_scripted_nation_is_not_decided_by_its_bot(lab: Callable[..., Path]) -> None:
    """In a turn where a nation is scripted its bot neither splits its budget nor acts."""
    decisions = lines({"turn": 1, "nation": "US", "invest": {"ai": 1.0}})
    model = GeoModel(seed=1, rules=lab(US_BOT_MARKS), decisions=decisions)
    model.step()
    assert invested(model, "US") == pytest.approx({"fabs": 0.0, "ai": 10.0, "talent": 0.0})
    assert model.world.counter == 0


def test_bot_decides_in_turns_without_a_script(lab: Callable[..., Path]) -> None:
    """In the turns a nation is not scripted, its bot decides: its split and its action."""
    decisions = lines({"turn": 1, "nation": "US", "invest": {"ai": 1.0}})
    model = GeoModel(seed=1, rules=lab(US_BOT_MARKS), decisions=decisions)
    model.step()
    model.step()
    assert invested(model, "US") == pytest.approx({"fabs": 10.0, "ai": 0.0, "talent": 0.0})
    assert model.action_log == [(2, "US", "mark", None)]


def test_submitted_decision_is_applied_for_a_human_seat(lab: Callable[..., Path]) -> None:
    """A decision submitted for a human nation is applied in the next turn instead of its bot's."""
    model = GeoModel(seed=1, rules=lab(US_BOT_MARKS), seats={"US": "human"})
    model.submit(Decision("US", {"talent": 0.5}, []))
    model.step()
    assert invested(model, "US") == pytest.approx({"fabs": 0.0, "ai": 0.0, "talent": 5.0})
    assert model.world.counter == 0


# Proposals ---------------------------------------------------------------------------
PROPOSE = {"turn": 1, "nation": "US", "action": "propose_deal", "target": "TW"}


def test_proposal_waits_for_an_answer(lab: Callable[..., Path]) -> None:
    """After a nation proposes, the proposal is pending for its target."""
    model = GeoModel(seed=1, rules=lab(), decisions=lines(PROPOSE))
    model.step()
    assert model.proposals == [Proposal("propose_deal", "US", "TW", 1, 2)]
    assert model.news[-1].text == "United States proposes a deal to Taiwan."


def test_rejecting_next_turn_applies_on_reject(lab: Callable[..., Path]) -> None:
    """A rejection in the next turn applies the proposal's on_reject effects and clears it."""
    answer = {"turn": 2, "nation": "TW", "action": "reject_deal", "target": "US"}
    model = GeoModel(seed=1, rules=lab(), decisions=lines(PROPOSE, answer))
    model.step()
    model.step()
    assert (model.world.rejections, model.world.deal) == (1, 0)
    assert model.proposals == []
    assert ("propose_deal:reject",) in [item.causes for item in model.news]


def test_accepting_next_turn_applies_on_accept(lab: Callable[..., Path]) -> None:
    """An acceptance in the next turn applies the proposal's on_accept effects and clears it."""
    answer = {"turn": 2, "nation": "TW", "action": "accept_deal", "target": "US"}
    model = GeoModel(seed=1, rules=lab(), decisions=lines(PROPOSE, answer))
    model.step()
    model.step()
    assert (model.world.deal, model.world.rejections) == (1, 0)
    assert model.proposals == []
    assert (2, "TW", "accept_deal", "US") in model.action_log


def test_answer_with_nothing_pending_is_refused_with_news(lab: Callable[..., Path]) -> None:
    """Answering when no proposal is pending changes nothing and posts a 'refused' news item."""
    answer = {"turn": 1, "nation": "TW", "action": "accept_deal", "target": "US"}
    model = GeoModel(seed=1, rules=lab(), decisions=lines(answer))
    model.step()
    assert model.world.deal == 0
    assert model.action_log == []
    (item,) = model.news
    assert "refused" in item.text
    assert item.causes == ("accept_deal",)


@pytest.mark.parametrize(("proposer", "answerer"), [("US", "TW"), ("TW", "US")])
def test_proposal_cannot_be_answered_in_its_own_turn(
    lab: Callable[..., Path], proposer: str, answerer: str
) -> None:
    """An answer in the same turn as the proposal is refused, whichever nation comes first."""
    decisions = lines(
        {"turn": 1, "nation": proposer, "action": "propose_deal", "target": answerer},
        {"turn": 1, "nation": answerer, "action": "accept_deal", "target": proposer},
    )
    model = GeoModel(seed=1, rules=lab(), decisions=decisions)
    model.step()
    assert model.world.deal == 0
    assert [(p.source, p.target) for p in model.proposals] == [(proposer, answerer)]


def test_unanswered_proposal_expires_with_on_expire(lab: Callable[..., Path]) -> None:
    """A proposal nobody answers lapses after its `expires` turns and applies on_expire."""
    model = GeoModel(seed=1, rules=lab(), decisions=lines(PROPOSE))
    model.step()
    assert model.world.expired == 0
    model.step()
    assert model.world.expired == 1
    assert model.proposals == []
    model.step()
    assert model.world.expired == 1


def test_same_proposal_twice_is_refused_while_pending(lab: Callable[..., Path]) -> None:
    """Proposing again while the same proposal is pending is refused with a news item."""
    again = {**PROPOSE, "turn": 2}
    model = GeoModel(seed=1, rules=lab(), decisions=lines(PROPOSE, again))
    model.step()
    model.step()
    assert [entry[2] for entry in model.action_log] == ["propose_deal"]
    assert "refused" in model.news[-1].text


def test_bots_see_pending_proposals(lab: Callable[..., Path]) -> None:
    """A bot policy using pending() answers a proposal on the turn after it was made."""
    extra = """\
bots:
  TW:
    doc: Rejects deals from the US.
    invest: {fabs: 1.0}
    policies:
      - when: "pending('propose_deal', 'US') > 0"
        action: reject_deal
        target: US
"""
    model = GeoModel(seed=1, rules=lab(extra), decisions=lines(PROPOSE), turns=3).run()
    assert model.action_log == [(1, "US", "propose_deal", "TW"), (2, "TW", "reject_deal", "US")]
    assert model.world.rejections == 1


def test_bots_see_their_own_proposals(lab: Callable[..., Path]) -> None:
    """A bot policy using proposed() does not propose again while its proposal is pending."""
    extra = """\
actions:
  propose_slow_deal:
    doc: A deal that stays open for three turns.
    assumption: tests only
    target: nation
    proposal:
      expires: 3
bots:
  US:
    doc: Proposes when it has nothing pending.
    invest: {fabs: 1.0}
    policies:
      - when: "proposed('propose_slow_deal', 'TW') == 0"
        action: propose_slow_deal
        target: TW
"""
    model = GeoModel(seed=1, rules=lab(extra), turns=5).run()
    assert model.action_log == [
        (1, "US", "propose_slow_deal", "TW"),
        (5, "US", "propose_slow_deal", "TW"),
    ]
    assert not [item for item in model.news if "refused" in item.text]
