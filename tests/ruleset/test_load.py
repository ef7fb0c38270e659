"""load_ruleset and load_decisions on small rulesets written to tmp_path.

Each broken ruleset is paired with the diagnostics it must produce: file, line, column
and message, checked field by field.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from game.errors import Diagnostic, GameError, RulesetError
from game.ruleset import DecisionLine, Ruleset, load_decisions, load_ruleset, load_ruleset_sources

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "rules"


def write_rules(folder: Path, name: str, text: str) -> Path:
    """Write one rule file (dedented) into `folder` and return its path."""
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors(folder: Path) -> list[Diagnostic]:
    """Load `folder`, expecting a RulesetError; return its diagnostics."""
    with pytest.raises(RulesetError) as caught:
        load_ruleset(folder)
    return caught.value.diagnostics


def one(diags: list[Diagnostic], fragment: str) -> Diagnostic:
    """Return the only diagnostic whose message contains `fragment`."""
    found = [d for d in diags if fragment in d.message]
    assert len(found) == 1, [d.render() for d in diags]
    return found[0]


def locate(path: Path, needle: str, skip: int = 0) -> tuple[int, int]:
    """The 1-based (line, col) where `needle` first occurs in `path`, moved right by `skip`."""
    text = path.read_text(encoding="utf-8")
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col + skip


def edit(path: Path, old: str, new: str) -> Path:
    """Replace `old` (which must occur once) with `new` in the file at `path`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def assert_at(d: Diagnostic, path: Path, line_col: tuple[int, int]) -> None:
    """Check a diagnostic's file and position field by field."""
    assert Path(d.file).resolve() == path.resolve(), d.render()
    assert (d.line, d.col) == line_col, d.render()
    assert d.severity == "error"


# A clean ruleset -----------------------------------------------------------------------


def test_mini_ruleset_loads(mini_rules):
    """The minimal ruleset loads with its phases, agents, rules, events and metrics."""
    rules = load_ruleset(mini_rules)
    assert isinstance(rules, Ruleset)
    assert rules.phases == ("decisions", "production", "events")
    assert rules.game.title == "Mini Shield"
    assert set(rules.nations) == {"TW"}
    assert rules.firms["TSMC"].nation == "TW"
    assert [r.id for r in rules.rules["production"]] == ["tension_decays"]
    assert set(rules.events) == {"strait_crisis"}
    assert set(rules.metrics) == {"strait_tension"}
    assert set(rules.actions) == {"raise_tension"}
    assert rules.parameters["us_cost_premium"].value == 0.5
    assert set(rules.attributes["nation"]) == {"gdp", "capacity"}
    assert [Path(f).name for f in rules.files] == ["game.yaml", "world.yaml"]
    assert re.fullmatch(r"[0-9a-f]{16}", rules.hash)


def test_scenario_defaults_when_none_defined(mini_rules):
    """With no scenarios, the ruleset has a 'default' scenario and uses it."""
    rules = load_ruleset(mini_rules)
    assert rules.default_scenario == "default"
    assert set(rules.scenarios) == {"default"}


def test_loaded_expressions_are_compiled(mini_rules):
    """Metrics, the budget and rule effects come compiled, ready to call on a context."""
    rules = load_ruleset(mini_rules)
    context = SimpleNamespace(
        world=SimpleNamespace(strait_tension=0.4), self=SimpleNamespace(gdp=50.0)
    )
    assert rules.metrics["strait_tension"].expr.fn(context) == 0.4
    assert rules.budget.fn(context) == pytest.approx(5.0)
    (effect,) = rules.rules["production"][0].effects
    assert (effect.verb, effect.attr) == ("multiply", "strait_tension")
    assert effect.value is not None
    assert effect.value.fn(context) == 0.9
    assert effect.obj is not None
    assert effect.obj.fn(context) is context.world


def test_news_effect_renders(mini_rules):
    """A news effect is compiled to a function that fills its fields."""
    rules = load_ruleset(mini_rules)
    news = rules.events["strait_crisis"].effects[1]
    assert news.verb == "news"
    assert news.news is not None
    assert news.news(SimpleNamespace(world=SimpleNamespace(strait_tension=0.5))) == (
        "Tension rises to 50%"
    )


def test_single_file_ruleset_loads(mini_rules, tmp_path):
    """A ruleset may be one YAML file holding every section."""
    text = (mini_rules / "game.yaml").read_text() + (mini_rules / "world.yaml").read_text()
    path = write_rules(tmp_path, "all.yaml", text)
    rules = load_ruleset(path)
    assert set(rules.metrics) == {"strait_tension"}


def test_loading_again_returns_the_cached_ruleset(mini_rules):
    """Loading unchanged files twice gives the same immutable object."""
    assert load_ruleset(mini_rules) is load_ruleset(mini_rules)


def test_changed_file_is_loaded_again(mini_rules):
    """After a file changes, loading reads it again."""
    first = load_ruleset(mini_rules)
    edit(mini_rules / "world.yaml", "How tense the strait is.", "How tense the strait is now.")
    second = load_ruleset(mini_rules)
    assert second.metrics["strait_tension"].spec.doc == "How tense the strait is now."
    assert second.hash != first.hash


