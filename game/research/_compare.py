"""`silicon-shield compare RULES_A RULES_B`: what a change to the rules does to the game.

Both rulesets play the same scenario on the same seeds, bots at every seat and the same
scripted decisions; every metric and every nation's score is compared seed by seed (a
paired difference, so the chance both games share cancels out): at the end of the game
and along the way (the mean over the turns), each with a 95% confidence interval, ranked
by the size of the change. The report also lists the files and the entries that differ,
and with `balance=True` plays the `balance` tournament on both and says, for each nation,
whether its best strategy or its dominant ones changed.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.errors import ParameterError, RulesetError
from game.research._balance import BalanceSpec, confidence_interval, run_balance
from game.ruleset import Ruleset, load_ruleset
from game.sim import GeoModel

__all__ = ["CompareSpec", "compare_rulesets", "format_comparison"]

# The sections whose entries are compared one by one, with the word for one entry.
_SECTIONS = (
    ("parameters", "parameter"), ("investment_lines", "investment line"),
    ("nations", "nation"), ("firms", "firm"), ("agencies", "agency"), ("actions", "action"),
    ("rules", "rule"), ("events", "event"), ("metrics", "metric"),
    ("objectives", "objective"), ("bots", "bot"), ("scenarios", "scenario"),
)  # fmt: skip


@dataclass(frozen=True)
class CompareSpec:
    """Two ruleset folders and what to play them on (seeds run from 1 to `seeds`)."""

    rules_a: str
    rules_b: str
    scenario: str | None = None
    seeds: int = 10
    turns: int | None = None
    decisions: str | None = None


def compare_rulesets(
    spec: CompareSpec,
    balance: bool = False,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Play both rulesets and compare them (plain data: what `compare --json` prints).

    Raises:
        ParameterError: for fewer than 2 seeds, or a scenario or length one ruleset lacks.
        RulesetError: when either ruleset has errors.
    """
    if spec.seeds < 2:
        raise ParameterError("seeds", f"a confidence interval needs 2 seeds or more, not {spec.seeds}")  # fmt: skip
    a, b = load_ruleset(Path(spec.rules_a)), load_ruleset(Path(spec.rules_b))
    games_a = _games(a, spec, "A", progress, spec.rules_a)
    games_b = _games(b, spec, "B", progress, spec.rules_b)
    first = games_a[0]
    report: dict[str, Any] = {
        "a": {"rules": spec.rules_a, "hash": a.hash},
        "b": {"rules": spec.rules_b, "hash": b.hash},
        "scenario": first.scenario_id,
        "seeds": spec.seeds,
        "turns": first.turns,
        "files": _file_changes(a, b),
        "entries": _entry_changes(a, b),
    }
    rows = []
    for metric in a.metrics:
        if metric in b.metrics:
            rows.append(_row(metric, [g.history[metric] for g in games_a], [g.history[metric] for g in games_b]))  # fmt: skip
    scores_a = [g.score_history() for g in games_a]
    scores_b = [g.score_history() for g in games_b]
    for nation in a.objectives:
        if nation in b.objectives:
            rows.append(_row(f"score {nation}", [s[nation] for s in scores_a], [s[nation] for s in scores_b]))  # fmt: skip
    changed = [r for r in rows if r["differs"]]
    changed.sort(key=_size)
    report["changes"] = changed
    report["unchanged"] = sorted(r["name"] for r in rows if not r["differs"])
    report["only_in_a"] = sorted(set(a.metrics) - set(b.metrics))
    report["only_in_b"] = sorted(set(b.metrics) - set(a.metrics))
    if balance:
        report["balance"] = _balance(spec, workers, progress)
    return report


def _games(
    ruleset: Ruleset,
    spec: CompareSpec,
    label: str,
    progress: Callable[[str], None] | None,
    folder: str,
) -> list[GeoModel]:
    games = []
    for seed in range(1, spec.seeds + 1):
        try:
            model = GeoModel(seed=seed, rules=ruleset, scenario=spec.scenario, turns=spec.turns,
                             decisions=spec.decisions)  # fmt: skip
        except RulesetError as exc:  # the decisions file does not fit this ruleset: say which
            raise RulesetError([
                dataclasses.replace(d, message=f"{d.message} (in rules {label}, {folder})")
                for d in exc.diagnostics
            ]) from None  # fmt: skip
        games.append(model.run())
        if progress is not None:
            progress(f"rules {label}: game {seed} of {spec.seeds}")
    return games


