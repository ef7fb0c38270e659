"""What the debrief says, and its export: a Markdown file with PNG charts in a folder an
instructor hands out.

`turning_points`, `news_line` and `debrief_markdown` are pure (a model in, data or text
out); `export_debrief` is the edge that writes the folder. Teams are named as they were
given (the setup's default is "Team <nation>"); a news item says when a team's decision
made it, and an event the facilitator injected says so wherever it is shown, so that no
one reads it as caused by the teams' moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pygame

from game.sim import GeoModel, NewsItem, TurnReport
from game.ui._charts import Ink, key_charts, render_chart
from game.ui._screen import Text
from game.ui._screens_turn import possessive
from game.ui._screens_turn import pretty as in_words
from game.ui._theme import Look

__all__ = [
    "SCORES_NOTE",
    "TurningPoint",
    "debrief_markdown",
    "export_debrief",
    "format_value",
    "news_line",
    "pretty",
    "score_line",
    "seat_order",
    "team_names",
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
POINTS = 8  # turning points in all, unless more quarters had a team's decision in the news

INJECTED = "injected by the facilitator"
CHANCE = "by chance"


@dataclass(frozen=True)
class TurningPoint:
    """A quarter in which key metrics jumped or a team's decision made news, and what
    happened in it."""

    turn: int
    date: str
    changes: tuple[tuple[str, float, float], ...]  # metric, before, after
    behind: tuple[str, ...]  # the news, moves and events of the quarter, in words
    decided: tuple[str, ...] = ()  # the teams whose decisions made news that quarter
    injected: tuple[str, ...] = ()  # the events the facilitator injected, in words

    @property
    def heading(self) -> str:
        """'2026 Q1 — Team Taiwan's decision', '2026 Q3 — Strait crisis (injected by the
        facilitator)', or the date alone."""
        tags = [f"{possessive(team)} decision" for team in self.decided]
        tags += [f"{event} ({INJECTED})" for event in self.injected]
        return f"{self.date} — {'; '.join(tags)}" if tags else self.date


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

# Nation ids inside the rules' names ('jp_gdp_index'), written in capitals.
_NATION_IDS = {"us", "tw", "cn", "jp", "kr", "eu"}


def pretty(ident: str) -> str:
    """A metric's, action's, event's or investment line's name in words, as the decision
    screen writes it: 'us_tw_trust' -> 'US–Taiwan trust', 'jp_gdp_index' -> 'JP GDP index',
    'ai' -> 'AI', 'strait_crisis' -> 'Strait crisis'."""
    if ident in METRIC_NAMES:
        return METRIC_NAMES[ident]
    return in_words("_".join(w.upper() if w in _NATION_IDS else w for w in ident.split("_")))


def format_value(model: GeoModel, metric: str, value: float, digits: int = 3) -> str:
    """A metric's value as the room reads it: a count as a whole number ('3'), a count
    of one attribute bounded 0..1 as 'no'/'yes', anything else with `digits` decimals
    (also a count's mean over the game, which need not be whole)."""
    compiled = model.ruleset.metrics.get(metric)
    whole = abs(value - round(value)) < 1e-9
    if compiled is None or compiled.spec.unit != "count" or not whole:
        return f"{value:.{digits}f}"
    if _bounds(model, compiled.spec.expr) == (0.0, 1.0) and round(value) in (0, 1):
        return "yes" if round(value) else "no"
    return f"{round(value):d}"


def _bounds(model: GeoModel, expr: str) -> tuple[float | None, float | None] | None:
    """The declared bounds of the attribute a metric reads ('world.t7',
    "nation('TW').defense"), or None when its expression is more than that."""
    match = re.fullmatch(r"\s*(world|nation|firm|agency)(?:\([^)]*\))?\.(\w+)\s*", expr)
    if match is None:
        return None
    spec = model.ruleset.attributes.get(match[1], {}).get(match[2])
    return None if spec is None else (spec.min, spec.max)


def team_names(model: GeoModel, teams: dict[str, str] | None = None) -> dict[str, str]:
    """Each team nation's team name: as given in `teams`, else the setup's default
    ('Team Taiwan') for a nation a team decided for in the game's record."""
    out = dict(teams or {})
    for decision in model.decision_log:
        if decision.by == "team" and decision.nation not in out:
            out[decision.nation] = f"Team {model.nations[decision.nation].name}"
    return out


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