def test_hash_depends_on_content_not_location(mini_rules, tmp_path):
    """Two copies of the same files hash alike; the hash is of content and relative names."""
    copy = shutil.copytree(mini_rules, tmp_path / "copy")
    assert load_ruleset(copy).hash == load_ruleset(mini_rules).hash


def test_ruleset_is_immutable(mini_rules):
    """A loaded ruleset cannot be changed in place."""
    rules = load_ruleset(mini_rules)
    with pytest.raises(AttributeError):
        rules.hash = "x"  # type: ignore[misc]


# Errors: where and what ----------------------------------------------------------------


def test_missing_folder_is_an_error(tmp_path):
    """A folder that does not exist is one diagnostic naming it."""
    (d,) = errors(tmp_path / "nowhere")
    assert (d.line, d.col) == (1, 1)
    assert d.file == str(tmp_path / "nowhere")
    assert "no such ruleset folder" in d.message


def test_folder_without_yaml_is_an_error(tmp_path):
    """A folder with no .yaml files is one diagnostic."""
    (tmp_path / "notes.txt").write_text("not rules")
    (d,) = errors(tmp_path)
    assert "no .yaml files" in d.message


def test_ruleset_error_is_a_game_error(tmp_path):
    """RulesetError is a GameError, so the command line prints it without a traceback."""
    with pytest.raises(GameError):
        load_ruleset(tmp_path / "nowhere")


def test_unknown_section_suggests_the_closest(mini_rules):
    """An unknown top-level section is reported at its key with a did-you-mean."""
    path = write_rules(mini_rules, "extra.yaml", "# more metrics\nmetrix:\n  a: 1\n")
    d = one(errors(mini_rules), "unknown section")
    assert_at(d, path, (2, 1))
    assert d.message == "unknown section 'metrix' (did you mean 'metrics'?)"


def test_unknown_key_suggests_the_closest(mini_rules):
    """An unknown key inside an entry is reported at the key, naming the entry."""
    path = edit(mini_rules / "world.yaml", "    unit: share", "    units: share")
    d = one(errors(mini_rules), "unknown key")
    assert_at(d, path, locate(path, "units: share"))
    assert d.message == "unknown key 'units' in metrics.strait_tension (did you mean 'unit'?)"


def test_a_key_is_not_taken_for_one_its_entry_already_has(mini_rules):
    """'stage' is not taken for 'tag' when the rule has its tag: with one key unknown and
    one required key missing, one message names both."""
    path = edit(
        mini_rules / "world.yaml",
        "    phase: production",
        "    stage: production\n    for_each: nations\n    tag: ally",
    )
    (d,) = errors(mini_rules)
    assert_at(d, path, locate(path, "stage"))
    assert d.message == (
        "unknown key 'stage' in rules.tension_decays, which lacks the required key 'phase': "
        "is this it?"
    )


def test_unknown_key_without_close_match_lists_the_keys(mini_rules):
    """An unknown key with no close match lists the keys that are allowed there."""
    path = edit(mini_rules / "world.yaml", "    unit: share", "    unit: share\n    colour: red")
    d = one(errors(mini_rules), "unknown key")
    assert_at(d, path, locate(path, "colour: red"))
    assert "expected one of: doc, expr, unit" in d.message


def test_a_misspelt_choice_is_named_with_the_choices_and_the_closest(mini_rules):
    """A value outside a fixed list (a unit, for_each) names the list and the nearest one."""
    path = edit(mini_rules / "world.yaml", "    unit: share", "    unit: shares")
    d = one(errors(mini_rules), "is not one of")
    assert_at(d, path, locate(path, "shares"))
    assert d.message == (
        "metrics.strait_tension.unit: 'shares' is not one of share, index, number, count, "
        "usd_b, trust (did you mean 'share'?)"
    )
    edit(path, "    unit: shares", "    unit: 7")
    d = one(errors(mini_rules), "is not one of")
    assert d.message.startswith("metrics.strait_tension.unit: 7 is not one of share, ")
    assert "did you mean" not in d.message


def test_an_entry_with_a_schema_error_still_reports_its_expression_errors(mini_rules):
    """One pass reports both the entry's unknown key and the mistakes in its expressions,
    each at its own position."""
    path = edit(
        mini_rules / "world.yaml",
        "    phase: production\n",
        "    phase: production\n    when: world.strait_tension = 1\n    chanse: 0.5\n",
    )
    edit(path, "        value: 0.9", "        value: world.strait_tenson * 0.9")
    diags = errors(mini_rules)
    assert_at(one(diags, "unknown key 'chanse'"), path, locate(path, "chanse"))
    assert_at(one(diags, "use '=='"), path, locate(path, "= 1"))
    d = one(diags, "strait_tenson")
    assert_at(d, path, locate(path, "strait_tenson"))
    assert "did you mean 'strait_tension'" in d.message
    assert len(diags) == 3, [x.render() for x in diags]


def test_a_broken_entry_whose_scope_is_in_doubt_reports_only_its_schema_error(mini_rules):
    """With for_each misspelt, what `self` is stays unknown: no guesses about expressions."""
    edit(
        mini_rules / "world.yaml",
        "    phase: production\n",
        "    phase: production\n    for_each: firm\n    when: self.output > 1\n",
    )
    diags = errors(mini_rules)
    assert [d.message for d in diags] == [
        "rules.tension_decays.for_each: 'firm' is not one of world, nations, firms, agencies "
        "(did you mean 'firms'?)"
    ]


