"""The default ruleset tells the article's story: integration tests over several seeds.

Each test scripts the nations whose choices matter through decision lines (the same
lines a decisions file holds), so the only difference between two runs is the choice
under test; bots decide for everyone else, identically under the same seed.
"""

from __future__ import annotations

import pytest

from game.ruleset import DecisionLine, ScenarioSpec, load_ruleset
from game.sim import DEFAULT_RULES, GeoModel

SEEDS = range(5)
SPLIT = {"fabs": 0.3, "ai": 0.2, "telecom": 0.1, "quantum": 0.1, "resilience": 0.1, "talent": 0.1}


def _quiet(nations: tuple[str, ...], turns: int, **invest: float) -> list[DecisionLine]:
    """Decision lines that keep `nations` investing a fixed split and taking no action."""
    split = {**SPLIT, **invest}
    return [
        DecisionLine(turn=t, nation=n, invest=split) for t in range(1, turns + 1) for n in nations
    ]


def _play(seed: int, lines: list[DecisionLine], turns: int, **params: float) -> GeoModel:
    model = GeoModel(seed=seed, decisions=lines, turns=turns, **params)
    model.run()
    return model


def _series(model: GeoModel, metric: str) -> list[float]:
    return list(model.datacollector.get_model_vars_dataframe()[metric])


def _range(name: str) -> list[float]:
    spec = load_ruleset(DEFAULT_RULES).parameters[name]
    return [spec.min, (spec.min + spec.max) / 2, spec.max]


def test_2025_start_matches_the_article():
    """Taiwan starts with at least 90% of advanced capacity and the US premium is 30-50%."""
    rules = load_ruleset(DEFAULT_RULES)
    premium = rules.parameters["us_cost_premium"]
    assert (premium.min, premium.max) == (0.3, 0.5)
    assert 0.3 <= premium.value <= 0.5
    assert rules.parameters["arizona_investment"].value == 100
    assert rules.parameters["national_quantum_team"].value == 259
    assert rules.parameters["us_capacity_target"].value == 0.2
    for seed in SEEDS:
        model = GeoModel(seed=seed)
        assert model.metric_values["tw_advanced_share"] >= 0.9
        assert model.metric_values["tw_ai_server_share"] <= 0.9 + 1e-9
        assert model.metric_values["tw_ai_server_share"] >= 0.85
        assert model.date == "2025 Q1"


@pytest.mark.parametrize("cost", _range("rejection_trust_cost"))
def test_rejected_5050_lowers_trust_and_raises_tariff_pressure(cost):
    """A rejected 50-50 proposal leaves US-Taiwan trust lower than the same seed without it."""
    turns = 10
    base = _quiet(("US", "TW"), turns)
    deal = [
        DecisionLine(turn=2, nation="US", action="propose_sourcing_5050", target="TW"),
        DecisionLine(turn=3, nation="TW", action="reject_proposal", target="US"),
    ]
    for seed in SEEDS:
        without = _play(seed, base, turns, rejection_trust_cost=cost)
        rejected = _play(seed, base + deal, turns, rejection_trust_cost=cost)
        trust_without, trust_rejected = (
            _series(without, "us_tw_trust"),
            _series(rejected, "us_tw_trust"),
        )
        assert all(r < w for r, w in zip(trust_rejected[3:], trust_without[3:], strict=True))
        assert _series(rejected, "tariff_pressure")[3] > _series(without, "tariff_pressure")[3]
        assert any("rejects the 50-50 plan" in n.text for n in rejected.news)


