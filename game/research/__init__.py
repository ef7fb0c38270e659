"""Headless research: single runs as pure functions, outputs written atomically.

`run_one(RunSpec, seed)` plays one game and returns its summary and per-turn metrics;
`write_table` writes CSV (or Parquet with the `research` extra) atomically.
"""

from game.research._output import write_atomic, write_table
from game.research._run import RunResult, RunSpec, run_one

__all__ = ["RunResult", "RunSpec", "run_one", "write_atomic", "write_table"]
