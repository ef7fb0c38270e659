"""Parameter sweeps: many headless games over a grid or a sample, rows streamed to disk.

A sweep is a list of runs, each a point of the design (parameter values) and a replicate;
each run's seed derives from the sweep's seed and the run's key, so a run's rows are the
same whatever the number of workers and the order runs finish in, and any one run can be
played again alone with `silicon-shield run`. Rows are tidy: one per run and turn (or one
per run with `final_only`): run id, point, replicate, seed, the varied parameters, turn,
year, quarter, every metric and every nation's score so far.

Rows go to a CSV journal as runs finish, a run's rows in one write, so memory stays flat
and an interrupted sweep keeps every finished run; `resume` drops a run cut mid-write and
plays what is missing. A `.parquet` output is converted from the journal at the end, in
batches. A manifest beside the output records how to reproduce it; a run that fails goes,
with its parameters, seed and error, to a failures file beside it.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from game.atomic import write_atomic
from game.errors import GameError, ParameterError
from game.research._run import RunSpec, build_model, worker_pool, worker_ruleset
from game.ruleset import Ruleset, did_you_mean, load_ruleset_sources

__all__ = [
    "SweepRun",
    "SweepSpec",
    "SweepSummary",
    "describe",
    "grid_values",
    "plan",
    "run_seed",
    "sweep",
]

BATCH = 4  # runs per task shipped to a worker: small enough to keep both cores busy


@dataclass(frozen=True)
class SweepSpec:
    """What to sweep.

    Args:
        rules, scenario, turns, decisions: as for `run` (None: the defaults).
        vary: (parameter, values) pairs; the design is their full grid.
        sample: draw points instead of a grid, over the declared ranges of the
            parameters named in `vary` (values ignored) or, if none, of every parameter:
            with `method` 'lhs' (default) a seeded Latin hypercube of `sample` points;
            'sobol' a Saltelli sample of `sample` base points (sample x (D + 2) points for
            D parameters), 'morris' `sample` trajectories (sample x (D + 1) points), for
            `analyze`.
        seeds: replicates of each point.
        seed: the sweep's seed, from which every run's seed derives.
        final_only: one row per run (the end of the game) instead of one per turn.
    """

    rules: str | None = None
    scenario: str | None = None
    turns: int | None = None
    decisions: str | None = None
    vary: tuple[tuple[str, tuple[float, ...]], ...] = ()
    sample: int | None = None
    seeds: int = 1
    seed: int = 0
    final_only: bool = False
    method: str = "lhs"


METHODS = ("lhs", "sobol", "morris")


@dataclass(frozen=True)
class SweepRun:
    """One run of a sweep: its key (`p3-r1`: point 3, replicate 1), seed and parameters."""

    key: str
    point: int
    replicate: int
    seed: int
    parameters: dict[str, float]


@dataclass
class SweepSummary:
    """What a sweep did: runs planned, played now, found done, failed; time; files."""

    planned: int
    played: int = 0
    resumed: int = 0
    failed: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    out: Path | None = None
    failures: Path | None = None
    manifest: Path | None = None
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The one-line summary printed at the end."""
        rate = self.played / self.seconds if self.seconds > 0 else 0.0
        parts = [f"sweep: {self.played + self.resumed} of {self.planned} runs"]
        if self.resumed:
            parts.append(f"({self.resumed} already done)")
        if self.played:
            parts.append(f"in {self.seconds:.1f} s, {rate:.1f} runs/s")
        elif self.resumed and not self.failed:
            parts.append("(nothing left to play)")
        if self.failed:
            parts.append(f"; {self.failed} failed (see {self.failures})")
        if self.out is not None:
            parts.append(f"→ {self.out}")
        return " ".join(parts)