def test_wrong_type_is_reported_at_the_value(mini_rules):
    """A string where a number belongs is reported at the value, naming where and what."""
    path = edit(mini_rules / "game.yaml", "    value: 0.5", "    value: high")
    d = one(errors(mini_rules), "found 'high'")
    assert_at(d, path, locate(path, "high"))
    assert d.message.startswith("parameters.us_cost_premium.value: ")


def test_scalar_instead_of_list_is_reported(mini_rules):
    """A single word where a list belongs is reported at the value."""
    path = edit(mini_rules / "world.yaml", "tags: [ally]", "tags: ally")
    d = one(errors(mini_rules), "nations.TW.tags")
    assert_at(d, path, locate(path, "ally"))
    assert "expected a list" in d.message


def test_out_of_range_integer_is_reported(mini_rules):
    """A game length of zero turns is out of range."""
    path = edit(mini_rules / "game.yaml", "  budget:", "  turns: 0\n  budget:")
    d = one(errors(mini_rules), "game.turns")
    assert_at(d, path, locate(path, "0\n"))
    assert "found 0" in d.message


def test_parameter_value_outside_its_range(mini_rules):
    """A parameter whose value is outside [min, max] is reported with the range."""
    path = edit(mini_rules / "game.yaml", "    value: 0.5", "    value: 1.5")
    d = one(errors(mini_rules), "outside its range")
    assert_at(d, path, locate(path, "1.5"))
    assert d.message == "parameters.us_cost_premium: value 1.5 is outside its range [0, 1]"


def test_scenario_parameter_outside_its_range(mini_rules):
    """A scenario that sets a parameter outside its range is reported at that value."""
    text = "scenarios:\n  calm:\n    doc: A calm start.\n    parameters: {us_cost_premium: 2.0}\n"
    path = write_rules(mini_rules, "scenarios.yaml", text)
    d = one(errors(mini_rules), "outside its range")
    assert_at(d, path, locate(path, "2.0"))
    assert "us_cost_premium = 2 is outside its range [0, 1]" in d.message


def declare_integer(mini_rules: Path, value: str = "3", low: str = "1", high: str = "8") -> Path:
    """Add the integer parameter `members` to game.yaml's parameters."""
    text = (
        f"  members:\n    value: {value}\n    min: {low}\n    max: {high}\n    integer: true\n"
        "    doc: Members needed.\n    assumption: A round figure.\n"
    )
    return edit(mini_rules / "game.yaml", "parameters:\n", "parameters:\n" + text)


def test_an_integer_parameter_needs_whole_numbers(mini_rules):
    """A parameter declared integer with a fractional value or bound is reported there."""
    path = declare_integer(mini_rules, high="8.5")
    d = one(errors(mini_rules), "whole number")
    assert_at(d, path, locate(path, "8.5"))
    assert (
        "max 8.5 is not a whole number, and the parameter is declared 'integer: true'" in d.message
    )
    edit(path, "max: 8.5", "max: 8")
    edit(path, "value: 3\n", "value: 3.5\n")
    d = one(errors(mini_rules), "whole number")
    assert "value 3.5 is not a whole number" in d.message


def test_a_scenario_gives_an_integer_parameter_a_whole_number(mini_rules):
    """A scenario that sets an integer parameter to a fraction is reported at the value;
    a whole number written as 4.0 is accepted."""
    declare_integer(mini_rules)
    text = "scenarios:\n  calm:\n    doc: A calm start.\n    parameters: {members: 4.5}\n"
    path = write_rules(mini_rules, "scenarios.yaml", text)
    d = one(errors(mini_rules), "whole number")
    assert_at(d, path, locate(path, "4.5"))
    assert d.message.startswith("members = 4.5 is not a whole number")
    write_rules(mini_rules, "scenarios.yaml", text.replace("4.5", "4.0"))
    assert load_ruleset(mini_rules).parameters["members"].integer


def test_duplicate_id_across_files_names_both_positions(mini_rules):
    """An id defined in two files is reported at the second, naming the first's file:line:col."""
    path = write_rules(
        mini_rules, "zz_more.yaml", "# Taiwan again\nnations:\n  TW:\n    name: Taiwan\n"
    )
    d = one(errors(mini_rules), "duplicate nation id 'TW'")
    assert_at(d, path, (3, 3))
    first = re.search(r"also at (.+):(\d+):(\d+)\)", d.message)
    assert first is not None, d.message
    assert Path(first[1]).resolve() == (mini_rules / "world.yaml").resolve()
    assert (int(first[2]), int(first[3])) == locate(mini_rules / "world.yaml", "TW:")


def test_duplicate_rule_id_across_files(mini_rules):
    """Two rules with one id in different files are an error at the later one."""
    text = """\
    rules:
      tension_decays:
        doc: Again.
        assumption: a copy
        phase: production
        effects: [{fire: strait_crisis}]
    """
    path = write_rules(mini_rules, "zz_rules.yaml", text)
    d = one(errors(mini_rules), "duplicate rule id 'tension_decays'")
    assert_at(d, path, (2, 3))
    assert "world.yaml:" in d.message


