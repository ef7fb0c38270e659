"""`GeoModel`: one game of Silicon Shield as a plain Mesa model.

A turn is one `step()`: collect every nation's decision (scripted, submitted by a
player, or from its bot), then run the ruleset's phases in order — the decision phase
applies budgets and actions, the event phase rolls chance events — then collect the
metrics with Mesa's DataCollector. All randomness comes from the model's seeded RNG.
"""

from __future__ import annotations

import contextlib
import math
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mesa

from game.errors import ParameterError, SimulationError
from game.ruleset import (
    CONTEXT_SLOTS,
    CompiledBot,
    DecisionLine,
    Ruleset,
    ScenarioSpec,
    did_you_mean,
    load_ruleset,
)
from game.ruleset import load_decisions as _load_decision_file
from game.sim._agents import Agency, Firm, Nation, World
from game.sim._decisions import Decision, bot_decision, decisions_by_turn
from game.sim._engine import NewsItem, TraceEntry, apply_effects, run_rule

__all__ = ["DEFAULT_RULES", "GeoModel", "Proposal"]

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "rules"


class _Context:
    """What compiled expressions see as `c` (see `game.ruleset.CONTEXT_SLOTS`)."""

    __slots__ = CONTEXT_SLOTS


@dataclass
class Proposal:
    """A proposal awaiting its target's answer."""

    action: str
    source: str
    target: str
    turn: int
    expires: int