def run_seed(sweep_seed: int, key: str) -> int:
    """A run's seed: a 31-bit number from the sweep's seed and the run's key (BLAKE2b)."""
    digest = hashlib.blake2b(f"{sweep_seed}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % (2**31 - 1)


def grid_values(text: str) -> tuple[float, ...]:
    """`0.3,0.4,0.5` or `0.3:0.5:3` (start, stop, count, both ends included) as values.

    Raises:
        ValueError: with a message in words.
    """
    text = text.strip()
    if text.count(":") == 2:
        start, stop, count = (part.strip() for part in text.split(":"))
        try:
            lo, hi, n = float(start), float(stop), int(count)
        except ValueError:
            raise ValueError(f"expected START:STOP:COUNT with a whole COUNT, got {text!r}") from None  # fmt: skip
        if n < 1:
            raise ValueError(f"COUNT must be 1 or more, got {n}")
        if n == 1:
            return (lo,)
        return tuple(round(lo + (hi - lo) * i / (n - 1), 12) for i in range(n))
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"expected numbers separated by commas or START:STOP:COUNT, got {text!r}") from None  # fmt: skip
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"expected finite numbers, got {text!r}")
    return values


def plan(spec: SweepSpec, ruleset: Ruleset) -> list[SweepRun]:
    """The runs of a sweep, point by point, each point's replicates together.

    Raises:
        ParameterError: for an unknown parameter, a value outside its declared range, a
            sample with no scipy, or an empty design.
    """
    names = [name for name, _ in spec.vary]
    for name in names:
        if name not in ruleset.parameters:
            hint = did_you_mean(name, ruleset.parameters)
            raise ParameterError("vary", f"unknown parameter {name!r}{hint}")
    if len(set(names)) != len(names):
        raise ParameterError("vary", "a parameter is varied twice; give its values once")
    if spec.seeds < 1:
        raise ParameterError("seeds", f"a sweep needs 1 seed or more per point, not {spec.seeds}")
    if spec.method not in METHODS:
        raise ParameterError("method", f"unknown method {spec.method!r}; choose one of {', '.join(METHODS)}")  # fmt: skip
    if spec.sample is not None:
        points = _sample(spec, names or sorted(ruleset.parameters), ruleset)
    else:
        for name, values in spec.vary:
            p = ruleset.parameters[name]
            for value in values:
                why = p.refuses(value)
                if why:
                    raise ParameterError("vary", f"{name}={value:g} {why}")
        points = [
            dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(values for _, values in spec.vary))
        ]
    runs = []
    for i, point in enumerate(points):
        for r in range(spec.seeds):
            key = f"p{i}-r{r}"
            runs.append(SweepRun(key, i, r, run_seed(spec.seed, key), point))
    return runs


def problem_of(names: list[str], ruleset: Ruleset) -> dict[str, Any]:
    """SALib's problem: the parameters and their declared ranges. A parameter whose range
    is a single value cannot be sampled and is refused."""
    bounds = []
    for name in names:
        p = ruleset.parameters[name]
        if not p.min < p.max:
            raise ParameterError("sample", f"{name} has no range to sample ({p.min:g} to {p.max:g})")  # fmt: skip
        bounds.append([float(p.min), float(p.max)])
    return {"num_vars": len(names), "names": list(names), "bounds": bounds}


