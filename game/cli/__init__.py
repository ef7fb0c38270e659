"""The `silicon-shield` command (also `python -m game`).

This package only parses arguments, calls into the packages and prints; a user's mistake
becomes a one-line message (or `file:line:col` lines) and a non-zero exit, never a
traceback. Exit codes: 0 success, 1 errors in rule/decision files or in a run, 2 a
wrong command-line value. `_parser` holds the arguments; `_run`, `_replay`, `_rules` and
`_balance` and `_sweep` the subcommands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from game.cli._balance import _balance
from game.cli._host import _host
from game.cli._parser import MAX_TURNS, _parser
from game.cli._play import _play
from game.cli._replay import _replay, _saves
from game.cli._rules import _bench, _compare, _docs, _explain, _schema, _validate
from game.cli._run import _run
from game.cli._sweep import _analyze, _plot, _sweep
from game.errors import GameError, ParameterError, RulesetError, SimulationError

__all__ = ["MAX_TURNS", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": _run, "validate": _validate, "schema": _schema, "docs": _docs, "bench": _bench,
        "replay": _replay, "saves": _saves, "play": _play, "balance": _balance,
        "sweep": _sweep, "plot": _plot, "analyze": _analyze, "explain": _explain,
        "compare": _compare, "host": _host,
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