REFERENCES = [
    pytest.param(
        "world.yaml",
        ("    nation: TW", "    nation: TWN"),
        "TWN",
        "unknown nation 'TWN' (did you mean 'TW'?)",
        id="firm-nation",
    ),
    pytest.param(
        "world.yaml",
        ("    phase: production", "    phase: prodution"),
        "prodution",
        "unknown phase 'prodution' (did you mean 'production'?)",
        id="rule-phase",
    ),
    pytest.param(
        "world.yaml",
        (
            "      - multiply: world.strait_tension\n        value: 0.9",
            "      - fire: strait_crisys",
        ),
        "strait_crisys",
        "unknown event 'strait_crisys' (did you mean 'strait_crisis'?)",
        id="fired-event",
    ),
    pytest.param(
        "world.yaml",
        ("    phase: production\n", "    phase: production\n    for_each: nations\n    tag: aly\n"),
        "aly",
        "unknown tag 'aly' (did you mean 'ally'?)",
        id="rule-tag",
    ),
    pytest.param(
        "world.yaml",
        ("attrs: {gdp: 50.0, capacity: 0.6}", "attrs: {gdp: 50.0, capacty: 0.6}"),
        "capacty",
        "unknown nation attribute 'capacty' (did you mean 'capacity'?)",
        id="nation-attribute",
    ),
    pytest.param(
        "game.yaml",
        ("  budget: self.gdp * 0.1", "  budget: self.gdp * 0.1\n  default_scenario: calm"),
        "calm",
        "unknown scenario 'calm'",
        id="default-scenario",
    ),
]


@pytest.mark.parametrize(("name", "change", "needle", "message"), REFERENCES)
def test_unknown_reference_in_mini_rules(mini_rules, name, change, needle, message):
    """A reference to an id that does not exist is reported where it is written, with a suggestion."""
    path = edit(mini_rules / name, *change)
    d = one(errors(mini_rules), message)
    assert_at(d, path, locate(path, needle))


NEW_FILE_REFERENCES = [
    pytest.param(
        """\
        objectives:
          TW:
            doc: Stay safe.
            terms:
              - metric: strait_tensio
                weight: -1.0
        """,
        "strait_tensio",
        "unknown metric 'strait_tensio' (did you mean 'strait_tension'?)",
        id="objective-metric",
    ),
    pytest.param(
        """\
        objectives:
          TWN:
            doc: Stay safe.
            terms: [{metric: strait_tension, weight: 1.0}]
        """,
        "TWN",
        "unknown nation 'TWN' (did you mean 'TW'?)",
        id="objective-nation",
    ),
    pytest.param(
        """\
        bots:
          TW:
            doc: Careful.
            invest: {fabs: 0.5}
            policies:
              - when: world.strait_tension > 0.5
                action: raise_tensoin
        """,
        "raise_tensoin",
        "unknown action 'raise_tensoin' (did you mean 'raise_tension'?)",
        id="bot-action",
    ),
    pytest.param(
        """\
        bots:
          TW:
            doc: Careful.
            invest: {fabs: 0.5, fab: 0.1}
        """,
        "fab:",
        "unknown investment line 'fab' (did you mean 'fabs'?)",
        id="bot-investment-line",
    ),
    pytest.param(
        """\
        scenarios:
          calm:
            doc: A calm start.
            decisions:
              - {turn: 1, event: strait_crissis}
        """,
        "strait_crissis",
        "unknown event 'strait_crissis' (did you mean 'strait_crisis'?)",
        id="scenario-event",
    ),
    pytest.param(
        """\
        scenarios:
          calm:
            doc: A calm start.
            parameters: {us_cost_premum: 0.1}
        """,
        "us_cost_premum",
        "unknown parameter 'us_cost_premum' (did you mean 'us_cost_premium'?)",
        id="scenario-parameter",
    ),
]


@pytest.mark.parametrize(("text", "needle", "message"), NEW_FILE_REFERENCES)
def test_unknown_reference_in_added_file(mini_rules, text, needle, message):
    """A reference in an added file to an unknown id is reported there, with a suggestion."""
    path = write_rules(mini_rules, "added.yaml", text)
    d = one(errors(mini_rules), message)
    assert_at(d, path, locate(path, needle))


def test_missing_doc_is_reported_at_the_entry(mini_rules):
    """A rule without `doc:` is reported at the rule's id."""
    path = edit(mini_rules / "world.yaml", "    doc: Tension fades a little each quarter.\n", "")
    d = one(errors(mini_rules), "missing required key 'doc'")
    assert_at(d, path, locate(path, "tension_decays:"))
    assert "rules.tension_decays" in d.message


def test_missing_source_is_reported_at_the_entry(mini_rules):
    """A rule with neither `source:` nor `assumption:` is reported at the rule."""
    path = edit(mini_rules / "world.yaml", '    source: "the article: crises cool down"\n', "")
    d = one(errors(mini_rules), "needs 'source:'")
    # Either the rule's id or the first line of its body is a fair place to point at.
    assert (d.line, d.col) in {locate(path, "tension_decays:"), locate(path, "doc: Tension")}
    assert "'assumption:'" in d.message


