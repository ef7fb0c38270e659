"""`run`: one headless game, new or continued from a save, and its readable summary."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from game.cli._parser import _RUN_OPTIONS, MAX_TURNS
from game.cli._rules import _check_out, _rules_folder
from game.errors import Diagnostic, ParameterError, RulesetError


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
        for note in result.notes:  # stdout stays pure JSON
            print(f"note: {note}", file=sys.stderr)
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
