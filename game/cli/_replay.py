"""`replay` (with `--branch` and `--rules`) and `saves`: saved games played again and listed."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from game.cli._run import _check_outputs, _check_turns, _report
from game.errors import Diagnostic, ParameterError, RulesetError


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
        "refused": list(branch.refused),
        **compare_results(result_of(branch.original), result, branch.start, branch.parted),
    }
    for text in branch.refused:
        print(f"warning: the branch's move was refused: {text}", file=sys.stderr)
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
    for text in c.get("refused", []):
        lines.append(f"NOTE: a move of the branch was refused, so it changed nothing: {text}")
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
