"""`play`: the classroom game in a window."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from game.errors import GameError, ParameterError

__all__ = ["_play"]


def _play(args: argparse.Namespace) -> int:
    if args.load is not None and (args.scenario or args.seats or args.seed is not None):
        raise ParameterError(
            "--load", "--load continues a saved game: its scenario, seats and seed are the save's"
        )
    if args.screenshots is not None and args.screenshots.exists() and not args.screenshots.is_dir():
        raise ParameterError("--screenshots", f"--screenshots {args.screenshots}: not a folder")
    if args.lan or "device" in args.seats.values():
        from game.lan._server import missing_extra

        if missing_extra():
            raise GameError(missing_extra())
    from game.cli._rules import _rules_folder

    folder, _ = _rules_folder(args.rules)
    if args.load is None:
        _check_setup(folder, args.scenario, args.seats)
    if args.autoplay is None and not _has_display():
        raise GameError(
            "there is no display to open the game's window on; play headless with "
            "'silicon-shield run', or make pictures with 'SDL_VIDEODRIVER=dummy silicon-shield "
            "play --autoplay 3 --screenshots shots/'"
        )
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from game.ui import PlayOptions, play

    options = PlayOptions(
        scenario=args.scenario,
        load=args.load,
        seats=args.seats,
        seed=args.seed,
        size=args.size,
        fullscreen=args.fullscreen,
        autoplay=args.autoplay,
        screenshots=args.screenshots,
        saves=args.saves,
        rules=folder,
        lan=args.lan,
        bind=args.bind,
        port=args.port,
        # "How to play" opens by itself until the saves folder holds a game (autoplay
        # shows it for its screenshots).
        first_time=args.autoplay is not None or not any(args.saves.glob("*.json")),
    )
    code = play(options)
    if args.screenshots is not None and args.autoplay is not None:
        print(f"screenshots in {args.screenshots}/", file=sys.stderr)
    return code


def _check_setup(folder: Path, scenario: str | None, seats: dict[str, str]) -> None:
    """Refuse rules with errors, or a scenario or seat they do not have, before a window
    opens.

    Raises:
        RulesetError: when the rules have errors.
        ParameterError: naming the unknown scenario or nation and the known ones.
    """
    from game.ruleset import load_ruleset

    ruleset = load_ruleset(folder)
    if scenario is not None and scenario not in ruleset.scenarios:
        known = ", ".join(ruleset.scenarios)
        raise ParameterError("--scenario", f"--scenario {scenario}: no such scenario ({known})")
    unknown = [n for n in seats if n not in ruleset.nations]
    if unknown:
        known = ", ".join(ruleset.nations)
        raise ParameterError("--seats", f"--seats: no nation {unknown[0]!r} (nations: {known})")


def _has_display() -> bool:
    """Whether a window can be opened: a display server, or SDL told to use a dummy one."""
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True
