"""`validate`, `schema`, `docs` and `bench`: the designers' and the machine's commands."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from game.errors import ParameterError


def _validate(args: argparse.Namespace) -> int:
    from game.research._lint import lint
    from game.ruleset import load_decisions, load_ruleset

    folder, name = _rules_folder(args.rules)
    ruleset = load_ruleset(folder)
    # Everything is checked before anything is called ok: the decisions file, then the
    # warnings (and the games of --simulate, which may fail).
    lines = load_decisions(args.decisions, ruleset) if args.decisions is not None else None
    warnings = lint(ruleset, folder, args.simulate or 0)
    failed = bool(warnings) and args.strict
    if not failed:
        counts = ruleset.counts
        print(
            f"ok: {name} — {len(ruleset.files)} files, {counts['rules']} rules, "
            f"{counts['actions']} actions, {counts['events']} events, {counts['metrics']} metrics, "
            f"{counts['parameters']} parameters, {counts['scenarios']} scenarios"
        )
        if lines is not None:
            print(f"ok: {args.decisions} — {len(lines)} decision lines")
    for warning in warnings:
        print(warning, file=sys.stderr)
    if warnings:
        s = "" if len(warnings) == 1 else "s"
        verdict = "errors with --strict" if args.strict else "the rules still load"
        print(f"{len(warnings)} warning{s} ({verdict})", file=sys.stderr)
    return 1 if failed else 0


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
    from game.ruleset import load_ruleset
    from game.ruleset._jsonschema import schema_text

    folder, name = _rules_folder(args.rules)
    if args.out is not None:
        _check_out(args.out)
    _emit(schema_text(load_ruleset(folder)).rstrip("\n"), args.out)
    if args.out is not None:
        print(f"schema of {name}, with its ids → {args.out}", file=sys.stderr)
    return 0


def _docs(args: argparse.Namespace) -> int:
    from game.ruleset import load_ruleset
    from game.ruleset._reference import document

    folder, name = _rules_folder(args.rules)
    if args.out is not None:
        _check_out(args.out)
    # Links to the rule files are relative to where the reference is read.
    base = os.path.relpath(folder, args.out.parent if args.out is not None else Path.cwd())
    files = "" if base == "." else base.replace(os.sep, "/") + "/"
    _emit(document(load_ruleset(folder), name, files).rstrip("\n"), args.out)
    return 0


def _explain(args: argparse.Namespace) -> int:
    import dataclasses

    from game.research._explain import explain_id, format_entries, graph_dot
    from game.ruleset import load_ruleset

    if args.id is None and args.graph is None:
        raise ParameterError("id", "name an id to explain (a rule, parameter, action, event, metric or attribute), or give --graph FILE.dot")  # fmt: skip
    if args.graph is not None and args.graph.suffix != ".dot":
        raise ParameterError("--graph", f"--graph {str(args.graph)!r}: the graph is written in Graphviz's dot language; give a file ending in .dot")  # fmt: skip
    folder, name = _rules_folder(args.rules)
    if args.graph is not None:
        _check_out(args.graph)
    ruleset = load_ruleset(folder)
    if args.graph is not None:
        _emit(graph_dot(ruleset, args.id).rstrip("\n"), args.graph)
        print(
            f"dependency graph of {name} → {args.graph} (draw it with: dot -Tsvg "
            f"{args.graph} -o {args.graph.with_suffix('.svg')})",
            file=sys.stderr,
        )
    if args.id is not None:
        entries = explain_id(ruleset, args.id, args.seeds, args.turns, args.scenario)
        if args.json:
            print(json.dumps([dataclasses.asdict(e) for e in entries], indent=2))
        else:
            print(format_entries(entries))
    return 0


def _compare(args: argparse.Namespace) -> int:
    from game.research._compare import CompareSpec, compare_rulesets, format_comparison

    for given in (args.rules_a, args.rules_b):
        if not given.is_dir():
            raise ParameterError("rules", f"{str(given)!r} is not a ruleset folder")
    spec = CompareSpec(str(args.rules_a), str(args.rules_b), args.scenario, args.seeds,
                       args.turns, str(args.decisions) if args.decisions else None)  # fmt: skip
    tell = None if args.json or not sys.stderr.isatty() else (lambda text: print(f"\r{text:60}", end="", file=sys.stderr))  # fmt: skip
    report = compare_rulesets(spec, balance=args.balance, workers=args.workers or os.cpu_count() or 1, progress=tell)  # fmt: skip
    if tell is not None:
        print("\r" + " " * 61 + "\r", end="", file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=2, allow_nan=False))
    else:
        print(format_comparison(report, args.top))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from game.research import format_figures, measure
    from game.research._bench import (
        QUICK_SIZES,
        SCALE_SIZES,
        SWEEP_DEFAULT,
        SWEEP_FULL,
        SWEEP_QUICK,
    )

    folder, name = _rules_folder(args.rules)
    if args.quick:
        figures = measure(
            folder, min(args.repeat, 3), sizes=QUICK_SIZES, sweeps=SWEEP_QUICK, lan_quarters=2
        )
    else:
        sweeps = SWEEP_FULL if args.full else SWEEP_DEFAULT
        figures = measure(folder, args.repeat, full=args.full, sizes=SCALE_SIZES, sweeps=sweeps)
    print(json.dumps(figures, indent=2) if args.json else format_figures(figures))
    print(f"rules: {name}", file=sys.stderr)
    return 0


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
