"""Every actor plays a part, and every bot path can fire (issue 9)."""

from __future__ import annotations

import re

import yaml

from game.ruleset import DecisionLine, load_ruleset
from game.sim import DEFAULT_RULES, GeoModel


def _rule_texts() -> str:
    """Every rule file but the actors', as text: where actors are used."""
    return "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(DEFAULT_RULES.glob("*.yaml"))
        if path.name != "actors.yaml"
    )


def test_every_firm_and_agency_plays_a_part_in_some_rule():
    """Each firm and agency is named by a rule (`firm('ID')`, `agency('ID')`) or carries a
    tag that a rule, action, event or metric selects by (`tag: X` or `tag='X'`)."""
    text = _rule_texts()
    used_tags = set(re.findall(r"\btag: (\w+)", text)) | set(re.findall(r"tag='(\w+)'", text))
    actors = yaml.safe_load((DEFAULT_RULES / "actors.yaml").read_text(encoding="utf-8"))
    idle = []
    for kind, call in (("firms", "firm"), ("agencies", "agency")):
        for ident, entry in actors[kind].items():
            named = f"{call}('{ident}')" in text
            if not named and not set(entry.get("tags", [])) & used_tags:
                idle.append(ident)
    assert idle == []


def _policies_that_fire(model: GeoModel, fired: set[tuple[str, int]]) -> None:
    """Note which bot policies' conditions hold for the coming turn."""
    c = model.context
    saved = (c.self, c.target, c.turn)
    state = model.draw_state()
    try:
        c.turn = float(model.turn + 1)
        for nation, bot in model.ruleset.bots.items():
            c.self, c.target = model.nations[nation], None
            for i, policy in enumerate(bot.policies):
                if policy.when.fn(c):
                    fired.add((nation, i))
    finally:
        c.self, c.target, c.turn = saved
        model.set_draw_state(state)


def test_every_bot_policy_fires_in_some_documented_game():
    """Every line of every doctrine holds in some turn: the baseline over a few seeds, plus
    the documented ranges that open the rare paths (Taiwan's `security_assured` at 0.3
    accepts 50-50; an injected crisis with a large `crisis_tension` brings China's
    overture), and teams that play otherwise than the bots (their turns scripted)."""
    ruleset = load_ruleset(DEFAULT_RULES)
    fired: set[tuple[str, int]] = set()
    games = [GeoModel(seed=seed) for seed in range(4)]
    games.append(GeoModel(seed=1, turns=12, security_assured=0.3))
    crisis = [DecisionLine(turn=2, event="strait_crisis")]
    games.append(GeoModel(seed=1, turns=8, decisions=crisis, crisis_tension=0.6))
    # A US team that invites Korea and the EU at once (they decline: the blocs are not yet
    # forming), then never again (they join on their own once the blocs are drawn).
    split = {"fabs": 0.4, "ai": 0.3, "telecom": 0.1, "quantum": 0.1, "talent": 0.1}
    us_team = [DecisionLine(turn=t, nation="US", invest=split) for t in range(2, 41)]
    us_team += [
        DecisionLine(turn=1, nation="US", action="invite_to_clean_network", target=target)
        for target in ("KR", "EU")
    ]
    games.append(GeoModel(seed=1, turns=40, decisions=us_team))
    # A Taiwan team that leaves the Clean Network and lets 50-50 lapse with no counter-offer:
    # its bot would rejoin, and the US bot, its tariff souring trust, lifts it.
    tw_team = [DecisionLine(turn=t, nation="TW", invest=split) for t in range(3, 25)]
    tw_team.append(DecisionLine(turn=2, nation="TW", action="leave_clean_network"))
    games.append(GeoModel(seed=1, turns=24, decisions=tw_team, seats={"TW": "bot"}))
    for model in games:
        while not model.over:
            _policies_that_fire(model, fired)
            model.step()
    every = {(n, i) for n, bot in ruleset.bots.items() for i in range(len(bot.policies))}
    missing = sorted(every - fired)
    docs = [(n, ruleset.bots[n].policies[i].doc) for n, i in missing]
    assert docs == [], docs