EXPRESSIONS = [
    pytest.param("world.strait_tensoin * 2", "strait_tensoin", id="plain"),
    pytest.param("'world.strait_tensoin * 2'", "strait_tensoin", id="single-quoted"),
    pytest.param('"1 + world.strait_tensoin"', "strait_tensoin", id="double-quoted"),
    pytest.param("  world.strait_tensoin", "strait_tensoin", id="extra-spaces"),
]


@pytest.mark.parametrize(("written", "needle"), EXPRESSIONS)
def test_expression_error_points_inside_the_yaml_string(mini_rules, written, needle):
    """An expression error's column is that of the offending name inside the YAML value."""
    path = edit(mini_rules / "world.yaml", "    expr: world.strait_tension", f"    expr: {written}")
    d = one(errors(mini_rules), "unknown world attribute 'strait_tensoin'")
    assert_at(d, path, locate(path, needle))
    assert d.message.endswith("(did you mean 'strait_tension'?)")


def test_expression_error_on_a_continuation_line(mini_rules):
    """An expression written over two lines is reported on the line that holds the mistake."""
    written = "    expr: world.strait_tension\n      + world.strait_tensoin"
    path = edit(mini_rules / "world.yaml", "    expr: world.strait_tension", written)
    d = one(errors(mini_rules), "unknown world attribute 'strait_tensoin'")
    assert_at(d, path, locate(path, "strait_tensoin"))


def test_news_error_points_inside_the_template(mini_rules):
    """A bad field in news text is reported at its column inside the quoted YAML string."""
    path = edit(
        mini_rules / "world.yaml", "{world.strait_tension:.0%}", "{world.strait_tensoin:.0%}"
    )
    d = one(errors(mini_rules), "unknown world attribute 'strait_tensoin'")
    assert_at(d, path, locate(path, "strait_tensoin"))


def test_budget_error_points_inside_the_game_section(mini_rules):
    """The budget expression is checked with `self` a nation, and its errors carry a column."""
    path = edit(mini_rules / "game.yaml", "self.gdp * 0.1", "self.gpd * 0.1")
    d = one(errors(mini_rules), "unknown nation attribute 'gpd'")
    assert_at(d, path, locate(path, "gpd"))


def test_self_in_a_world_rule_is_refused(mini_rules):
    """A world rule has no `self`; using it is reported at the word."""
    path = edit(
        mini_rules / "world.yaml",
        "      - multiply: world.strait_tension\n",
        "      - multiply: self.gdp\n",
    )
    d = one(errors(mini_rules), "'self' is not available here")
    assert_at(d, path, locate(path, "self.gdp"))


def test_effect_on_a_name_is_refused_with_its_reason(mini_rules):
    """Setting an agent's name is refused as a name that rules cannot change."""
    rule = """\
rules:
  rename:
    doc: Renames nations.
    assumption: a broken rule
    phase: production
    for_each: nations
    effects:
      - set: self.name
        value: 1
"""
    path = write_rules(mini_rules, "rename.yaml", rule)
    (d,) = errors(mini_rules)
    assert_at(d, path, locate(path, "name\n"))
    assert "'name' cannot be changed by rules" in d.message


def test_effect_target_must_be_an_attribute(mini_rules):
    """An effect whose target is not an attribute is refused at the target."""
    path = edit(
        mini_rules / "world.yaml",
        "      - multiply: world.strait_tension\n",
        "      - multiply: '1 + 2'\n",
    )
    d = one(errors(mini_rules), "a target is an attribute")
    assert_at(d, path, locate(path, "1 + 2"))


def test_list_file_is_not_a_rule_file(mini_rules):
    """A file holding a list instead of sections is reported at 1:1."""
    path = write_rules(mini_rules, "list.yaml", "- a\n- b\n")
    d = one(errors(mini_rules), "a rule file is a mapping of sections")
    assert_at(d, path, (1, 1))
    assert d.message.endswith("found a list")


def test_scalar_file_is_not_a_rule_file(mini_rules):
    """A file holding one word is reported at that word."""
    path = write_rules(mini_rules, "word.yaml", "# just a word\nhello\n")
    d = one(errors(mini_rules), "a rule file is a mapping of sections")
    assert_at(d, path, (2, 1))


def test_missing_game_section(mini_rules):
    """A ruleset whose files have no `game:` section is one diagnostic naming the folder."""
    edit(
        mini_rules / "game.yaml",
        "game:\n  title: Mini Shield\n  phases: [decisions, production, events]\n  budget: self.gdp * 0.1\n",
        "",
    )
    (d,) = errors(mini_rules)
    assert Path(d.file).resolve() == mini_rules.resolve()
    assert (d.line, d.col) == (1, 1)
    assert "no file defines the 'game:' section" in d.message


def test_game_section_twice(mini_rules):
    """A second `game:` section is reported, naming where the first one is."""
    game = (mini_rules / "game.yaml").read_text().split("parameters:")[0]
    path = write_rules(mini_rules, "zz_game.yaml", game)
    d = one(errors(mini_rules), "'game:' is defined twice")
    assert_at(d, path, (1, 1))
    assert "game.yaml:1" in d.message


