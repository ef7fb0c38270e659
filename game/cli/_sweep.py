"""`sweep`: many headless games over a parameter grid or sample, rows streamed to a file."""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from game.cli._balance import _progress, _workers
from game.cli._parser import _RULES_HELP, MAX_TURNS, _positive_int, _seed
from game.errors import ParameterError

_OPTIONS = {"vary": "--vary", "seeds": "--seeds", "sample": "--sample", "turns": "--turns"}


def _vary(text: str) -> tuple[str, tuple[float, ...] | None]:
    """`NAME=V1,V2,…`, `NAME=START:STOP:COUNT`, or (with --sample) `NAME` alone."""
    from game.research._sweep import grid_values

    name, eq, values = text.partition("=")
    name = name.strip()
    if not name:
        raise argparse.ArgumentTypeError(f"expected NAME=V1,V2,… or NAME=START:STOP:COUNT, got {text!r}")  # fmt: skip
    if not eq:
        return name, None  # a parameter to sample
    try:
        return name, grid_values(values)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{name}: {exc}") from None


def add_parser(sub: Any) -> None:
    """Add the `sweep` subcommand to the subparsers `sub`."""
    sweep = sub.add_parser(
        "sweep",
        help="play many games over a parameter grid or sample; tidy rows to CSV or Parquet",
        description="Play a headless game for every point of a parameter grid (--vary) or "
        "a Latin hypercube sample (--sample), times --seeds replicates, on every core; "
        "rows stream to FILE (.csv, or .parquet with the research extra) as runs finish, "
        "with a manifest and any failures beside it.",
    )
    sweep.add_argument("--vary", type=_vary, action="append", default=[], metavar="NAME=VALUES",
                       help="a parameter and its values: V1,V2,… or START:STOP:COUNT "
                       "(repeatable: the full grid); with --sample, NAME alone picks a "
                       "parameter to sample")  # fmt: skip
    sweep.add_argument("--sample", type=_positive_int, metavar="N",
                       help="N points of a seeded Latin hypercube over the parameters' "
                       "declared ranges (needs scipy, in the research extra)")  # fmt: skip
    sweep.add_argument("--method", choices=["lhs", "sobol", "morris"], default="lhs",
                       help="with --sample: a Latin hypercube of N points (lhs, default), a "
                       "Saltelli sample of N x (D + 2) points (sobol) or N Morris trajectories "
                       "of D + 1 points (morris), D the parameters sampled; the last two are "
                       "for analyze")  # fmt: skip
    sweep.add_argument("--seeds", type=_positive_int, default=1, metavar="N",
                       help="replicates of each point (default 1)")  # fmt: skip
    sweep.add_argument("--seed", type=_seed, default=0, metavar="S",
                       help="the sweep's seed; every run's seed derives from it (default 0)")  # fmt: skip
    sweep.add_argument("--out", type=Path, required=True, metavar="FILE",
                       help="where the rows go: .csv or .parquet")  # fmt: skip
    sweep.add_argument("--final-only", action="store_true", help="one row per run, not per turn")
    sweep.add_argument("--scenario", metavar="NAME|PATH", help="scenario id or .yaml file")
    sweep.add_argument("--turns", type=_positive_int, metavar="N",
                       help=f"turns per game, at most {MAX_TURNS} (default: the scenario's)")  # fmt: skip
    sweep.add_argument("--rules", metavar="DIR", type=Path, help=_RULES_HELP)
    sweep.add_argument("--decisions", metavar="FILE", type=Path,
                       help="a decisions file played in every run")  # fmt: skip
    sweep.add_argument("--workers", type=_workers, metavar="N",
                       help="worker processes (default: every core)")  # fmt: skip
    sweep.add_argument("--scheduler", metavar="local|tcp://HOST:PORT",
                       help="play on Dask (research extra): 'local' starts a LocalCluster of "
                       "--workers processes; tcp://HOST:PORT uses a running cluster")  # fmt: skip
    sweep.add_argument("--dry-run", action="store_true",
                       help="say how many runs and rows the sweep would play, and stop")  # fmt: skip
    sweep.add_argument("--resume", action="store_true",
                       help="complete an interrupted sweep into the same FILE")  # fmt: skip


@contextlib.contextmanager
def _named_by_option() -> Iterator[None]:
    """Name a design's error by the option that gave it (`--vary`, `--seeds`, …)."""
    try:
        yield
    except ParameterError as exc:
        option = _OPTIONS.get(exc.name)
        if option is None:
            raise
        raise ParameterError(option, f"{option}: {exc}") from None


