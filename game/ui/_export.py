"""What the debrief says, and its export: a Markdown file with PNG charts in a folder an
instructor hands out.

`turning_points` and `debrief_markdown` are pure (a model in, data or text out);
`export_debrief` is the edge that writes the folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pygame

from game.sim import GeoModel, TurnReport
from game.ui._charts import Ink, key_charts, render_chart
from game.ui._screen import Text
from game.ui._theme import Look

__all__ = [
    "SCORES_NOTE",
    "TurningPoint",
    "debrief_markdown",
    "export_debrief",
    "score_line",
    "seat_order",
    "turning_points",
]

# What the room must hear before reading the scores: each nation has its own objectives.
SCORES_NOTE = "Scores compare a nation's play with its own objectives, not with other nations."

# The metrics whose jumps make a turning point, in the order a change is listed.
KEY_METRICS = (
    "silicon_shield",
    "strait_tension",
    "us_tw_trust",
    "tw_advanced_share",
    "us_advanced_share",
    "cn_advanced_share",
    "global_gdp_index",
    "bipolarity",
    "tariff_pressure",
    "clean_network_members",
    "t7_formed",
)

CHART_SIZE = (1600, 800)  # pixels of an exported chart: sharp on a slide or a printed page
CHART_TEXT = 28


@dataclass(frozen=True)
class TurningPoint:
    """A quarter in which key metrics jumped, and what happened in it."""

    turn: int
    date: str
    changes: tuple[tuple[str, float, float], ...]  # metric, before, after
    behind: tuple[str, ...]  # the news, moves and events of the quarter, in words


# What the room calls the metrics a debrief talks of most (others: their id in words).
METRIC_NAMES = {
    "silicon_shield": "Silicon shield",
    "strait_tension": "Strait tension",
    "us_tw_trust": "US–Taiwan trust",
    "tw_advanced_share": "Taiwan's advanced-chip share",
    "us_advanced_share": "US advanced-chip share",
    "cn_advanced_share": "China's advanced-chip share",
    "global_gdp_index": "World GDP (2025 = 100)",
    "tariff_pressure": "Tariff pressure",
    "clean_network_members": "Clean Network members",
    "t7_formed": "T7 formed",
}


def pretty(ident: str) -> str:
    """A metric's or action's name in words: 'us_tw_trust' -> 'US–Taiwan trust',
    'tw_gdp_index' -> 'TW GDP index', 'join_clean_network' -> 'Join clean network'."""
    if ident in METRIC_NAMES:
        return METRIC_NAMES[ident]
    words = ident.split("_")
    words = [
        w.upper() if w in {"us", "tw", "cn", "jp", "kr", "eu", "gdp", "ai", "ran"} else w
        for w in words
    ]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def seat_order(model: GeoModel, teams: Iterable[str] = ()) -> list[str]:
    """The nations as the scores list them: the teams' first, then the bots', each in the
    ruleset's order (never by score, which measures a nation against its own objectives)."""
    played = set(teams)
    return [n for n in model.nations if n in played] + [n for n in model.nations if n not in played]


def score_line(model: GeoModel, nation: str) -> str:
    """A nation's score as the sum of its objectives' points, in one line:
    'Silicon shield 46.4 + US–Taiwan trust 14.2 + TW GDP index 52.7 + TW tech 21.4'."""
    line = ""
    for term in model.score_terms(nation):
        sign = "−" if term.points < 0 else "+"
        words = f"{pretty(term.metric)} {abs(term.points):.1f}"
        line = f"{line} {sign} {words}" if line else f"{sign.strip('+')}{words}"
    return line


def turning_points(
    model: GeoModel, count: int = 4, reports: list[TurnReport] | None = None
) -> list[TurningPoint]:
    """The `count` quarters with the largest jumps in key metrics, largest first.

    A jump is the change over the quarter, relative to the value before it when that is
    above 1 (so a GDP index moving by 2 counts as 2%, a 0–1 share moving by 0.02 as 0.02).
    The first quarter is measured from the game's start when its report is at hand.

    Args:
        reports: the turns' reports, for the values before the first quarter.
    """
    before_first = {}
    for report in reports or []:
        if report.turn == 1:
            before_first = {k: v[0] for k, v in report.metrics.items()}
    metrics = [m for m in KEY_METRICS if m in model.history]
    scored: list[tuple[float, int, list[tuple[float, str, float, float]]]] = []
    for turn in range(1, model.turn + 1):
        moves = []
        for metric in metrics:
            series = model.history[metric]
            if turn > len(series):
                continue
            before = series[turn - 2] if turn >= 2 else before_first.get(metric)
            if before is None:
                continue
            after = series[turn - 1]
            size = abs(after - before) / max(1.0, abs(before))
            if size > 1e-6:
                moves.append((size, metric, before, after))
        if moves:
            scored.append((max(m[0] for m in moves), turn, moves))
    scored.sort(key=lambda s: s[0], reverse=True)
    out = []
    for top, turn, moves in scored[:count]:
        big = sorted((m for m in moves if m[0] >= top * 0.3), key=lambda m: m[0], reverse=True)
        out.append(
            TurningPoint(
                turn,
                model.date_of(turn),
                tuple((metric, before, after) for _, metric, before, after in big[:3]),
                tuple(_behind(model, turn)),
            )
        )
    return out


