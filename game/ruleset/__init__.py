"""Rule files: reading YAML safely, checking it, and compiling its expressions.

A ruleset is a folder of YAML files. `load_ruleset` reads every file, reports every
problem with its file, line and column (`RulesetError`), and returns an immutable
`Ruleset` whose expressions are already compiled. This package knows nothing of Mesa.
"""

from game.errors import Diagnostic, RulesetError
from game.ruleset._compiled import (
    AddEffect,
    ChangeEffect,
    ClampEffect,
    CompiledAction,
    CompiledBot,
    CompiledEffect,
    CompiledEvent,
    CompiledMetric,
    CompiledPolicy,
    CompiledRule,
    FireEffect,
    MultiplyEffect,
    NewsEffect,
    Ruleset,
    SetEffect,
)
from game.ruleset._expr import (
    CONTEXT_SLOTS,
    FUNCTIONS,
    ExprError,
    Namespace,
    Scope,
    compile_expression,
    did_you_mean,
)
from game.ruleset._inputs import load_decisions, load_scenario_file
from game.ruleset._load import (
    RESERVED_NAMES,
    forget_loaded_rulesets,
    load_ruleset,
    load_ruleset_sources,
)
from game.ruleset._paths import DEFAULT_RULES
from game.ruleset._reference import ARTICLE_LABEL, ASSUMED_LABEL, labelled_origin
from game.ruleset._runtime import AgentIndex, Expression, raised_in_rule
from game.ruleset._schema import (
    ActionSpec,
    DecisionLine,
    EventSpec,
    RuleFile,
    RuleSpec,
    ScenarioSpec,
)
from game.ruleset._static import MAX_EVENT_CHAIN, never_allowed
from game.ruleset._template import Template, compile_template

__all__ = [
    "ARTICLE_LABEL",
    "ASSUMED_LABEL",
    "CONTEXT_SLOTS",
    "DEFAULT_RULES",
    "FUNCTIONS",
    "MAX_EVENT_CHAIN",
    "RESERVED_NAMES",
    "ActionSpec",
    "AddEffect",
    "AgentIndex",
    "ChangeEffect",
    "ClampEffect",
    "CompiledAction",
    "CompiledBot",
    "CompiledEffect",
    "CompiledEvent",
    "CompiledMetric",
    "CompiledPolicy",
    "CompiledRule",
    "DecisionLine",
    "Diagnostic",
    "EventSpec",
    "ExprError",
    "Expression",
    "FireEffect",
    "MultiplyEffect",
    "Namespace",
    "NewsEffect",
    "RuleFile",
    "RuleSpec",
    "Ruleset",
    "RulesetError",
    "ScenarioSpec",
    "Scope",
    "SetEffect",
    "Template",
    "compile_expression",
    "compile_template",
    "did_you_mean",
    "forget_loaded_rulesets",
    "labelled_origin",
    "load_decisions",
    "load_ruleset",
    "load_ruleset_sources",
    "load_scenario_file",
    "never_allowed",
    "raised_in_rule",
]
