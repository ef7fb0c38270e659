"""The command line's arguments: the subcommands, their options and value checks."""

from __future__ import annotations

import argparse
from pathlib import Path

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


def _whole(text: str, least: int, wanted: str, too_small: str) -> int:
    """`text` as a whole number of at least `least`, else argparse's error in words."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected {too_small}, got {value}")
    return value


def _positive_int(text: str) -> int:
    return _whole(text, 1, "a whole number", "a number of at least 1")


def _non_negative_int(text: str) -> int:
    return _whole(text, 0, "a whole number", "a number of 0 or more")


def _seed(text: str) -> int:
    return _whole(text, 0, "a whole number", "a seed of 0 or more")


def _turn(text: str) -> int:
    return _whole(text, 0, "a turn number", "a turn of 0 (the start) or more")


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1920x1080, got {text!r}")
    size = int(width), int(height)
    if size[0] < 1280 or size[1] < 720 or size[0] > 7680 or size[1] > 4320:
        raise argparse.ArgumentTypeError(f"a window from 1280x720 to 7680x4320, not {text}")
    return size


def _port(text: str) -> int:
    value = _whole(text, 0, "a port number", "a port from 0 to 65535")
    if value > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < 1e9:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def _nations(text: str) -> list[str]:
    nations = [part.strip() for part in text.split(",") if part.strip()]
    if not nations or len(set(nations)) != len(nations):
        raise argparse.ArgumentTypeError(
            f"expected nation ids separated by commas, each once (US,TW), got {text!r}"
        )
    return nations


def _seats(text: str) -> dict[str, str]:
    seats = {}
    for part in text.split(","):
        nation, sep, seat = part.partition("=")
        seat = {"team": "human"}.get(seat.strip().lower(), seat.strip().lower())
        if not sep or not nation.strip() or seat not in ("human", "device", "bot"):
            raise argparse.ArgumentTypeError(
                "expected NATION=human (a team at this computer), NATION=device (a team on "
                f"its own device) or NATION=bot, separated by commas, got {part!r}"
            )
        seats[nation.strip()] = seat
    return seats


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="silicon-shield",
        description="Silicon Shield: a strategy game of the US–Taiwan technology alliance.",
    )
    from game import __version__

    parser.add_argument("--version", action="version", version=f"silicon-shield {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play the game in a window (the classroom front end)")
    play.add_argument(
        "--scenario", metavar="NAME", help="scenario to set up (default: the rules' default)"
    )
    play.add_argument("--load", type=Path, metavar="SAVE", help="continue a saved game")
    play.add_argument("--seats", type=_seats, default={}, metavar="US=human,TW=device,…",
                      help="who plays each nation: human (a team at this computer), device (a "
                      "team on its own device, in a browser; needs the lan extra) or bot")  # fmt: skip
    play.add_argument("--seed", type=_seed, metavar="N", help="random seed (default: drawn)")
    play.add_argument("--size", type=_size, default=(1600, 900), metavar="WxH",
                      help="window size (default 1600x900; at least 1280x720)")  # fmt: skip
    play.add_argument(
        "--fullscreen", action="store_true", help="fill the screen (for the projector)"
    )
    play.add_argument("--autoplay", type=_positive_int, metavar="N",
                      help="bots play N turns through every screen, then the game exits")  # fmt: skip
    play.add_argument("--screenshots", type=Path, metavar="DIR",
                      help="save a PNG of each screen as it is first shown")  # fmt: skip
    play.add_argument("--saves", type=Path, default=Path("saves"), metavar="DIR",
                      help="where autosaves and saves go (default: saves/)")  # fmt: skip
    play.add_argument("--rules", type=Path, metavar="DIR",
                      help=_RULES_HELP + "; F5 in the game reads them again")  # fmt: skip
    play.add_argument("--lan", action="store_true",
                      help="teams decide on their own phones or laptops, in a browser (needs "
                      "the lan extra); the projector shows where to join")  # fmt: skip
    play.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                      help="with --lan, the address to serve on (default 127.0.0.1: this "
                      "computer only; the waiting screen offers this machine's addresses)")  # fmt: skip
    play.add_argument("--port", type=_port, default=8765, metavar="N",
                      help="with --lan, the port (default 8765; 0 picks a free one)")  # fmt: skip

    host = sub.add_parser(
        "host", help="serve a game to teams' browsers, without a window (needs the lan extra)"
    )
    host.add_argument("--scenario", metavar="NAME", help="scenario (default: the rules' default)")
    host.add_argument("--teams", type=_nations, metavar="US,TW,…",
                      help="the nations teams play from their own devices (bots play the rest)")  # fmt: skip
    host.add_argument("--load", type=Path, metavar="SAVE",
                      help="continue a saved game (a save or autosave): its teams play from "
                      "their devices, under their saved names")  # fmt: skip
    host.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                      help="the address to serve on (default 127.0.0.1: this machine only; "
                      "give the classroom network's address to open the game to it)")  # fmt: skip
    host.add_argument("--port", type=_port, default=8765, metavar="N",
                      help="the port (default 8765; 0 picks a free one)")  # fmt: skip
    host.add_argument("--turn-timeout", type=_positive_float, metavar="SEC",
                      help="play the quarter after SEC seconds even if a team has not "
                      "submitted (it keeps its standing split)")  # fmt: skip
    host.add_argument("--seed", type=_seed, metavar="N", help="random seed (default: drawn)")
    host.add_argument("--rules", type=Path, metavar="DIR", help=_RULES_HELP)
    host.add_argument("--saves", type=Path, default=Path("saves"), metavar="DIR",
                      help="where autosaves and the final save go (default: saves/)")  # fmt: skip

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
    validate.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 1 when any)"
    )
    validate.add_argument(
        "--simulate", type=_positive_int, metavar="N",
        help="also play N turns of every scenario (3 seeds each) and warn of rules, events "
        "and bot policies that never act, and of actions never available or never taken by a bot",
    )  # fmt: skip

    schema = sub.add_parser(
        "schema",
        help="print the JSON Schema of rule files, with the ruleset's ids (for editors)",
    )
    schema.add_argument("--rules", metavar="DIR", type=Path, help=_RULES_HELP)
    schema.add_argument("--out", type=Path, metavar="FILE", help="write it to a file instead")

    docs = sub.add_parser("docs", help="print a Markdown reference of the ruleset")
    docs.add_argument("--rules", metavar="DIR", type=Path, help=_RULES_HELP)
    docs.add_argument("--out", type=Path, metavar="FILE", help="write it to a file instead")

    explain = sub.add_parser(
        "explain",
        help="what one rule, parameter, action, event, metric or attribute is, reads and "
        "changes, and how often it acts in play",
    )
    explain.add_argument("id", nargs="?", metavar="ID", help="the id to explain")
    explain.add_argument("--rules", metavar="DIR", type=Path, help=_RULES_HELP)
    explain.add_argument("--scenario", metavar="ID", help="the scenario played (default: the rules' default)")  # fmt: skip
    explain.add_argument("--seeds", type=_non_negative_int, default=5, metavar="N",
                         help="bot games played to count how often it acts (default 5; 0: none)")  # fmt: skip
    explain.add_argument("--turns", type=_positive_int, metavar="N", help="turns per game")
    explain.add_argument("--json", action="store_true", help="print it as JSON")
    explain.add_argument("--graph", type=Path, metavar="FILE.dot",
                         help="write the dependency graph in Graphviz's dot language: the id's neighbourhood, or without an id the whole graph")  # fmt: skip

    compare = sub.add_parser(
        "compare",
        help="what a change to the rules does: two rulesets played on the same seeds, every "
        "metric and score compared",
    )
    compare.add_argument("rules_a", type=Path, metavar="RULES_A", help="the rules before (a folder)")  # fmt: skip
    compare.add_argument("rules_b", type=Path, metavar="RULES_B", help="the rules after (a folder)")  # fmt: skip
    compare.add_argument("--scenario", metavar="ID", help="the scenario both play (default: each ruleset's default)")  # fmt: skip
    compare.add_argument("--seeds", type=_positive_int, default=10, metavar="N",
                         help="games per ruleset, seeds 1 to N (default 10; at least 2)")  # fmt: skip
    compare.add_argument("--turns", type=_positive_int, metavar="N", help="turns per game")
    compare.add_argument("--decisions", type=Path, metavar="FILE", help="scripted decisions both play")  # fmt: skip
    compare.add_argument("--balance", action="store_true",
                         help="also play the balance tournament on both and show what changed")  # fmt: skip
    compare.add_argument("--workers", type=_positive_int, metavar="N",
                         help="worker processes for --balance (default: every core)")  # fmt: skip
    compare.add_argument("--top", type=_positive_int, metavar="N", help="show the N largest changes")  # fmt: skip
    compare.add_argument("--json", action="store_true", help="print the comparison as JSON")

    bench = sub.add_parser("bench", help="measure this machine's performance figures")
    bench.add_argument("--rules", metavar="DIR", type=Path, help=_RULES_HELP)
    bench.add_argument("--repeat", type=_positive_int, default=10, metavar="N", help="repetitions")
    size = bench.add_mutually_exclusive_group()
    size.add_argument(
        "--quick",
        action="store_true",
        help="small sweeps (20 runs of 16 turns; memory at 10 and 200 runs), 100 and 1,000 "
        "firms only, 3 repetitions: a check that every figure is measured, for CI "
        "(about 20 s)",
    )
    size.add_argument(
        "--full",
        action="store_true",
        help="also measure a sweep's peak memory at 2,000 runs (not 500), pickling, and "
        "memory over 500 games (adds about 40 s)",
    )
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")

    from game.cli._balance import add_parser as add_balance

    add_balance(sub)
    from game.cli._sweep import add_analyze_parser, add_plot_parser
    from game.cli._sweep import add_parser as add_sweep

    add_sweep(sub)
    add_plot_parser(sub)
    add_analyze_parser(sub)
    return parser
