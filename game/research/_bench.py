"""The performance figures `silicon-shield bench` prints (DESIGN.md §6).

Each figure is measured on this machine when the command runs; nothing is assumed.
"""

from __future__ import annotations

import statistics
import time
import timeit
import types
from pathlib import Path
from typing import Any

from game.ruleset import Scope, compile_expression, load_ruleset
from game.ruleset._expr import Namespace
from game.ruleset._load import _load_cached, _rule_files
from game.sim import GeoModel

__all__ = ["format_figures", "measure"]

# (expression, the same formula as a hand-written lambda over the same context)
_FORMULAS = [
    (
        "crisis_base_risk * world.strait_tension * (1 - deterrence_effect * world.deterrence)",
        lambda c: c.p.crisis_base_risk * c.world.strait_tension * (1 - c.p.deterrence_effect * c.world.deterrence),
    ),
    (
        "clamp((world.share - shield_floor) / (shield_full - shield_floor), 0, 1)",
        lambda c: max(0, min(1, (c.world.share - c.p.shield_floor) / (c.p.shield_full - c.p.shield_floor))),
    ),
    (
        "1 + tech_growth + ai_dividend * log(1 + world.ai) - 0.01 * world.tariff if world.tariff > 0 else 1.0",
        lambda c: 1 + c.p.tech_growth + c.p.ai_dividend * _log(1 + c.world.ai) - 0.01 * c.world.tariff if c.world.tariff > 0 else 1.0,
    ),
]  # fmt: skip


def _log(x: float) -> float:
    import math

    return math.log(x)


def _expression_ratios(repeat: int) -> list[dict[str, Any]]:
    ns = Namespace(
        parameters={"crisis_base_risk", "deterrence_effect", "shield_floor", "shield_full",
                    "tech_growth", "ai_dividend"},
        attributes={"world": {"strait_tension", "deterrence", "share", "ai", "tariff"}},
    )  # fmt: skip
    c = types.SimpleNamespace(
        p=types.SimpleNamespace(crisis_base_risk=0.03, deterrence_effect=0.8, shield_floor=0.3,
                                shield_full=0.9, tech_growth=0.004, ai_dividend=0.0015),
        world=types.SimpleNamespace(strait_tension=0.45, deterrence=0.9, share=0.92, ai=4.0, tariff=0.1),
    )  # fmt: skip
    out = []
    for source, lam in _FORMULAS:
        fn = compile_expression(source, ns, Scope()).fn
        assert abs(fn(c) - lam(c)) < 1e-12, source
        n = 200_000
        compiled = min(timeit.repeat(lambda fn=fn: fn(c), number=n, repeat=max(3, repeat // 2)))
        plain = min(timeit.repeat(lambda lam=lam: lam(c), number=n, repeat=max(3, repeat // 2)))
        out.append({"expression": source, "compiled_ns": compiled / n * 1e9,
                    "lambda_ns": plain / n * 1e9, "ratio": compiled / plain})  # fmt: skip
    return out


def measure(rules: Path, repeat: int = 10) -> dict[str, Any]:
    """Measure the figures: ruleset load, a 64-turn bot game, compiled expressions."""
    files = _rule_files(rules)
    _load_cached.cache_clear()
    start = time.perf_counter()
    ruleset = load_ruleset(rules)
    load_s = time.perf_counter() - start
    del files
    games = []
    for seed in range(repeat):
        start = time.perf_counter()
        GeoModel(seed=seed, rules=ruleset, turns=64).run()
        games.append(time.perf_counter() - start)
    return {
        "ruleset_load_ms": round(load_s * 1000, 1),
        "game_64_turns_ms_median": round(statistics.median(games) * 1000, 1),
        "game_64_turns_ms_min": round(min(games) * 1000, 1),
        "games_timed": repeat,
        "expressions": _expression_ratios(repeat),
    }


def format_figures(figures: dict[str, Any]) -> str:
    """Render the figures for a terminal."""
    lines = [
        "Silicon Shield performance on this machine",
        f"  ruleset load (cold, every file parsed and compiled): {figures['ruleset_load_ms']} ms",
        f"  64-turn bot game, default scenario (one core): median {figures['game_64_turns_ms_median']} ms, "
        f"best {figures['game_64_turns_ms_min']} ms over {figures['games_timed']} seeds "
        "(goal: well under 1 s; 100 ms)",
        "  compiled expression vs the same formula as a Python lambda (goal: at most 1.5x):",
    ]
    for row in figures["expressions"]:
        lines.append(
            f"    {row['ratio']:.2f}x  ({row['compiled_ns']:.0f} ns vs {row['lambda_ns']:.0f} ns)  {row['expression']}"
        )
    return "\n".join(lines)
