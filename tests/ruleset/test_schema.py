"""The JSON Schema that editors use agrees with the loader on real rule files."""

from __future__ import annotations

import glob

import jsonschema
import pytest
import yaml

from game.ruleset import RuleFile
from game.sim import DEFAULT_RULES


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """A validator for the rule-file schema."""
    return jsonschema.Draft202012Validator(RuleFile.model_json_schema())


def test_default_rule_files_satisfy_the_schema(validator):
    """Every default rule file passes the schema, shorthand numbers and attributes included."""
    for path in sorted(glob.glob(str(DEFAULT_RULES / "*.yaml"))):
        with open(path, encoding="utf-8") as handle:
            errors = list(validator.iter_errors(yaml.safe_load(handle)))
        assert errors == [], (path, [e.message for e in errors[:3]])


def test_schema_flags_an_unknown_key_and_a_wrong_type(validator):
    """The schema rejects what the loader rejects: unknown keys, text where a number goes."""
    assert list(validator.iter_errors({"rulez": {}}))
    bad_parameter = {
        "parameters": {"p": {"value": "high", "min": 0, "max": 1, "doc": "d", "source": "s"}}
    }
    assert list(validator.iter_errors(bad_parameter))