def test_hostile_yaml_in_a_rule_file(mini_rules):
    """A Python tag in a rule file fails the load with the reader's diagnostic."""
    path = write_rules(
        mini_rules, "evil.yaml", "parameters: !!python/object/apply:os.system ['true']\n"
    )
    d = one(errors(mini_rules), "is not allowed")
    assert_at(d, path, (1, 13))


def test_duplicate_yaml_key_fails_the_load(mini_rules):
    """A key written twice in one mapping fails the load, naming the first line."""
    path = edit(mini_rules / "world.yaml", "    unit: share", "    unit: share\n    unit: count")
    d = one(errors(mini_rules), "duplicate key 'unit'")
    assert_at(d, path, locate(path, "unit: count"))
    assert f"(first at line {locate(path, 'unit: share')[0]})" in d.message


# Every problem at once -----------------------------------------------------------------


def test_every_problem_in_a_file_is_reported_at_once(mini_rules):
    """Three unrelated mistakes in one file give three diagnostics in file order."""
    path = mini_rules / "world.yaml"
    edit(path, "    nation: TW", "    nation: TWN")
    edit(path, "    phase: production", "    phase: prodution")
    edit(path, "    expr: world.strait_tension", "    expr: world.strait_tensoin")
    diags = errors(mini_rules)
    assert [(d.line, d.col) for d in diags] == [
        locate(path, "TWN"),
        locate(path, "prodution"),
        locate(path, "strait_tensoin"),
    ]


def test_problems_in_several_files_are_reported_together(mini_rules):
    """A schema error and a reference error in two files are reported in one pass."""
    write_rules(mini_rules, "b_schema.yaml", "metrix: {}\n")
    edit(mini_rules / "world.yaml", "    phase: production", "    phase: prodution")
    diags = errors(mini_rules)
    assert [Path(d.file).name for d in diags] == ["b_schema.yaml", "world.yaml"]
    assert "unknown section 'metrix'" in diags[0].message
    assert "unknown phase 'prodution'" in diags[1].message


def test_an_unreadable_file_defers_reference_checks(mini_rules):
    """With a file unreadable, its ids are unknown, so no other file is blamed for using them."""
    path = write_rules(mini_rules, "a_syntax.yaml", "a: [1\n")
    write_rules(mini_rules, "b_schema.yaml", "metrix: {}\n")
    edit(mini_rules / "world.yaml", "    phase: production", "    phase: prodution")
    diags = errors(mini_rules)
    assert [Path(d.file).name for d in diags] == ["a_syntax.yaml", "b_schema.yaml"]
    assert "'[' is never closed" in diags[0].message
    path.unlink()
    assert "unknown phase 'prodution'" in errors(mini_rules)[-1].message


def test_error_text_lists_every_diagnostic(mini_rules):
    """The error's text is one `path:line:col: error: message` line per diagnostic, sorted."""
    edit(mini_rules / "world.yaml", "    nation: TW", "    nation: TWN")
    write_rules(mini_rules, "b_schema.yaml", "metrix: {}\n")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(mini_rules)
    diags = caught.value.diagnostics
    assert diags == sorted(diags)
    lines = str(caught.value).splitlines()
    assert lines == [d.render() for d in diags]
    for line in lines:
        assert re.fullmatch(r".+\.yaml:\d+:\d+: error: .+", line), line


# Decisions files -----------------------------------------------------------------------


def write_decisions(folder: Path, text: str) -> Path:
    """Write a decisions file next to the ruleset folder."""
    return write_rules(folder.parent, "decisions.yaml", text)


def test_decisions_load(mini_rules):
    """A valid decisions file gives DecisionLine specs in order."""
    path = write_decisions(
        mini_rules,
        """\
        - {turn: 1, nation: TW, invest: {fabs: 0.5}}
        - {turn: 2, nation: TW, action: raise_tension}
        - {turn: 3, event: strait_crisis}
        """,
    )
    lines = load_decisions(path, load_ruleset(mini_rules))
    assert lines == [
        DecisionLine(turn=1, nation="TW", invest={"fabs": 0.5}),
        DecisionLine(turn=2, nation="TW", action="raise_tension"),
        DecisionLine(turn=3, event="strait_crisis"),
    ]


def test_empty_decisions_file_is_no_decisions(mini_rules):
    """An empty decisions file means no scripted decisions."""
    path = write_decisions(mini_rules, "# nothing scripted\n")
    assert load_decisions(path, load_ruleset(mini_rules)) == []


