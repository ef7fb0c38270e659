"""`host`: a game served to teams' browsers without a window."""

from __future__ import annotations

import argparse
import shlex
import sys

from game.errors import GameError, ParameterError

__all__ = ["_host"]


def _host(args: argparse.Namespace) -> int:
    from game.lan._server import missing_extra

    missing = missing_extra()
    if missing:
        raise GameError(missing)
    from game.cli._rules import _rules_folder
    from game.cli._run import _readable
    from game.lan._host import HostInterrupted, HostOptions, host, report
    from game.research import result_of
    from game.ruleset import load_ruleset

    if args.load is not None:
        given = [f"--{k}" for k in ("scenario", "teams", "seed", "rules") if getattr(args, k) is not None]  # fmt: skip
        if given:
            raise ParameterError("--load", f"--load continues a saved game with its own scenario, teams, seed and rules: drop {', '.join(given)}")  # fmt: skip
        ruleset, name = None, f"those saved in {args.load}"
    elif args.teams is None:
        raise ParameterError(
            "--teams", "say which nations teams play: --teams US,TW (or --load a save)"
        )
    else:
        folder, name = _rules_folder(args.rules)
        ruleset = load_ruleset(folder)
    options = HostOptions(
        scenario=args.scenario, teams=args.teams or [], rules=ruleset, seed=args.seed,
        bind=args.bind, port=args.port, turn_timeout=args.turn_timeout, saves=args.saves,
        load=args.load,
    )  # fmt: skip
    try:
        session = host(options)
    except HostInterrupted as stopped:
        # Ctrl-C: the quarters played are saved; the command to go on serves the same
        # address, so the teams' open pages find the game again (they join with the new code).
        path = report(stopped.session, args.saves)
        again = ["silicon-shield", "host", "--load", str(path), "--bind", args.bind,
                 "--port", str(stopped.port), "--saves", str(args.saves)]  # fmt: skip
        if args.turn_timeout is not None:
            again += ["--turn-timeout", f"{args.turn_timeout:g}"]
        print(
            "interrupted: the quarters played are saved (the teams decide the coming one "
            f"again); continue with: {shlex.join(again)}",
            file=sys.stderr,
        )
        return 130
    report(session, args.saves)
    print(_readable(result_of(session.model), {}))
    print(f"rules: {name}", file=sys.stderr)
    return 0
