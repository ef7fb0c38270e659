"""Print a fingerprint of the engine's output, to compare before and after an engine change.

A change meant to make the engine faster must leave every game the same, bit for bit:
run this on the old and the new code and compare the hashes. It hashes 12 bot games (the
default scenario and `baseline`, 64 turns): their summaries (without the rules' hash) and every metric of every
turn; and a traced `seminar` game: every change it records and every headline. It then
prints the best mean time of ten 64-turn games over three tries (noisy on a shared machine).

    python .ci/engine_fingerprint.py
"""

from __future__ import annotations

import hashlib
import json
import time

from game.ruleset import DEFAULT_RULES, load_ruleset
from game.sim import GeoModel


def main() -> None:
    rules = load_ruleset(DEFAULT_RULES)
    digest = hashlib.sha256()
    for seed in range(12):
        scenario = "baseline" if seed % 2 else None
        model = GeoModel(seed=seed, rules=rules, turns=64, scenario=scenario).run()
        summary = model.summary()
        summary.pop("ruleset_hash")  # games, not the rule files' text (comments, docs)
        digest.update(json.dumps(summary, sort_keys=True, default=str).encode())
        digest.update(json.dumps(model.datacollector.model_vars, sort_keys=True, default=str).encode())  # fmt: skip
    traced = GeoModel(seed=3, rules=rules, scenario="seminar", trace=True).run()
    digest.update(repr([(t.turn, t.cause, t.target, t.attr, t.before, t.after) for t in traced.traces]).encode())  # fmt: skip
    digest.update(repr([(n.turn, n.text, n.causes) for n in traced.news]).encode())
    print(f"fingerprint {digest.hexdigest()}")
    best = min(_ten_games(rules) for _ in range(3))
    print(f"best mean of ten 64-turn games: {best * 1000:.1f} ms")


def _ten_games(rules: object) -> float:
    start = time.perf_counter()
    for seed in range(10):
        GeoModel(seed=seed, rules=rules, turns=64).run()
    return (time.perf_counter() - start) / 10


if __name__ == "__main__":
    main()