def _sweep(args: argparse.Namespace) -> int:
    from game.cli._rules import _rules_folder
    from game.research._sweep import SweepSpec, sweep

    if args.turns is not None and args.turns > MAX_TURNS:
        raise ParameterError("--turns", f"--turns {args.turns}: a game has at most {MAX_TURNS} turns")  # fmt: skip
    if args.sample is not None:
        given = [name for name, values in args.vary if values is not None]
        if given:
            raise ParameterError("--vary", f"--vary {given[0]}=…: with --sample give names only; the sample spans each parameter's declared range (see docs)")  # fmt: skip
    if args.sample is None:
        if not args.vary:
            raise ParameterError("--vary", "give --vary NAME=VALUES (repeatable) or --sample N")
        bare = [name for name, values in args.vary if values is None]
        if bare:
            raise ParameterError("--vary", f"--vary {bare[0]} needs values (NAME=V1,V2 or NAME=START:STOP:COUNT) unless --sample is given")  # fmt: skip
    folder, name = _rules_folder(args.rules)
    spec = SweepSpec(
        rules=str(folder),
        scenario=args.scenario,
        turns=args.turns,
        decisions=str(args.decisions) if args.decisions else None,
        vary=tuple((n, v or ()) for n, v in args.vary),
        sample=args.sample,
        seeds=args.seeds,
        seed=args.seed,
        final_only=args.final_only,
        method=args.method,
    )
    if args.dry_run:
        return _dry_run(spec, args, name)
    workers = args.workers or os.cpu_count() or 1
    bar, close = _progress("run", "sweep")
    command = ["silicon-shield", *sys.argv[1:]]
    try:
        with _named_by_option():
            summary = sweep(spec, args.out, workers=workers, resume=args.resume, progress=bar,
                            command=command, scheduler=args.scheduler)  # fmt: skip
    except KeyboardInterrupt as exc:
        close()
        done = getattr(exc, "summary", None)
        kept = f"{done.played + done.resumed} finished runs kept in {args.out}; " if done else ""
        again = shlex.join([*command, *([] if args.resume else ["--resume"])])
        print(f"sweep interrupted: {kept}continue with: {again}", file=sys.stderr)
        return 130
    finally:
        close()
    print(summary.line(), file=sys.stderr)
    print(f"rules: {name}", file=sys.stderr)
    if summary.failed:
        for error in summary.errors[:3]:
            print(f"  failed: {error}", file=sys.stderr)
        return 1
    return 0


def _dry_run(spec: Any, args: argparse.Namespace, rules: str) -> int:
    from game.research._sweep import describe

    with _named_by_option():
        d = describe(spec)
    names = ", ".join(d["parameters"]) or "no parameter"
    print(
        f"sweep: would play {d['runs']:,} runs ({d['points']:,} points of {names} x "
        f"{d['seeds']} seeds) of {d['turns']} turns ({d['scenario']}), {d['rows']:,} rows to "
        f"{args.out}; nothing played (--dry-run)"
    )
    print(f"rules: {rules}", file=sys.stderr)
    return 0


def add_plot_parser(sub: Any) -> None:
    """Add the `plot` subcommand to the subparsers `sub`."""
    plot = sub.add_parser(
        "plot",
        help="a sweep's metric against a parameter or time: mean and 90%% band, to a PNG",
        description="Draw a metric (or score) of a sweep's results against a varied "
        "parameter (at --turn, default the last) or against time (--x turn or year), the mean over "
        "the runs of each point and a 90% band (5th to 95th percentile); needs the "
        "research extra.",
    )
    plot.add_argument("results", type=Path, help="a sweep's .csv or .parquet")
    plot.add_argument(
        "--x",
        required=True,
        metavar="PARAM|turn|year",
        help="what goes across: a varied parameter, or time",
    )
    plot.add_argument("--y", required=True, metavar="METRIC", help="a metric or score column")
    plot.add_argument("--by", metavar="PARAM", help="one line per value of this parameter")
    plot.add_argument("--turn", type=_seed, metavar="T",
                      help="with a parameter across, the turn to read (default: the last)")  # fmt: skip
    plot.add_argument("--out", type=Path, required=True, metavar="FILE.png", help="the figure")


def _plot(args: argparse.Namespace) -> int:
    from game.research._plot import plot

    drawn = plot(args.results, args.x, args.y, args.out, turn=args.turn, by=args.by)
    count = len(drawn["lines"])
    print(f"plot: {args.y} against {args.x}, {count} line{'s' if count > 1 else ''} → {args.out}", file=sys.stderr)  # fmt: skip
    if drawn["pooled"]:
        names = ", ".join(drawn["pooled"])
        print(f"  each point pools the runs of every value of {names}; --by {drawn['pooled'][0]} draws a line per value", file=sys.stderr)  # fmt: skip
    return 0


def add_analyze_parser(sub: Any) -> None:
    """Add the `analyze` subcommand to the subparsers `sub`."""
    analyze = sub.add_parser(
        "analyze",
        help="rank a sweep's sampled parameters by their effect on a metric (Sobol, Morris)",
        description="Global sensitivity of a metric to the parameters of a sweep made with "
        "--sample N --method sobol (Sobol indices) or --method morris (elementary effects), "
        "at --turn (default: the last); needs the research extra.",
    )
    analyze.add_argument("results", type=Path, help="the sweep's .csv or .parquet (its manifest beside it)")  # fmt: skip
    analyze.add_argument("--metric", required=True, metavar="METRIC", help="a metric or score column")  # fmt: skip
    analyze.add_argument("--turn", type=_seed, metavar="T", help="the turn (default: the last)")
    analyze.add_argument("--top", type=_positive_int, default=20, metavar="N",
                         help="rows of the table (default 20)")  # fmt: skip
    analyze.add_argument("--json", action="store_true", help="print every parameter as JSON")


def _analyze(args: argparse.Namespace) -> int:
    import json

    from game.research._analyze import analyze, table

    report = analyze(args.results, args.metric, turn=args.turn)
    print(json.dumps(report, indent=2) if args.json else table(report, args.top))
    return 0
