"""`balance`: a strategy tournament per nation; is there a dominant strategy?"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

from game.cli._parser import _RULES_HELP, MAX_TURNS, _positive_int, _whole
from game.errors import ParameterError

MAX_WORKERS = 256
_OPTIONS = {
    "nation": "--nation", "seeds": "--seeds", "scenario": "--scenario", "turns": "--turns",
    "margin": "--margin",
}  # fmt: skip


def _seeds(text: str) -> int:
    return _whole(text, 2, "a number of seeds", "2 seeds or more (a confidence interval needs two)")


def _workers(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_WORKERS} workers, got {value}")
    return value


def _margin(text: str) -> tuple[float | None, float]:
    """`POINTS` or `PERCENT%`: (points or None, percent)."""
    percent = text.strip().endswith("%")
    number = text.strip().removesuffix("%")
    what = "a percentage of the doctrine's score" if percent else "a number of points"
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what} (as 1.5 or 1%), got {text!r}") from None
    if not 0 <= value < math.inf:
        raise argparse.ArgumentTypeError(f"expected {what}, 0 or more, got {text!r}")
    return (None, value) if percent else (value, 0.0)


def _nations(text: str) -> list[str]:
    parts = [part.strip() for part in text.split(",")]
    if not all(parts):
        raise argparse.ArgumentTypeError(f"expected nation ids separated by commas, got {text!r}")
    return parts


def add_parser(sub: Any) -> None:
    """Add the `balance` subcommand to the subparsers `sub`."""
    balance = sub.add_parser(
        "balance",
        help="a strategy tournament per nation: is there a dominant strategy?",
        description="Play each nation's doctrine against alternative strategies (budget "
        "splits, moves taken or refused) on the same seeds, the other nations on their bots; "
        "report each strategy's final score with a 95% confidence interval and flag any that "
        "beats the doctrine and every diversified alternative.",
    )
    balance.add_argument("--scenario", metavar="NAME|PATH",
                         help="scenario id or a scenario .yaml file (default: the rules' default)")  # fmt: skip
    balance.add_argument("--seeds", type=_seeds, default=20, metavar="N",
                         help="play seeds 1 to N for every strategy (default 20)")  # fmt: skip
    balance.add_argument("--nation", type=_nations, action="extend", default=[], metavar="ID",
                         dest="nations",
                         help="a nation to test (repeatable or comma-separated; default: every "
                         "nation with an objective)")  # fmt: skip
    balance.add_argument("--turns", type=_positive_int, metavar="N",
                         help=f"turns per game, at most {MAX_TURNS} (default: the scenario's)")  # fmt: skip
    balance.add_argument("--rules", metavar="DIR", type=Path, help=_RULES_HELP)
    balance.add_argument("--workers", type=_workers, metavar="N",
                         help="worker processes (default: every core of this machine)")  # fmt: skip
    balance.add_argument("--margin", type=_margin, default=(None, 1.0), metavar="POINTS|N%",
                         help="flag a strategy only when it beats the doctrine and every "
                         "diversified alternative by more than this (the lower bound of each "
                         "95%% interval): points, or a percentage of the doctrine's mean score "
                         "(default 1%%; 0 flags every significant gain)")  # fmt: skip
    balance.add_argument("--json", action="store_true", help="print the report as JSON")


def _balance(args: argparse.Namespace) -> int:
    from game.cli._rules import _rules_folder
    from game.research import BalanceSpec, run_balance

    if args.turns is not None and args.turns > MAX_TURNS:
        raise ParameterError("--turns", f"--turns {args.turns}: a game has at most {MAX_TURNS} turns")  # fmt: skip
    folder, name = _rules_folder(args.rules)
    spec = BalanceSpec(
        rules=str(folder),
        scenario=args.scenario,
        turns=args.turns,
        seeds=args.seeds,
        nations=tuple(args.nations),
        margin=args.margin[0],
        margin_percent=args.margin[1],
    )
    workers = args.workers or os.cpu_count() or 1
    bar, close = _progress()
    try:
        report = run_balance(spec, workers=workers, progress=bar)
    except ParameterError as exc:
        option = _OPTIONS.get(exc.name)
        if option is None:
            raise
        raise ParameterError(option, f"{option}: {exc}") from None
    finally:
        close()
    summary = [_verdict(nation) for nation in report.nations]
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
        for line in summary:  # stdout stays pure JSON
            print(line, file=sys.stderr)
    else:
        print(_readable(report))
        print("\n".join(["", *summary]))
    print(f"rules: {name}", file=sys.stderr)
    return 0


def _progress(unit: str = "game", desc: str = "balance") -> tuple[Any, Any]:
    """A tqdm bar on stderr (done, per second, time left) when stderr is a terminal:
    (update, close); `update(done, total)` moves it."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(unit=unit, file=sys.stderr, leave=False, desc=desc)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return update, bar.close