@pytest.mark.parametrize("premium", _range("us_cost_premium"))
@pytest.mark.parametrize("rate", _range("relocation_rate"))
def test_accepted_5050_moves_capacity_and_weakens_the_shield(premium, rate):
    """An accepted 50-50 plan lowers Taiwan's share and the shield and raises the US share."""
    turns = 40
    base = _quiet(("US", "TW"), turns)
    deal = [
        DecisionLine(turn=2, nation="US", action="propose_sourcing_5050", target="TW"),
        DecisionLine(turn=3, nation="TW", action="accept_proposal", target="US"),
    ]
    for seed in SEEDS[:3]:
        params = {"us_cost_premium": premium, "relocation_rate": rate, "crisis_base_risk": 0.0}
        without = _play(seed, base, turns, **params)
        accepted = _play(seed, base + deal, turns, **params)
        for turn in (12, 24, 40):
            assert (
                _series(accepted, "tw_advanced_share")[turn]
                < _series(without, "tw_advanced_share")[turn]
            )
            assert (
                _series(accepted, "us_advanced_share")[turn]
                > _series(without, "us_advanced_share")[turn]
            )
        for turn in (24, 40):
            assert (
                _series(accepted, "silicon_shield")[turn] < _series(without, "silicon_shield")[turn]
            )


@pytest.mark.parametrize("rate", _range("exclusion_rate"))
def test_joining_the_clean_network_lowers_untrusted_vendors_share(rate):
    """The EU joining the Clean Network lowers Huawei's and ZTE's share of the RAN market."""
    turns = 12
    base = _quiet(("EU", "KR"), turns)
    join = [DecisionLine(turn=1, nation="EU", action="join_clean_network")]
    for seed in SEEDS:
        outside = _play(seed, base, turns, exclusion_rate=rate)
        joined = _play(seed, base + join, turns, exclusion_rate=rate)
        assert (
            joined.metric_values["clean_network_members"]
            == outside.metric_values["clean_network_members"] + 1
        )
        assert (
            _series(joined, "untrusted_vendor_share")[turns]
            < _series(outside, "untrusted_vendor_share")[turns]
        )
        assert _series(joined, "open_ran_share")[turns] > _series(outside, "open_ran_share")[turns]


def _crisis_loss(seed: int, scenario: ScenarioSpec | None, severity: float) -> float:
    """Share of global GDP lost by the quarter of an injected crisis (turn 4)."""
    quiet = {"crisis_base_risk": 0.0, "crisis_severity": severity}
    calm = GeoModel(seed=seed, scenario=scenario, turns=4, **quiet).run()
    crisis = GeoModel(
        seed=seed,
        scenario=scenario,
        turns=4,
        decisions=[DecisionLine(turn=4, event="strait_crisis")],
        **quiet,
    ).run()
    assert (4, "strait_crisis") in crisis.event_log
    assert "strait_crisis" not in [e for _, e in calm.event_log]
    return 1 - crisis.metric_values["global_gdp_index"] / calm.metric_values["global_gdp_index"]


@pytest.mark.parametrize("severity", _range("crisis_severity"))
def test_strait_crisis_costs_more_the_higher_taiwans_share(severity):
    """An injected crisis lowers global GDP, and more so when Taiwan holds more capacity."""
    spread = ScenarioSpec(
        doc="Taiwan with a third less capacity", firms={"TSMC": {"adv_capacity": 40}}
    )
    for seed in SEEDS:
        high = _crisis_loss(seed, None, severity)
        low = _crisis_loss(seed, spread, severity)
        assert high > low > 0


@pytest.mark.parametrize("severity", _range("cable_cut_severity"))
def test_leo_investment_softens_a_cable_cut(severity):
    """Taiwan's resilience (LEO) investment makes a cable cut cost less GDP."""
    turns = 12
    cut = [DecisionLine(turn=turns, event="cable_cut")]
    losses = {}
    for leo in (0.0, 0.6):
        lines = _quiet(("TW",), turns, resilience=leo)
        params = {"cable_cut_rate": 0.0, "cable_cut_severity": severity, "crisis_base_risk": 0.0}
        calm = _play(3, lines, turns, **params)
        hit = _play(3, lines + cut, turns, **params)
        losses[leo] = 1 - hit.metric_values["tw_gdp_index"] / calm.metric_values["tw_gdp_index"]
    assert losses[0.6] < losses[0.0]
    assert losses[0.0] > 0