def _sample(spec: SweepSpec, names: list[str], ruleset: Ruleset) -> list[dict[str, float]]:
    """The points of a sample over the declared ranges of `names`: a Latin hypercube
    (scipy's `qmc`), a Saltelli sample or Morris trajectories (SALib)."""
    if not spec.sample or spec.sample < 1:
        raise ParameterError("sample", f"a sample needs 1 point or more, not {spec.sample}")
    problem = problem_of(names, ruleset)
    needs = "scipy" if spec.method == "lhs" else "SALib"
    try:
        if spec.method == "lhs":
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=len(names), seed=spec.seed).random(spec.sample)
            lows, highs = zip(*problem["bounds"], strict=True)
            rows = qmc.scale(unit, lows, highs)
        elif spec.method == "sobol":
            from SALib.sample import sobol

            n = spec.sample
            if n & (n - 1):
                low = 1 << (n.bit_length() - 1)
                raise ParameterError("sample", f"--sample {n}: a Sobol sample needs a power of two base points for its estimates to converge; try {low} or {low * 2}")  # fmt: skip
            rows = sobol.sample(problem, n, calc_second_order=False, seed=spec.seed)
        else:
            from SALib.sample import morris

            rows = morris.sample(problem, spec.sample, seed=spec.seed)
    except ImportError:
        option = "--sample" if spec.method == "lhs" else f"--method {spec.method}"
        raise ParameterError(
            "sample",
            f"{option} needs {needs}; install the research extra: "
            "pip install 'silicon-shield[research]'",
        ) from None
    whole = {n for n in names if ruleset.parameters[n].integer}  # counts: whole numbers
    return [
        {n: float(round(v)) if n in whole else round(float(v), 10) for n, v in zip(names, row, strict=True)}
        for row in rows
    ]  # fmt: skip


# Playing ---------------------------------------------------------------------------
def _play_batch(task: tuple[SweepSpec, list[SweepRun]]) -> list[tuple[str, Any]]:
    """Play a batch of runs: per run ("ok", rows) or ("error", message)."""
    spec, runs = task
    ruleset = worker_ruleset()
    return [_play(spec, run, ruleset) for run in runs]


def _play_remote(
    task: tuple[SweepSpec, list[SweepRun]], sources: dict[str, str]
) -> list[tuple[str, Any]]:
    """`_play_batch` on a Dask worker: the rules come as the text of their files (loaded
    and compiled once per worker, then cached), so a worker needs the package, not the
    folder the sweep was started from."""
    spec, runs = task
    try:
        ruleset = load_ruleset_sources(sources, spec.rules or "rules")
    except GameError as exc:
        return [("error", str(exc))] * len(runs)
    return [_play(spec, run, ruleset) for run in runs]


def _play(spec: SweepSpec, run: SweepRun, ruleset: Ruleset | None = None) -> tuple[str, Any]:
    base = RunSpec(spec.rules, spec.scenario, spec.turns, dict(run.parameters), spec.decisions)
    try:
        model = build_model(base, run.seed, ruleset)
        model.run()
    except GameError as exc:
        return ("error", str(exc))
    except Exception as exc:  # a sweep goes on: the failure is reported with its run
        return ("error", f"{type(exc).__name__}: {exc}")
    collected = model.datacollector.model_vars
    scores = model.score_history()
    nations = sorted(scores)
    head = [run.key, run.point, run.replicate, run.seed, *run.parameters.values()]
    turns = range(model.turn, model.turn + 1) if spec.final_only else range(model.turn + 1)
    rows = []
    for t in turns:
        year, quarter = model.year_quarter(t)
        metrics = [collected[m][t] for m in collected]
        points = [scores[n][t - 1] if t > 0 else 0.0 for n in nations]
        rows.append([*head, t, year, quarter, *metrics, *points])
    return ("ok", rows)


def columns_of(spec: SweepSpec, ruleset: Ruleset, names: list[str]) -> list[str]:
    """The columns of a sweep's rows."""
    metrics = list(ruleset.metrics)
    scores = [f"score_{n}" for n in sorted(ruleset.objectives)]
    return ["run", "point", "replicate", "seed", *names, "turn", "year", "quarter", *metrics, *scores]  # fmt: skip


def _batches(runs: list[SweepRun], size: int, workers: int) -> Iterator[list[SweepRun]]:
    """`runs` in batches of `size`, but the last `size` x `workers` runs one by one, so
    that no worker is left alone with a batch at the end while the others wait."""
    tail = max(0, len(runs) - size * workers)
    for i in range(0, tail, size):
        yield runs[i : min(i + size, tail)]
    for i in range(tail, len(runs)):
        yield runs[i : i + 1]