def _verdict(nation: Any) -> str:
    """The one-line summary: `TW: no dominant strategy` or `TW: DOMINANT: …`, and the
    small gains under the margin, if any."""
    small = ""
    if nation.small_gains:
        gains = ", ".join(_gain(r) for r in nation.small_gains)
        small = f" (small gains under the {nation.margin:.2f}-point margin: {gains})"
    if not nation.dominant:
        return f"{nation.nation}: no dominant strategy{small}"
    parts = [f"{_gain(result)} over the doctrine" for result in nation.dominant]
    return f"{nation.nation}: DOMINANT: " + "; ".join(parts) + small


def _gain(result: Any) -> str:
    """`tech only (+1.4 ± 0.2` …: a strategy and its paired gain over the doctrine."""
    diff, half = result.versus["doctrine"]
    digits = 1 if abs(diff) >= 1 else 2  # a tiny gain shows as +0.04, not +0.0
    return f"{result.strategy.name} ({diff:+.{digits}f} ± {half:.{digits}f})"


def _readable(report: Any) -> str:
    """A table per nation, best strategy first, the doctrine marked with `*`."""
    seeds = report.seeds
    margin = f" by more than {report.margin}" if report.margin else ""
    lines = [
        f"Balance of {report.scenario}: {report.turns} quarters, seeds {seeds[0]}–{seeds[-1]}, "
        f"ruleset {report.ruleset_hash}",
        "Each strategy replaces one nation's decisions every turn; the other nations play "
        "their bots.",
        "doctrine (*): the nation's own bot; even: its budget split evenly over every line; "
        "coercive, cooperative: every move so tagged, every turn.",
        "Final score: mean and 95% confidence interval; 'vs' columns: paired difference "
        "(same seeds).",
        "DOMINANT: significantly above the doctrine and every diversified alternative "
        f"(doctrine, even){margin}; 'small gain': significantly above both, within that margin.",
    ]
    for nation in report.nations:
        shown = [r for r in nation.results if not r.same_as_doctrine]
        same = [r.strategy.name for r in nation.results if r.same_as_doctrine]
        width = max(len(r.strategy.name) for r in shown) + 2
        lines += [
            "",
            f"{nation.nation} — {nation.name}: {len(nation.results)} strategies",
            f"  {'strategy':{width}} {'mean':>7} {'±95%':>5}   {'vs doctrine':>11} {'±95%':>5}"
            f"   {'vs even':>8} {'±95%':>5}",
        ]
        for result in shown:
            mark = "*" if result.strategy.family == "doctrine" else " "
            row = f"{mark} {result.strategy.name:{width}} {result.mean:7.1f} "
            row += _half(result.half, 1)
            for other, column in (("doctrine", 11), ("even", 8)):
                diff, half = result.versus.get(other, (math.nan, math.nan))
                if other == result.strategy.name or other not in result.versus:
                    row += f"   {'—':>{column}} {'':>5}"
                else:
                    row += f"   {diff:>+{column}.2f} {_half(half, 2)}"
            mark = "  DOMINANT" if result.dominant else "  small gain" if result.small_gain else ""
            lines.append(row + mark)
        if same:
            lines += _wrapped("as the doctrine in every game: " + ", ".join(same))
        for name, why in nation.skipped:
            lines += _wrapped(f"not played: {name} ({why})")
    return "\n".join(lines)


def _half(half: float, digits: int) -> str:
    return f"{'n/a':>5}" if math.isnan(half) else f"{half:5.{digits}f}"


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, 96, initial_indent="  ", subsequent_indent="    ")