DECISION_ERRORS = [
    pytest.param(
        "- {turn: 1, nation: TWN, action: raise_tension}\n",
        "TWN",
        "unknown nation 'TWN' (did you mean 'TW'?)",
        id="nation",
    ),
    pytest.param(
        "- {turn: 1, nation: TW, invest: {fab: 0.5}}\n",
        "fab:",
        "unknown investment line 'fab' (did you mean 'fabs'?)",
        id="line",
    ),
    pytest.param(
        "- {turn: 1, nation: TW, action: raise_tensio}\n",
        "raise_tensio",
        "unknown action 'raise_tensio' (did you mean 'raise_tension'?)",
        id="action",
    ),
    pytest.param(
        "- {turn: 1, event: strait_crisys}\n",
        "strait_crisys",
        "unknown event 'strait_crisys' (did you mean 'strait_crisis'?)",
        id="event",
    ),
    pytest.param(
        "- {turn: 0, nation: TW, action: raise_tension}\n", "0,", "[0].turn", id="turn-zero"
    ),
    pytest.param(
        "- {turn: 1, nation: TW, action: raise_tension, target: TW}\n",
        "TW}",
        "action 'raise_tension' takes no target",
        id="needless-target",
    ),
    pytest.param(
        "- {turn: 1, nation: TW, invest: {fabs: 0.7}, oops: 1}\n",
        "oops",
        "unknown key 'oops'",
        id="unknown-key",
    ),
    pytest.param(
        "- {turn: 1, nation: TW, invest: {fabs: 0.7, }}\n- 3\n",
        "3",
        "expected a mapping",
        id="not-a-mapping",
    ),
    pytest.param(
        "- {turn: 1, nation: TW, invest: {fabs: 0.8}}\n- {turn: 2, nation: TW, invest: {fabs: 1.5}}\n",
        "1.5",
        "[1].invest.fabs",
        id="share-above-one",
    ),
]


@pytest.mark.parametrize(("text", "needle", "message"), DECISION_ERRORS)
def test_decisions_error(mini_rules, text, needle, message):
    """A bad decisions line is reported at the offending value."""
    path = write_decisions(mini_rules, text)
    with pytest.raises(RulesetError) as caught:
        load_decisions(path, load_ruleset(mini_rules))
    d = one(caught.value.diagnostics, message)
    assert_at(d, path, locate(path, needle))


def test_every_decisions_error_is_reported_at_once(mini_rules):
    """Each bad line of a decisions file gives its own diagnostic, on its own line."""
    path = write_decisions(
        mini_rules,
        """\
        - {turn: 1, nation: TWN, action: raise_tension}
        - {turn: 2, nation: TW, action: raise_tension}
        - {turn: 3, event: strait_crisys}
        - {turn: 4, nation: TW}
        """,
    )
    with pytest.raises(RulesetError) as caught:
        load_decisions(path, load_ruleset(mini_rules))
    assert [d.line for d in caught.value.diagnostics] == [1, 3, 4]


def test_decisions_file_must_be_a_list(mini_rules):
    """A decisions file holding a mapping is one diagnostic at 1:1."""
    path = write_decisions(mini_rules, "turn: 1\nnation: TW\n")
    with pytest.raises(RulesetError) as caught:
        load_decisions(path, load_ruleset(mini_rules))
    (d,) = caught.value.diagnostics
    assert_at(d, path, (1, 1))
    assert "a decisions file is a list" in d.message


def test_missing_decisions_file(mini_rules):
    """A decisions path that does not exist is one diagnostic."""
    with pytest.raises(RulesetError) as caught:
        load_decisions(mini_rules.parent / "nope.yaml", load_ruleset(mini_rules))
    (d,) = caught.value.diagnostics
    assert "no such decisions file" in d.message


def test_decisions_yaml_error(mini_rules):
    """A YAML syntax error in a decisions file is reported with its position."""
    path = write_decisions(
        mini_rules, "- {turn: 1, nation: TW, event: x}\n- {turn: 2, nation: TW]\n"
    )
    with pytest.raises(RulesetError) as caught:
        load_decisions(path, load_ruleset(mini_rules))
    (d,) = caught.value.diagnostics
    assert_at(d, path, locate(path, "]"))
    assert (
        d.message
        == "this ']' does not close the '{' at line 2, column 3; close the mapping with '}'"
    )


# The default ruleset -------------------------------------------------------------------

needs_default_rules = pytest.mark.skipif(
    not (DEFAULT_RULES / "game.yaml").is_file(), reason="the default ruleset is not written yet"
)


@needs_default_rules
def test_default_ruleset_loads():
    """The shipped ruleset in rules/ loads without a single diagnostic."""
    rules = load_ruleset(DEFAULT_RULES)
    assert rules.phases
    assert rules.metrics


@needs_default_rules
def test_default_ruleset_has_the_documented_ids():
    """The ids that scripts, tests and decision files rely on (DESIGN §5) exist."""
    rules = load_ruleset(DEFAULT_RULES)
    assert {"US", "TW", "CN", "JP", "KR", "EU"} <= set(rules.nations)
    assert {
        "tw_advanced_share", "us_advanced_share", "silicon_shield", "strait_tension",
        "us_tw_trust", "clean_network_members", "untrusted_vendor_share", "global_gdp_index",
    } <= set(rules.metrics)  # fmt: skip
    assert {
        "propose_sourcing_5050", "accept_proposal", "reject_proposal", "join_clean_network",
        "leave_clean_network", "impose_tariff", "export_control",
    } <= set(rules.actions)  # fmt: skip
    assert {"fabs", "ai", "telecom", "quantum", "resilience", "talent", "defense"} <= set(
        rules.investment_lines
    )
    assert {"strait_crisis", "cable_cut"} <= set(rules.events)
    assert "us_cost_premium" in rules.parameters


# Start values, targets and refused tags ------------------------------------------------


def test_attribute_start_value_outside_its_bounds(mini_rules):
    """A declared start value outside the attribute's min/max is reported at that value."""
    path = edit(mini_rules / "game.yaml", "{value: 0.2, min: 0.0", "{value: 1.5, min: 0.0")
    d = one(errors(mini_rules), "outside its bounds")
    assert "strait_tension = 1.5" in d.message
    assert d.file.endswith("game.yaml")
    assert d.line == locate(path, "value: 1.5")[0]