class GeoModel(mesa.Model):
    """One game: nations, firms and agencies following a ruleset.

    Args:
        seed: seed of the model's random number generators.
        scenario: a scenario id of the ruleset (default: the ruleset's default), or a
            `ScenarioSpec` (for example from `load_scenario_file`).
        rules: a ruleset folder, or an already loaded `Ruleset` (default: `rules/`).
        decisions: scripted decisions: a decisions file path or a list of `DecisionLine`.
        turns: the number of turns (default: the scenario's).
        seats: nation id -> "human" or "bot"; human nations without a submitted
            decision keep their standing budget split and take no action.
        trace: record every attribute change in `traces` (for "why?" in the front end).
        **params: values of the ruleset's parameters (for `mesa.batch_run` and sweeps).

    Raises:
        ParameterError: for an unknown parameter or a value outside its range.
        RulesetError: when the rules or the decisions file have errors.
    """

    def __init__(
        self,
        seed: int | None = None,
        scenario: str | ScenarioSpec | None = None,
        rules: str | Path | Ruleset | None = None,
        decisions: str | Path | list[DecisionLine] | None = None,
        turns: int | None = None,
        seats: dict[str, str] | None = None,
        trace: bool = False,
        **params: Any,
    ):
        super().__init__(seed=seed)
        self.seed = seed
        ruleset = rules if isinstance(rules, Ruleset) else load_ruleset(rules or DEFAULT_RULES)
        self.ruleset = ruleset
        if isinstance(scenario, ScenarioSpec):
            spec, self.scenario_id = scenario, scenario.title or "custom"
        else:
            self.scenario_id = scenario or ruleset.default_scenario
            if self.scenario_id not in ruleset.scenarios:
                hint = did_you_mean(self.scenario_id, ruleset.scenarios)
                known = ", ".join(ruleset.scenarios)
                raise ParameterError(
                    "scenario", f"unknown scenario {self.scenario_id!r}{hint}; known: {known}"
                )
            spec = ruleset.scenarios[self.scenario_id]
        self.scenario_spec = spec
        self.parameters = self._parameters(spec.parameters, params)
        self.turns = int(turns if turns is not None else spec.turns or ruleset.game.turns)
        start = spec.start or ruleset.game.start
        self.start_year, self.start_quarter = int(start[:4]), int(start[-1])
        self.turn = 0
        self._where, self._cause = "", ""
        self.tracing = trace
        self.traces: list[TraceEntry] = []
        self.news: list[NewsItem] = []
        self.event_log: list[tuple[int, str]] = []
        self.action_log: list[tuple[int, str, str, str | None]] = []
        self.proposals: list[Proposal] = []
        self.seats = dict.fromkeys(ruleset.nations, "bot") | dict(seats or {})
        self.submitted: dict[str, Decision] = {}
        self._fired: dict[str, int] = {}
        self._last_fired: dict[str, int] = {}
        self.bounds = {
            (kind, name): (
                -math.inf if a.min is None else a.min,
                math.inf if a.max is None else a.max,
            )
            for kind, table in ruleset.attributes.items()
            for name, a in table.items()
            if a.min is not None or a.max is not None
        }
        self._build_agents(spec)
        self._build_context()
        lines = list(spec.decisions)
        if isinstance(decisions, str | Path):
            lines += _load_decision_file(decisions, ruleset)
        elif decisions:
            lines += list(decisions)
        self.scripted, self.injected = decisions_by_turn(lines)
        last = max([*self.scripted, *self.injected], default=0)
        self.unplayed_decisions = last > self.turns  # scripted turns the game will not reach
        self.splits = {
            n: dict(ruleset.bots[n].invest) if n in ruleset.bots else {} for n in ruleset.nations
        }
        self.metric_values: dict[str, float] = {}
        self.history: dict[str, list[float]] = {m: [] for m in ruleset.metrics}
        self.datacollector = mesa.DataCollector(
            model_reporters={m: _reporter(m) for m in ruleset.metrics}
        )
        with self._guarded():
            for rule in ruleset.all_rules():
                if rule.spec.at_start:
                    self._where, self._cause = rule.where, rule.id
                    run_rule(self, rule)
            self._measure()
        self.datacollector.collect(self)

    # Set-up ------------------------------------------------------------------------
    def _parameters(self, scenario: dict[str, float], given: dict[str, Any]) -> dict[str, float]:
        specs = self.ruleset.parameters
        values = {name: p.value for name, p in specs.items()} | dict(scenario)
        for name, raw in given.items():
            if name not in specs:
                hint = did_you_mean(name, specs)
                raise ParameterError(name, f"unknown parameter {name!r}{hint}")
            if isinstance(raw, bool) or not isinstance(raw, int | float | str):
                raise ParameterError(name, f"parameter {name} needs a number, got {raw!r}")
            try:
                value = float(raw)
            except ValueError:
                raise ParameterError(
                    name, f"parameter {name} needs a number, got {raw!r}"
                ) from None
            spec = specs[name]
            if not spec.min <= value <= spec.max:
                raise ParameterError(
                    name,
                    f"parameter {name} = {value:g} is outside its range [{spec.min:g}, {spec.max:g}]",
                )
            values[name] = value
        return values

    def _build_agents(self, spec: Any) -> None:
        rs = self.ruleset
        defaults = {
            kind: {n: a.value for n, a in table.items()} for kind, table in rs.attributes.items()
        }
        lines = {f"invest_{line}": 0.0 for line in rs.investment_lines}
        self.world = World(defaults["world"] | spec.world)
        self.nations: dict[str, Nation] = {}
        for ident, n in rs.nations.items():
            values = (
                defaults["nation"]
                | {"budget": 0.0, **lines}
                | n.attrs
                | spec.nations.get(ident, {})
            )
            self.nations[ident] = Nation(self, ident, n.name, n.tags, values)
        self.firms: dict[str, Firm] = {}
        for ident, f in rs.firms.items():
            values = defaults["firm"] | f.attrs | spec.firms.get(ident, {})
            self.firms[ident] = Firm(self, ident, f.name, f.tags, values, self.nations[f.nation])
        self.agencies: dict[str, Agency] = {}
        for ident, a in rs.agencies.items():
            values = defaults["agency"] | a.attrs
            self.agencies[ident] = Agency(
                self, ident, a.name, a.tags, values, self.nations[a.nation]
            )

    def _build_context(self) -> None:
        c = _Context()
        by_kind = {"nation": self.nations, "firm": self.firms, "agency": self.agencies}
        c.sets = [
            [
                a
                for a in by_kind[kind].values()
                if (
                    nation is None
                    or a.id == nation
                    or getattr(a, "home", None) is self.nations.get(nation)
                )
                and (tag is None or tag in a.tags)
            ]
            for kind, nation, tag in self.ruleset.agent_sets
        ]
        c.self = c.target = None
        c.world = self.world
        c.p = types.SimpleNamespace(**self.parameters)
        c.nations, c.firms, c.agencies = self.nations, self.firms, self.agencies
        c.random = self.random.random
        c.pending, c.proposed = self._pending, self._proposed
        c.since, c.fired = self._since, self._fired_count
        self.context = c
        self._set_clock(0)  # set-up is the end of the quarter before the first

    def _set_clock(self, turn: int) -> None:
        c = self.context
        c.turn = float(turn)
        year, quarter = self.year_quarter(turn)
        c.year, c.quarter = float(year), float(quarter)

    # Functions rules can call ------------------------------------------------------
    def _pending(self, nation: Nation, action: str, source: str | None) -> int:
        return sum(
            1
            for p in self.proposals
            if p.target == nation.id and p.action == action and source in (None, p.source)
        )

    def _proposed(self, nation: Nation, action: str, target: str | None) -> int:
        return sum(
            1
            for p in self.proposals
            if p.source == nation.id and p.action == action and target in (None, p.target)
        )

    def _since(self, event: str) -> float:
        last = self._last_fired.get(event)
        return 1000.0 if last is None else float(self.turn - last)

    def _fired_count(self, event: str) -> float:
        return float(self._fired.get(event, 0))

    # A turn ------------------------------------------------------------------------
    @property
    def date(self) -> str:
        """The current turn's date, such as '2025 Q1'."""
        return self.date_of(max(self.turn, 1))

    def year_quarter(self, turn: int) -> tuple[int, int]:
        """The (year, quarter) of a turn: turn 1 is the scenario's start, turn 0 the quarter before."""
        index = self.start_quarter - 1 + turn - 1
        return self.start_year + index // 4, index % 4 + 1

    def date_of(self, turn: int) -> str:
        """The date of a turn, such as '2027 Q3'."""
        year, quarter = self.year_quarter(turn)
        return f"{year} Q{quarter}"

    def submit(self, decision: Decision) -> None:
        """Submit a player's decision for the coming turn (replaces an earlier one)."""
        if decision.nation not in self.nations:
            raise ParameterError("nation", f"unknown nation {decision.nation!r}")
        self.submitted[decision.nation] = decision

    @contextlib.contextmanager
    def _guarded(self) -> Iterator[None]:
        """Turn an arithmetic failure inside a rule into a SimulationError at its position.

        Each unit of work records where it comes from in `_where`/`_cause` (plain
        assignments, cheap enough for every rule of every turn).
        """
        self._where, self._cause = "", ""
        try:
            yield
        except (ArithmeticError, ValueError) as exc:
            where = self._where or self.ruleset.game.title
            problem = {
                OverflowError: "a number grew too large (overflow)",
                ZeroDivisionError: "division by zero",
            }.get(type(exc), str(exc))
            raise SimulationError(
                f"{where}: error: {problem} (in {self._cause!r}, turn {self.turn})",
                rule=self._cause,
                turn=self.turn,
            ) from None

    @property
    def over(self) -> bool:
        """Whether the last turn has been played."""
        return self.turn >= self.turns

    def step(self) -> None:
        """Play one turn; once the game is over, a step plays nothing and sets `running` False.

        Ending one step after the last turn (rather than during it) is what keeps the last
        turn in `mesa.batch_run`'s results, which report the row of step `steps - 1`.
        """
        if self.over:
            self.running = False
            return
        self.turn += 1
        self._set_clock(self.turn)
        rs = self.ruleset
        with self._guarded():
            decisions = self._decide()
            for phase in rs.phases:
                if phase == rs.game.decision_phase:
                    self._apply_decisions(decisions)
                for rule in rs.rules[phase]:
                    self._where, self._cause = rule.where, rule.id
                    run_rule(self, rule)
                if phase == rs.game.event_phase:
                    self._roll_events()
            self._expire_proposals()
            self._measure()
        self.datacollector.collect(self)

    def _decide(self) -> dict[str, Decision]:
        c = self.context
        scripted = self.scripted.get(self.turn, {})
        decisions = {}
        for ident, nation in self.nations.items():
            if ident in scripted:
                decision = scripted[ident]
            elif ident in self.submitted:
                decision = self.submitted[ident]
            elif self.seats.get(ident) == "bot" and ident in self.ruleset.bots:
                c.self, c.target = nation, None
                bot = self.ruleset.bots[ident]
                try:
                    decision = bot_decision(bot, c)
                except (ArithmeticError, ValueError):
                    self._blame_policy(bot)
                    raise
            else:
                decision = Decision(ident)
            decisions[ident] = decision
        self.submitted = {}
        return decisions

    def _blame_policy(self, bot: CompiledBot) -> None:
        """After a bot failed, find the policy whose condition fails (for the message)."""
        for policy in bot.policies:
            try:
                policy.when.fn(self.context)
            except (ArithmeticError, ValueError):
                self._where, self._cause = policy.where, f"bots.{bot.nation}"
                return

    def _apply_decisions(self, decisions: dict[str, Decision]) -> None:
        c = self.context
        budget = self.ruleset.budget.fn
        self._where, self._cause = "game.budget", "budget"
        for ident, decision in decisions.items():
            nation = self.nations[ident]
            if decision.invest is not None:
                total = sum(decision.invest.values())
                scale = 1.0 / total if total > 1.0 else 1.0  # several lines may add up past 1
                self.splits[ident] = {
                    line: share * scale for line, share in decision.invest.items()
                }
            c.self, c.target = nation, None
            nation.budget = float(budget(c))
            split = self.splits[ident]
            for line in self.ruleset.investment_lines:
                setattr(nation, f"invest_{line}", nation.budget * split.get(line, 0.0))
        for ident, decision in decisions.items():
            for action, target in decision.actions:
                self._take_action(self.nations[ident], action, target)

    def _take_action(self, nation: Nation, action_id: str, target_id: str | None) -> None:
        action = self.ruleset.actions[action_id]
        self._where, self._cause = action.where, action_id
        c = self.context
        target = self.nations.get(target_id) if target_id else None
        c.self, c.target = nation, target
        label = f"{nation.name} → {action_id}" + (f" ({target.name})" if target else "")
        if target is nation:
            self.post(f"{label}: refused, a nation cannot target itself", action_id)
            return
        if action.requires is not None and not action.requires.fn(c):
            self.post(
                f"{label}: refused, its requirement is not met ({action.spec.requires})", action_id
            )
            return
        if action.spec.answer:
            self._answer(nation, action_id, target, action.spec.answer)
            return
        if action.spec.proposal:
            if self._proposed(nation, action_id, target_id):
                self.post(f"{label}: refused, the same proposal is still pending", action_id)
                return
            self.proposals.append(
                Proposal(
                    action_id,
                    nation.id,
                    target_id or "",
                    self.turn,
                    self.turn + action.spec.proposal.expires,
                )
            )
        self.action_log.append((self.turn, nation.id, action_id, target_id))
        c.self, c.target = nation, target
        apply_effects(self, action.effects, action_id)

    def _answer(self, nation: Nation, action_id: str, proposer: Nation | None, answer: str) -> None:
        assert proposer is not None  # answers always have a target (checked at load)
        pending = [
            p
            for p in self.proposals
            if p.target == nation.id and p.source == proposer.id and p.turn < self.turn
        ]
        if not pending:
            self.post(
                f"{nation.name} → {action_id}: refused, no proposal from {proposer.name} is pending",
                action_id,
            )
            return
        proposal = pending[0]
        self.proposals.remove(proposal)
        self.action_log.append((self.turn, nation.id, action_id, proposer.id))
        deal = self.ruleset.actions[proposal.action]
        c = self.context
        c.self, c.target = nation, proposer
        apply_effects(self, self.ruleset.actions[action_id].effects, action_id)
        c.self, c.target = proposer, nation
        effects = deal.on_accept if answer == "accept" else deal.on_reject
        apply_effects(self, effects, f"{proposal.action}:{answer}")

    def _expire_proposals(self) -> None:
        c = self.context
        for proposal in [p for p in self.proposals if p.expires <= self.turn]:
            self.proposals.remove(proposal)
            self._where = self.ruleset.actions[proposal.action].where
            self._cause = proposal.action
            c.self, c.target = self.nations[proposal.source], self.nations[proposal.target]
            apply_effects(
                self, self.ruleset.actions[proposal.action].on_expire, f"{proposal.action}:expire"
            )

    def _roll_events(self) -> None:
        c = self.context
        injected = self.injected.get(self.turn, [])
        for ident, event in self.ruleset.events.items():
            c.self = c.target = None
            self._where, self._cause = event.where, ident
            if ident in injected:
                self.fire(ident, "injected")
                continue
            p = event.chance.fn(c)
            if p > 0 and self.random.random() < p:
                self.fire(ident, "chance")

    def fire(self, event_id: str, cause: str, depth: int = 0) -> None:
        """Fire an event now: record it and apply its effects in world scope."""
        event = self.ruleset.events[event_id]
        self.event_log.append((self.turn, event_id))
        self._fired[event_id] = self._fired.get(event_id, 0) + 1
        self._last_fired[event_id] = self.turn
        c = self.context
        c.self = c.target = None
        where = self._where
        self._where = event.where
        apply_effects(self, event.effects, event_id, depth, via=cause)
        self._where = where

    def post(self, text: str, *causes: str) -> None:
        """Add a news item for this turn."""
        self.news.append(NewsItem(self.turn, text, causes))

    def fail(self, where: str, message: str, cause: str) -> None:
        """Stop the game with a rule error at `where`."""
        raise SimulationError(
            f"{where}: error: {message} (in {cause!r}, turn {self.turn})",
            rule=cause,
            turn=self.turn,
        )

    # Measuring ---------------------------------------------------------------------
    def _measure(self) -> None:
        c = self.context
        c.self = c.target = None
        values = {}
        for ident, metric in self.ruleset.metrics.items():
            self._where, self._cause = metric.where, ident
            value = float(metric.expr.fn(c))
            if not math.isfinite(value):
                raise ValueError(f"metric {ident!r} is {value} (not a finite number)")
            values[ident] = value
        self.metric_values = values
        if self.turn > 0:
            for ident, value in values.items():
                self.history[ident].append(value)

    def scores(self) -> dict[str, float]:
        """Each nation's score so far, from its objectives."""
        out = {}
        for nation, objective in self.ruleset.objectives.items():
            total = 0.0
            for term in objective.terms:
                series = self.history[term.metric] or [self.metric_values[term.metric]]
                value = series[-1] if term.over == "final" else sum(series) / len(series)
                total += term.weight * value
            out[nation] = round(total, 6)
        return out

    def run(self, progress: Any = None) -> GeoModel:
        """Play until the last turn; call `progress(turn)` after each turn if given."""
        while not self.over:
            self.step()
            if progress is not None:
                progress(self.turn)
        self.running = False
        return self

    def summary(self) -> dict[str, Any]:
        """The result of the game so far, as plain data (what `run --json` prints)."""
        return {
            "scenario": self.scenario_id,
            "seed": self.seed,
            "turns": self.turn,
            "start": self.date_of(1),
            "end": self.date_of(max(self.turn, 1)),
            "ruleset_hash": self.ruleset.hash,
            "parameters": dict(self.parameters),
            "final": {k: round(v, 6) for k, v in self.metric_values.items()},
            "scores": self.scores(),
            "events": [{"turn": t, "id": e} for t, e in self.event_log],
            "news": [
                {
                    "turn": n.turn,
                    "date": self.date_of(n.turn),
                    "text": n.text,
                    "causes": list(n.causes),
                }
                for n in self.news
            ],
        }


def _reporter(metric: str) -> Any:
    def report(model: GeoModel) -> float:
        return model.metric_values[metric]

    return report
