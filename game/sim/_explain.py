"""What a front end asks of a game: why a news item happened, how a nation is scored, what
its budget is. Plain data, computed from the model without changing it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.ruleset import ActionSpec, EventSpec, RuleSpec, labelled_origin
from game.sim._engine import NewsItem, TraceEntry

if TYPE_CHECKING:
    from game.sim._model import GeoModel

__all__ = ["Cause", "Explanation", "ScoreTerm", "explain", "score_terms"]


@dataclass(frozen=True)
class Cause:
    """A rule, action, event or answer behind a news item, as the rule files describe it.

    `kind` is "rule", "action", "event", "answer" (a proposal accepted, rejected or
    lapsed), "chance" or "injected"; `source` quotes the article passage (or states the
    assumption, with `assumption` True: there is no passage); `where` is its
    `file:line:col`. An entry may have both a passage and an assumption (the article
    gives the direction, the game the size): `article` and `assumed` hold each, and
    `origin()` gives them labelled as `docs` labels them.
    """

    id: str
    kind: str
    doc: str
    source: str
    assumption: bool
    where: str
    article: str = ""
    assumed: str = ""

    def origin(self) -> list[tuple[str, str]]:
        """Where this comes from, as (label, text) pairs: ("From the article", passage)
        and/or ("Assumed", the designers' reasoning), in that order."""
        if self.article or self.assumed:
            return labelled_origin(self.article, self.assumed)
        if self.assumption:
            return labelled_origin(None, self.source)
        return labelled_origin(self.source, None)


@dataclass(frozen=True)
class Explanation:
    """Why a news item happened: its causes and the changes they made in that turn."""

    item: NewsItem
    causes: tuple[Cause, ...]
    changes: tuple[TraceEntry, ...]


@dataclass(frozen=True)
class ScoreTerm:
    """One term of a nation's objective: its metric, weight and contribution so far."""

    metric: str
    doc: str
    weight: float
    over: str
    value: float
    points: float


def describe(model: GeoModel, cause: str) -> Cause:
    """The rule, action, event or answer named `cause` (as news and traces name them)."""
    rs = model.ruleset
    if cause in ("chance", "injected"):
        doc = "drawn by chance this turn" if cause == "chance" else "injected by the facilitator"
        return Cause(cause, cause, doc, "", False, "")
    base, _, answer = cause.partition(":")
    spec: RuleSpec | ActionSpec | EventSpec | None = None
    kind, where = "rule", ""
    for phase_rules in rs.rules.values():
        for rule in phase_rules:
            if rule.id == base:
                spec, where = rule.spec, rule.where
    if base in rs.actions:
        kind, spec, where = "action", rs.actions[base].spec, rs.actions[base].where
    if base in rs.events:
        kind, spec, where = "event", rs.events[base].spec, rs.events[base].where
    if spec is None:
        return Cause(cause, "other", cause, "", False, "")
    doc, source, assumption = spec.doc, spec.source, spec.assumption
    if answer:
        kind = "answer"
        proposal = spec.proposal if isinstance(spec, ActionSpec) else None
        outcome = proposal.outcomes.get(answer) if proposal else None  # type: ignore[call-overload]
        if outcome is not None:  # the outcome's own doc and source
            doc, source, assumption = outcome.doc, outcome.source, outcome.assumption
        else:
            doc += f" ({_ANSWERS.get(answer, answer)})"
    return Cause(
        cause,
        kind,
        doc,
        source or assumption or "",
        source is None,
        where,
        article=source or "",
        assumed=assumption or "",
    )


_ANSWERS = {"accept": "accepted", "reject": "rejected", "expire": "left to lapse"}


def explain(model: GeoModel, item: NewsItem) -> Explanation:
    """Why `item` happened: the causes it names and every change they made in its turn.

    The changes are there when the game traces (`GeoModel(trace=True)`); without
    tracing only the causes are known.
    """
    causes = tuple(describe(model, cause) for cause in item.causes)
    names = set(item.causes)
    changes = tuple(t for t in model.traces if t.turn == item.turn and t.cause in names)
    return Explanation(item, causes, changes)


def score_terms(model: GeoModel, nation: str, turn: int | None = None) -> list[ScoreTerm]:
    """How `nation` is scored, term by term, with the points each has earned so far (or
    by the end of `turn`: a term on the "final" value takes that turn's value, one on the
    "mean" the mean of the turns up to it)."""
    objective = model.ruleset.objectives.get(nation)
    if objective is None:
        return []
    out = []
    for term in objective.terms:
        history = model.history[term.metric] if turn is None else model.history[term.metric][:turn]
        series = history or [model.metric_values[term.metric]]
        value = series[-1] if term.over == "final" else sum(series) / len(series)
        doc = term.doc or model.ruleset.metrics[term.metric].spec.doc
        out.append(ScoreTerm(term.metric, doc, term.weight, term.over, value, term.weight * value))
    return out