def test_entity_value_outside_its_bounds(mini_rules):
    """A nation's `attrs:` value outside the attribute's bounds is reported at that value."""
    edit(mini_rules / "game.yaml", "capacity: 0.3", "capacity: {value: 0.3, min: 0, max: 1}")
    path = edit(mini_rules / "world.yaml", "capacity: 0.6", "capacity: 1.6")
    d = one(errors(mini_rules), "outside its bounds")
    assert_at(d, path, locate(path, "1.6"))


def test_scenario_override_outside_its_bounds(mini_rules):
    """A scenario's world override outside the attribute's bounds is an error."""
    write_rules(
        mini_rules,
        "scenarios.yaml",
        """\
        scenarios:
          hot:
            doc: Too hot.
            world: {strait_tension: 2.0}
        """,
    )
    d = one(errors(mini_rules), "outside its bounds")
    assert "strait_tension = 2" in d.message


def test_parenthesised_target_compiles(mini_rules):
    """A target whose object is a parenthesised conditional such as `(a if c else b).x` works."""
    edit(
        mini_rules / "world.yaml",
        "      - multiply: world.strait_tension\n        value: 0.9",
        "      - add: \"(nation('TW') if world.strait_tension > 0 else nation('TW')).capacity\"\n"
        "        value: 0.1",
    )
    rules = load_ruleset(mini_rules)
    effect = rules.rules["production"][0].effects[0]
    assert effect.attr == "capacity"
    assert effect.obj.type == "nation"


def test_refused_tag_is_reported_once(mini_rules):
    """A Python tag gives one diagnostic, not a second 'expected a mapping' for the same value."""
    write_rules(mini_rules, "tagged.yaml", "rules: !!python/object:os.system {a: 1}\n")
    diags = [d for d in errors(mini_rules) if d.file.endswith("tagged.yaml")]
    assert len(diags) == 1, [d.render() for d in diags]
    assert "is not allowed" in diags[0].message


def test_decision_targeting_its_own_nation_is_an_error(mini_rules, tmp_path):
    """A decision line whose target is the acting nation is refused by the checker."""
    edit(
        mini_rules / "world.yaml",
        "    assumption: a plain lever for tests\n",
        "    assumption: a plain lever for tests\n    target: nation\n",
    )
    decisions = tmp_path / "moves.yaml"
    decisions.write_text(
        "- {turn: 1, nation: TW, action: raise_tension, target: TW}\n", encoding="utf-8"
    )
    with pytest.raises(RulesetError) as caught:
        load_decisions(decisions, load_ruleset(mini_rules))
    d = one(caught.value.diagnostics, "cannot target itself")
    assert_at(d, decisions, locate(decisions, "TW}"))


def test_decision_file_unknown_key_suggests_the_closest(mini_rules, tmp_path):
    """A misspelt key in a decisions file gets a 'did you mean'."""
    decisions = tmp_path / "moves.yaml"
    decisions.write_text("- {turn: 1, nation: TW, actoin: raise_tension}\n", encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_decisions(decisions, load_ruleset(mini_rules))
    assert "did you mean 'action'" in one(caught.value.diagnostics, "actoin").message


def test_decision_lines_whose_merged_split_passes_one_are_refused(mini_rules, tmp_path):
    """Two lines for one nation and turn whose shares add up past 1 are an error."""
    write_rules(
        mini_rules, "more_lines.yaml", "investment_lines:\n  ai: {doc: AI., assumption: tests}\n"
    )
    decisions = tmp_path / "moves.yaml"
    decisions.write_text(
        "- {turn: 1, nation: TW, invest: {fabs: 1.0}}\n- {turn: 1, nation: TW, invest: {ai: 1.0}}\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesetError) as caught:
        load_decisions(decisions, load_ruleset(mini_rules))
    d = one(caught.value.diagnostics, "over several lines")
    assert d.line == 2


@pytest.mark.parametrize(
    ("file", "entry"),
    [
        ("trade.yaml", "  impose_tariff:\n"),  # an action a bot's policy takes
        ("alliances.yaml", "  t7_min_members:\n"),  # a parameter the seminar scenario sets
        ("fabs.yaml", "  arizona_quarters:\n"),
    ],
)
def test_a_broken_entry_others_name_is_reported_once_without_a_crash(file, entry):
    """An entry with an unknown key is reported at that key; the bots, scenarios and
    rules that name it are not checked against it, and nothing else is said."""
    sources = {p.name: p.read_text(encoding="utf-8") for p in DEFAULT_RULES.glob("*.yaml")}
    assert sources[file].count(entry) == 1
    sources[file] = sources[file].replace(entry, entry + "    zzz_colour: red\n")
    sources["zz_counts.yaml"] = (
        "scenarios:\n  counts:\n    doc: Sets two counts.\n"
        "    parameters: {t7_min_members: 3, arizona_quarters: 20}\n"
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset_sources(sources, "rules")
    (d,) = caught.value.diagnostics
    assert d.message.startswith("unknown key 'zzz_colour' in ")