def _behind(model: GeoModel, turn: int) -> list[str]:
    """What happened in a quarter: its news, the moves taken and the events that fired."""
    names = {n: a.name for n, a in model.nations.items()}
    lines = [item.text for item in model.news if item.turn == turn]
    for t, nation, action, target in model.action_log:
        if t == turn:
            aim = f" → {names.get(target, target)}" if target else ""
            lines.append(f"{names.get(nation, nation)}: {pretty(action).lower()}{aim}")
    lines += [f"Event: {pretty(event).lower()}" for t, event in model.event_log if t == turn]
    teams = [d for d in model.decision_log if d.turn == turn and d.by == "team"]
    for decision in teams:
        if decision.invest:
            top = max(decision.invest, key=decision.invest.__getitem__)
            lines.append(
                f"{names.get(decision.nation, decision.nation)} (a team) put most into {top}"
            )
    seen: set[str] = set()
    return [x for x in lines if not (x in seen or seen.add(x))]


def debrief_markdown(
    model: GeoModel,
    teams: dict[str, str] | None = None,
    charts: dict[str, str] | None = None,
    points: list[TurningPoint] | None = None,
) -> str:
    """The debrief as Markdown: scores, how they were earned, turning points, charts, news.

    Args:
        teams: nation id -> team name for the nations students played.
        charts: chart title -> relative path of its PNG.
        points: the turning points (default: `turning_points(model)`).
    """
    teams = teams or {}
    names = {n: a.name for n, a in model.nations.items()}
    scores = model.scores()
    last = model.date_of(max(model.turn, 1))
    played = ", ".join(f"{t} ({names.get(n, n)})" for n, t in teams.items()) or "none"
    out = [
        "# Silicon Shield — debrief",
        "",
        f"Scenario **{model.scenario_id}**, seed {model.seed}, {model.turn} quarters "
        f"({model.date_of(1)} – {last}). Teams: {played}; bots played the other nations.",
        "",
        "## Final scores",
        "",
        f"{SCORES_NOTE} Teams first, then the bots.",
        "",
        "| Nation | Played by | Score | Aim | Points per objective |",
        "| --- | --- | ---: | --- | --- |",
    ]
    order = seat_order(model, teams)
    for nation in order:
        who = _team_words(teams[nation]) if nation in teams else "bot"
        objective = model.ruleset.objectives[nation].doc
        out.append(
            f"| {names.get(nation, nation)} | {who} | {scores[nation]:.1f} | {objective} "
            f"| {score_line(model, nation)} |"
        )
    out += ["", "### How each nation was scored", ""]
    for nation in order:
        objective = model.ruleset.objectives[nation]
        out += [f"**{names.get(nation, nation)}** — {objective.doc}", ""]
        out += ["| Term | Weight | Over | Value | Points |", "| --- | ---: | --- | ---: | ---: |"]
        for term in model.score_terms(nation):
            out.append(
                f"| {pretty(term.metric)}: {term.doc} | {term.weight:g} | {term.over} "
                f"| {term.value:.3f} | {term.points:.1f} |"
            )
        out.append("")
    out += ["## Turning points (largest first)", ""]
    for point in turning_points(model) if points is None else points:
        out += [f"### {point.date}", ""]
        out += [f"- **{pretty(m)}**: {a:.3f} → {b:.3f}" for m, a, b in point.changes]
        out += [f"  - {line}" for line in point.behind] or ["  - (no news that quarter)"]
        out.append("")
    if charts:
        out += ["## Charts", ""]
        out += [f"![{title}]({path})\n" for title, path in charts.items()]
    out += ["## Where things ended", "", "| Metric | Value | What it is |", "| --- | ---: | --- |"]
    for metric, spec in model.ruleset.metrics.items():
        value = model.metric_values.get(metric, 0.0)
        out.append(f"| {pretty(metric)} | {value:.3f} | {spec.spec.doc} |")
    out += ["", "## The news, quarter by quarter", ""]
    out += [f"- **{model.date_of(item.turn)}**: {item.text}" for item in model.news]
    out += ["", "_Made by Silicon Shield (`silicon-shield play`)._", ""]
    return "\n".join(out)


def export_debrief(
    model: GeoModel,
    base: Path,
    look: Look,
    text: Text,
    teams: dict[str, str] | None = None,
    reports: list[TurnReport] | None = None,
) -> Path:
    """Write `debrief.md` and its charts (`charts/*.png`) into a new folder under `base`.

    The folder is `debrief-<scenario>-<last date>` (with -2, -3, … when it exists).

    Returns:
        The Markdown file's path.

    Raises:
        OSError: when the folder or a file cannot be written.
    """
    stem = f"debrief-{model.scenario_id}-{model.date.replace(' ', '')}"
    folder, n = base / stem, 1
    while folder.exists():
        n += 1
        folder = base / f"{stem}-{n}"
    (folder / "charts").mkdir(parents=True)
    dates = [model.date_of(t) for t in range(1, model.turn + 1)]
    charts = {}
    for chart in key_charts(model, look, Ink.paper()):
        image = render_chart(chart, CHART_SIZE, dates, text, CHART_TEXT, Ink.paper())
        pygame.image.save(image, str(folder / "charts" / f"{chart.key}.png"))
        charts[chart.title] = f"charts/{chart.key}.png"
    path = folder / "debrief.md"
    points = turning_points(model, reports=reports)
    path.write_text(debrief_markdown(model, teams, charts, points), encoding="utf-8")
    return path


def _team_words(name: str) -> str:
    """'Taipei' -> 'team Taipei'; 'Team Taiwan' stays as it is (no 'team Team Taiwan')."""
    return name if name.lower().startswith("team") else f"team {name}"
