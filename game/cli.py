"""The `silicon-shield` command (also `python -m game`).

This module only parses arguments, calls into the packages and prints; a user's mistake
becomes a one-line message (or `file:line:col` lines) and a non-zero exit, never a
traceback. Exit codes: 0 success, 1 errors in rule/decision files or in a run, 2 a
wrong command-line value.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from game.errors import GameError, ParameterError, RulesetError, SimulationError

__all__ = ["main"]

# The most turns a game may have: the `turns` limit of GameSpec and ScenarioSpec in the
# rule-file schema (tests/test_cli.py checks that they agree). Longer games are refused
# up front instead of running until a number overflows.
MAX_TURNS = 1000

_RULES_HELP = (
    "ruleset folder (default: rules/ if the current folder has one, else the bundled rules)"
)

# Keywords of GeoModel that are options of `run`: `--set` must never reach them.
_RUN_OPTIONS = {
    "seed": "--seed", "turns": "--turns", "scenario": "--scenario", "rules": "--rules",
    "decisions": "--decisions",
}  # fmt: skip


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a seed of 0 or more, got {value}")
    return value


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="silicon-shield",
        description="Silicon Shield: a strategy game of the US–Taiwan technology alliance.",
    )
    from game import __version__

    parser.add_argument("--version", action="version", version=f"silicon-shield {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="play one game headless and print a summary")
    run.add_argument("--scenario", metavar="NAME|PATH", help="scenario id or a scenario .yaml file")
    run.add_argument("--rules", metavar="DIR", type=Path, help=_RULES_HELP)
    run.add_argument("--turns", type=_positive_int, metavar="N",
                     help=f"number of turns, at most {MAX_TURNS} (default: the scenario's)")  # fmt: skip
    run.add_argument("--seed", type=_seed, default=0, metavar="N", help="random seed (default 0)")
    run.add_argument("--set", type=_assignment, action="append", default=[], metavar="NAME=VALUE",
                     dest="assignments",
                     help="set a parameter of the ruleset (repeatable; see `docs`)")  # fmt: skip
    run.add_argument("--decisions", type=Path, metavar="FILE", help="scripted decisions (YAML)")
    run.add_argument("--out", type=Path, metavar="FILE", help="per-turn metrics, .csv or .parquet")
    run.add_argument("--json", action="store_true", help="print a JSON summary on stdout")

    validate = sub.add_parser("validate", help="check a ruleset; exit 1 listing every error")
    validate.add_argument("rules", nargs="?", type=Path, metavar="DIR", help=_RULES_HELP)
    validate.add_argument(
        "--decisions", type=Path, metavar="FILE", help="also check a decisions file"
    )

    schema = sub.add_parser("schema", help="print the JSON Schema of rule files")
    schema.add_argument("--out", type=Path, metavar="FILE", help="write it to a file instead")

    docs = sub.add_parser("docs", help="print a Markdown reference of the ruleset")
    docs.add_argument("--rules", metavar="DIR", type=Path, help=_RULES_HELP)
    docs.add_argument("--out", type=Path, metavar="FILE", help="write it to a file instead")

    bench = sub.add_parser("bench", help="measure this machine's performance figures")
    bench.add_argument("--rules", metavar="DIR", type=Path, help=_RULES_HELP)
    bench.add_argument("--repeat", type=_positive_int, default=10, metavar="N", help="repetitions")
    bench.add_argument(
        "--full",
        action="store_true",
        help="also measure the cost per firm at 250, 2,500 and 10,000 firms, pickling and "
        "memory over 500 games (takes a minute or two)",
    )
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": _run, "validate": _validate, "schema": _schema, "docs": _docs, "bench": _bench,
    }  # fmt: skip
    try:
        return handlers[args.command](args)
    except RulesetError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.render(), file=sys.stderr)
        print(f"{len(exc.diagnostics)} error(s)", file=sys.stderr)
        return 1
    except ParameterError as exc:
        print(f"silicon-shield {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except SimulationError as exc:
        print(str(exc), file=sys.stderr)  # already `file:line:col: error: message`
        return 1
    except GameError as exc:
        print(f"silicon-shield {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (as with `| head`): stop quietly, as Unix tools do. (Before
        # OSError, of which it is a kind.)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:
        # A file the system would not let us read or write: say which, without a traceback.
        name = f" {exc.filename!r}" if exc.filename else ""
        print(f"silicon-shield {args.command}: error: {exc.strerror or exc}{name}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _rules_folder(given: Path | None) -> tuple[Path, str]:
    """The ruleset folder a command reads, and its name for the user.

    The default is `rules/` in the current folder when there is one (a designer at work
    on a copy of the rules), else the rules bundled with the game.
    """
    from game.ruleset import DEFAULT_RULES

    if given is not None:
        return given, str(given)
    if Path("rules").is_dir():
        return Path("rules"), "rules/"
    return DEFAULT_RULES, f"{DEFAULT_RULES} (bundled with the game; no rules/ folder here)"


def _parameters(assignments: list[tuple[str, str]], folder: Path) -> dict[str, float]:
    """The values of `--set NAME=VALUE`, refusing names that are not parameters of the ruleset."""
    for name, value in assignments:
        if name in _RUN_OPTIONS:
            raise ParameterError(
                name,
                f"--set {name}={value}: {name} is not a parameter; use {_RUN_OPTIONS[name]} {value}",
            )
    if not assignments:
        return {}
    from game.ruleset import did_you_mean, load_ruleset

    known = load_ruleset(folder).parameters
    params: dict[str, float] = {}
    for name, value in assignments:
        if name not in known:
            raise ParameterError(
                name,
                f"--set {name}={value}: {name} is not a parameter of the ruleset"
                f"{did_you_mean(name, known)}",
            )
        try:
            params[name] = float(value)
        except ValueError:
            raise ParameterError(name, f"--set {name}={value}: {value!r} is not a number") from None
    return params


def _run(args: argparse.Namespace) -> int:
    from game.research import RunSpec, run_one, write_table

    if args.turns is not None and args.turns > MAX_TURNS:
        raise ParameterError(
            "--turns", f"--turns {args.turns}: a game has at most {MAX_TURNS} turns"
        )
    folder, name = _rules_folder(args.rules)
    params = _parameters(args.assignments, folder)
    spec = RunSpec(
        rules=str(folder),
        scenario=args.scenario,
        turns=args.turns,
        parameters=params,
        decisions=str(args.decisions) if args.decisions else None,
    )
    if args.out is not None:
        if args.out.suffix.lower() not in (".csv", ".parquet"):
            raise ParameterError(
                "--out", f"--out must end in .csv or .parquet, got {str(args.out)!r}"
            )
        _check_out(args.out)
        if args.out.suffix.lower() == ".parquet" and importlib.util.find_spec("pyarrow") is None:
            raise ParameterError(
                "--out", "Parquet output needs pyarrow: pip install 'silicon-shield[research]'"
            )
    progress, close = _progress_bar(spec)
    try:
        result = run_one(spec, args.seed, progress)
    except ParameterError as exc:
        if exc.name in params:
            value = dict(args.assignments)[exc.name]
            raise ParameterError(exc.name, f"--set {exc.name}={value}: {exc}") from None
        raise
    finally:
        close()
    if args.out is not None:
        write_table(args.out, result.columns, result.rows)
    if args.json:
        print(json.dumps(result.summary, indent=2))
    else:
        print(_readable(result, params))
    # On stderr: `--json` output stays the same on every machine, whatever the folder.
    print(f"rules: {name}", file=sys.stderr)
    return 0


def _progress_bar(spec: Any) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    """A tqdm bar on stderr when stdout is a terminal; otherwise nothing."""
    if not sys.stdout.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=_turns_of(spec), unit="turn", file=sys.stderr, leave=False, desc="playing")

    def update(turn: int) -> None:
        bar.update(turn - bar.n)

    return update, bar.close


def _turns_of(spec: Any) -> int | None:
    """How many turns a run will play, for the progress bar (None if it cannot tell yet)."""
    if spec.turns:
        return int(spec.turns)
    from game.ruleset import DEFAULT_RULES, load_ruleset

    try:
        ruleset = load_ruleset(Path(spec.rules) if spec.rules else DEFAULT_RULES)
    except GameError:
        return None  # the run itself reports the problem
    scenario = ruleset.scenarios.get(spec.scenario or ruleset.default_scenario)
    return (scenario.turns if scenario else None) or ruleset.game.turns


def _readable(result: Any, changed: dict[str, float]) -> str:
    """The run summary for a person: metrics with their meaning, scores, events, headlines."""
    summary = result.summary
    first = dict(zip(result.columns, result.rows[0], strict=True))
    lines = [
        f"Silicon Shield — scenario {summary['scenario']}, seed {summary['seed']}: "
        f"{summary['turns']} quarters, {summary['start']} – {summary['end']}"
    ]
    lines += [f"note: {note}" for note in result.notes]
    if changed:
        lines.append("parameters set: " + ", ".join(f"{k} = {v:g}" for k, v in changed.items()))
    lines += ["", f"{'metric':26} {'start':>9} {'end':>9}  what it measures"]
    for name, value in summary["final"].items():
        doc = result.metric_docs.get(name, "")
        lines.append(f"{name:26} {first[name]:>9.3f} {value:>9.3f}  {doc}")
    lines += [
        "",
        "scores (each nation's objectives, see `silicon-shield docs`; higher is better):",
        "  " + "   ".join(f"{n} {s:.1f}" for n, s in summary["scores"].items()),
    ]
    events = summary["events"]
    dates = {n["turn"]: n["date"] for n in summary["news"]}
    shown = [f"{e['id']} ({dates.get(e['turn'], 'turn ' + str(e['turn']))})" for e in events]
    lines.append("events: " + (", ".join(shown) if shown else "none"))
    lines += _headlines(summary["news"])
    lines.append(f"\nruleset {summary['ruleset_hash']}; the full news is under 'news' in --json")
    return "\n".join(lines)


def _headlines(news: list[dict[str, Any]], limit: int = 24) -> list[str]:
    """The news, with repeats of the same cause folded into their first item."""
    if not news:
        return []
    repeats: dict[str, int] = {}
    firsts = []
    for item in news:
        cause = item["causes"][0] if item["causes"] else item["text"]
        if cause in repeats:
            repeats[cause] += 1
        else:
            repeats[cause] = 0
            firsts.append((cause, item))
    lines = ["", "headlines:"]
    for cause, item in firsts[:limit]:
        more = f"  (and {repeats[cause]} more like it)" if repeats[cause] else ""
        lines.append(f"  {item['date']}  {item['text']}{more}")
    if len(firsts) > limit:
        lines.append(f"  … and {len(firsts) - limit} more kinds of news")
    return lines


def _validate(args: argparse.Namespace) -> int:
    from game.ruleset import load_decisions, load_ruleset

    folder, name = _rules_folder(args.rules)
    ruleset = load_ruleset(folder)
    counts = ruleset.counts
    print(
        f"ok: {name} — {len(ruleset.files)} files, {counts['rules']} rules, "
        f"{counts['actions']} actions, {counts['events']} events, {counts['metrics']} metrics, "
        f"{counts['parameters']} parameters, {counts['scenarios']} scenarios"
    )
    if args.decisions is not None:
        lines = load_decisions(args.decisions, ruleset)
        print(f"ok: {args.decisions} — {len(lines)} decision lines")
    return 0


def _check_out(out: Path) -> None:
    """Refuse an output path that cannot be written before any work is done."""
    try:
        _check_writable(out)
    except OSError as exc:
        raise ParameterError(
            "--out", f"--out {str(out)!r}: cannot write there ({exc.strerror})"
        ) from None


def _check_writable(out: Path) -> None:
    """Raise ParameterError (or OSError) unless `out` names a file we could write."""
    if out.is_dir():
        raise ParameterError("--out", f"--out {str(out)!r} is a folder; give a file name")
    if not out.parent.is_dir():
        raise ParameterError(
            "--out", f"--out {str(out)!r}: folder {str(out.parent)!r} does not exist"
        )
    # A trial file beside the target: the name and the folder must both be writable.
    with tempfile.NamedTemporaryFile(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"):
        pass


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        print(text)
        return
    _check_out(out)
    from game.research import write_atomic

    write_atomic(out, (text + "\n").encode())


def _schema(args: argparse.Namespace) -> int:
    from game.ruleset import RuleFile

    schema = RuleFile.model_json_schema()
    schema["title"] = "Silicon Shield rule file"
    _emit(json.dumps(schema, indent=2), args.out)
    return 0


def _docs(args: argparse.Namespace) -> int:
    from game.ruleset import load_ruleset
    from game.ruleset._reference import reference

    folder, name = _rules_folder(args.rules)
    heading, _, rest = reference(load_ruleset(folder)).partition("\n")
    _emit(f"{heading}\n\nRules read from {name}.\n{rest}", args.out)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from game.research import format_figures, measure

    folder, name = _rules_folder(args.rules)
    figures = measure(folder, args.repeat, full=args.full)
    print(json.dumps(figures, indent=2) if args.json else format_figures(figures))
    print(f"rules: {name}", file=sys.stderr)
    return 0
