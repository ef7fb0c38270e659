"""Headless research: single runs as pure functions, outputs written atomically.

`run_one(RunSpec, seed)` plays one game and returns its summary and per-turn metrics;
`write_table` writes CSV (or Parquet with the `research` extra) atomically;
`measure` takes this machine's performance figures (`silicon-shield bench`).
"""

from game.research._bench import format_figures, measure
from game.research._output import write_atomic, write_table
from game.research._run import RunResult, RunSpec, run_one

__all__ = [
    "RunResult",
    "RunSpec",
    "format_figures",
    "measure",
    "run_one",
    "write_atomic",
    "write_table",
]