@pytest.mark.parametrize("pull", _range("site_tariff_pull"))
def test_tariffs_pull_tsmc_expansion_to_the_us(pull):
    """With a tariff on Taiwan's chips, TSMC places more of its expansion in the US."""
    turns = 12
    base = _quiet(("US", "TW"), turns)
    tariffed = ScenarioSpec(doc="a 25% tariff", nations={"TW": {"tariffs_faced": 0.25}})
    for seed in SEEDS:
        free = GeoModel(seed=seed, decisions=base, turns=turns, site_tariff_pull=pull).run()
        taxed = GeoModel(
            seed=seed, scenario=tariffed, decisions=base, turns=turns, site_tariff_pull=pull
        ).run()
        assert taxed.world.tsmc_us_share > free.world.tsmc_us_share
        assert taxed.metric_values["us_advanced_share"] > free.metric_values["us_advanced_share"]


@pytest.mark.parametrize("push", _range("site_cost_push"))
def test_a_higher_us_premium_keeps_tsmc_expansion_home(push):
    """The dearer US manufacturing is, the less of its expansion TSMC places there."""
    turns = 8
    base = _quiet(("US", "TW"), turns)
    tariffed = ScenarioSpec(doc="a 25% tariff", nations={"TW": {"tariffs_faced": 0.25}})
    shares = [
        GeoModel(
            seed=1,
            scenario=tariffed,
            decisions=base,
            turns=turns,
            us_cost_premium=premium,
            site_cost_push=push,
        )
        .run()
        .world.tsmc_us_share
        for premium in (0.3, 0.4, 0.5)
    ]
    assert shares[0] > shares[1] > shares[2]


def test_doing_nothing_scores_below_the_doctrine():
    """Over 20 seeds, a nation that invests nothing and never acts scores below its doctrine."""
    turns = 64
    for nation in ("US", "TW", "CN", "JP", "KR", "EU"):
        idle = [DecisionLine(turn=t, nation=nation, invest={}) for t in range(1, turns + 1)]
        doctrine = nothing = 0.0
        for seed in range(20):
            doctrine += GeoModel(seed=seed).run().scores()[nation]
            nothing += GeoModel(seed=seed, decisions=idle).run().scores()[nation]
        assert nothing < doctrine, nation


def test_crisis_2027_scenario_injects_a_crisis_in_2027():
    """The what-if scenario fires a strait crisis in 2027 Q1 (turn 9)."""
    model = GeoModel(seed=1, scenario="crisis_2027", turns=9).run()
    assert (9, "strait_crisis") in model.event_log


def test_seminar_is_short_and_seats_teams():
    """The seminar scenario is about 12 turns; the US and Taiwan are seats for teams in play."""
    model = GeoModel(seed=1, scenario="seminar")
    assert 10 <= model.turns <= 14
    assert model.seats["US"] == "bot"  # headless runs play every seat with bots
    seats = load_ruleset(DEFAULT_RULES).scenarios["seminar"].seats
    assert seats == {"US": "human", "TW": "human"}


def test_every_rule_has_a_doc_and_a_source():
    """Every rule, action, event and parameter has a one-line doc and a source or assumption."""
    rules = load_ruleset(DEFAULT_RULES)
    specs = [r.spec for r in rules.all_rules()] + [a.spec for a in rules.actions.values()]
    specs += [e.spec for e in rules.events.values()] + list(rules.parameters.values())
    for spec in specs:
        assert spec.doc
        assert "\n" not in spec.doc.strip()
        assert spec.source or spec.assumption


@pytest.mark.parametrize(
    ("nation", "action", "target"),
    [
        ("CN", "propose_sourcing_5050", "TW"),
        ("US", "military_drills", None),
        ("TW", "export_control", "US"),
        ("CN", "impose_tariff", "TW"),
        ("TW", "propose_taiwan_model", "JP"),
    ],
)
def test_actions_belong_to_the_nations_the_article_gives_them(nation, action, target):
    """An action taken by the wrong nation (or at the wrong one) is refused with a news item."""
    line = DecisionLine(turn=1, nation=nation, action=action, target=target)
    model = GeoModel(seed=1, decisions=[line], turns=1).run()
    assert (1, nation, action, target) not in model.action_log
    assert any("refused" in n.text and action in n.causes for n in model.news)
