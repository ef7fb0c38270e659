"""The performance figures `silicon-shield bench` prints (DESIGN.md §6).

Each figure is measured on this machine when the command runs; nothing is assumed.
"""

from __future__ import annotations

import gc
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import tracemalloc
import types
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from game.errors import GameError
from game.ruleset import (
    Namespace,
    Scope,
    compile_expression,
    forget_loaded_rulesets,
    load_ruleset,
)
from game.sim import GeoModel

__all__ = [
    "QUICK_SIZES",
    "SCALE_SIZES",
    "SWEEP_DEFAULT",
    "SWEEP_FULL",
    "SWEEP_QUICK",
    "SweepBench",
    "format_figures",
    "measure",
    "write_scaled_rules",
]

SCALE_SIZES = (100, 1_000, 10_000)  # firms in the scaled copies of the default ruleset
QUICK_SIZES = (100, 1_000)
MEMORY_GAMES = 500  # short bot games played to watch the process's memory (with `full`)
LAN_TEAMS = 30  # teams served at once for the lan figures


@dataclass(frozen=True)
class SweepBench:
    """The sweeps `bench` times: a grid of `points` values of one parameter times `seeds`
    replicates of `turns`-turn games (ours with 1 and 2 workers, `mesa.batch_run` with 1
    and 2 processes), and the peak memory of sweeps of `memory_runs` runs of
    `memory_turns` turns, every turn a row."""

    points: int = 10
    seeds: int = 20
    turns: int = 64
    memory_runs: tuple[int, int] = (10, 2_000)
    memory_turns: int = 2


SWEEP_DEFAULT = SweepBench(memory_runs=(10, 500))
SWEEP_FULL = SweepBench()
SWEEP_QUICK = SweepBench(points=4, seeds=5, turns=16, memory_runs=(10, 200))
_CLONES_PER_FILE = 2_000  # a rule file holds at most 100,000 values (game.ruleset._yaml)
_SCALE_TURN_BUDGET_S = 5.0  # wall time of timed turns per size: keeps `--full` to a minute or two
_SCALE_MAX_TURNS = 12  # turns timed per size at most (after one untimed warm-up turn)

# (expression, the same formula as a hand-written lambda over the same context)
_FORMULAS = [
    (
        "crisis_base_risk * world.strait_tension * (1 - deterrence_effect * world.deterrence)",
        lambda c: c.p.crisis_base_risk * c.world.strait_tension * (1 - c.p.deterrence_effect * c.world.deterrence),
    ),
    (
        "clamp((world.share - shield_floor) / (shield_full - shield_floor), 0, 1)",
        lambda c: max(0, min(1, (c.world.share - c.p.shield_floor) / (c.p.shield_full - c.p.shield_floor))),
    ),
    (
        "1 + tech_growth + ai_dividend * log(1 + world.ai) - 0.01 * world.tariff if world.tariff > 0 else 1.0",
        lambda c: 1 + c.p.tech_growth + c.p.ai_dividend * _log(1 + c.world.ai) - 0.01 * c.world.tariff if c.world.tariff > 0 else 1.0,
    ),
]  # fmt: skip


def _log(x: float) -> float:
    import math

    return math.log(x)


