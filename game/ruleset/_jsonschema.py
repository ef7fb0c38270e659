"""The JSON Schema of rule files, for editors: completion, hover help and checking as you type.

It is generated from the pydantic models the loader checks files with (`RuleFile`), so
it cannot disagree with the loader on keys and types; each key's description is the
docstring under its field. Given a ruleset, it also lists the ruleset's own ids where a
key names one (a rule's phase, a policy's action, a term's metric, the nations a
scenario sets up, …), so that an editor offers them and underlines a misspelt one.

A ruleset folder keeps its schema beside its files (`rules/schema.json`); each rule file
names it on its first line (`MODELINE`), which is how the YAML language server (VS Code's
YAML extension, and editors built on it) finds it. `stale_schema` tells `validate` when
the file no longer matches the rules.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from game.ruleset._compiled import Ruleset
from game.ruleset._schema import RuleFile

__all__ = [
    "MODELINE",
    "SCHEMA_FILE",
    "rule_file_schema",
    "schema_text",
    "schema_warnings",
    "stale_schema",
]

SCHEMA_FILE = "schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def rule_file_schema(ruleset: Ruleset | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one rule file; with `ruleset`, its ids as enums."""
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        **copy.deepcopy(RuleFile.model_json_schema()),
    }
    schema["description"] = (
        "One YAML file of a Silicon Shield ruleset: any of these sections. The designer's "
        "guide is rules/README.md; `silicon-shield validate` is the final word."
    )
    _one_line_descriptions(schema)
    if ruleset is not None:
        _add_ids(schema, ruleset)
    _tidy(schema)
    return schema


def schema_text(ruleset: Ruleset | None = None) -> str:
    """The schema as the file holds it (stable key order, a newline at the end)."""
    return json.dumps(rule_file_schema(ruleset), indent=2, ensure_ascii=False) + "\n"


def stale_schema(ruleset: Ruleset, folder: Path) -> Path | None:
    """The schema file in `folder` (the ruleset's), when it exists and no longer matches
    the rules."""
    path = Path(folder) / SCHEMA_FILE
    if not path.is_file():
        return None
    try:
        current = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return path
    return None if current == schema_text(ruleset) else path


_STRING_WORDS = {"minLength", "maxLength", "pattern"}
_DATA_WORDS = {"enum", "default", "const", "required", "examples"}  # values, not schemas
_NAMED = {"properties", "patternProperties", "$defs"}  # mappings of names to schemas


def _tidy(node: Any) -> None:
    """Drop pydantic's titles (editors repeat them on hover) and merge alternatives that
    differ only in type (an expression: text, a number or true/false) into one list of
    types, so that hover shows the key's description (yaml-language-server shows only
    titles for alternatives)."""
    if isinstance(node, list):
        for item in node:
            _tidy(item)
        return
    if not isinstance(node, dict):
        return
    node.pop("title", None)
    for key, value in node.items():
        if key in _NAMED:
            for schema in value.values():
                _tidy(schema)
        elif key not in _DATA_WORDS:
            _tidy(value)
    alternatives = node.get("anyOf")
    if not alternatives or any(a.get("type") == "null" for a in alternatives):
        return  # an optional key's "or nothing" stays apart: merged, editors lose keys
    flat: list[dict[str, Any]] = []
    for alt in alternatives:  # lift an inner anyOf of bare types, with its string limits
        inner = alt.get("anyOf")
        if inner and set(alt) <= {"anyOf"} | _STRING_WORDS:
            flat += [dict(a) | {k: alt[k] for k in alt if k in _STRING_WORDS} for a in inner]
        else:
            flat.append(alt)
    if not all(set(a) <= {"type"} | _STRING_WORDS and "type" in a for a in flat):
        return
    del node["anyOf"]
    node["type"] = [t for a in flat for t in ([a["type"]] if isinstance(a["type"], str) else a["type"])]  # fmt: skip
    for alt in flat:
        node |= {k: alt[k] for k in alt if k in _STRING_WORDS}


def _one_line_descriptions(node: Any) -> None:
    """Docstrings wrap; a hover reads better as one paragraph."""
    if isinstance(node, dict):
        text = node.get("description")
        if isinstance(text, str):
            node["description"] = " ".join(text.split())
        for value in node.values():
            _one_line_descriptions(value)
    elif isinstance(node, list):
        for value in node:
            _one_line_descriptions(value)


