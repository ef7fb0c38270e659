"""Headless research: single runs as pure functions, outputs written atomically.

`run_one(RunSpec, seed)` plays one game and returns its summary and per-turn metrics
(`build_model` and `result_of` are its halves, for a game saved, loaded or replayed;
`compare_results` sets a what-if branch beside the game it came from);
`write_table` writes CSV (or Parquet with the `research` extra) atomically;
`measure` takes this machine's performance figures (`silicon-shield bench`);
`run_balance` plays a strategy tournament per nation and flags dominant strategies
(`silicon-shield balance`); `sweep` plays a parameter grid or sample on every core and
streams tidy rows to CSV or Parquet (`silicon-shield sweep`).
"""

from game.research._balance import (
    BalanceReport,
    BalanceSpec,
    NationBalance,
    Strategy,
    StrategyResult,
    confidence_interval,
    doctrine_decision,
    run_balance,
)
from game.research._bench import format_figures, measure
from game.research._output import write_atomic, write_table
from game.research._run import (
    KEY_METRICS,
    RunResult,
    RunSpec,
    build_model,
    compare_results,
    result_of,
    run_one,
)
from game.research._sweep import (
    SweepRun,
    SweepSpec,
    SweepSummary,
    grid_values,
    plan,
    run_seed,
    sweep,
)

__all__ = [
    "KEY_METRICS",
    "BalanceReport",
    "BalanceSpec",
    "NationBalance",
    "RunResult",
    "RunSpec",
    "Strategy",
    "StrategyResult",
    "SweepRun",
    "SweepSpec",
    "SweepSummary",
    "build_model",
    "compare_results",
    "confidence_interval",
    "doctrine_decision",
    "format_figures",
    "grid_values",
    "measure",
    "plan",
    "result_of",
    "run_balance",
    "run_one",
    "run_seed",
    "sweep",
    "write_atomic",
    "write_table",
]
