"""`host`: a game served to teams' browsers without a window."""

from __future__ import annotations

import argparse
import sys

from game.errors import GameError

__all__ = ["_host"]


def _host(args: argparse.Namespace) -> int:
    from game.lan._server import missing_extra

    missing = missing_extra()
    if missing:
        raise GameError(missing)
    from game.cli._rules import _rules_folder
    from game.cli._run import _readable
    from game.lan._host import HostOptions, host, report
    from game.research import result_of
    from game.ruleset import load_ruleset

    folder, name = _rules_folder(args.rules)
    ruleset = load_ruleset(folder)
    options = HostOptions(
        scenario=args.scenario, teams=args.teams, rules=ruleset, seed=args.seed,
        bind=args.bind, port=args.port, turn_timeout=args.turn_timeout, saves=args.saves,
    )  # fmt: skip
    model = host(options)
    report(model, args.saves)
    print(_readable(result_of(model), {}))
    print(f"rules: {name}", file=sys.stderr)
    return 0