def _add_ids(schema: dict[str, Any], ruleset: Ruleset) -> None:
    """Restrict each key that names an id of the ruleset to those ids."""
    defs = schema["$defs"]
    nations = list(ruleset.nations)
    actions = list(ruleset.actions)
    events = list(ruleset.events)
    tags = sorted(
        {t for table in (ruleset.nations, ruleset.firms, ruleset.agencies)
         for spec in table.values() for t in spec.tags}
    )  # fmt: skip
    values = {  # (definition, property) -> the ids its value names
        ("GameSpec", "decision_phase"): ruleset.phases,
        ("GameSpec", "event_phase"): ruleset.phases,
        ("GameSpec", "default_scenario"): list(ruleset.scenarios),
        ("RuleSpec", "phase"): ruleset.phases,
        ("RuleSpec", "nation"): nations,
        ("RuleSpec", "tag"): tags,
        ("FirmSpec", "nation"): nations,
        ("Effect", "fire"): events,
        ("ObjectiveTerm", "metric"): list(ruleset.metrics),
        ("BotPolicy", "action"): actions,
        ("BotPolicy", "target"): nations,
        ("DecisionLine", "nation"): nations,
        ("DecisionLine", "action"): actions,
        ("DecisionLine", "target"): nations,
        ("DecisionLine", "event"): events,
    }
    for (name, prop), ids in values.items():
        _restrict(defs[name]["properties"][prop], "enum", ids)
    # Mapping keys that are ids, each with what it is, for hover and completion.
    nation_docs = {n: spec.name for n, spec in ruleset.nations.items()}
    line_docs = {line: spec.doc for line, spec in ruleset.investment_lines.items()}
    attr_docs = {kind: {name: a.doc or name for name, a in table.items()}
                 for kind, table in ruleset.attributes.items()}  # fmt: skip
    parameter_docs = {
        name: f"{p.doc} {'A whole number from' if p.integer else 'From'} {p.min:g} to {p.max:g}."
        for name, p in ruleset.parameters.items()
    }
    inner = {  # scenarios' mappings of mappings: the inner keys (restricted first)
        "nations": attr_docs.get("nation", {}),
        "firms": attr_docs.get("firm", {}),
    }
    for prop, docs in inner.items():
        for node in _objects(defs["ScenarioSpec"]["properties"][prop]):
            (values,) = node["patternProperties"].values()
            _restrict(values, "keys", docs)
    keys = {  # (definition, property) -> the ids its mapping's keys name
        ("BotPolicy", "invest"): line_docs,
        ("BotSpec", "invest"): line_docs,
        ("DecisionLine", "invest"): line_docs,
        ("NationSpec", "attrs"): attr_docs.get("nation", {}),
        ("FirmSpec", "attrs"): attr_docs.get("agency", {}) | attr_docs.get("firm", {}),
        ("ScenarioSpec", "parameters"): parameter_docs,
        ("ScenarioSpec", "world"): attr_docs.get("world", {}),
        ("ScenarioSpec", "nations"): nation_docs,
        ("ScenarioSpec", "firms"): {f: spec.name for f, spec in ruleset.firms.items()},
        ("ScenarioSpec", "seats"): nation_docs,
    }
    for (name, prop), docs in keys.items():
        _restrict(defs[name]["properties"][prop], "keys", docs)
    for node in _objects(defs["ScenarioSpec"]["properties"]["parameters"]):
        for ident, p in ruleset.parameters.items():
            node["properties"][ident] |= {"minimum": p.min, "maximum": p.max}
            if p.integer:
                node["properties"][ident]["multipleOf"] = 1
    _restrict(schema["properties"]["objectives"], "keys", nation_docs)
    _restrict(schema["properties"]["bots"], "keys", nation_docs)


def _objects(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The object schema at `node`, or the object alternatives of its anyOf."""
    found = [node] if node.get("type") == "object" else []
    return found + [a for a in node.get("anyOf", []) if a.get("type") == "object"]


def _restrict(node: dict[str, Any], what: str, ids: Iterable[str] | dict[str, str]) -> None:
    """Limit the string (what="enum") or the mapping's keys (what="keys") at `node`, or in
    the alternatives of its anyOf (an optional key), to `ids`; a mapping's keys given
    as id -> what it is get that as their description.

    A mapping lists each id as a property, which editors complete and describe on hover;
    they do not complete from `propertyNames` (yaml-language-server issue 1141)."""
    docs = ids if isinstance(ids, dict) else {}
    ids = list(ids)
    if not ids:
        return
    if what == "enum":
        targets = [node] if node.get("type") == "string" else []
        targets += [a for a in node.get("anyOf", []) if a.get("type") == "string"]
    else:
        targets = _objects(node)
    if not targets:
        raise ValueError(f"no schema to restrict to ids in {node}")
    for target in targets:
        if what == "enum":
            target["enum"] = ids
            continue
        (values,) = target.pop("patternProperties").values()
        target.pop("propertyNames", None)
        target["properties"] = {
            ident: values
            | ({"description": " ".join(docs[ident].split())} if docs.get(ident) else {})
            for ident in ids
        }
        target["additionalProperties"] = False


def schema_warnings(ruleset: Ruleset, folder: Path) -> list[str]:
    """`validate`'s warnings about editor support, as `path:line:col: warning: message`:
    the folder's schema file out of date with the rules, or a rule file that does not
    name it on its first line. A folder without a schema file gets none: it has not
    asked for editor support."""
    path = Path(folder) / SCHEMA_FILE
    if not Path(folder).is_dir() or not path.is_file():
        return []
    out = []
    if stale_schema(ruleset, folder) is not None:
        out.append(
            f"{path}:1:1: warning: out of date with the rules (ids, docs or ranges have changed): "
            f"editors complete and check the old ones; write it again with: "
            f"silicon-shield schema --rules {folder} --out {path}"
        )
    for name, text in ruleset.sources.items():
        if text.split("\n", 1)[0].strip() != _modeline_for(name):
            out.append(
                f"{Path(folder) / name}:1:1: warning: no schema line: make the first line "
                f"'{_modeline_for(name)}' for completion and checking in editors"
            )
    return out


def _modeline_for(name: str) -> str:
    """The modeline of the rule file `name` (a path inside the folder): the schema's
    path is relative to the file."""
    depth = len(Path(name).parts) - 1
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_FILE}"