def _outcomes(
    spec: SweepSpec, runs: list[SweepRun], workers: int, client: Any, ruleset: Ruleset
) -> Iterator[tuple[SweepRun, tuple[str, Any]]]:
    """Play `runs` by `ruleset` (the rules the manifest records, whatever happens to their
    files meanwhile); yield each with its outcome as it finishes: on a Dask cluster when
    a `client` is given (with the text of the rules' files), else in a process pool for
    workers > 1, else here."""
    if client is not None:
        yield from _dask_outcomes(spec, runs, client, ruleset.sources)
        return
    if workers <= 1:
        for run in runs:
            yield run, _play(spec, run, ruleset)
        return
    batches = list(_batches(runs, BATCH, workers))
    with worker_pool(workers, ruleset) as pool:
        for index, outcomes in pool.imap_unordered(_indexed, enumerate((spec, b) for b in batches)):  # fmt: skip
            yield from zip(batches[index], outcomes, strict=True)


def _dask(workers: int, scheduler: str) -> tuple[Any, Any]:
    """(client, cluster or None): a `distributed.LocalCluster` of `workers` processes for
    scheduler 'local', else a client of the cluster at `scheduler` (tcp://HOST:PORT).

    Raises:
        GameError: without Dask, or when the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise GameError(
            "--scheduler needs Dask; install the research extra: "
            "pip install 'silicon-shield[research]'"
        ) from None
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)  # fmt: skip
            return Client(cluster), cluster
        return Client(scheduler, timeout="5s"), None
    except (OSError, ValueError) as exc:
        raise GameError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None


def _dask_outcomes(
    spec: SweepSpec, runs: list[SweepRun], client: Any, sources: dict[str, str]
) -> Iterator[tuple[SweepRun, tuple[str, Any]]]:
    """Play `runs` on the Dask cluster of `client`, yielding each run as it finishes.
    The rules' text goes to every worker once."""
    from distributed import as_completed

    workers = len(client.scheduler_info().get("workers", ())) or 1
    batches = list(_batches(runs, BATCH, workers))
    shipped = client.scatter(dict(sources), broadcast=True)
    futures = client.map(_play_remote, [(spec, b) for b in batches], sources=shipped, pure=False)
    index = {future.key: batch for future, batch in zip(futures, batches, strict=True)}
    for future in as_completed(futures):
        yield from zip(index[future.key], future.result(), strict=True)


def _indexed(item: tuple[int, tuple[SweepSpec, list[SweepRun]]]) -> tuple[int, Any]:
    return item[0], _play_batch(item[1])


# Files -----------------------------------------------------------------------------
def _journal(out: Path) -> Path:
    """Where rows stream: the output itself for CSV, a CSV beside it for Parquet."""
    return out if out.suffix.lower() == ".csv" else out.with_name(out.name + ".partial.csv")


def _sidecar(out: Path, what: str) -> Path:
    return out.with_name(f"{out.stem}.{what}")


def _format(value: Any) -> str:
    if isinstance(value, float):
        return repr(round(value, 10))
    return str(value)


def _done_runs(journal: Path, columns: list[str], rows_per_run: int) -> set[str]:
    """The runs whose rows are all in `journal`; the file is rewritten without a line cut
    mid-write and without the rows of runs that did not finish. Read line by line, so
    memory stays flat however long the journal.

    Raises:
        GameError: when the journal's header is not this sweep's.
    """
    counts: dict[bytes, int] = {}
    cut = False
    with journal.open("rb") as handle:
        header = handle.readline()
        if not header.endswith(b"\n") or next(csv.reader([header.decode()])) != columns:
            raise GameError(
                f"cannot resume {str(journal)!r}: its columns are not this sweep's "
                "(other --vary, --sample, rules or --final-only?)"
            )
        for line in handle:
            if not line.endswith(b"\n"):
                cut = True  # the last line, cut mid-write
                break
            key = line.split(b",", 1)[0]
            counts[key] = counts.get(key, 0) + 1
    done = {key for key, n in counts.items() if n == rows_per_run}
    if cut or len(done) != len(counts):
        partial = journal.with_name(journal.name + ".tmp")
        with journal.open("rb") as source, partial.open("wb") as kept:
            kept.write(source.readline())
            for line in source:
                if line.endswith(b"\n") and line.split(b",", 1)[0] in done:
                    kept.write(line)
        os.replace(partial, journal)
    return {key.decode() for key in done}


