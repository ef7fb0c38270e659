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

from game.errors import Diagnostic, GameError, ParameterError, RulesetError, SimulationError

__all__ = ["main"]

# The most turns a game may have: the `turns` limit of GameSpec and ScenarioSpec in the
# rule-file schema (tests/test_cli.py checks that they agree). Longer games are refused
# up front instead of running until a number overflows.
MAX_TURNS = 1000
AUTOSAVE_KEEP = 5  # game.saves.AUTOSAVE_KEEP, here so that `--help` needs no import

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


def _turn(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a turn number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a turn of 0 (the start) or more, got {value}")
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
    run.add_argument("--seed", type=_seed, metavar="N", help="random seed (default 0)")
    run.add_argument("--set", type=_assignment, action="append", default=[], metavar="NAME=VALUE",
                     dest="assignments",
                     help="set a parameter of the ruleset (repeatable; see `docs`)")  # fmt: skip
    run.add_argument("--decisions", type=Path, metavar="FILE", help="scripted decisions (YAML)")
    run.add_argument("--out", type=Path, metavar="FILE", help="per-turn metrics, .csv or .parquet")
    run.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    run.add_argument("--save", type=Path, metavar="FILE", help="save the game when it ends (.json)")
    run.add_argument("--load", type=Path, metavar="SAVE",
                     help="continue a saved game: --turns N more turns (default: to its planned "
                     "end); the save fixes seed, scenario, parameters and rules")  # fmt: skip
    run.add_argument("--autosave", type=Path, nargs="?", const=Path("saves"), metavar="DIR",
                     help=f"save after every turn into DIR (default saves/), keeping the last "
                     f"{AUTOSAVE_KEEP}")  # fmt: skip

    replay = sub.add_parser("replay", help="play a saved game again from its log; what-if branches")
    replay.add_argument("source", type=Path, metavar="SAVE", help="a save file")
    replay.add_argument("--until", type=_turn, metavar="TURN", help="stop after this turn")
    replay.add_argument("--branch", type=Path, metavar="FILE",
                        help="a decisions file: follow the log to its first turn, then its "
                        "decisions (bots decide the rest), and compare with the original")  # fmt: skip
    replay.add_argument("--rules", type=Path, metavar="DIR",
                        help="play the same team and scripted decisions under other rules "
                        "(default: the rules inside the save)")  # fmt: skip
    replay.add_argument(
        "--out", type=Path, metavar="FILE", help="per-turn metrics, .csv or .parquet"
    )
    replay.add_argument("--save", type=Path, metavar="FILE",
                        help="save the replayed game (with --branch: the branch)")  # fmt: skip
    replay.add_argument("--json", action="store_true", help="print a JSON summary on stdout")

    saves = sub.add_parser("saves", help="list saves, newest first, with their summaries")
    saves.add_argument("folder", nargs="?", type=Path, metavar="DIR",
                       help="the folder of saves (default saves/)")  # fmt: skip
    saves.add_argument("--json", action="store_true", help="print the list as JSON")

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
        "replay": _replay, "saves": _saves,
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
    from game.research import RunSpec, build_model, result_of

    if args.turns is not None and args.turns > MAX_TURNS:
        raise ParameterError(
            "--turns", f"--turns {args.turns}: a game has at most {MAX_TURNS} turns"
        )
    if args.load is not None:
        return _continue(args)
    folder, name = _rules_folder(args.rules)
    params = _parameters(args.assignments, folder)
    spec = RunSpec(
        rules=str(folder),
        scenario=args.scenario,
        turns=args.turns,
        parameters=params,
        decisions=str(args.decisions) if args.decisions else None,
    )
    _check_outputs(args)
    try:
        model = build_model(spec, 0 if args.seed is None else args.seed)
        _play(model, model.turns, args.autosave)
    except ParameterError as exc:
        if exc.name in params:
            value = dict(args.assignments)[exc.name]
            raise ParameterError(exc.name, f"--set {exc.name}={value}: {exc}") from None
        raise
    _report(args, model, result_of(model), params)
    # On stderr: `--json` output stays the same on every machine, whatever the folder.
    print(f"rules: {name}", file=sys.stderr)
    return 0


def _continue(args: argparse.Namespace) -> int:
    """`run --load SAVE`: replay the save with its own rules, then play on."""
    from game.research import result_of
    from game.ruleset import load_decisions
    from game.saves import read_save

    fixed = [
        option
        for option, given in (
            ("--seed", args.seed is not None), ("--scenario", args.scenario is not None),
            ("--set", bool(args.assignments)), ("--rules", args.rules is not None),
        )
        if given
    ]  # fmt: skip
    if fixed:
        raise ParameterError(
            "--load",
            f"--load cannot be used with {', '.join(fixed)}: the save fixes the seed, "
            "scenario, parameters and rules it was played with",
        )
    _check_outputs(args)
    save = read_save(args.load)
    model = save.model()
    start = model.turn
    stop = start + args.turns if args.turns is not None else model.turns
    if stop <= start:
        raise ParameterError(
            "--turns",
            f"{args.load}: the saved game is over (turn {start} of {model.turns}); "
            "give --turns N to play N more turns",
        )
    if stop > MAX_TURNS:
        raise ParameterError(
            "--turns", f"--turns {args.turns}: the game would pass {MAX_TURNS} turns"
        )
    if stop > model.turns:
        model.extend(stop - model.turns)
    # Headless: bots take the seats teams had (their recorded choices stay in the log).
    model.seats = dict.fromkeys(model.seats, "bot")
    unplayed = False
    if args.decisions is not None:
        lines = load_decisions(args.decisions, model.ruleset)
        _check_turns(
            args.decisions,
            [line.turn for line in lines],
            lambda turn: turn <= start,
            lambda turn: (
                f"turn {turn} is already played in the save, which reached turn "
                f"{start}; script turns {start + 1} to {stop}"
            ),
        )
        model.add_decisions(lines)
        unplayed = any(line.turn > stop for line in lines)
    _play(model, stop, args.autosave)
    result = result_of(model)
    if unplayed:
        result.notes.append(f"decisions scripted after turn {stop} were not played")
    _report(args, model, result, dict(save.record.parameters))
    print(f"rules: inside {args.load} (ruleset {save.record.ruleset_hash})", file=sys.stderr)
    return 0


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse `--out`, `--save` and `--autosave` paths that cannot be written, before
    any game is played."""
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
    if args.save is not None:
        from game.saves import SaveError, check_save_path

        try:
            check_save_path(args.save)
        except SaveError as exc:
            raise ParameterError("--save", f"--save {exc}") from None
    folder = getattr(args, "autosave", None)
    if folder is not None:
        if folder.exists() and not folder.is_dir():
            raise ParameterError(
                "--autosave", f"--autosave {str(folder)!r} is a file, not a folder"
            )
        existing = folder
        while not existing.exists():
            existing = existing.parent  # the folder is made when the first turn is saved
        if not os.access(existing, os.W_OK | os.X_OK):
            raise ParameterError(
                "--autosave", f"--autosave {str(folder)!r}: {str(existing)!r} is not writable"
            )


def _check_turns(
    path: Path, turns: list[int], wrong: Callable[[int], bool], why: Callable[[int], str]
) -> None:
    """Refuse the lines of a checked decisions file whose turn is `wrong`, each reported
    at its position as `file:line:col: error: …`."""
    bad = [i for i, turn in enumerate(turns) if wrong(turn)]
    if not bad:
        return
    import yaml

    positions: list[tuple[int, int]] = []
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    for item in node.value if isinstance(node, yaml.SequenceNode) else []:
        mark = item.start_mark
        if isinstance(item, yaml.MappingNode):
            mark = next((v.start_mark for k, v in item.value if k.value == "turn"), mark)
        positions.append((mark.line + 1, mark.column + 1))
    raise RulesetError(
        [
            Diagnostic(str(path), *(positions[i] if i < len(positions) else (1, 1)), why(turns[i]))
            for i in bad
        ]
    )


def _play(model: Any, stop: int, autosave: Path | None) -> None:
    """Play `model` to turn `stop`, with a progress bar on a terminal and, with
    `autosave`, a save into that folder after every turn."""
    saver = None
    if autosave is not None:
        from game.saves import Autosaver

        saver = Autosaver(autosave)
    bar, close = _progress_bar(stop, model.turn)

    def after(turn: int) -> None:
        if saver is not None:
            saver.save(model)
        if bar is not None:
            bar(turn)

    try:
        model.run(after, until=stop)
    finally:
        close()


def _report(args: argparse.Namespace, model: Any, result: Any, params: dict[str, float]) -> None:
    """Write a game's `--save` and `--out` files, then print its summary."""
    from game.research import write_table

    if args.save is not None:
        from game.saves import write_save

        write_save(model, args.save)
        print(f"saved {args.save}: turn {model.turn} of {model.turns}", file=sys.stderr)
    if args.out is not None:
        write_table(args.out, result.columns, result.rows)
    if args.json:
        print(json.dumps(result.summary, indent=2))
    else:
        print(_readable(result, params))


def _progress_bar(
    total: int, start: int = 0
) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    """A tqdm bar on stderr when stdout is a terminal; otherwise nothing."""
    if not sys.stdout.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(
        total=total, initial=start, unit="turn", file=sys.stderr, leave=False, desc="playing"
    )

    def update(turn: int) -> None:
        bar.update(turn - bar.n)

    return update, bar.close


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


def _replay(args: argparse.Namespace) -> int:
    from game.research import result_of
    from game.ruleset import load_ruleset
    from game.saves import read_save, rules_difference

    if args.branch is not None and args.until is not None:
        raise ParameterError(
            "--until", "--until cannot be used with --branch: a branch plays to the save's end"
        )
    args.autosave = None
    _check_outputs(args)
    save = read_save(args.source)
    if args.rules is not None:
        ruleset = load_ruleset(args.rules)
        rules_line = rules_difference(save, ruleset).describe()
    else:
        ruleset = save.ruleset()
        rules_line = f"rules: inside {args.source} (ruleset {save.record.ruleset_hash})"
    if args.branch is not None:
        _branch(args, save, ruleset)
    else:
        played = save.record.turn
        if args.until is not None and args.until > played:
            raise ParameterError(
                "--until", f"--until {args.until}: the saved game reached turn {played}"
            )
        model = save.model(until=args.until, rules=ruleset)
        _report(args, model, result_of(model), dict(save.record.parameters))
    print(rules_line, file=sys.stderr)
    return 0


def _branch(args: argparse.Namespace, save: Any, ruleset: Any) -> None:
    """`replay SAVE --branch FILE`: the saved game beside the same game with FILE's decisions."""
    from game.research import compare_results, result_of, write_table
    from game.ruleset import load_decisions
    from game.saves import branch_game, write_save

    lines = load_decisions(args.branch, ruleset)
    if not lines:
        raise RulesetError(
            [Diagnostic(str(args.branch), 1, 1, "a branch file needs at least one decision line")]
        )
    played = save.record.turn
    _check_turns(
        args.branch,
        [line.turn for line in lines],
        lambda turn: turn > played,
        lambda turn: (
            f"turn {turn} is beyond the saved game, which reached turn {played}; "
            f"a branch changes turns 1 to {played}"
        ),
    )
    branch = branch_game(save, lines, rules=ruleset)
    result = result_of(branch.branch)
    comparison = {
        "save": str(args.source),
        "branch_file": str(args.branch),
        **compare_results(result_of(branch.original), result, branch.start, branch.parted),
    }
    if args.save is not None:
        write_save(branch.branch, args.save)
        print(f"saved the branch to {args.save}: turn {branch.branch.turn}", file=sys.stderr)
    if args.out is not None:
        write_table(args.out, result.columns, result.rows)
    print(json.dumps(comparison, indent=2) if args.json else _readable_branch(comparison))


def _readable_branch(c: dict[str, Any]) -> str:
    """A branch beside its original for a person: where they part, metrics, scores, news."""
    from game.research import KEY_METRICS

    start = f"turn {c['start']['turn']} ({c['start']['date']})"
    lines = [f"What if? {c['save']} with the decisions of {c['branch_file']} from {start}"]
    if c["parted"] is None:
        lines.append("The games never part: every metric is the same in every turn.")
    else:
        lines.append(f"The games part at turn {c['parted']['turn']} ({c['parted']['date']}).")
    shown = [m for m in c["metrics"] if m in KEY_METRICS or c["metrics"][m]["change"]]
    same = len(c["metrics"]) - len(shown)
    lines += ["", f"at the end (turn {c['turns']}):", _pair_header("metric")]
    lines += [_pair_row(m, c["metrics"][m], ".3f") for m in shown]
    if same:
        lines.append(f"  ({same} other metrics end the same; all are under 'metrics' in --json)")
    lines += ["", _pair_header("score (higher is better)")]
    lines += [_pair_row(n, c["scores"][n], ".1f") for n in c["scores"]]
    for side in ("original", "branch"):
        events = ", ".join(f"{e['id']} (turn {e['turn']})" for e in c["events"][side]) or "none"
        lines.append(f"\n{side}: events from {start} on: {events}")
        lines += [f"  {h['date']}  {h['text']}" for h in c["headlines"][side]]
    return "\n".join(lines)


def _pair_header(label: str) -> str:
    return f"  {label:26} {'original':>10} {'branch':>10} {'change':>9}"


def _pair_row(name: str, pair: dict[str, float], fmt: str) -> str:
    o, b, d = pair["original"], pair["branch"], pair["change"]
    change = f"{d:+{fmt}}"
    if not change.strip("+-0."):  # no change at this precision: say whether there is any
        change = "same" if d == 0 else "~0"
    return f"  {name:26} {o:>10{fmt}} {b:>10{fmt}} {change:>9}"


def _saves(args: argparse.Namespace) -> int:
    from game.saves import DEFAULT_FOLDER, list_saves

    folder = args.folder if args.folder is not None else DEFAULT_FOLDER
    # No saves/ folder yet is an empty list; a folder given by name must exist.
    listing = [] if args.folder is None and not folder.is_dir() else list_saves(folder)
    if args.json:
        data = [
            {
                "file": s.path.name,
                "path": str(s.path),
                "summary": s.summary.to_dict() if s.summary else None,
                "problem": s.problem or None,
            }
            for s in listing
        ]
        print(json.dumps(data, indent=2))
        return 0
    if not listing:
        print(f"no saves in {folder}/ (run --save FILE or run --autosave write them)")
        return 0
    header = ("file", "scenario", "date", "turn", "teams", "scores", "written")
    rows: list[tuple[str, ...]] = []
    for s in listing:
        if s.summary is None:
            rows.append((s.path.name, f"damaged: {s.problem}"))
            continue
        m = s.summary
        scores = " ".join(f"{n} {v:.0f}" for n, v in m.scores.items())
        written = m.written.replace("T", " ").removesuffix("Z")[:16]
        teams = ",".join(m.teams) or "-"
        rows.append(
            (s.path.name, m.scenario, m.date, f"{m.turn}/{m.turns}", teams, scores, written)
        )
    whole = [header, *(r for r in rows if len(r) == len(header))]
    widths = [max(len(r[i]) for r in whole) for i in range(len(header))]
    names = max(len(r[0]) for r in [header, *rows])
    widths[0] = names
    for row in [header, *rows]:
        print("  ".join(f"{cell:{w}}" for cell, w in zip(row, widths, strict=False)).rstrip())
    print(f"{len(listing)} save(s) in {folder}/, newest first", file=sys.stderr)
    return 0