def _expression_ratios(repeat: int) -> list[dict[str, Any]]:
    ns = Namespace(
        parameters={"crisis_base_risk", "deterrence_effect", "shield_floor", "shield_full",
                    "tech_growth", "ai_dividend"},
        attributes={"world": {"strait_tension", "deterrence", "share", "ai", "tariff"}},
    )  # fmt: skip
    c = types.SimpleNamespace(
        p=types.SimpleNamespace(crisis_base_risk=0.03, deterrence_effect=0.8, shield_floor=0.3,
                                shield_full=0.9, tech_growth=0.004, ai_dividend=0.0015),
        world=types.SimpleNamespace(strait_tension=0.45, deterrence=0.9, share=0.92, ai=4.0, tariff=0.1),
    )  # fmt: skip
    out = []
    for source, lam in _FORMULAS:
        fn = compile_expression(source, ns, Scope()).fn
        assert abs(fn(c) - lam(c)) < 1e-12, source
        n = 100_000
        compiled = min(timeit.repeat(lambda fn=fn: fn(c), number=n, repeat=max(3, repeat // 2)))
        plain = min(timeit.repeat(lambda lam=lam: lam(c), number=n, repeat=max(3, repeat // 2)))
        out.append({"expression": source, "compiled_ns": compiled / n * 1e9,
                    "lambda_ns": plain / n * 1e9, "ratio": compiled / plain})  # fmt: skip
    return out


def measure(
    rules: Path,
    repeat: int = 10,
    full: bool = False,
    *,
    sizes: Sequence[int] | None = None,
    games: int = MEMORY_GAMES,
    sweeps: SweepBench | None = None,
    lan_quarters: int = 4,
) -> dict[str, Any]:
    """Measure the figures: ruleset load, a 64-turn bot game, loading its save, a traced
    turn, the world screen's frame rate, compiled expressions, sweeps (throughput with 1
    and 2 workers, against `mesa.batch_run`, peak memory) and the time per turn as the
    ruleset is scaled to each of `sizes` firms.

    Args:
        rules: the ruleset folder.
        repeat: how many seeds of the 64-turn game to time.
        full: also measure pickling a ruleset and a model, and memory over `games` short
            bot games.
        sizes: numbers of firms of the scaled rulesets (None: not measured; the command
            gives `SCALE_SIZES`, or `QUICK_SIZES` with `--quick`).
        games: short bot games played for the memory figure (with `full`).
        sweeps: the sweeps to time (None: not measured; the command gives
            `SWEEP_DEFAULT`, `SWEEP_QUICK` or `SWEEP_FULL`).
        lan_quarters: quarters timed for the figures of teams on their own devices
            (measured when the lan extra is installed).

    Returns:
        The figures as plain data (what `bench --json` prints).
    """
    forget_loaded_rulesets()
    start = time.perf_counter()
    ruleset = load_ruleset(rules)
    load_s = time.perf_counter() - start
    times = []
    for seed in range(repeat):
        start = time.perf_counter()
        GeoModel(seed=seed, rules=ruleset, turns=64).run()
        times.append(time.perf_counter() - start)
    figures: dict[str, Any] = {
        "ruleset_load_ms": round(load_s * 1000, 1),
        "game_64_turns_ms_median": round(statistics.median(times) * 1000, 1),
        "game_64_turns_ms_min": round(min(times) * 1000, 1),
        "games_timed": repeat,
        "save_load": _save_load(ruleset, repeat),
        "traced_turn": _traced_turn(ruleset),
        "frame_rate": _frame_rate(),
        "expressions": _expression_ratios(repeat),
        "lan": _lan(rules, lan_quarters),
    }
    if full:
        # Memory before scaling, so the big scaled games do not sit in the baseline.
        figures["pickling"] = _pickling(ruleset)
        figures["memory"] = _memory(ruleset, games)
    if sweeps is not None:
        figures["sweep"] = _sweep_speed(rules, ruleset, sweeps)
        figures["sweep_memory"] = _sweep_memory(rules, ruleset, sweeps)
    if sizes:
        figures["scaling"] = [_scaled_cost(rules, n) for n in sizes]
        figures["scaling_ratio"] = _per_firm_ratio(figures["scaling"])
    return figures


# Sweeps ----------------------------------------------------------------------------
def _grid(ruleset: Any, points: int) -> tuple[str, tuple[float, ...]]:
    """The parameter the timed sweeps vary (the US cost premium when the ruleset has it,
    else its first parameter with a range) and `points` values across its range."""
    ranged = [n for n, p in ruleset.parameters.items() if p.min < p.max]
    name = "us_cost_premium" if "us_cost_premium" in ranged else ranged[0]
    from game.research._sweep import grid_values

    p = ruleset.parameters[name]
    return name, grid_values(f"{float(p.min)!r}:{float(p.max)!r}:{points}")


def _sweep_speed(rules: Path, ruleset: Any, bench: SweepBench) -> dict[str, Any]:
    """Time one grid swept by ours (1 and 2 worker processes) and by `mesa.batch_run` (1
    and 2 processes), each writing or returning one row per run. Times are wall times
    from the call to the last row, worker start-up included."""
    import mesa

    from game.research._sweep import SweepSpec, sweep

    name, values = _grid(ruleset, bench.points)
    runs = len(values) * bench.seeds
    figures: dict[str, Any] = {
        "grid": f"{name} x {len(values)} values x {bench.seeds} seeds",
        "runs": runs,
        "turns": bench.turns,
        "ours": {},
        "batch_run": {},
    }
    spec = SweepSpec(rules=str(rules), turns=bench.turns, vary=((name, values),),
                     seeds=bench.seeds, final_only=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="silicon-shield-bench-") as tmp:
        for workers in (1, 2):
            start = time.perf_counter()
            summary = sweep(spec, Path(tmp) / f"ours_{workers}.csv", workers=workers)
            seconds = time.perf_counter() - start
            figures["ours"][str(workers)] = _rate(seconds, summary.played, summary.failed)
    parameters = {"seed": list(range(bench.seeds)), name: list(values),
                  "rules": str(rules), "turns": bench.turns}  # fmt: skip
    for processes in (1, 2):
        start = time.perf_counter()
        rows = mesa.batch_run(GeoModel, parameters, number_processes=processes, iterations=1,
                              max_steps=bench.turns + 1, display_progress=False)  # fmt: skip
        figures["batch_run"][str(processes)] = _rate(time.perf_counter() - start, len(rows), 0)
    one, two = figures["ours"]["1"], figures["ours"]["2"]
    figures["speedup"] = round(one["seconds"] / two["seconds"], 2)
    ours = min(r["seconds"] for r in figures["ours"].values())
    theirs = min(r["seconds"] for r in figures["batch_run"].values())
    figures["ratio_to_batch_run"] = round(ours / theirs, 2)
    return figures


def _rate(seconds: float, runs: int, failed: int) -> dict[str, Any]:
    row = {"seconds": round(seconds, 2), "runs": runs, "runs_per_s": round(runs / seconds, 1)}
    return row | ({"failed": failed} if failed else {})


# Run in a fresh interpreter: the command, then this process's own peak on stdout. The
# peak is read from /proc (VmHWM, this process image only): ru_maxrss would also count the
# benchmark's own pages, which the child shares between fork and exec.
_PEAK_CHILD = """\
import sys
from game.cli import main
code = main(sys.argv[1:])
from game.research._bench import _own_peak_bytes
print(_own_peak_bytes())
raise SystemExit(code)
"""


def _own_peak_bytes() -> int:
    """This process's peak resident memory: VmHWM on Linux, else ru_maxrss."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return _max_rss_bytes()


def _sweep_memory(rules: Path, ruleset: Any, bench: SweepBench) -> dict[str, Any]:
    """The peak resident memory of `silicon-shield sweep` processes (one worker: every game
    is played in the measured process) of each of `bench.memory_runs` runs, every turn a
    row, each in a fresh interpreter."""
    name, (value, *_) = _grid(ruleset, 1)
    figures: dict[str, Any] = {"turns": bench.memory_turns, "sweeps": []}
    with tempfile.TemporaryDirectory(prefix="silicon-shield-bench-") as tmp:
        for runs in bench.memory_runs:
            out = Path(tmp) / f"memory_{runs}.csv"
            command = [sys.executable, "-c", _PEAK_CHILD, "sweep", "--rules", str(rules),
                       "--vary", f"{name}={value!r}", "--seeds", str(runs), "--turns",
                       str(bench.memory_turns), "--workers", "1", "--out", str(out)]  # fmt: skip
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            seconds = time.perf_counter() - start
            if done.returncode != 0 or not done.stdout.strip().isdigit():
                error = (done.stderr.strip() or done.stdout.strip())[-300:]
                return figures | {"error": _one_line(RuntimeError(error))}
            figures["sweeps"].append({
                "runs": runs,
                "rows": runs * (bench.memory_turns + 1),
                "peak_mb": round(int(done.stdout) / 2**20, 1),
                "file_kb": round(out.stat().st_size / 1024, 1),
                "seconds": round(seconds, 1),
            })  # fmt: skip
    small, large = figures["sweeps"][0], figures["sweeps"][-1]
    figures["growth_mb"] = round(large["peak_mb"] - small["peak_mb"], 1)
    return figures


# A turn as the front end plays it ----------------------------------------------------
def _traced_turn(ruleset: Any) -> dict[str, Any]:
    """Time one turn of the seminar scenario with tracing on (every change recorded for
    Why?), as the front end resolves it, with its turn report."""
    times = []
    for seed in range(3):
        model = GeoModel(seed=seed, rules=ruleset, scenario="seminar", trace=True)
        while not model.over:
            start = time.perf_counter()
            model.play_turn()
            times.append(time.perf_counter() - start)
    return {
        "ms_median": round(statistics.median(times) * 1000, 2),
        "ms_max": round(max(times) * 1000, 2),
        "turns_timed": len(times),
    }


def _frame_rate() -> dict[str, Any]:
    """The world screen's frames per second at 1920×1080 (the front end's goal: 60)."""
    try:
        from game.ui import world_frame_rate

        return world_frame_rate((1920, 1080), seconds=2.0)
    except Exception as exc:  # a bench figure must not stop the others
        return {"error": f"{type(exc).__name__}: {exc}"}


def _lan(rules: Path, quarters: int) -> dict[str, Any]:
    """Teams on their own devices: 30 teams' pages served at once, and how soon the pages
    and the projector show a quarter after the last submit (needs the lan extra)."""
    try:
        from game.lan._server import missing_extra

        if missing_extra():
            return {"error": missing_extra()}
        from game.lan._bench import projector_figures, serve_figures

        return {
            "serve": serve_figures(rules, teams=LAN_TEAMS, quarters=quarters),
            "projector": projector_figures(quarters=quarters),
        }
    except Exception as exc:  # a bench figure must not stop the others
        return {"error": f"{type(exc).__name__}: {exc}"}


# Loading a save ---------------------------------------------------------------------
def _save_load(ruleset: Any, repeat: int) -> dict[str, Any]:
    """Time reading a 64-turn bot game's save and rebuilding the game, ready to continue.

    Each load starts with the caches of compiled rules emptied, as in a new process: the
    rules the save carries are compiled afresh and the game is replayed from its log.
    """
    from game.saves import read_save, write_save

    model = GeoModel(seed=0, rules=ruleset, turns=64).run()
    times = []
    with tempfile.TemporaryDirectory(prefix="silicon-shield-bench-") as tmp:
        path = write_save(model, Path(tmp) / "bench.json")
        size = path.stat().st_size
        for _ in range(max(3, repeat // 2)):
            forget_loaded_rulesets()
            start = time.perf_counter()
            loaded = read_save(path).model()
            times.append(time.perf_counter() - start)
    return {
        "ms_median": round(statistics.median(times) * 1000, 1),
        "ms_min": round(min(times) * 1000, 1),
        "loads_timed": len(times),
        "kb": round(size / 1024, 1),
        "same_game": loaded.summary() == model.summary(),
    }


# Cost per firm ---------------------------------------------------------------------
def write_scaled_rules(rules: Path, firms: int, into: Path) -> Path:
    """Copy the ruleset in folder `rules` into folder `into`, with its firms cloned to `firms`.

    Every original firm keeps its id, as rules name some (`firm('TSMC')`); clones get
    ids such as `TSMC_2`, with the original's nation and tags, in extra files of at most
    `_CLONES_PER_FILE` firms (a rule file holds at most 100,000 values). Every firm's
    numeric attributes (capacities, market shares) are multiplied by originals/`firms`,
    so world totals stay about the same and the game stays in range.

    Args:
        rules: the ruleset folder to copy.
        firms: how many firms the copy has.
        into: an existing, empty folder to write the copy to.

    Returns:
        `into`.

    Raises:
        ValueError: when no file defines `firms:`, or `firms` is fewer than it defines.
    """
    base = rules.resolve()
    sources = sorted(p for p in base.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    docs = {source: yaml.safe_load(source.read_text(encoding="utf-8")) for source in sources}
    originals: dict[str, Any] = {}
    for data in docs.values():
        if isinstance(data, dict) and isinstance(data.get("firms"), dict):
            originals |= data["firms"]
    if not originals or firms < len(originals):
        raise ValueError(f"cannot scale {rules} to {firms:,} firms: it defines {len(originals)}")
    factor = len(originals) / firms
    for source, data in docs.items():
        target = into / source.relative_to(base)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, dict) and isinstance(data.get("firms"), dict):
            scaled = {i: _scaled_firm(f, factor) for i, f in data["firms"].items()}
            _dump(data | {"firms": scaled}, target)
        else:
            target.write_bytes(source.read_bytes())
    clones: list[tuple[str, Any]] = []
    copy = 2
    while len(originals) + len(clones) < firms:
        for ident, spec in originals.items():
            clone = f"{ident}_{copy}"
            if clone in originals or len(originals) + len(clones) == firms:
                continue
            named = dict(spec, name=f"{spec.get('name', ident)} #{copy}")
            clones.append((clone, _scaled_firm(named, factor)))
        copy += 1
    for n, at in enumerate(range(0, len(clones), _CLONES_PER_FILE), start=1):
        part = dict(clones[at : at + _CLONES_PER_FILE])
        _dump({"firms": part}, into / f"scaled_firms_{n:03}.yaml")
    return into


def _scaled_firm(spec: dict[str, Any], factor: float) -> dict[str, Any]:
    attrs = spec.get("attrs") or {}
    scaled = {
        k: v * factor if isinstance(v, int | float) and not isinstance(v, bool) else v
        for k, v in attrs.items()
    }
    return dict(spec, attrs=scaled) if attrs else dict(spec)


def _dump(data: Any, path: Path) -> None:
    if path.exists():
        raise ValueError(f"{path} already exists; scaled rulesets are written to an empty folder")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _scaled_cost(rules: Path, firms: int) -> dict[str, Any]:
    """Load a copy of `rules` scaled to `firms` firms and time turns of a bot game on it."""
    row: dict[str, Any] = {"firms": firms}
    with tempfile.TemporaryDirectory(prefix="silicon-shield-bench-") as tmp:
        folder = write_scaled_rules(rules, firms, Path(tmp))
        start = time.perf_counter()
        try:
            ruleset = load_ruleset(folder)
        except GameError as exc:
            return row | {"error": _one_line(exc)}
        row["load_ms"] = round((time.perf_counter() - start) * 1000, 1)
    if len(ruleset.firms) != firms:
        return row | {"error": f"the scaled ruleset has {len(ruleset.firms)} firms"}
    try:
        model = GeoModel(seed=0, rules=ruleset, turns=1 + _SCALE_MAX_TURNS)
        model.step()  # untimed: the first turn pays for first-touch allocations
        times: list[float] = []
        while not model.over and (not times or sum(times) < _SCALE_TURN_BUDGET_S):
            start = time.perf_counter()
            model.step()
            times.append(time.perf_counter() - start)
    except GameError as exc:
        return row | {"error": _one_line(exc)}
    turn_s = statistics.median(times)
    return row | {
        "turn_ms_median": round(turn_s * 1000, 2),
        "us_per_firm_turn": round(turn_s / firms * 1e6, 3),
        "turns_timed": len(times),
    }


def _per_firm_ratio(rows: list[dict[str, Any]]) -> float | None:
    """Per-firm cost at the most firms over that at the next size down (1.0 is linear:
    the largest step, where fixed costs per turn no longer hide a growing cost per firm)."""
    timed = sorted((r for r in rows if "us_per_firm_turn" in r), key=lambda r: r["firms"])
    if len(timed) < 2 or not timed[-2]["us_per_firm_turn"]:
        return None
    return round(timed[-1]["us_per_firm_turn"] / timed[-2]["us_per_firm_turn"], 2)


# Pickling --------------------------------------------------------------------------
# What a failed pickle raises: PicklingError for lambdas, TypeError or AttributeError for
# objects (locks, local classes) the pickle module cannot take.
_PICKLE_ERRORS = (pickle.PickleError, TypeError, AttributeError, RecursionError)


def _pickling(ruleset: Any, turns_before: int = 10) -> dict[str, Any]:
    """Pickle the ruleset, and a model after `turns_before` turns that must then play on alike."""
    figures: dict[str, Any] = {"ruleset": _round_trip(ruleset)[0]}
    model = GeoModel(seed=0, rules=ruleset)
    for _ in range(turns_before):
        model.step()
    row, copy = _round_trip(model)
    row["after_turns"] = turns_before
    if copy is not None:
        try:
            same = copy.run().summary() == model.run().summary()
        except (GameError, *_PICKLE_ERRORS) as exc:
            row["continues_identically"] = False
            row["error"] = f"the unpickled model fails to play on: {_one_line(exc)}"
        else:
            row["continues_identically"] = same
    figures["model"] = row
    return figures


def _round_trip(thing: Any, repeat: int = 3) -> tuple[dict[str, Any], Any]:
    """Best-of-`repeat` time of `pickle.dumps` and `pickle.loads`, the size, and the copy."""
    try:
        dumps, loads, copy = [], [], None
        for _ in range(repeat):
            start = time.perf_counter()
            data = pickle.dumps(thing, protocol=pickle.HIGHEST_PROTOCOL)
            dumps.append(time.perf_counter() - start)
            start = time.perf_counter()
            copy = pickle.loads(data)
            loads.append(time.perf_counter() - start)
    except _PICKLE_ERRORS as exc:
        return {"error": _one_line(exc)}, None
    row = {
        "dumps_ms": round(min(dumps) * 1000, 2),
        "loads_ms": round(min(loads) * 1000, 2),
        "kb": round(len(data) / 1024, 1),
    }
    return row, copy


# Memory ----------------------------------------------------------------------------
def _memory(ruleset: Any, games: int, turns: int = 8) -> dict[str, Any]:
    """Play `games` short bot games, dropping each, and see what memory stays behind.

    Resident memory is compared after the first tenth of the games (once caches have
    filled) and after the last. Then `tracemalloc` watches as many games again, apart:
    its own bookkeeping, tens of MB for a leak of small objects, would swell the
    resident figure.
    """
    baseline_game = max(1, games // 10)
    rss0 = 0
    for seed in range(games):
        GeoModel(seed=seed, rules=ruleset, turns=turns).run()
        if seed + 1 == baseline_game:
            gc.collect()
            rss0 = _resident_bytes()
    gc.collect()
    rss1 = _resident_bytes()
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    traced0 = tracemalloc.get_traced_memory()[0]
    for seed in range(games, games + baseline_game):
        GeoModel(seed=seed, rules=ruleset, turns=turns).run()
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] - traced0
    if not tracing:
        tracemalloc.stop()
    return {
        "games": games,
        "turns": turns,
        "baseline_game": baseline_game,
        "rss_mb_baseline": round(rss0 / 2**20, 1),
        "rss_mb_end": round(rss1 / 2**20, 1),
        "rss_growth_mb": round((rss1 - rss0) / 2**20, 1),
        "traced_games": baseline_game,
        "traced_kb_per_game": round(traced / 1024 / baseline_game, 1),
    }


def _resident_bytes() -> int:
    """The process's resident set size now (Linux), else its peak so far."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return _max_rss_bytes()


def _max_rss_bytes() -> int:
    """The process's peak resident memory as the OS counts it (ru_maxrss)."""
    import resource  # not on Windows; macOS gives bytes, Linux kilobytes

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:300]


# Rendering -------------------------------------------------------------------------
def format_figures(figures: dict[str, Any]) -> str:
    """Render the figures for a terminal (the `full` ones only when measured)."""
    lines = [
        "Silicon Shield performance on this machine",
        f"  ruleset load (cold, every file parsed and compiled): {figures['ruleset_load_ms']} ms",
        f"  64-turn bot game, default scenario (one core): median {figures['game_64_turns_ms_median']} ms, "
        f"best {figures['game_64_turns_ms_min']} ms over {figures['games_timed']} seeds "
        "(goal: well under 1 s; 100 runs/s on two cores needs about 20 ms)",
    ]
    if "save_load" in figures:  # absent from figures measured before saves existed
        lines.append(_format_save_load(figures["save_load"]))
    if "frame_rate" in figures:
        f = figures["frame_rate"]
        if "error" in f:
            lines.append(f"  the world screen's frame rate: not measured ({f['error']})")
        else:
            lines.append(
                f"  the world screen at {f['width']}x{f['height']}, pointer moving: {f['fps']} frames "
                f"per second uncapped, SDL video driver {f.get('driver', '?')} (goal: 60; the game caps at 60)"
            )
    if "lan" in figures:
        lines += _format_lan(figures["lan"])
    if "traced_turn" in figures:
        t = figures["traced_turn"]
        lines.append(
            f"  a turn resolved with tracing on (seminar, as the front end plays it): median "
            f"{t['ms_median']} ms, slowest {t['ms_max']} ms over {t['turns_timed']} turns (goal: under 200 ms)"
        )
    lines += [
        "  compiled expression vs the same formula as a Python lambda (goal: at most 1.5x):",
    ]
    for row in figures["expressions"]:
        lines.append(
            f"    {row['ratio']:.2f}x  ({row['compiled_ns']:.0f} ns vs {row['lambda_ns']:.0f} ns)  {row['expression']}"
        )
    if "sweep" in figures:
        lines += _format_sweep(figures["sweep"])
    if "sweep_memory" in figures:
        lines += _format_sweep_memory(figures["sweep_memory"])
    if "scaling" in figures:
        lines += _format_scaling(figures["scaling"], figures["scaling_ratio"])
    if "pickling" in figures:
        lines += _format_pickling(figures["pickling"])
    if "memory" in figures:
        lines += _format_memory(figures["memory"])
    return "\n".join(lines)


def _format_lan(f: dict[str, Any]) -> list[str]:
    if "error" in f:
        return [f"  teams on their own devices: not measured ({f['error']})"]
    serve, projector = f["serve"], f["projector"]
    return [
        f"  {serve['teams']} teams on their own pages (WebSocket clients on 127.0.0.1, `host`): "
        f"from the last submit to every page showing the next quarter, median "
        f"{serve['ms_median']} ms, slowest {serve['ms_max']} ms over {serve['quarters']} quarters",
        f"  play --lan, two teams' pages: from the last submit to the projector showing the "
        f"quarter's news, median {projector['ms_median']} ms, slowest {projector['ms_max']} ms "
        f"over {projector['quarters']} quarters (goal: under 1 s)",
    ]


def _format_save_load(f: dict[str, Any]) -> str:
    same = "" if f["same_game"] else "; the loaded game is NOT the saved one"
    return (
        f"  a 64-turn save ({f['kb']:,} KB) loads and is ready to continue (rules compiled "
        f"from the save, game replayed from its log): median {f['ms_median']} ms, best "
        f"{f['ms_min']} ms over {f['loads_timed']} loads (goal: well under 1 s){same}"
    )


def _format_sweep(f: dict[str, Any]) -> list[str]:
    ours, theirs = f["ours"], f["batch_run"]
    lines = [
        f"  sweeps of {f['runs']} {f['turns']}-turn games ({f['grid']}), one row per run, "
        "wall time including worker start-up:",
    ]
    for label, rows, unit in (("silicon-shield sweep", ours, "worker"),
                              ("mesa.batch_run", theirs, "process")):  # fmt: skip
        for n, r in rows.items():
            failed = f", {r['failed']} FAILED" if r.get("failed") else ""
            plural = unit if n == "1" else unit + "es" if unit == "process" else unit + "s"
            lines.append(
                f"    {label}, {n} {plural}: {r['seconds']} s, {r['runs_per_s']} runs/s{failed}"
            )
    best = max(r["runs_per_s"] for r in ours.values())
    fast = f["speedup"] >= 1.8
    lean = f["ratio_to_batch_run"] <= 0.5
    lines += [
        f"    2 workers vs 1: {f['speedup']:.2f}x as fast (goal: at least 1.8x: {_verdict(fast)})",
        f"    our best time is {f['ratio_to_batch_run']:.2f}x batch_run's best (goal: at most "
        f"0.5x: {_verdict(lean)}; both play the same model, so its cost per game bounds this)",
        f"    our best rate: {best} runs/s (aim: 100 runs/s of 64-turn games on two cores: "
        + (
            f"{_verdict(best >= 100)})"
            if f["turns"] >= 64
            else f"not judged on {f['turns']}-turn games)"
        ),
        "    batch_run's processes are spawned (each imports Python, Mesa and the rules "
        "afresh); ours are forked on Linux",
    ]
    return lines


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _format_sweep_memory(f: dict[str, Any]) -> list[str]:
    if "error" in f and not f.get("sweeps"):
        return [f"  sweep peak memory: not measured ({f['error']})"]
    lines = [
        f"  sweep peak memory, one worker, every turn a row ({f['turns']}-turn games) (goal: flat):"
    ]
    for r in f["sweeps"]:
        lines.append(
            f"    {r['runs']:>6,} runs ({r['rows']:,} rows, {r['file_kb']:,} KB of CSV, {r['seconds']} s): "
            f"peak {r['peak_mb']} MB resident"
        )
    if "error" in f:
        lines.append(f"    then failed: {f['error']}")
    else:
        lines.append(f"    growth: {f['growth_mb']:+.1f} MB")
    return lines


def _format_scaling(rows: list[dict[str, Any]], ratio: float | None) -> list[str]:
    lines = [
        "  time per turn, default ruleset with its firms cloned (goal: growing no worse than "
        "linearly, a flat cost per firm):"
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"    {r['firms']:>6,} firms: failed: {r['error']}")
            continue
        lines.append(
            f"    {r['firms']:>6,} firms: {r['turn_ms_median']:>8.2f} ms/turn, "
            f"{r['us_per_firm_turn']:>7.2f} µs per firm per turn "
            f"(median of {r['turns_timed']} turns; ruleset load {r['load_ms']:,} ms)"
        )
    timed = sorted(r["firms"] for r in rows if "us_per_firm_turn" in r)
    if ratio is not None:
        first, last = timed[-2], timed[-1]
        lines.append(
            f"    per-firm cost at {last:,} vs {first:,} firms: {ratio:.2f}x (goal: at most 1x, "
            "give or take this machine's noise)"
        )
    return lines


def _format_pickling(figures: dict[str, Any]) -> list[str]:
    lines = ["  pickling with the standard library (goal: compiled rulesets and models pickle):"]
    for label, key in (("ruleset", "ruleset"), ("model after 10 turns", "model")):
        r = figures[key]
        if "dumps_ms" not in r:
            lines.append(f"    {label}: fails: {r['error']}")
            continue
        text = f"    {label}: dumps {r['dumps_ms']} ms, loads {r['loads_ms']} ms, {r['kb']:,} KB"
        if "continues_identically" in r:
            same = "yes" if r["continues_identically"] else "NO"
            text += f"; the copy plays on to the same result: {same} (goal: yes)"
        lines.append(text)
        if "error" in r:
            lines.append(f"      {r['error']}")
    return lines


def _format_memory(m: dict[str, Any]) -> list[str]:
    return [
        f"  memory over {m['games']} bot games of {m['turns']} turns, each dropped (goal: flat):",
        f"    resident memory {m['rss_growth_mb']:+.1f} MB from game {m['baseline_game']} to game "
        f"{m['games']} ({m['rss_mb_baseline']} MB to {m['rss_mb_end']} MB)",
        f"    left allocated after each game (tracemalloc, over {m['traced_games']} more games): "
        f"{m['traced_kb_per_game']} KB (goal: 0)",
    ]