def _to_parquet(journal: Path, out: Path) -> None:
    """Convert the CSV journal to Parquet in batches (memory stays flat), atomically."""
    try:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq
    except ImportError:
        raise GameError(
            f"cannot write {str(out)!r}: Parquet output needs pyarrow; "
            "install it with: pip install 'silicon-shield[research]'"
        ) from None
    partial = out.with_name(out.name + ".tmp")
    reader = pacsv.open_csv(journal)
    with pq.ParquetWriter(partial, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
    os.replace(partial, out)
    journal.unlink()


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("silicon-shield", "mesa", "numpy", "pyyaml", "scipy", "pyarrow", "dask"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _run_options(spec: SweepSpec) -> list[str]:
    """The `run` options every run of the sweep shares: scenario, turns, rules, decisions."""
    words = []
    for option, value in (("--scenario", spec.scenario), ("--turns", spec.turns),
                          ("--rules", spec.rules), ("--decisions", spec.decisions)):  # fmt: skip
        if value is not None:
            words += [option, str(value)]
    return words


def _rerun_command(spec: SweepSpec) -> str:
    """How to play one run of the sweep alone with `run` (SEED and the values filled in)."""
    parts = ["silicon-shield run --seed SEED", *_run_options(spec)]
    parts.append("--set NAME=VALUE (one per varied parameter)")
    return " ".join(parts)


def _rerun_example(spec: SweepSpec, run: SweepRun) -> dict[str, str]:
    """The command that plays `run` alone: its last turn is the run's last row."""
    import shlex

    words = ["silicon-shield", "run", "--seed", str(run.seed), *_run_options(spec)]
    for name, value in run.parameters.items():
        words += ["--set", f"{name}={_format(float(value))}"]
    return {"run": run.key, "command": shlex.join(words)}


# The sweep -------------------------------------------------------------------------
def _design(spec: SweepSpec) -> tuple[Any, list[SweepRun], int]:
    """A game of `spec` at turn 0 (its rules, scenario and turns), the runs of the
    design, and the rows each run writes."""
    probe = build_model(RunSpec(spec.rules, spec.scenario, spec.turns, {}, spec.decisions), 1)
    runs = plan(spec, probe.ruleset)
    return probe, runs, 1 if spec.final_only else probe.turns + 1


def describe(spec: SweepSpec) -> dict[str, Any]:
    """What `spec` would play, without playing it: runs, points, seeds, turns, rows.

    Raises:
        ParameterError, GameError: as `sweep` would, for a bad design or bad rules.
    """
    probe, runs, rows_per_run = _design(spec)
    return {
        "runs": len(runs),
        "points": len(runs) // spec.seeds,
        "seeds": spec.seeds,
        "turns": probe.turns,
        "rows": len(runs) * rows_per_run,
        "parameters": list(runs[0].parameters) if runs else [],
        "scenario": probe.scenario_id,
    }


def sweep(
    spec: SweepSpec | None = None,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    command: list[str] | None = None,
    scheduler: str | None = None,
    **options: Any,
) -> Any:
    """Play a sweep.

    Args:
        spec: what to sweep; or give its fields as keyword `options`, `vary` as a dict
            (`sweep(vary={"us_cost_premium": [0.3, 0.5]}, seeds=20)`).
        out: a `.csv` or `.parquet` file to write (None: return a pandas DataFrame).
        workers: worker processes (default: every core).
        resume: keep the finished runs already in `out` and play the rest.
        progress: called with (runs done, runs planned) as runs finish.
        command: the command line, for the manifest.
        scheduler: play on Dask: 'local' starts a `distributed.LocalCluster` of
            `workers` processes; 'tcp://HOST:PORT' uses a running cluster.

    Returns:
        A `SweepSummary` when writing a file; a pandas DataFrame of the rows (needs
        pandas, in the research extra) when `out` is None.

    Raises:
        ParameterError: for a bad design (unknown parameter, value out of range, …).
        GameError: for bad rules, a file that cannot be written, or a resume that does
            not match.
        KeyboardInterrupt: after keeping every finished run (the summary is attached as
            `summary` on the exception).
    """
    if spec is None:
        vary = options.pop("vary", {}) or {}
        if isinstance(vary, dict):
            vary = tuple((k, tuple(float(x) for x in v)) for k, v in vary.items())
        spec = SweepSpec(vary=vary, **options)
    elif options:
        raise TypeError("give either a SweepSpec or its fields as keywords, not both")
    count = workers or os.cpu_count() or 1
    if out is None:
        return _to_frame(spec, count, scheduler)
    return _sweep_to_file(spec, Path(out), count, resume, progress, command, scheduler)


def _to_frame(spec: SweepSpec, workers: int, scheduler: str | None) -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise GameError(
            "sweep() without a file returns a pandas DataFrame, which needs pandas; "
            "install the research extra: pip install 'silicon-shield[research]', or give out=FILE"
        ) from None
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sweep.csv"
        summary = _sweep_to_file(spec, path, workers, False, None, None, scheduler)
        frame = pd.read_csv(path)
    summary.out = None  # the rows live in the frame, not in the temporary file
    frame.attrs["summary"] = summary.line()
    return frame


def _sweep_to_file(
    spec: SweepSpec,
    out: Path,
    workers: int,
    resume: bool,
    progress: Callable[[int, int], None] | None,
    command: list[str] | None,
    scheduler: str | None = None,
) -> SweepSummary:
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise GameError(f"cannot write {str(out)!r}: output must end in .csv or .parquet")
    if not out.parent.is_dir():
        raise GameError(f"cannot write {str(out)!r}: folder {str(out.parent)!r} does not exist")
    probe, runs, rows_per_run = _design(spec)
    ruleset = probe.ruleset
    names = list(runs[0].parameters) if runs else []
    columns = columns_of(spec, ruleset, names)
    journal = _journal(out)
    failures = _sidecar(out, "failures.csv")
    manifest = _sidecar(out, "manifest.json")
    summary = SweepSummary(len(runs), out=out, failures=failures, manifest=manifest)
    record = {
        "command": command or sys.argv,
        "design": {
            "vary": {k: list(v) for k, v in spec.vary} if spec.sample is None else None,
            "sample": spec.sample,
            "sampled": names if spec.sample is not None else None,
            "method": spec.method if spec.sample is not None else "grid",
            "problem": problem_of(names, ruleset) if spec.sample is not None else None,
            "seeds": spec.seeds,
            "seed": spec.seed,
            "final_only": spec.final_only,
        },
        "scenario": probe.scenario_id,
        "turns": probe.turns,
        "rules": spec.rules or "bundled",
        "ruleset_hash": ruleset.hash,
        "decisions": spec.decisions,
        "runs": len(runs),
        "columns": columns,
        "seed_of_a_run": "blake2b of 'SWEEPSEED:KEY' (KEY as in column 'run', e.g. p3-r1), "
        "its first 8 bytes as a number, mod 2**31-1 (game.research.run_seed)",
        "rerun_one": _rerun_command(spec),
        "rerun_example": _rerun_example(spec, runs[0]) if runs else None,
        "versions": _versions(),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "backend": f"dask ({scheduler})" if scheduler else f"processes ({workers})",
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": "running",
    }
    done: set[str] = set()
    if resume and manifest.exists():
        _check_same_sweep(out, manifest, record)
    if resume:
        if out.suffix.lower() == ".parquet" and out.exists() and not journal.exists():
            done = {r.key for r in runs}  # converted: the sweep had finished
        elif journal.exists():
            done = _done_runs(journal, columns, rows_per_run)
    elif journal.exists() or (out.exists() and out != journal):
        raise GameError(
            f"{str(out)!r} exists; add --resume to complete that sweep, or remove it to start again"
        )
    if resume and failures.exists():
        failures.unlink()  # the failed runs are played again
    todo = [r for r in runs if r.key not in done]
    summary.resumed = len(runs) - len(todo)
    client, cluster = _dask(workers, scheduler) if scheduler and todo else (None, None)
    write_atomic(manifest, json.dumps(record, indent=2).encode())
    clock = time.perf_counter()
    fail_rows: list[list[str]] = []
    handle = journal.open("a", encoding="utf-8", newline="")
    try:
        if handle.tell() == 0:
            handle.write(",".join(columns) + "\n")
            handle.flush()
        for run, (status, payload) in _outcomes(spec, todo, workers, client, ruleset):
            if status == "ok":
                handle.write("".join(",".join(_format(v) for v in row) + "\n" for row in payload))
                handle.flush()
                summary.played += 1
            else:
                summary.failed += 1
                fail_rows.append([run.key, str(run.seed), json.dumps(run.parameters), payload])
                summary.errors.append(f"{run.key}: {payload}")
            if progress is not None:
                progress(summary.played + summary.failed + summary.resumed, len(runs))
    except KeyboardInterrupt as exc:
        summary.interrupted = True
        exc.summary = summary  # type: ignore[attr-defined]
        raise
    finally:
        handle.close()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        summary.seconds = time.perf_counter() - clock
        if fail_rows:
            _write_failures(failures, fail_rows)
        record.update(
            status="interrupted" if summary.interrupted else "done",
            finished=datetime.now(UTC).isoformat(timespec="seconds"),
            played=summary.played,
            resumed=summary.resumed,
            failed=summary.failed,
        )
        write_atomic(manifest, json.dumps(record, indent=2).encode())
    if out != journal:
        _to_parquet(journal, out)
    return summary


_SAME = (  # (where in the manifest, the option a user changes)
    (("design", "vary"), "--vary"), (("design", "sample"), "--sample"),
    (("design", "sampled"), "the parameters sampled (--vary NAME)"),
    (("design", "method"), "--method"), (("design", "seeds"), "--seeds"),
    (("design", "seed"), "--seed"), (("design", "final_only"), "--final-only"),
    (("scenario",), "--scenario"), (("turns",), "--turns"), (("decisions",), "--decisions"),
    (("ruleset_hash",), "the rules (their hash)"),
)  # fmt: skip


def _check_same_sweep(out: Path, manifest: Path, record: dict[str, Any]) -> None:
    """Refuse to resume `out` with a sweep other than the one its manifest records (this
    sweep's would be `record`): the finished rows would be kept under the wrong design,
    or thrown away.

    Raises:
        GameError: naming each option that differs, then and now.
    """
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GameError(f"cannot resume {str(out)!r}: its manifest {str(manifest)!r} is unreadable ({exc})") from None  # fmt: skip
    now = json.loads(json.dumps(record))  # tuples as lists, as the manifest holds them
    differ = []
    for path, label in _SAME:
        then, current = old, now
        for key in path:
            then = then.get(key) if isinstance(then, dict) else None
            current = current.get(key) if isinstance(current, dict) else None
        if then != current:
            differ.append(f"{label}: {_shown(then)} then, {_shown(current)} now")
    if differ:
        raise GameError(
            f"cannot resume {str(out)!r}: it was made by another sweep ({'; '.join(differ)}); "
            "resume with the same options, or write to another file"
        )


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, dict):
        return " ".join(f"{k}={','.join(f'{v:g}' for v in vs)}" if isinstance(vs, list) else f"{k}={vs}"
                        for k, vs in value.items()) or "none"  # fmt: skip
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _write_failures(path: Path, rows: Iterable[list[str]]) -> None:
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if new:
            writer.writerow(["run", "seed", "parameters", "error"])
        writer.writerows(rows)
