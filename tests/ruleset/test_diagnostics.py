"""Diagnostics on a copy of the default rules with one mistake: where, and in what words.

Each test breaks one real rule file (or adds one) in a copy of `rules/` under tmp_path and
checks the diagnostic's fields, or its rendered `path:line:col: error: message` line.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from game.errors import Diagnostic, RulesetError
from game.ruleset import MAX_EVENT_CHAIN, load_decisions, load_ruleset

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the default rules that a test may break."""
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, folder, ignore=shutil.ignore_patterns("*.md"))
    return folder


def edit(path: Path, old: str, new: str) -> Path:
    """Replace `old` (which must occur once) with `new` in the file at `path`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def errors(folder: Path) -> list[Diagnostic]:
    """Load `folder`, expecting a RulesetError; return its diagnostics."""
    with pytest.raises(RulesetError) as caught:
        load_ruleset(folder)
    return caught.value.diagnostics


def position(path: Path, needle: str, skip: int = 0) -> tuple[int, int]:
    """The 1-based (line, col) where `needle` first occurs in `path`, moved right by `skip`."""
    text = path.read_text(encoding="utf-8")
    index = text.index(needle) + skip
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def rendered(diags: list[Diagnostic]) -> list[str]:
    """The diagnostics as `validate` prints them."""
    return [d.render() for d in diags]


def decision_errors(rules: Path, text: str) -> tuple[Path, list[Diagnostic]]:
    """Write a decisions file next to `rules`, load it, and return its diagnostics."""
    path = rules.parent / "moves.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_decisions(path, load_ruleset(rules))
    return path, caught.value.diagnostics


# Syntax mistakes, in words, at the line of the mistake ---------------------------------


def test_de_indented_key_in_a_rule_file(rules):
    """A key one space short is reported on its own line, as an indentation mistake."""
    path = edit(
        rules / "silicon_shield.yaml",
        "    chance: world.crisis_risk",
        "   chance: world.crisis_risk",
    )
    line, _ = position(path, "   chance: world.crisis_risk")
    assert rendered(errors(rules)) == [
        f"{path}:{line}:4: error: this key is at column 4, between two levels of keys above "
        "it (columns 3 and 5); line it up with the keys it belongs with"
    ]


def test_over_indented_key_in_a_rule_file(rules):
    """A key indented under a plain value is reported on its own line, not as a ':' problem."""
    path = edit(
        rules / "silicon_shield.yaml",
        "    chance: world.crisis_risk",
        "      chance: world.crisis_risk",
    )
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, "chance: world.crisis_risk")
    assert d.message.startswith("this line is indented more than the key above it (column 5)")


def test_colon_in_a_doc_line(rules):
    """A ':' inside an unquoted doc asks for quotes, at the ':'."""
    path = rules / "resilience.yaml"
    text = path.read_text(encoding="utf-8")
    doc = next(ln for ln in text.splitlines() if ln.startswith("    doc: ") and '"' not in ln)
    edit(path, doc, doc.replace("doc: ", "doc: Note: ", 1))
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, "Note: ", 4)
    assert d.message == "a ':' inside an unquoted value; put the value in quotes"


# Order and wording of schema and reference messages ------------------------------------


def test_misspelt_required_key_is_one_message(rules):
    """`efects:` gives one 'unknown key … did you mean' at the typo, not a 'missing effects' first."""
    path = rules / "resilience.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  cable_cut_hits_taiwan:")
    index = text.index("    effects:", start)
    path.write_text(
        text[:index] + "    efects:" + text[index + len("    effects:") :], encoding="utf-8"
    )
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, "efects:")
    assert d.message == (
        "unknown key 'efects' in rules.cable_cut_hits_taiwan (did you mean 'effects'?)"
    )


def test_single_equals_in_a_condition(rules):
    """`self.id = 'US'` says to use '==', pointing at the '='."""
    path = edit(
        rules / "trade.yaml",
        "requires: \"self.id == 'US' and target.tariffs_faced > 0\"\n",
        "requires: \"self.id = 'US' and target.tariffs_faced > 0\"\n",
    )
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, "self.id = 'US'", len("self.id "))
    assert d.message == "use '==' to compare (a single '=' assigns)"


def test_keyword_argument_is_not_taken_for_a_comparison(rules):
    """A syntax error elsewhere in a formula with `nation='TW'` keeps the syntax message."""
    path = edit(
        rules / "silicon_shield.yaml",
        "    chance: world.crisis_risk",
        "    chance: \"world.crisis_risk * share('firms', 'adv_capacity', nation='TW') *\"",
    )
    (d,) = errors(rules)
    assert d.file == str(path)
    assert "==" not in d.message
    assert d.message.startswith("syntax error")


def test_unknown_nation_lists_the_known_ones(rules):
    """`nation: UK` has no close match, so the message lists the nations there are."""
    path = edit(
        rules / "actors.yaml",
        "Intel: {name: Intel, nation: US,",
        "Intel: {name: Intel, nation: UK,",
    )
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, "UK,")
    known = ", ".join(sorted(load_ruleset(DEFAULT_RULES).nations))
    assert d.message == f"unknown nation 'UK'; expected one of: {known}"


def test_long_list_of_known_ids_is_cut(rules):
    """With many ids to list, the message names twelve and counts the rest."""
    path = rules / "zz_scenario.yaml"
    path.write_text(
        "scenarios:\n  odd:\n    doc: A test.\n    parameters: {qqqq: 1}\n", encoding="utf-8"
    )
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, "qqqq")
    others = len(load_ruleset(DEFAULT_RULES).parameters) - 12
    assert d.message.startswith("unknown parameter 'qqqq'; expected one of: ")
    assert d.message.endswith(f", … ({others} more)")
    assert d.message.count(",") == 12


# Events that fire each other -----------------------------------------------------------


def fire_from(path: Path, event_effects: str, target: str) -> Path:
    """Add `- fire: target` as the first effect after the line `event_effects`."""
    return edit(path, event_effects, f"{event_effects}\n      - fire: {target}")


CRISIS = "    chance: world.crisis_risk\n    effects:"
CABLE = '    chance: "cable_cut_rate * (cable_calm_factor + world.strait_tension)"\n    effects:'


def test_two_events_that_fire_each_other(rules):
    """A loop of two events is one error, at the `fire:` that closes it, naming the loop."""
    path = fire_from(rules / "silicon_shield.yaml", CRISIS, "cable_cut")
    fire_from(rules / "resilience.yaml", CABLE, "strait_crisis")
    (d,) = errors(rules)
    # resilience.yaml comes first, so the search starts at cable_cut and the loop closes
    # at strait_crisis's `fire: cable_cut`.
    assert d.file == str(path)
    assert (d.line, d.col) == position(path, "fire: cable_cut", 6)
    assert d.message == (
        "events fire each other in a loop (cable_cut → strait_crisis → cable_cut); the game "
        "would stop the first time one of them fires: remove one of these 'fire:' effects"
    )


def test_event_that_fires_itself(rules):
    """An event whose effects fire itself is a loop of one."""
    path = fire_from(rules / "silicon_shield.yaml", CRISIS, "strait_crisis")
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, "fire: strait_crisis", 6)
    assert "(strait_crisis → strait_crisis)" in d.message


def chain(names: list[str], *, loop: bool = False) -> str:
    """An events section where each event fires the next (and the last the first, if `loop`)."""
    text = "events:\n"
    for i, name in enumerate(names):
        after = names[(i + 1) % len(names)] if loop or i + 1 < len(names) else None
        text += f"  {name}:\n    doc: Link {i}.\n    assumption: a test chain\n    chance: 0.0\n"
        text += "    effects:\n      - news: link\n"
        if after:
            text += f"      - fire: {after}\n"
    return text


def test_longer_loop_is_found_once(rules):
    """A loop through three events is one error, naming all three."""
    path = rules / "zz_chain.yaml"
    path.write_text(chain(["ev_a", "ev_b", "ev_c"], loop=True), encoding="utf-8")
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, "fire: ev_a", 6)  # at the event's id
    assert "(ev_a → ev_b → ev_c → ev_a)" in d.message


def test_chain_as_deep_as_the_engine_allows_loads(rules):
    """Events rolled by chance may fire each other MAX_EVENT_CHAIN times in a row."""
    (rules / "zz_chain.yaml").write_text(
        chain([f"ev_{i}" for i in range(MAX_EVENT_CHAIN + 1)]), encoding="utf-8"
    )
    assert load_ruleset(rules)


def test_chain_deeper_than_the_engine_allows(rules):
    """One more event in a row is refused at the `fire:` where the game would stop."""
    names = [f"ev_{i}" for i in range(MAX_EVENT_CHAIN + 2)]
    path = rules / "zz_chain.yaml"
    path.write_text(chain(names), encoding="utf-8")
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, f"fire: {names[-1]}", 6)
    assert d.message.startswith(
        f"events fire each other more than {MAX_EVENT_CHAIN} deep ({' → '.join(names)})"
    )


def test_chain_started_by_a_rule_counts_the_rule(rules):
    """A chain that a rule sets off is one event shorter than one rolled by chance."""
    names = [f"ev_{i}" for i in range(MAX_EVENT_CHAIN + 1)]
    path = rules / "zz_chain.yaml"
    path.write_text(
        chain(names)
        + "rules:\n  starts_chain:\n    doc: Starts it.\n    assumption: a test\n"
        + "    phase: events\n    when: 'false'\n    effects: [{fire: ev_0}]\n",
        encoding="utf-8",
    )
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, f"fire: {names[-1]}", 6)
    assert f"(rule 'starts_chain' → {' → '.join(names)})" in d.message


# Decisions a nation may never take -----------------------------------------------------


def test_decision_by_a_nation_the_action_excludes(rules):
    """Taiwan proposing the US's 50-50 plan is refused by validate, at the action, in words."""
    path, diags = decision_errors(
        rules, "- {turn: 2, nation: TW, action: propose_sourcing_5050, target: US}\n"
    )
    assert rendered(diags) == [
        f"{path}:1:33: error: TW may never take 'propose_sourcing_5050': it requires "
        "self.id == 'US'"
    ]