def _row(name: str, a: list[list[float]], b: list[list[float]]) -> dict[str, Any]:
    """One metric or score over the seeds: each series a game's value after every turn."""
    finals_a, finals_b = [s[-1] for s in a], [s[-1] for s in b]
    final, final_half = confidence_interval(y - x for x, y in zip(finals_a, finals_b, strict=True))
    along, along_half = confidence_interval(
        math.fsum(y - x for x, y in zip(sa, sb, strict=True)) / len(sa)
        for sa, sb in zip(a, b, strict=True)
    )
    mean_a = math.fsum(finals_a) / len(finals_a)
    mean_b = math.fsum(finals_b) / len(finals_b)
    relative = final / abs(mean_a) if mean_a else (math.inf if final else 0.0)
    differs = any(sa != sb for sa, sb in zip(a, b, strict=True))
    return {
        "name": name,
        "a_final": _r(mean_a),
        "b_final": _r(mean_b),
        "final_change": _r(final),
        "final_ci95": _r(final_half),
        "relative": None if math.isinf(relative) else _r(relative),
        "along_change": _r(along),
        "along_ci95": _r(along_half),
        "significant": abs(final) > final_half or abs(along) > along_half,
        "differs": differs,
    }


def _size(row: dict[str, Any]) -> tuple[float, float, str]:
    """The order of the changes: by the size of the change at the end relative to the
    metric's size (a change from zero first), then along the way, then by name."""
    relative = math.inf if row["relative"] is None else abs(row["relative"])
    return (-relative, -abs(row["along_change"]), row["name"])


def _r(x: float) -> float:
    return x if math.isnan(x) else round(x, 6)


def _file_changes(a: Ruleset, b: Ruleset) -> list[dict[str, str]]:
    out = []
    for name in sorted(set(a.sources) | set(b.sources)):
        if name not in b.sources:
            out.append({"file": name, "change": "only in A"})
        elif name not in a.sources:
            out.append({"file": name, "change": "only in B"})
        elif a.sources[name] != b.sources[name]:
            out.append({"file": name, "change": "changed"})
    return out


def _entry_changes(a: Ruleset, b: Ruleset) -> list[dict[str, str]]:
    out = []
    for section, word in _SECTIONS:
        specs_a, specs_b = _specs(a, section), _specs(b, section)
        for ident in sorted(set(specs_a) | set(specs_b)):
            if ident not in specs_b:
                change = "only in A"
            elif ident not in specs_a:
                change = "only in B"
            elif specs_a[ident] != specs_b[ident]:
                change = "changed"
            else:
                continue
            place = (b if ident in specs_b else a).places.get(section, {}).get(ident)
            where = f"{place[0]}:{place[1]}" if place else ""
            out.append({"entry": f"{word} {ident}", "change": change, "where": where})
    for kind in sorted(set(a.attributes) | set(b.attributes)):
        table_a, table_b = a.attributes.get(kind, {}), b.attributes.get(kind, {})
        for name in sorted(set(table_a) | set(table_b)):
            if table_a.get(name) != table_b.get(name):
                change = "only in A" if name not in table_b else "only in B" if name not in table_a else "changed"  # fmt: skip
                place = (b if name in table_b else a).places.get(f"attributes.{kind}", {}).get(name)
                where = f"{place[0]}:{place[1]}" if place else ""
                out.append({"entry": f"{kind} attribute {name}", "change": change, "where": where})
    if a.game != b.game:
        where = next((f"{name}:{text.splitlines().index('game:') + 1}" for name, text in sorted(b.sources.items()) if "game:" in text.splitlines()), "")  # fmt: skip
        out.append({"entry": "game", "change": "changed", "where": where})
    return out


def _specs(ruleset: Ruleset, section: str) -> dict[str, Any]:
    """Each entry's spec as written (what the designer edits), by id."""
    if section == "rules":
        return {rule.id: rule.spec for rule in ruleset.all_rules()}
    table = getattr(ruleset, section)
    if section in ("actions", "events", "metrics"):
        return {ident: entry.spec for ident, entry in table.items()}
    if section == "bots":
        return {ident: (bot.doc, bot.invest, [(p.doc, p.when.source, p.invest, p.action, p.target) for p in bot.policies]) for ident, bot in table.items()}  # fmt: skip
    return dict(table)


