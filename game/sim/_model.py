"""`GeoModel`: one game of Silicon Shield as a plain Mesa model.

A turn is one `step()` (or `play_turn()`, which also returns a `TurnReport`): collect
every nation's decision (scripted, submitted by a team, or from its bot), then run the
ruleset's phases in order — the decision phase applies budgets and actions, the event
phase rolls chance events — then collect the metrics with Mesa's DataCollector. Every
decision applied goes into the game's record (`record()`), from which `from_record` plays
the game again exactly.

Chance comes from common random numbers (`draw`): each draw is a pure function of the
seed, the turn and a key naming what draws — an event, a rule for one agent, or the
n-th `chance()` of one agent (or of one nation's bot) in the turn. Injecting an event,
adding or removing one, or a bot drawing once more therefore changes no other draw, so
two games that differ in one choice differ only by its consequences.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mesa

from game.errors import ParameterError, SimulationError
from game.ruleset import (
    DEFAULT_RULES,
    CompiledBot,
    DecisionLine,
    Ruleset,
    ScenarioSpec,
    load_ruleset,
    raised_in_rule,
)
from game.ruleset import load_decisions as _load_decision_file
from game.sim._actions import Proposal, action_options, expire_proposals, take_action
from game.sim._agents import Nation
from game.sim._context import build_context
from game.sim._decisions import Decision, bot_decision, check_decision, decisions_by_turn
from game.sim._engine import (
    NewsItem,
    TraceEntry,
    apply_effects,
    attribute_bounds,
    metrics_function,
    phase_functions,
    run_rule,
)
from game.sim._explain import Explanation, ScoreTerm, explain, score_terms
from game.sim._record import (
    KEYED_DRAWS_SINCE,
    ActionOption,
    ActionOutcome,
    DecisionRecord,
    GameRecord,
    RecordError,
    TurnReport,
)
from game.sim._replay import follow_record, make_record, scenario_of
from game.sim._setup import (
    SEAT_KINDS,
    build_agents,
    resolve_parameters,
    resolve_scenario,
    resolve_seats,
)

__all__ = ["DEFAULT_RULES", "MAX_TURNS", "SEAT_KINDS", "GeoModel"]

MAX_TURNS = 1000  # the longest game a ruleset may declare (GameSpec.turns)
_UNIT = 2.0**-53  # 53 random bits -> a float in [0, 1), as random.random() makes one

# The chance() streams' turn and counts, the bot asked, and (for sequential draws) the
# generator's state: see GeoModel.draw_state.
DrawState = tuple[int, dict[str, int], str | None, Any]


def _metric_value(metric: str, model: GeoModel) -> float:
    """A DataCollector reporter (as `functools.partial(_metric_value, id)`: it pickles)."""
    return model.metric_values[metric]


class MetricCollector(mesa.DataCollector):
    """Mesa's DataCollector of the game's metrics, one reporter per metric, that appends
    each metric's value as it is: Mesa deep-copies every reported value (a reporter may
    return a list it goes on changing), but a metric is a float, which cannot change.
    Reporters added beyond the metrics are collected as Mesa collects them."""

    def collect(self, model: Any) -> None:
        reporters = self.model_reporters
        values = model.metric_values
        if self.agent_reporters or self.agenttype_reporters or reporters.keys() != values.keys():
            super().collect(model)
            return
        columns = self.model_vars
        for var in reporters:
            columns[var].append(values[var])


class GeoModel(mesa.Model):
    """One game: nations, firms and agencies following a ruleset.

    Args:
        seed: the seed every chance draw derives from (see `draw`); when None, one is
            drawn and recorded (`seed` then holds it), so every game can be replayed.
        scenario: a scenario id of the ruleset (default: the ruleset's default), or a
            `ScenarioSpec` (for example from `load_scenario_file`).
        rules: a ruleset folder, or an already loaded `Ruleset` (default: the bundled
            rules, `game.ruleset.DEFAULT_RULES`).
        decisions: scripted decisions: a decisions file path or a list of `DecisionLine`.
        turns: the number of turns (default: the scenario's), 1 to 1000.
        seats: nation id -> "human" or "bot"; human nations without a submitted
            decision keep their standing budget split and take no action.
        trace: record every attribute change in `traces` (for "why?" in the front end).
        _sequential_draws: draw every chance from Mesa's generator in the order drawn, as
            games did before common random numbers (to replay a format 1 record).
        **params: values of the ruleset's parameters (for `mesa.batch_run` and sweeps).

    Raises:
        ParameterError: for an unknown parameter, a value outside its range, an unknown
            scenario or seat, or a number of turns out of range.
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
        _sequential_draws: bool = False,
        **params: Any,
    ):
        if seed is None:
            seed = secrets.randbelow(2**32)
        super().__init__(seed=seed)
        self.seed = seed
        ruleset = rules if isinstance(rules, Ruleset) else load_ruleset(rules or DEFAULT_RULES)
        self.ruleset = ruleset
        spec, self.scenario_id, self.scenario_from_file = resolve_scenario(ruleset, scenario)
        self.scenario_spec = spec
        self.given_parameters = dict(params)
        self.parameters = resolve_parameters(ruleset, spec.parameters, params)
        self.turns = int(turns if turns is not None else spec.turns or ruleset.game.turns)
        if not 1 <= self.turns <= MAX_TURNS:
            raise ParameterError("turns", f"a game has 1 to {MAX_TURNS} turns, not {self.turns}")
        start = spec.start or ruleset.game.start
        self.start_year, self.start_quarter = int(start[:4]), int(start[-1])
        self.turn = 0
        self.where, self.cause = "", ""
        self.tracing = trace
        self.traces: list[TraceEntry] = []
        self.news: list[NewsItem] = []
        self.fired_events: list[tuple[int, str, str]] = []  # (turn, event, what fired it)
        self.action_log: list[tuple[int, str, str, str | None]] = []
        self.decision_log: list[DecisionRecord] = []
        self.injection_log: list[tuple[int, str]] = []
        self.proposals: list[Proposal] = []
        self.seats = resolve_seats(ruleset, seats)
        self.submitted: dict[str, Decision] = {}
        self.last_report: TurnReport | None = None
        self._fired: dict[str, int] = {}
        self._last_fired: dict[str, int] = {}
        self._outcomes: list[ActionOutcome] = []
        self._expected_bots: dict[int, dict[str, DecisionRecord]] = {}  # when replaying
        self._check_bots = False
        # The chance() streams: draws so far in turn `_draw_turn`, per stream (`chance_draw`).
        self._draw_turn = 0
        self._draws: dict[str, int] = {}
        self._bot_asked: str | None = None  # the nation whose bot decides now, if any
        self.sequential_draws = _sequential_draws
        self.undo_log: list[tuple[int, tuple[DecisionRecord, ...]]] = []
        self.bounds = attribute_bounds(ruleset)
        self.world, self.nations, self.firms, self.agencies = build_agents(self, spec)
        self.context = build_context(self)
        self._set_clock(0)  # set-up is the end of the quarter before the first
        lines = list(spec.decisions)
        if isinstance(decisions, str | Path):
            lines += _load_decision_file(decisions, ruleset)
        elif decisions:
            lines += list(decisions)
        self.script: list[DecisionLine] = lines  # every scripted line, past and to come
        self.scripted, self.injected = decisions_by_turn(lines)
        self.sources: dict[int, dict[str, str]] = {}  # turn -> nation -> "team" (replays)
        last = max([*self.scripted, *self.injected], default=0)
        self.unplayed_decisions = last > self.turns  # scripted turns the game will not reach
        self.splits = {
            n: dict(ruleset.bots[n].invest) if n in ruleset.bots else {} for n in ruleset.nations
        }
        self.metric_values: dict[str, float] = {}
        self.history: dict[str, list[float]] = {m: [] for m in ruleset.metrics}
        self.datacollector = MetricCollector(
            model_reporters={m: functools.partial(_metric_value, m) for m in ruleset.metrics}
        )
        with self._guarded():
            for rule in ruleset.all_rules():
                if rule.spec.at_start:
                    self.where, self.cause = rule.where, rule.id
                    run_rule(self, rule)
            self._measure()
        self.datacollector.collect(self)

    # Set-up ------------------------------------------------------------------------
    def _set_clock(self, turn: int) -> None:
        c = self.context
        c.turn = float(turn)
        year, quarter = self.year_quarter(turn)
        c.year, c.quarter = float(year), float(quarter)

    # Functions rules can call ------------------------------------------------------
    def pending(self, nation: Nation, action: str, source: str | None) -> int:
        """How many proposals of kind `action` (from `source`, if given) await `nation`."""
        return sum(
            1
            for p in self.proposals
            if p.target == nation.id and p.action == action and source in (None, p.source)
        )

    def proposed(self, nation: Nation, action: str, target: str | None) -> int:
        """How many proposals of kind `action` (to `target`, if given) `nation` awaits."""
        return sum(
            1
            for p in self.proposals
            if p.source == nation.id and p.action == action and target in (None, p.target)
        )

    def since(self, event: str) -> float:
        """Turns since `event` last fired (1000 if never)."""
        last = self._last_fired.get(event)
        return 1000.0 if last is None else float(self.turn - last)

    def fired_count(self, event: str) -> float:
        """How many times `event` has fired."""
        return float(self._fired.get(event, 0))

    # Chance ------------------------------------------------------------------------
    def draw(self, key: str, turn: int | None = None) -> float:
        """A number uniform in [0, 1), a pure function of the seed, the turn (default:
        the current one) and `key`.

        Common random numbers: whatever else the game draws, and in whatever order, the
        draw for (seed, turn, key) is the same. It is the first 53 bits of a BLAKE2b
        hash of the three, so it is the same in every process and Python version (and
        costs about a microsecond). Keys in use: `event:ID` (an event's roll),
        `rule:ID:AGENT` (a rule's `chance:` for one agent, `world` for a world rule) and
        `chance:STREAM:N` (the n-th `chance()` of a stream in the turn, `chance_draw`).
        """
        when = self.turn if turn is None else turn
        text = f"{self.seed}:{when}:{key}".encode()
        bits = int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big") >> 11
        return bits * _UNIT

    def roll(self, key: str) -> float:
        """The number a roll keyed `key` compares its chance with: `draw(key)`, or in a
        game replaying a format 1 record, the next number of Mesa's generator."""
        return self.random.random() if self.sequential_draws else self.draw(key)

    def chance_draw(self) -> float:
        """The number `chance(p)` compares `p` with (expressions call it as `c.random()`).

        Each agent (as `self`; `world` without one) has its own stream of draws per
        turn, and each nation's bot another (`bot:ID`, while it decides), numbered from 0
        each turn: so a bot drawing once more shifts no other nation's draws, no rule's
        and no event's. The turn is the clock the expressions see, so a bot asked for
        the coming turn between turns draws what it will draw in that turn.
        """
        if self.sequential_draws:
            return float(self.random.random())
        c = self.context
        turn = int(c.turn)
        if turn != self._draw_turn:
            self._draw_turn, self._draws = turn, {}
        stream = "world" if c.self is None else c.self.id
        if self._bot_asked is not None:
            stream = f"bot:{self._bot_asked}"
        n = self._draws.get(stream, 0)
        self._draws[stream] = n + 1
        return self.draw(f"chance:{stream}:{n}", turn)

    def draw_state(self) -> DrawState:
        """The state of the `chance()` streams, for `set_draw_state` (asking without
        changing the game: `action_options`, `budget_of`)."""
        generator = self.random.getstate() if self.sequential_draws else None
        return self._draw_turn, dict(self._draws), self._bot_asked, generator

    def set_draw_state(self, state: DrawState) -> None:
        """Put back the state of the `chance()` streams that `draw_state` returned."""
        self._draw_turn, draws, self._bot_asked, generator = state
        self._draws = dict(draws)
        if generator is not None:
            self.random.setstate(generator)

    def ask_bot(self, nation: str) -> Decision:
        """What `nation`'s bot decides, as things stand and by the clock the expressions
        see, drawing from the bot's own `chance()` stream. Leaves `self` set to the nation.

        Raises:
            KeyError: when `nation` has no bot.
            ArithmeticError, ValueError: when a rule expression of the bot fails.
        """
        bot = self.ruleset.bots[nation]
        c = self.context
        c.self, c.target = self.nations[nation], None
        self._bot_asked = nation
        try:
            return bot_decision(bot, c)
        finally:
            self._bot_asked = None

    # The calendar ------------------------------------------------------------------
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

    # What a team may do ------------------------------------------------------------
    def submit(self, decision: Decision) -> None:
        """Submit a team's decision for the coming turn (replaces an earlier one).

        Raises:
            DecisionError: when the decision names an unknown nation, investment line,
                action or target, has shares that are not between 0 and 1 or add up to
                more than 1, or gives an action a target it cannot take.
        """
        check_decision(decision, self.ruleset)
        self.submitted[decision.nation] = Decision(
            decision.nation,
            None if decision.invest is None else dict(decision.invest),
            list(decision.actions),
        )

    def action_options(self, nation: str) -> list[ActionOption]:
        """Every action `nation` could take next turn (per target), available or not and why."""
        if nation not in self.nations:
            raise ParameterError("nation", f"unknown nation {nation!r}")
        return action_options(self, nation)

    def pending_proposals(self, nation: str) -> list[Proposal]:
        """The proposals awaiting `nation`'s answer next turn."""
        return [p for p in self.proposals if p.target == nation and p.turn <= self.turn]

    # A turn ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _guarded(self) -> Iterator[None]:
        """Turn an arithmetic failure inside a rule into a SimulationError at its position.

        Each unit of work records where it comes from in `where`/`cause` (plain
        assignments, cheap enough for every rule of every turn). Only the errors that
        arithmetic in a compiled rule expression raises are caught (overflow, division by
        zero, a math domain error, a power with no real value); the same errors raised
        anywhere else are bugs in the engine and surface as such.
        """
        self.where, self.cause = "", ""
        try:
            yield
        except (ArithmeticError, ValueError) as exc:
            if not raised_in_rule(exc):
                raise
            problem = str(exc)
            if isinstance(exc, OverflowError):
                problem = "a number grew too large (overflow)"
            elif isinstance(exc, ZeroDivisionError):
                problem = "division by zero"
            raise SimulationError(
                f"{self.where}: error: {problem} (in {self.cause!r}, turn {self.turn})",
                rule=self.cause,
                turn=self.turn,
            ) from exc

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
        before = dict(self.metric_values)
        marks = (len(self.news), len(self.traces), len(self.fired_events), len(self.decision_log))
        self._outcomes = []
        self.turn += 1
        self._set_clock(self.turn)
        rs = self.ruleset
        c = self.context
        functions = phase_functions(rs)
        with self._guarded():
            decisions = self._decide()
            for phase in rs.phases:
                if phase == rs.game.decision_phase:
                    self._apply_decisions(decisions)
                for where, ident, rule in functions[phase]:
                    self.where, self.cause = where, ident
                    rule(self, c)
                if phase == rs.game.event_phase:
                    self._roll_events()
            expire_proposals(self)
            self._measure()
        self.datacollector.collect(self)
        self.last_report = TurnReport(
            turn=self.turn,
            date=self.date_of(self.turn),
            decisions=tuple(self.decision_log[marks[3] :]),
            actions=tuple(self._outcomes),
            events=tuple((event, cause) for _, event, cause in self.fired_events[marks[2] :]),
            news=tuple(self.news[marks[0] :]),
            traces=tuple(self.traces[marks[1] :]),
            metrics={k: (before.get(k, v), v) for k, v in self.metric_values.items()},
        )

    def play_turn(self) -> TurnReport:
        """Play one turn and return what it did (None-safe: the game must not be over).

        Raises:
            SimulationError: when the game is over, or a rule fails.
        """
        if self.over:
            raise SimulationError(f"the game is over (turn {self.turn} of {self.turns})")
        self.step()
        assert self.last_report is not None
        return self.last_report

    def _decide(self) -> dict[str, Decision]:
        scripted = self.scripted.get(self.turn, {})
        sources = self.sources.get(self.turn, {})
        decisions = {}
        for ident in self.nations:
            if ident in scripted:
                decision, by = scripted[ident], sources.get(ident, "script")
            elif ident in self.submitted:
                decision, by = self.submitted[ident], "team"
            elif self.seats.get(ident) == "bot" and ident in self.ruleset.bots:
                try:
                    decision = self.ask_bot(ident)
                except (ArithmeticError, ValueError):
                    self._blame_policy(self.ruleset.bots[ident])
                    raise
                by = "bot"
                self._compare_bot(ident, decision)
            else:
                decision, by = Decision(ident), "standing"
            decisions[ident] = decision
            self.decision_log.append(
                DecisionRecord(
                    self.turn,
                    ident,
                    by,
                    None if decision.invest is None else dict(decision.invest),
                    tuple(decision.actions),
                )
            )
        self.submitted = {}
        return decisions

    def _compare_bot(self, nation: str, decision: Decision) -> None:
        """When replaying under the recorded rules, a bot must decide as it did."""
        expected = self._expected_bots.get(self.turn, {}).get(nation)
        if not self._check_bots or expected is None:
            return
        if expected.invest != decision.invest or expected.actions != tuple(decision.actions):
            raise RecordError(
                f"the record does not replay: in turn {self.turn} the {nation} bot decided "
                "otherwise than recorded (was the record edited?)"
            )

    def _blame_policy(self, bot: CompiledBot) -> None:
        """After a bot failed, find the policy whose condition fails (for the message)."""
        for policy in bot.policies:
            try:
                policy.when.fn(self.context)
            except (ArithmeticError, ValueError):
                self.where, self.cause = policy.where, f"bots.{bot.nation}"
                return

    def _apply_decisions(self, decisions: dict[str, Decision]) -> None:
        c = self.context
        budget = self.ruleset.budget.fn
        lines = [(line, f"invest_{line}") for line in self.ruleset.investment_lines]
        self.where, self.cause = "game.budget", "budget"
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
            for line, attr in lines:
                setattr(nation, attr, nation.budget * split.get(line, 0.0))
        # Actions apply in order of nation id, whatever order the rules declare nations in.
        for ident in sorted(decisions):
            for action, target in decisions[ident].actions:
                self._outcomes.append(take_action(self, self.nations[ident], action, target))

    def _roll_events(self) -> None:
        c = self.context
        injected = self.injected.get(self.turn, [])
        for ident, event in self.ruleset.events.items():
            c.self = c.target = None
            self.where, self.cause = event.where, ident
            if ident in injected:
                self.injection_log.append((self.turn, ident))
                self.fire(ident, "injected")
                continue
            p = event.chance.fn(c)
            if p > 0 and self.roll(f"event:{ident}") < p:
                self.fire(ident, "chance")

    @property
    def event_log(self) -> list[tuple[int, str]]:
        """(turn, event id) of every event fired so far."""
        return [(turn, event) for turn, event, _ in self.fired_events]

    def fire(self, event_id: str, cause: str, depth: int = 0) -> None:
        """Fire an event now: record it and apply its effects in world scope."""
        event = self.ruleset.events[event_id]
        self.fired_events.append((self.turn, event_id, cause))
        self._fired[event_id] = self._fired.get(event_id, 0) + 1
        self._last_fired[event_id] = self.turn
        c = self.context
        c.self = c.target = None
        where = self.where
        self.where = event.where
        apply_effects(self, event.effects, event_id, depth, via=cause)
        self.where = where

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
        c.agg.start_caching()  # nothing changes while metrics are read: each total once
        try:
            values = metrics_function(self.ruleset)(self, c)
        finally:
            c.agg.stop_caching()
        self.metric_values = values
        if self.turn > 0:
            for ident, value in values.items():
                self.history[ident].append(value)

    def scores(self) -> dict[str, float]:
        """Each nation's score so far, from its objectives."""
        return {
            nation: round(sum(term.points for term in score_terms(self, nation)), 6)
            for nation in self.ruleset.objectives
        }

    def score_terms(self, nation: str, turn: int | None = None) -> list[ScoreTerm]:
        """How `nation` is scored, term by term, with the points earned so far (or by the
        end of `turn`)."""
        return score_terms(self, nation, turn)

    def score_history(self) -> dict[str, list[float]]:
        """Each nation's score at the end of every turn played (the last is `scores()`).

        The same sums as `score_terms` at each turn, in the same order, in one pass: a
        term on the "mean" keeps a running total instead of summing its history afresh.
        """
        out = {}
        for nation, objective in self.ruleset.objectives.items():
            columns = []
            for term in objective.terms:
                history = self.history[term.metric][: self.turn]
                if term.over == "final":
                    values = history
                else:
                    values, total = [], 0.0
                    for n, x in enumerate(history, start=1):
                        total += x
                        values.append(total / n)
                columns.append([term.weight * v for v in values])
            if columns:
                out[nation] = [round(sum(points), 6) for points in zip(*columns, strict=True)]
            else:
                out[nation] = [0] * self.turn  # round(sum of no terms, 6), as score_terms
        return out

    def explain(self, item: NewsItem) -> Explanation:
        """Why a news item happened: the rules, actions or events behind it, with their
        doc and article source, and the changes they made (when the game traces)."""
        return explain(self, item)

    def budget_of(self, nation: str) -> float:
        """The budget `nation` would have to split if the turn were played now."""
        c = self.context
        saved, state = (c.self, c.target), self.draw_state()
        try:
            c.self, c.target = self.nations[nation], None
            return float(self.ruleset.budget.fn(c))
        finally:
            c.self, c.target = saved
            self.set_draw_state(state)

    def policies_holding(self, nation: str) -> list[int]:
        """The indexes of `nation`'s bot policies whose condition holds now, as its bot
        would read them (its own `chance()` stream), without changing the game."""
        bot = self.ruleset.bots[nation]
        c = self.context
        saved, state = (c.self, c.target), self.draw_state()
        try:
            c.self, c.target = self.nations[nation], None
            self._bot_asked = nation
            return [i for i, policy in enumerate(bot.policies) if policy.when.fn(c)]
        finally:
            c.self, c.target = saved
            self.set_draw_state(state)

    def run(self, progress: Any = None, until: int | None = None) -> GeoModel:
        """Play until the last turn (or turn `until`); call `progress(turn)` after each."""
        stop = self.turns if until is None else min(until, self.turns)
        while self.turn < stop:
            self.step()
            if progress is not None:
                progress(self.turn)
        if self.over:
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
            "seats": dict(self.seats),
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

    # The record --------------------------------------------------------------------
    def record(self) -> GameRecord:
        """The game so far as a `GameRecord`: enough to play it again exactly."""
        return make_record(self)

    @classmethod
    def from_record(
        cls,
        record: GameRecord,
        rules: str | Path | Ruleset | None = None,
        until: int | None = None,
        trace: bool = False,
        reports: list[TurnReport] | None = None,
    ) -> GeoModel:
        """Play a recorded game again, to its last recorded turn (or to turn `until`);
        each turn's `TurnReport` goes into `reports` when a list is given.

        Decisions made by teams, scripts and standing seats are applied as recorded;
        bot seats decide again (the same seed and state give the same choices), and
        when the rules are the recorded ones a bot that decides differently is an error.
        After `until`, the game goes on as its scenario would: the record's later
        decisions are not applied (so a different choice can be made there).

        Raises:
            RecordError: when the record names what this ruleset lacks, or does not replay.
        """
        ruleset = rules if isinstance(rules, Ruleset) else load_ruleset(rules or DEFAULT_RULES)
        stop = record.turn if until is None else max(0, min(until, record.turn))
        try:
            model = cls(
                seed=record.seed,
                scenario=scenario_of(record),
                rules=ruleset,
                turns=record.turns,
                decisions=None,
                seats=record.seats,
                trace=trace,
                _sequential_draws=record.format < KEYED_DRAWS_SINCE,
                **record.parameters,
            )
        except ParameterError as exc:
            raise RecordError(f"the record does not fit these rules: {exc}") from None
        follow_record(model, record, stop)

        def keep(_turn: int) -> None:
            if reports is not None and model.last_report is not None:
                reports.append(model.last_report)

        model.run(progress=keep, until=stop)
        return model

    def rewound(self, turn: int | None = None) -> GeoModel:
        """This game as it stood at the end of `turn` (default: one turn back), rebuilt
        from its record; the turns taken back are noted in the new game's record.

        Raises:
            ParameterError: for a turn outside 0 to the current turn.
        """
        target = self.turn - 1 if turn is None else turn
        if not 0 <= target <= self.turn:
            raise ParameterError("turn", f"cannot go back to turn {target} from turn {self.turn}")
        record = self.record()
        model = GeoModel.from_record(record, rules=self.ruleset, until=target, trace=self.tracing)
        model.undo_log = list(record.undos) + [
            (t, tuple(d for d in record.decisions if d.turn == t))
            for t in range(self.turn, target, -1)
        ]
        return model

    def extend(self, turns: int) -> None:
        """Make the game `turns` quarters longer (to continue a saved game).

        Raises:
            ParameterError: when the game would pass the longest a game may be.
        """
        total = self.turns + turns
        if turns < 0 or total > MAX_TURNS:
            raise ParameterError("turns", f"a game has 1 to {MAX_TURNS} turns, not {total}")
        self.turns = total
        self.running = not self.over

    def add_decisions(self, lines: list[DecisionLine]) -> None:
        """Script more decisions and injections (for turns still to come)."""
        self.script.extend(lines)
        scripted, injected = decisions_by_turn(lines)
        for turn, table in scripted.items():
            for nation, decision in table.items():
                mine = self.scripted.setdefault(turn, {})
                if nation in mine:
                    mine[nation].merge(decision)
                else:
                    mine[nation] = decision
        for turn, events in injected.items():
            self.injected.setdefault(turn, []).extend(events)