def change_words(model: GeoModel, change: tuple[str, float, float], digits: int = 3) -> str:
    """'Silicon shield 0.95 → 0.89', 'Clean Network members 2 → 3', 'T7 formed no → yes'."""
    metric, before, after = change
    a, b = (format_value(model, metric, v, digits) for v in (before, after))
    return f"{pretty(metric)} {a} → {b}"


def turning_points(
    model: GeoModel,
    count: int = POINTS,
    reports: list[TurnReport] | None = None,
    teams: dict[str, str] | None = None,
) -> list[TurningPoint]:
    """The quarters a debrief talks of: first every quarter in which a team's decision (an
    action taken, a proposal answered) made news, then the others with the largest jumps
    in key metrics, up to `count` in all; the teams' quarters are never left out. Each
    group is in order of its largest jump.

    A jump is the change over the quarter, relative to the value before it when that is
    above 1 (so a GDP index moving by 2 counts as 2%, a 0–1 share moving by 0.02 as 0.02).
    The first quarter is measured from the game's start when its report is at hand.

    Args:
        reports: the turns' reports, for the values before the first quarter.
        teams: nation id -> team name (default: see `team_names`).
    """
    names = team_names(model, teams)
    before_first = {}
    for report in reports or []:
        if report.turn == 1:
            before_first = {k: v[0] for k, v in report.metrics.items()}
    metrics = [m for m in KEY_METRICS if m in model.history]
    scored: list[tuple[bool, float, int, list[tuple[float, str, float, float]], list[str]]] = []
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
        decided = list(dict.fromkeys(_team_news(model, turn, names).values()))
        if moves or decided:
            top = max((m[0] for m in moves), default=0.0)
            scored.append((bool(decided), top, turn, moves, decided))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    teams_count = sum(1 for s in scored if s[0])
    out = []
    for _, top, turn, moves, decided in scored[: max(count, teams_count)]:
        big = sorted((m for m in moves if m[0] >= top * 0.3), key=lambda m: m[0], reverse=True)
        injected = [e for e, origin in _events(model, turn) if origin == INJECTED]
        out.append(
            TurningPoint(
                turn,
                model.date_of(turn),
                tuple((metric, before, after) for _, metric, before, after in big[:3]),
                tuple(_behind(model, turn, names)),
                tuple(decided),
                tuple(dict.fromkeys(pretty(e) for e in injected)),
            )
        )
    return out


def news_line(
    model: GeoModel, item: NewsItem, teams: dict[str, str] | None = None, by_team: bool = True
) -> str:
    """A news item as the debrief shows it, saying where it came from when that was a
    team's decision (unless not `by_team`: a turning point's heading says so), the
    facilitator or chance:
    "Strait crisis (injected by the facilitator) — CRISIS in the Taiwan Strait: …"."""
    team = _team_news(model, item.turn, team_names(model, teams)).get(item) if by_team else None
    if team is not None:
        return f"{possessive(team)} decision — {item.text}"
    origins = dict(_events(model, item.turn))
    for cause in item.causes:
        if origins.get(cause):
            return f"{pretty(cause)} ({origins[cause]}) — {item.text}"
    return item.text


def _events(model: GeoModel, turn: int) -> list[tuple[str, str]]:
    """The events fired in `turn`, each with where it came from: injected by the
    facilitator, by chance, or '' (set off by a rule); an event another event set off
    comes from where that one came from."""
    fired = [(event, cause) for t, event, cause in model.fired_events if t == turn]
    why = {"injected": INJECTED, "chance": CHANCE}
    origin: dict[str, str] = {}
    for event, cause in fired:
        origin.setdefault(event, why.get(cause, origin.get(cause, "")))
    return [(event, origin[event]) for event in dict.fromkeys(e for e, _ in fired)]


def _action_causes(
    model: GeoModel, turn: int, nation: str, action: str, target: str | None
) -> set[str]:
    """The causes the news of an action taken carries: the action's own, and for an
    answer the answered proposal's outcome ('propose_sourcing_5050:accept')."""
    causes = {action}
    spec = model.ruleset.actions[action].spec
    if spec.answer and target is not None:
        proposals = [
            a
            for t, by, a, to in model.action_log
            if t < turn and by == target and to == nation and model.ruleset.actions[a].spec.proposal
        ]
        if proposals:
            causes.add(f"{proposals[-1]}:{spec.answer}")
    return causes