def _balance(spec: CompareSpec, workers: int, progress: Callable[[str], None] | None) -> list[dict[str, Any]]:  # fmt: skip
    """Each nation's best strategy and dominant ones under A and under B."""
    reports = []
    for label, rules in (("A", spec.rules_a), ("B", spec.rules_b)):
        if progress is not None:
            progress(f"rules {label}: the balance tournament")
        tournament = BalanceSpec(rules=rules, scenario=spec.scenario, turns=spec.turns,
                                 seeds=spec.seeds)  # fmt: skip
        reports.append(run_balance(tournament, workers=workers))
    out = []
    nations_b = {n.nation: n for n in reports[1].nations}
    for na in reports[0].nations:
        nb = nations_b.get(na.nation)
        if nb is None:
            continue
        best_a, best_b = na.results[0], nb.results[0]
        dom_a = [r.strategy.name for r in na.dominant]
        dom_b = [r.strategy.name for r in nb.dominant]
        out.append({
            "nation": na.nation,
            "best_a": best_a.strategy.name, "best_a_mean": _r(best_a.mean),
            "best_b": best_b.strategy.name, "best_b_mean": _r(best_b.mean),
            "dominant_a": dom_a, "dominant_b": dom_b,
            "changed": best_a.strategy.name != best_b.strategy.name or dom_a != dom_b,
        })  # fmt: skip
    return out


def format_comparison(report: dict[str, Any], top: int | None = None) -> str:
    """The report as text for a terminal: what differs, then the changes, largest first."""
    a, b = report["a"], report["b"]
    out = [
        f"A: {a['rules']} ({a['hash']})   B: {b['rules']} ({b['hash']})",
        f"{report['seeds']} seeds of {report['scenario']}, {report['turns']} turns each, "
        "bots at every seat; B minus A, seed by seed, with 95% confidence intervals",
        "",
    ]
    if report["files"]:
        out.append("files that differ: " + ", ".join(f"{f['file']} ({f['change']})" for f in report["files"]))  # fmt: skip
    else:
        out.append("files that differ: none (the same rules)")
    for entry in report["entries"]:
        where = f" at {entry['where']}" if entry["where"] else ""
        out.append(f"  {entry['entry']}: {entry['change']}{where}")
    out.append("")
    changes = report["changes"] if top is None else report["changes"][:top]
    if not changes:
        out.append("no metric or score differs in any game")
    else:
        width = max(len(r["name"]) for r in changes)
        out.append(f"{'':{width}}  {'A at the end':>12}  {'B at the end':>12}  {'change at the end':>24}  {'relative':>8}  {'change along the way':>24}")  # fmt: skip
        for r in changes:
            final = _pm(r["final_change"], r["final_ci95"])
            along = _pm(r["along_change"], r["along_ci95"])
            rel = "new" if r["relative"] is None else f"{r['relative']:+.1%}"
            mark = "" if r["significant"] else "  (within noise)"
            out.append(f"{r['name']:{width}}  {r['a_final']:>12.4g}  {r['b_final']:>12.4g}  {final:>24}  {rel:>8}  {along:>24}{mark}")  # fmt: skip
        if top is not None and len(report["changes"]) > top:
            out.append(f"… and {len(report['changes']) - top} more (--top to see more)")
    if report["unchanged"]:
        out.append(f"unchanged in every game: {len(report['unchanged'])} metrics and scores")
    for side in ("a", "b"):
        if report[f"only_in_{side}"]:
            out.append(f"metrics only in {side.upper()}: {', '.join(report[f'only_in_{side}'])}")
    if "balance" in report:
        out += ["", "balance tournament (best strategy by mean score; dominant ones):"]
        for n in report["balance"]:
            flag = "CHANGED" if n["changed"] else "same"
            dom_a = ", ".join(n["dominant_a"]) or "none"
            dom_b = ", ".join(n["dominant_b"]) or "none"
            out.append(f"  {n['nation']}: {flag}: A best {n['best_a']} ({n['best_a_mean']:.4g}), dominant: {dom_a}; B best {n['best_b']} ({n['best_b_mean']:.4g}), dominant: {dom_b}")  # fmt: skip
    return "\n".join(out)


def _pm(value: float, half: float) -> str:
    if math.isnan(half):
        return f"{value:+.4g}"
    return f"{value:+.4g} ± {half:.2g}"
