"""What a team's page shows, as plain data: the same facts the front end's decision
screen and news screen show, for the team's own nation only."""

from __future__ import annotations

from typing import Any

from game.ui._screens_turn import change_label, pretty, shown_changes
from game.ui._session import Session

__all__ = ["team_view"]

NEWS_SHOWN = 12  # the news screen's limit


def team_view(session: Session, nation: str, decided: bool) -> dict[str, Any]:
    """The `state` message for `nation`'s team."""
    model = session.model
    rs = model.ruleset
    me = model.nations[nation]
    coming = model.turn + 1
    standing = model.splits.get(nation, {})
    pending = session.decided.get(nation)
    objective = rs.objectives.get(nation)
    scenario = rs.scenarios.get(model.scenario_id)
    view: dict[str, Any] = {
        "type": "state",
        "turn": coming,
        "date": model.date_of(coming),
        "last_turn": model.turns,
        "over": model.over,
        "nation": nation,
        "name": me.name,
        "team": session.teams[nation].name if nation in session.teams else "",
        "briefing": scenario.doc if scenario is not None else "",
        "aim": objective.doc if objective is not None else "",
        "score": round(model.scores().get(nation, 0.0), 2),
        "terms": [
            {
                "metric": pretty(t.metric),
                "doc": t.doc,
                "weight": t.weight,
                "points": round(t.points, 2),
            }
            for t in model.score_terms(nation)
        ],
        "budget": round(model.budget_of(nation), 2),
        "lines": [
            {
                "id": line,
                "label": pretty(line),
                "doc": spec.doc,
                "share": round(standing.get(line, 0.0), 4),
            }
            for line, spec in rs.investment_lines.items()
        ],
        "moves": _moves(session, nation),
        "proposals": [
            {
                "from": p.source,
                "name": model.nations[p.source].name,
                "action": p.action,
                "label": pretty(p.action),
                "doc": rs.actions[p.action].spec.doc,
            }
            for p in model.pending_proposals(nation)
        ],
        "submitted": decided,
        "pending": None
        if pending is None
        else {
            "invest": pending.invest,
            "actions": [{"action": a, "target": t} for a, t in pending.actions],
        },
        "news": _news(session),
        "news_date": model.date_of(model.turn) if model.turn else "",
        # The quarter just played went on without this team's decision (its standing split).
        "late": any(
            d.turn == model.turn and d.nation == nation and d.by == "standing"
            for d in model.decision_log
        ),
    }
    del me
    return view


def _moves(session: Session, nation: str) -> list[dict[str, Any]]:
    """The moves a team may make, per target, with why one is closed this quarter; moves
    the rules never allow this nation are left out, as the front end leaves them out."""
    model = session.model
    out = []
    for option in model.action_options(nation):
        if option.never or option.action in ("accept_proposal", "reject_proposal"):
            continue
        target = model.nations[option.target].name if option.target else None
        out.append(
            {"action": option.action, "target": option.target, "label": pretty(option.action),
             "target_name": target, "doc": option.doc, "available": option.available,
             "reason": option.reason}
        )  # fmt: skip
    return out


def _news(session: Session) -> list[dict[str, Any]]:
    """The last quarter's news, each item with its causes and what changed (Why?)."""
    model = session.model
    items = [item for item in model.news if item.turn == model.turn][:NEWS_SHOWN]
    out = []
    for item in items:
        why = model.explain(item)
        causes = [
            {"title": pretty(c.id.partition(":")[0]), "kind": c.kind, "doc": c.doc,
             "origin": [{"label": label, "text": text} for label, text in c.origin()]}
            for c in why.causes
        ]  # fmt: skip
        changes = [
            {
                "what": change_label(model, t),
                "before": round(t.before, 4),
                "after": round(t.after, 4),
            }
            for t in shown_changes(why)
        ]
        out.append({"text": item.text, "causes": causes, "changes": changes})
    return out