def test_decision_against_a_target_the_action_excludes(rules):
    """The US proposing the plan to Japan is refused at the target."""
    path, diags = decision_errors(
        rules, "- {turn: 2, nation: US, action: propose_sourcing_5050, target: JP}\n"
    )
    (d,) = diags
    assert (d.line, d.col) == position(path, "JP}")
    assert d.message == (
        "US may never take 'propose_sourcing_5050' against JP: it requires target.id == 'TW'"
    )


def test_decision_the_action_allows_loads(rules):
    """Clauses on anything but ids (world.sourcing_deal == 0) are left for the game to judge."""
    path = rules.parent / "moves.yaml"
    path.write_text(
        "- {turn: 2, nation: US, action: propose_sourcing_5050, target: TW}\n"
        "- {turn: 3, nation: US, action: impose_tariff, target: CN}\n",
        encoding="utf-8",
    )
    assert len(load_decisions(path, load_ruleset(rules))) == 2


def test_or_of_ids_is_judged(rules):
    """`self.id == 'US' or self.id == 'JP'` lets Japan take the action, and not Korea."""
    edit(
        rules / "trade.yaml",
        "requires: \"self.id == 'US' and (target.id == 'TW' or target.id == 'CN')\"\n",
        "requires: \"(self.id == 'US' or self.id == 'JP') and (target.id == 'TW' or target.id == 'CN')\"\n",
    )
    path, diags = decision_errors(
        rules,
        """\
        - {turn: 1, nation: JP, action: impose_tariff, target: CN}
        - {turn: 1, nation: KR, action: impose_tariff, target: CN}
        """,
    )
    assert [(d.line, d.message) for d in diags] == [
        (2, "KR may never take 'impose_tariff': it requires self.id == 'US' or self.id == 'JP'")
    ]
    assert path.is_file()


