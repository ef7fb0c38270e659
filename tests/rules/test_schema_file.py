"""The JSON Schema kept in rules/ for editors: current, named by every rule file, obeyed by
every bundled file, described key by key, and aware of the ruleset's ids."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from game.ruleset import DEFAULT_RULES, load_ruleset
from game.ruleset._jsonschema import MODELINE, SCHEMA_FILE, rule_file_schema, schema_text

RULES = Path(__file__).resolve().parents[2] / "rules"
REGENERATE = "silicon-shield schema --rules rules --out rules/schema.json"


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(rule_file_schema(load_ruleset(RULES)))


def problems(data: Any) -> list[tuple[list[Any], str]]:
    return [(list(e.absolute_path), e.message) for e in validator().iter_errors(data)]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True,
                          text=True, cwd=cwd)  # fmt: skip


def test_the_schema_file_is_current() -> None:
    """rules/schema.json is what `schema` makes of the rules today."""
    kept = (RULES / SCHEMA_FILE).read_text(encoding="utf-8")
    assert kept == schema_text(load_ruleset(RULES)), f"rules/schema.json is stale: {REGENERATE}"


def test_every_rule_file_names_the_schema_on_its_first_line() -> None:
    files = sorted(RULES.rglob("*.yaml"))
    assert len(files) >= 19
    missing = [f.name for f in files if f.read_text(encoding="utf-8").split("\n")[0] != MODELINE]
    assert missing == [], f"first line should be {MODELINE!r}"


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = rule_file_schema(load_ruleset(RULES))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", sorted(RULES.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_file_conforms_to_the_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert problems(data) == []


def test_every_key_has_a_description() -> None:
    """Hover help: every key of every section and entry says what it is."""
    schema = rule_file_schema()  # without ids: every property is a key of the format
    properties = [p for d in schema["$defs"].values() for p in d.get("properties", {}).values()]
    properties += schema["properties"].values()
    assert len(properties) > 100
    undescribed = [p.get("title") for p in properties if not p.get("description")]
    assert undescribed == []
    assert all("\n" not in p["description"] for p in properties)


def test_the_schema_knows_the_rulesets_ids() -> None:
    """A misspelt phase, nation, metric, action, line or attribute is underlined; the
    right ones pass."""
    rule = {"doc": "d", "assumption": "a", "phase": "market", "for_each": "firms",
            "nation": "TW", "effects": [{"fire": "strait_crisis"}]}  # fmt: skip
    assert problems({"rules": {"r": rule}}) == []
    wrong = [
        ({"rules": {"r": rule | {"phase": "markets"}}}, ["rules", "r", "phase"]),
        ({"rules": {"r": rule | {"nation": "TWN"}}}, ["rules", "r", "nation"]),
        ({"rules": {"r": rule | {"effects": [{"fire": "crisis"}]}}},
         ["rules", "r", "effects", 0, "fire"]),
        ({"objectives": {"TW": {"doc": "d", "terms": [{"metric": "shield", "weight": 1}]}}},
         ["objectives", "TW", "terms", 0, "metric"]),
        ({"objectives": {"Taiwan": {"doc": "d", "terms": [{"metric": "silicon_shield", "weight": 1}]}}},
         ["objectives"]),
        ({"bots": {"TW": {"doc": "d", "invest": {"fab": 0.5}}}}, ["bots", "TW", "invest"]),
        ({"bots": {"TW": {"doc": "d", "invest": {}, "policies": [{"action": "tarif"}]}}},
         ["bots", "TW", "policies", 0, "action"]),
        ({"scenarios": {"s": {"doc": "d", "nations": {"TW": {"defence": 0.5}}}}},
         ["scenarios", "s", "nations", "TW"]),
        ({"scenarios": {"s": {"doc": "d", "parameters": {"us_cost": 0.4}}}},
         ["scenarios", "s", "parameters"]),
        ({"scenarios": {"s": {"doc": "d", "parameters": {"shield_floor": 0.9}}}},
         ["scenarios", "s", "parameters", "shield_floor"]),
    ]  # fmt: skip
    for data, where in wrong:
        found = problems(data)
        assert [path for path, _ in found] == [where], (data, found)


def test_an_id_key_says_what_it_names_on_hover() -> None:
    """A key that is an id (a nation's attribute in a scenario, a parameter, a line) has
    the ruleset's own doc as its description."""
    ruleset = load_ruleset(RULES)
    scenario = rule_file_schema(ruleset)["$defs"]["ScenarioSpec"]["properties"]
    gdp = scenario["nations"]["properties"]["TW"]["properties"]["gdp"]
    assert gdp["description"] == " ".join(ruleset.attributes["nation"]["gdp"].doc.split())
    floor = scenario["parameters"]["properties"]["shield_floor"]
    assert floor["description"].startswith(ruleset.parameters["shield_floor"].doc)
    assert (floor["minimum"], floor["maximum"]) == (0, 0.5)
    assert scenario["seats"]["properties"]["TW"]["description"] == ruleset.nations["TW"].name


def test_a_scenario_gives_a_count_a_whole_number_in_the_editor() -> None:
    """A parameter declared integer is a whole number in the schema, said on hover too."""
    data = {"scenarios": {"s": {"doc": "A test.", "parameters": {"t7_min_members": 3.5}}}}
    assert problems(data) == [
        (["scenarios", "s", "parameters", "t7_min_members"], "3.5 is not a multiple of 1")
    ]
    data["scenarios"]["s"]["parameters"] = {"t7_min_members": 3, "us_cost_premium": 0.45}
    assert problems(data) == []
    params = rule_file_schema(load_ruleset(RULES))["$defs"]["ScenarioSpec"]["properties"]
    hover = params["parameters"]["properties"]["t7_min_members"]["description"]
    assert hover.endswith("A whole number from 2 to 6.")


def test_without_a_ruleset_the_schema_names_no_ids() -> None:
    schema = rule_file_schema()
    phase = schema["$defs"]["RuleSpec"]["properties"]["phase"]
    assert "enum" not in phase
    assert jsonschema.Draft202012Validator(schema).is_valid({"bots": {"ZZ": {"doc": "d", "invest": {}}}})  # fmt: skip


def test_validate_warns_of_a_stale_schema_and_a_missing_first_line(tmp_path: Path) -> None:
    """A new file without the schema line, and a new nation the schema does not know, are
    warnings (exit 0; 1 with --strict); `schema --out` and the line put them right."""
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    new = rules / "uk.yaml"
    new.write_text("nations:\n  UK: {name: United Kingdom}\n", encoding="utf-8")
    done = cli("validate", "rules", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: rules — 20 files")
    warnings = done.stderr.splitlines()
    assert warnings == [
        "rules/schema.json:1:1: warning: out of date with the rules (ids, docs or ranges have changed): "
        "editors complete and check the old ones; write it again with: "
        "silicon-shield schema --rules rules --out rules/schema.json",
        f"rules/uk.yaml:1:1: warning: no schema line: make the first line '{MODELINE}' for "
        "completion and checking in editors",
        "2 warnings (the rules still load)",
    ]
    strict = cli("validate", "rules", "--strict", cwd=tmp_path)
    assert (strict.returncode, strict.stderr.splitlines()[-1]) == (1, "2 warnings (errors with --strict)")  # fmt: skip
    wrote = cli("schema", "--rules", "rules", "--out", "rules/schema.json", cwd=tmp_path)
    assert wrote.returncode == 0, wrote.stderr
    assert '"UK"' in (rules / SCHEMA_FILE).read_text(encoding="utf-8")
    new.write_text(MODELINE + "\n" + new.read_text(encoding="utf-8"), encoding="utf-8")
    clean = cli("validate", "rules", "--strict", cwd=tmp_path)
    assert (clean.returncode, clean.stderr) == (0, "")


def test_a_folder_without_a_schema_file_gets_no_warnings(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    (rules / SCHEMA_FILE).unlink()
    done = cli("validate", "rules", "--strict", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")


def test_schema_with_errors_in_the_rules_writes_nothing(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    before = (rules / SCHEMA_FILE).read_bytes()
    (rules / "broken.yaml").write_text("rules:\n  r: {phase: nowhere}\n", encoding="utf-8")
    done = cli("schema", "--rules", "rules", "--out", "rules/schema.json", cwd=tmp_path)
    assert done.returncode == 1
    assert "rules/broken.yaml:2:" in done.stderr
    assert "Traceback" not in done.stderr
    assert (rules / SCHEMA_FILE).read_bytes() == before


# The reference kept beside the rules -----------------------------------------------
def test_the_reference_file_is_current() -> None:
    """rules/REFERENCE.md is what `docs` writes of the rules today."""
    from game.ruleset._reference import document

    kept = (RULES / "REFERENCE.md").read_text(encoding="utf-8")
    assert kept == document(load_ruleset(RULES), "rules"), (
        "rules/REFERENCE.md is stale: silicon-shield docs --rules rules --out rules/REFERENCE.md"
    )


def test_every_link_of_the_reference_leads_somewhere() -> None:
    """Each link inside the reference has its anchor; each link to a rule file names a
    line that holds the entry's key."""
    import re

    text = (RULES / "REFERENCE.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    anchors |= {
        re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", text, flags=re.M)
    }
    inner = re.findall(r"\]\(#([^)]+)\)", text)
    assert len(inner) > 500
    assert sorted(set(inner) - anchors) == []
    places = re.findall(r"\[([\w/.]+):(\d+)\]\(([\w/.]+)#L(\d+)\)", text)
    assert len(places) > 250
    for shown, line, target, anchor in places:
        assert (shown, line) == (target, anchor)
        lines = (RULES / target).read_text(encoding="utf-8").splitlines()
        assert int(line) <= len(lines), (target, line)
        assert re.match(r"\s*[\w]+:", lines[int(line) - 1]), (target, line, lines[int(line) - 1])


def test_the_reference_has_an_entry_with_its_place_for_every_id() -> None:
    ruleset = load_ruleset(RULES)
    text = (RULES / "REFERENCE.md").read_text(encoding="utf-8")
    sections = {"p": ruleset.parameters, "rule": {r.id for r in ruleset.all_rules()},
                "action": ruleset.actions, "event": ruleset.events, "metric": ruleset.metrics,
                "bot": ruleset.bots, "objective": ruleset.objectives,
                "line": ruleset.investment_lines, "scenario": ruleset.scenarios}  # fmt: skip
    for prefix, ids in sections.items():
        for ident in ids:
            assert f'<a id="{prefix}-{ident}"></a>' in text, (prefix, ident)
    # what a rule reads, changes and fires is linked: the silicon shield's own rule
    (entry,) = [line for line in text.splitlines() if '<a id="rule-shield_from_share">' in line]
    for linked in (
        "#p-shield_floor",
        "#p-shield_full",
        "#attr-adv_capacity",
        "#attr-silicon_shield",
    ):
        assert linked in entry
    assert "[silicon_shield.yaml:" in entry