def _team_news(model: GeoModel, turn: int, teams: dict[str, str]) -> dict[NewsItem, str]:
    """The news items of `turn` a team's decision made, each with its team's name:
    the news of the actions the team took and of the proposals it answered."""
    news = [item for item in model.news if item.turn == turn]
    taken = {(n, a, t) for tt, n, a, t in model.action_log if tt == turn}
    out: dict[NewsItem, str] = {}
    for decision in model.decision_log:
        if decision.turn != turn or decision.by != "team":
            continue
        team = teams.get(decision.nation, f"Team {model.nations[decision.nation].name}")
        for action, target in decision.actions:
            if (decision.nation, action, target) not in taken:
                continue  # refused: the decision changed nothing
            causes = _action_causes(model, turn, decision.nation, action, target)
            for item in news:
                if item.causes and item.causes[0] in causes:
                    out.setdefault(item, team)
    return out


def _behind(model: GeoModel, turn: int, teams: dict[str, str]) -> list[str]:
    """What happened in a quarter: its news (saying where each came from), the moves taken
    and the events fired that made no news, and where each team put most of its budget."""
    names = {n: a.name for n, a in model.nations.items()}
    news = [item for item in model.news if item.turn == turn]
    lines = [news_line(model, item, teams, by_team=False) for item in news]
    said = {cause for item in news for cause in item.causes[:1]}
    for t, nation, action, target in model.action_log:
        if t == turn and not _action_causes(model, turn, nation, action, target) & said:
            aim = f" → {names.get(target, target)}" if target else ""
            who = names.get(nation, nation)
            lines.append(f"{who}: {_lower_first(pretty(action))}{aim}")
    for event, origin in _events(model, turn):
        if event not in said:
            lines.append(f"{pretty(event)}" + (f" ({origin})" if origin else ""))
    for decision in model.decision_log:
        if decision.turn == turn and decision.by == "team" and decision.invest:
            top = max(decision.invest, key=decision.invest.__getitem__)
            share = decision.invest[top] / (sum(decision.invest.values()) or 1.0)
            team = teams.get(decision.nation, names[decision.nation])
            lines.append(
                f"{team} ({names[decision.nation]}) put the largest share of its budget "
                f"into {pretty(top)} ({share:.0%})"
            )
    return list(dict.fromkeys(lines))  # each line once, in order


def _lower_first(text: str) -> str:
    """'Accept proposal' -> 'accept proposal'; 'AI push' and 'T7 …' stay as they are."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


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
        points: the turning points (default: `turning_points(model, teams=teams)`).
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
        who = teams.get(nation, "bot")
        aim = model.ruleset.objectives[nation].doc
        out.append(
            f"| {names.get(nation, nation)} | {who} | {scores[nation]:.1f} | {aim} "
            f"| {score_line(model, nation)} |"
        )
    out += ["", "### How each nation was scored", ""]
    for nation in order:
        objective = model.ruleset.objectives[nation]
        out += [f"**{names.get(nation, nation)}** — {objective.doc}", ""]
        out += ["| Term | Weight | Over | Value | Points |", "| --- | ---: | --- | ---: | ---: |"]
        for term in model.score_terms(nation):
            value = format_value(model, term.metric, term.value)
            out.append(
                f"| {pretty(term.metric)}: {term.doc} | {term.weight:g} | {term.over} "
                f"| {value} | {term.points:.1f} |"
            )
        out.append("")
    out += [
        "## Turning points",
        "",
        "The quarters in which a team's decision made news come first, then those in which "
        "the key metrics moved most, each group largest move first.",
        "",
    ]
    for point in turning_points(model, teams=teams) if points is None else points:
        out += [f"### {point.heading}", ""]
        for metric, before, after in point.changes:
            a, b = (format_value(model, metric, v) for v in (before, after))
            out.append(f"- **{pretty(metric)}**: {a} → {b}")
        if not point.changes:
            out.append("- (no key metric moved)")
        out += [f"  - {line}" for line in point.behind] or ["  - (no news that quarter)"]
        out.append("")
    if charts:
        out += ["## Charts", ""]
        out += [f"![{title}]({path})\n" for title, path in charts.items()]
    out += ["## Where things ended", "", "| Metric | Value | What it is |", "| --- | ---: | --- |"]
    for metric, spec in model.ruleset.metrics.items():
        value = format_value(model, metric, model.metric_values.get(metric, 0.0))
        out.append(f"| {pretty(metric)} | {value} | {spec.spec.doc} |")
    out += ["", "## The news, quarter by quarter", ""]
    out += [
        f"- **{model.date_of(item.turn)}**: {news_line(model, item, teams)}" for item in model.news
    ]
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
    points = turning_points(model, reports=reports, teams=teams)
    path.write_text(debrief_markdown(model, teams, charts, points), encoding="utf-8")
    return path
