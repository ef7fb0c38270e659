"""Rule files: reading YAML safely, checking it, and compiling its expressions.

A ruleset is a folder of YAML files. `load_ruleset` reads every file, reports every
problem with its file, line and column (`RulesetError`), and returns an immutable
`Ruleset` whose expressions are already compiled. This package knows nothing of Mesa.
"""

from game.errors import Diagnostic, RulesetError
from game.ruleset._compiled import (
    CompiledAction,
    CompiledBot,
    CompiledEffect,
    CompiledEvent,
    CompiledMetric,
    CompiledPolicy,
    CompiledRule,
    Ruleset,
)
from game.ruleset._expr import (
    CONTEXT_SLOTS,
    FUNCTIONS,
    ExprError,
    Expression,
    Namespace,
    Scope,
    compile_expression,
    compile_template,
    did_you_mean,
)
from game.ruleset._inputs import load_decisions, load_scenario_file
from game.ruleset._load import RESERVED_NAMES, load_ruleset
from game.ruleset._schema import DecisionLine, RuleFile, ScenarioSpec

__all__ = [
    "CONTEXT_SLOTS",
    "FUNCTIONS",
    "RESERVED_NAMES",
    "CompiledAction",
    "CompiledBot",
    "CompiledEffect",
    "CompiledEvent",
    "CompiledMetric",
    "CompiledPolicy",
    "CompiledRule",
    "DecisionLine",
    "Diagnostic",
    "ExprError",
    "Expression",
    "Namespace",
    "RuleFile",
    "Ruleset",
    "RulesetError",
    "ScenarioSpec",
    "Scope",
    "compile_expression",
    "compile_template",
    "did_you_mean",
    "load_decisions",
    "load_ruleset",
    "load_scenario_file",
]