def test_scenario_decision_is_checked_the_same_way(rules):
    """A scenario's scripted decision that the action excludes is refused at load."""
    path = rules / "zz_scenario.yaml"
    path.write_text(
        "scenarios:\n  odd:\n    doc: Taiwan tries the US's plan.\n    decisions:\n"
        "      - {turn: 1, nation: TW, action: propose_sourcing_5050, target: US}\n",
        encoding="utf-8",
    )
    (d,) = errors(rules)
    assert (d.line, d.col) == position(path, "propose_sourcing_5050")
    assert d.message == "TW may never take 'propose_sourcing_5050': it requires self.id == 'US'"


def test_bot_policy_the_action_excludes(rules):
    """A bot policy for an action its nation may never take is refused at load."""
    path = rules / "bots.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("    policies:\n", text.index("\n  TW:\n")) + len("    policies:\n")
    policy = "      - doc: Tariff.\n        when: 'true'\n        action: impose_tariff\n"
    path.write_text(text[:at] + policy + "        target: CN\n" + text[at:], encoding="utf-8")
    diags = [d for d in errors(rules) if "may never" in d.message]
    assert [d.message for d in diags] == [
        "TW may never take 'impose_tariff': it requires self.id == 'US'"
    ]
    action_line = text.count("\n", 0, at) + 3  # the policy's third line
    assert (diags[0].line, diags[0].col) == (action_line, len("        action: ") + 1)
