"""A strategy tournament: does the scoring have a dominant strategy? (`silicon-shield balance`)

For each nation, its doctrine (its own bot) plays against alternatives over the same
seeds, the other nations on their bots: budget strategies keep the doctrine's moves and
change the split (each investment line all-in, every line even, theme splits); move
strategies keep the doctrine's split and change the moves (none at all, each action
never or always, every proposal accepted, rejected or left to lapse, every coercive or
cooperative action). A strategy is *dominant* when its paired difference in final score
is positive beyond a margin (the lower bound of its 95% confidence interval above the
margin: by default 1% of the doctrine's mean score, so a gain too small to matter in a
game is a tie) against the doctrine and against every diversified alternative
(`DIVERSIFIED`). Strategies significantly above both but within the margin are *small
gains*: reported, not flagged.

`run_balance(spec)` plays the tournament, on a pool of worker processes when asked;
every game is a pure function of (strategy, seed), so the report is the same whatever
the number of workers.
"""

from __future__ import annotations

import contextlib
import math
import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from game.errors import GameError, ParameterError, SimulationError
from game.research._run import RunSpec, build_model, worker_pool, worker_ruleset
from game.ruleset import Ruleset, did_you_mean, never_allowed
from game.sim import Decision, GeoModel

__all__ = [
    "DIVERSIFIED",
    "THEMES",
    "BalanceReport",
    "BalanceSpec",
    "NationBalance",
    "Strategy",
    "StrategyResult",
    "confidence_interval",
    "doctrine_decision",
    "run_balance",
]

# Splits over a theme's lines, played when at least two of its lines are in the ruleset.
THEMES = {
    "tech only": ("ai", "quantum", "telecom"),
    "chips only": ("fabs", "talent"),
    "security only": ("resilience", "defense"),
}
# The diversified alternatives a dominant strategy must beat, besides the others.
DIVERSIFIED = ("doctrine", "even")
# The action tags played together by the composite strategies, each with its opposite
# (whose actions the composite leaves out of the doctrine's moves).
COMPOSITES = {"coercive": "cooperative", "cooperative": "coercive"}
CONFIDENCE = 0.95


@dataclass(frozen=True)
class BalanceSpec:
    """What to play: ruleset folder, scenario (id or .yaml file), length, seeds, nations;
    and the margin a dominant strategy must beat the diversified alternatives by.

    `rules` None means the rules bundled with the game; `turns` None the scenario's
    length; `nations` empty every nation with an objective. Seeds run from 1 to `seeds`.
    A strategy is dominant when the lower bound of each paired difference's 95%
    confidence interval is above the margin: `margin` points when given, else
    `margin_percent` % of the doctrine's mean score (per nation; default 1%).
    """

    rules: str | None = None
    scenario: str | None = None
    turns: int | None = None
    seeds: int = 20
    nations: tuple[str, ...] = ()
    margin: float | None = None
    margin_percent: float = 1.0

    def margin_for(self, doctrine_mean: float) -> float:
        """The margin, in points, for a nation whose doctrine scores `doctrine_mean`."""
        if self.margin is not None:
            return self.margin
        return self.margin_percent / 100 * abs(doctrine_mean)

    @property
    def margin_text(self) -> str:
        """The margin as asked: `1 points` or `1% of the doctrine's score`."""
        if self.margin is not None:
            return f"{self.margin:g} points"
        return f"{self.margin_percent:g}% of the doctrine's score"


@dataclass(frozen=True)
class Strategy:
    """How one nation decides every turn, as a change to what its doctrine decides.

    Args:
        nation: the nation it plays.
        name: its name in the report (`all-in ai`, `never impose_tariff`, …).
        family: `doctrine`, `budget`, `moves`, `answers` or `composite`.
        split: the budget split every turn (None: the doctrine's).
        passive: take none of the doctrine's actions.
        drop: actions left out of the doctrine's moves.
        take: (action, target) taken every turn, before the doctrine's moves; the game
            refuses them in turns when they are not open.
        answer: an answer action given to every proposal awaiting the nation.
    """

    nation: str
    name: str
    family: str
    split: tuple[tuple[str, float], ...] | None = None
    passive: bool = False
    drop: frozenset[str] = frozenset()
    take: tuple[tuple[str, str | None], ...] = ()
    answer: str | None = None

    def decision(self, model: GeoModel) -> Decision | None:
        """The nation's decision for the coming turn (None: leave it to the game).

        A turn the scenario scripts for the nation is left to the script, as in the
        doctrine's game.
        """
        if self.nation in model.scripted.get(model.turn + 1, {}):
            return None
        doctrine = doctrine_decision(model, self.nation)
        if doctrine is None:
            return None
        moves = list(self.take)
        if self.answer is not None:
            moves += [(self.answer, p.source) for p in model.pending_proposals(self.nation)]
        if not self.passive:
            chosen = set(moves)
            moves += [m for m in doctrine.actions if m[0] not in self.drop and m not in chosen]
        invest = dict(self.split) if self.split is not None else doctrine.invest
        return Decision(self.nation, invest, moves)


def doctrine_decision(model: GeoModel, nation: str) -> Decision | None:
    """What `nation`'s bot would decide for the coming turn, asked as the game asks it.

    The bot sees the world as the last turn left it and the clock of the coming turn.
    A nation without a bot (or not in a bot's seat) keeps its split and takes no action.
    A bot's `chance()` draws come from its own stream, keyed by the seed, the coming
    turn and the nation (`GeoModel.chance_draw`): it draws here what it would draw in
    the game, and asking changes no draw of the game, so submitting the decision plays
    the doctrine's game exactly, whichever bots draw.

    Returns:
        The decision, or None when a rule expression of the bot fails: the game then
        asks the bot itself and reports the failure with its position.
    """
    bot = model.ruleset.bots.get(nation)
    if bot is None or model.seats.get(nation) != "bot":
        return Decision(nation)
    c = model.context
    saved = (c.self, c.target, c.turn, c.year, c.quarter)
    draws = model.draw_state()
    turn = model.turn + 1
    year, quarter = model.year_quarter(turn)
    c.turn, c.year, c.quarter = float(turn), float(year), float(quarter)
    try:
        return model.ask_bot(nation)
    except (ArithmeticError, ValueError):
        return None
    finally:
        c.self, c.target, c.turn, c.year, c.quarter = saved
        model.set_draw_state(draws)


# Statistics ------------------------------------------------------------------------
# Student's t, two-sided 95%, for 1 to 30 degrees of freedom; beyond, a series.
_T95 = (
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
    2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
    2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
    2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
)  # fmt: skip


def _t95(df: int) -> float:
    """The 97.5% quantile of Student's t with `df` degrees of freedom."""
    if df <= len(_T95):
        return _T95[df - 1]
    z = 1.959963984540054  # Cornish-Fisher expansion around the normal quantile
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


def confidence_interval(values: Iterable[float]) -> tuple[float, float]:
    """The mean of `values` and the half-width of its 95% confidence interval (Student's t).

    Returns:
        (mean, half-width); the half-width is NaN for fewer than two values.
    """
    data = list(values)
    mean = math.fsum(data) / len(data)
    if len(data) < 2:
        return mean, math.nan
    return mean, _t95(len(data) - 1) * statistics.stdev(data) / math.sqrt(len(data))


# The report ------------------------------------------------------------------------
@dataclass(frozen=True)
class StrategyResult:
    """One strategy's final scores, one per seed, and how they compare.

    `versus` maps each diversified alternative to the paired difference (this strategy's
    score minus the alternative's, seed by seed): (mean, half-width of its 95% CI).
    """

    strategy: Strategy
    scores: tuple[float, ...]
    mean: float
    half: float
    versus: dict[str, tuple[float, float]]
    same_as_doctrine: bool
    dominant: bool
    small_gain: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain data (a strategy of `balance --json`)."""

        def ci(mean: float, half: float) -> list[float | None]:
            if math.isnan(half):
                return [None, None]
            return [_r(mean - half), _r(mean + half)]

        return {
            "name": self.strategy.name,
            "family": self.strategy.family,
            "mean": _r(self.mean),
            "ci95": ci(self.mean, self.half),
            **{
                f"vs_{other}": {"mean": _r(diff), "ci95": ci(diff, half)}
                for other, (diff, half) in self.versus.items()
            },
            "same_as_doctrine": self.same_as_doctrine,
            "dominant": self.dominant,
            "small_gain": self.small_gain,
            "scores": [_r(s) for s in self.scores],
        }


@dataclass(frozen=True)
class NationBalance:
    """One nation's tournament: results best first, and the strategies not played."""

    nation: str
    name: str
    results: list[StrategyResult]
    skipped: list[tuple[str, str]]  # (strategy, why it cannot differ from the doctrine)
    margin: float = 0.0  # points, for this nation

    @property
    def small_gains(self) -> list[StrategyResult]:
        """Strategies significantly above the doctrine and every diversified alternative,
        but by less than the margin, best first."""
        return [r for r in self.results if r.small_gain]

    @property
    def dominant(self) -> list[StrategyResult]:
        """The dominant strategies, best first."""
        return [r for r in self.results if r.dominant]

    def result(self, name: str) -> StrategyResult:
        """The result of the strategy called `name`."""
        return next(r for r in self.results if r.strategy.name == name)


@dataclass(frozen=True)
class BalanceReport:
    """The tournament of every nation asked for, on the same seeds."""

    scenario: str
    turns: int
    seeds: tuple[int, ...]
    ruleset_hash: str
    margin: str = ""
    nations: list[NationBalance] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (what `balance --json` prints)."""
        return {
            "scenario": self.scenario,
            "turns": self.turns,
            "seeds": list(self.seeds),
            "ruleset_hash": self.ruleset_hash,
            "confidence": CONFIDENCE,
            "diversified": list(DIVERSIFIED),
            "margin": self.margin,
            "nations": {
                n.nation: {
                    "name": n.name,
                    "margin": _r(n.margin),
                    "dominant": [r.strategy.name for r in n.dominant],
                    "small_gains": [r.strategy.name for r in n.small_gains],
                    "strategies": [r.to_dict() for r in n.results],
                    "skipped": [{"name": s, "why": why} for s, why in n.skipped],
                }
                for n in self.nations
            },
        }


def _r(value: float) -> float:
    return round(value, 6)


# Which strategies a nation plays ---------------------------------------------------
@dataclass
class _Seen:
    """What the doctrine's games showed of one nation: the actions its bot decided, and
    whether a proposal ever reached it."""

    decided: set[str] = field(default_factory=set)
    proposed_to: bool = False


def _strategies(
    ruleset: Ruleset, nation: str, seen: _Seen
) -> tuple[list[Strategy], list[tuple[str, str]]]:
    """The strategies `nation` plays, and those left out because they cannot differ from
    the doctrine (with the reason)."""
    lines = list(ruleset.investment_lines)
    out = [Strategy(nation, "doctrine", "doctrine")]
    skipped: list[tuple[str, str]] = []

    def budget(name: str, chosen: list[str]) -> None:
        split = tuple((line, 1.0 / len(chosen)) for line in chosen)
        out.append(Strategy(nation, name, "budget", split=split))

    for line in lines:
        budget(f"all-in {line}", [line])
    if len(lines) > 1:
        budget("even", lines)
    for name, theme in THEMES.items():
        present = [line for line in theme if line in lines]
        if len(present) >= 2:
            budget(name, present)

    actions = ruleset.actions
    answers = {a.spec.answer: a.id for a in reversed(actions.values()) if a.spec.answer}
    targets = {a: _targets(ruleset, nation, a) for a in actions}
    if seen.decided:
        out.append(Strategy(nation, "passive", "moves", passive=True))
    else:
        skipped.append(("passive", "the doctrine takes no action"))
    for action in actions.values():
        if action.id in seen.decided:
            out.append(Strategy(nation, f"never {action.id}", "moves", drop=frozenset([action.id])))
        if action.spec.answer:
            continue  # answering every proposal is a strategy of its own (below)
        for target in targets[action.id]:
            name = f"always {action.id}" + (f"→{target}" if target else "")
            out.append(Strategy(nation, name, "moves", take=((action.id, target),)))
    every_answer = frozenset(answers.values())
    if seen.proposed_to:
        for name, answer in (("accept all proposals", answers.get("accept")),
                             ("reject all proposals", answers.get("reject"))):  # fmt: skip
            if answer is not None:
                out.append(Strategy(nation, name, "answers", drop=every_answer, answer=answer))
        out.append(Strategy(nation, "let proposals lapse", "answers", drop=every_answer))
    else:
        skipped.append(("answers to proposals", f"no proposal reaches {nation} in the doctrine's games"))  # fmt: skip
    for tag, opposite in COMPOSITES.items():
        tagged = [a for a in actions.values() if tag in a.spec.tags]
        take = tuple((a.id, t) for a in tagged if not a.spec.answer for t in targets[a.id])
        answer = next((a.id for a in tagged if a.spec.answer and seen.proposed_to), None)
        drop = frozenset(a.id for a in actions.values() if opposite in a.spec.tags)
        if take or answer or drop & seen.decided:
            out.append(Strategy(nation, tag, "composite", drop=drop, take=take, answer=answer))
        else:
            skipped.append((tag, f"{nation} may take no {tag} action"))
    return out, skipped


def _targets(ruleset: Ruleset, nation: str, action_id: str) -> list[str | None]:
    """The targets `nation` may ever take the action against ([None] for an untargeted
    action it may take; [] when its `requires` rules it out)."""
    spec = ruleset.actions[action_id].spec
    candidates: list[str | None] = (
        [n for n in ruleset.nations if n != nation] if spec.target == "nation" else [None]
    )
    if spec.requires is None:
        return candidates
    return [t for t in candidates if never_allowed(spec.requires, action_id, nation, t) is None]


# Playing ---------------------------------------------------------------------------
def _play(
    task: tuple[RunSpec, int, Strategy | None], ruleset: Ruleset | None = None
) -> tuple[Any, ...]:
    """One game, by `ruleset` (in a worker, the pool's): ("ok", scores of every nation,
    what the doctrine's game showed) or ("error", message). Errors travel as text: a
    worker's exception may not unpickle."""
    spec, seed, strategy = task
    try:
        model = build_model(spec, seed, ruleset or worker_ruleset())
        while not model.over:
            if strategy is not None:
                decision = strategy.decision(model)
                if decision is not None:
                    model.submit(decision)
            model.step()
    except GameError as exc:
        return ("error", str(exc))
    seen: dict[str, _Seen] = {}
    if strategy is None:
        seen = {n: _Seen() for n in model.nations}
        for record in model.decision_log:
            if record.by == "bot":
                seen[record.nation].decided.update(a for a, _ in record.actions)
        for _, _, action, target in model.action_log:
            if target in seen and model.ruleset.actions[action].spec.proposal:
                seen[target].proposed_to = True
    return ("ok", model.scores(), seen)


def _games(
    tasks: list[tuple[RunSpec, int, Strategy | None]],
    pool: Any,
    workers: int,
    done: Callable[[], None],
    ruleset: Ruleset,
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Play `tasks`, in the pool if there is one (it plays by `ruleset` too); yield (task
    index, outcome) as each ends."""
    if pool is None:
        for i, task in enumerate(tasks):
            yield i, _play(task, ruleset)
            done()
        return
    # Chunks small enough to keep every worker busy to the end and the progress moving.
    chunk = max(1, min(16, len(tasks) // (8 * workers)))
    for i, outcome in pool.imap_unordered(_indexed, enumerate(tasks), chunksize=chunk):
        yield i, outcome
        done()


def _indexed(item: tuple[int, tuple[RunSpec, int, Strategy | None]]) -> tuple[int, Any]:
    return item[0], _play(item[1])


def run_balance(
    spec: BalanceSpec,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> BalanceReport:
    """Play the tournament and compare every strategy with the doctrine and with `even`.

    Args:
        spec: what to play.
        workers: worker processes (1: play in this process).
        progress: called with (games played, games to play) after each game.

    Returns:
        The report: per nation, every strategy's scores, mean, 95% confidence interval,
        paired differences from the diversified alternatives, and the dominant ones.

    Raises:
        ParameterError: for a nation that is unknown or has no objective, too few seeds,
            an unknown scenario or a number of turns out of range (`name` says which).
        GameError: for bad rules, or a rule that fails in one of the games.
    """
    if spec.seeds < 2:
        raise ParameterError("seeds", f"a confidence interval needs 2 seeds or more, not {spec.seeds}")  # fmt: skip
    if spec.margin is not None and (not spec.margin >= 0 or math.isinf(spec.margin)):
        raise ParameterError("margin", f"a margin is a number of points, 0 or more, not {spec.margin}")  # fmt: skip
    if not 0 <= spec.margin_percent < math.inf:
        raise ParameterError("margin", f"a margin is a percentage, 0 or more, not {spec.margin_percent}")  # fmt: skip
    run = RunSpec(rules=spec.rules, scenario=spec.scenario, turns=spec.turns)
    probe = build_model(run, 1)  # checks rules, scenario and turns before any work
    ruleset = probe.ruleset
    nations = list(spec.nations) or list(ruleset.objectives)
    for nation in nations:
        if nation not in ruleset.nations:
            known = ", ".join(ruleset.objectives)
            hint = did_you_mean(nation, ruleset.nations)
            raise ParameterError("nation", f"unknown nation {nation!r}{hint}; nations with objectives: {known}")  # fmt: skip
        if nation not in ruleset.objectives:
            raise ParameterError("nation", f"{nation} has no objective, so no score to compare")
    nations = list(dict.fromkeys(nations))
    seeds = tuple(range(1, spec.seeds + 1))
    played = [0, len(seeds)]

    def done() -> None:
        played[0] += 1
        if progress is not None:
            progress(*played)

    pooled = worker_pool(workers, ruleset) if workers > 1 else contextlib.nullcontext()
    with pooled as pool:
        doctrine: dict[int, dict[str, float]] = {}
        seen = {n: _Seen() for n in ruleset.nations}
        tasks: list[tuple[RunSpec, int, Strategy | None]] = [(run, s, None) for s in seeds]
        for i, outcome in _games(tasks, pool, workers, done, ruleset):
            scores, games_seen = _outcome(outcome, tasks[i])
            doctrine[tasks[i][1]] = scores
            for nation, facts in games_seen.items():
                seen[nation].decided |= facts.decided
                seen[nation].proposed_to |= facts.proposed_to
        plans = {n: _strategies(ruleset, n, seen[n]) for n in nations}
        tasks = [
            (run, seed, strategy)
            for nation in nations
            for strategy in plans[nation][0][1:]
            for seed in seeds
        ]
        played[1] += len(tasks)
        scored: dict[tuple[str, str, int], float] = {}
        for i, outcome in _games(tasks, pool, workers, done, ruleset):
            _, seed, strategy = tasks[i]
            assert strategy is not None
            scores, _ = _outcome(outcome, tasks[i])
            scored[strategy.nation, strategy.name, seed] = scores[strategy.nation]
    report = BalanceReport(probe.scenario_id, probe.turns, seeds, ruleset.hash, spec.margin_text)
    for nation in nations:
        strategies, skipped = plans[nation]
        table = {
            s.name: tuple(
                doctrine[seed][nation] if s.family == "doctrine" else scored[nation, s.name, seed]
                for seed in seeds
            )
            for s in strategies
        }
        margin = spec.margin_for(math.fsum(table["doctrine"]) / len(seeds))
        results = [_compare(s, table, margin) for s in strategies]
        results.sort(key=lambda r: -r.mean)
        name = ruleset.nations[nation].name
        report.nations.append(NationBalance(nation, name, results, skipped, margin))
    return report


def _outcome(outcome: tuple[Any, ...], task: tuple[RunSpec, int, Strategy | None]) -> Any:
    """The scores and facts of a game, or its error raised with the game it came from."""
    if outcome[0] == "error":
        _, seed, strategy = task
        who = f"{strategy.nation} playing '{strategy.name}'" if strategy else "the doctrines"
        raise SimulationError(f"{outcome[1]} (balance: {who}, seed {seed})")
    return outcome[1], outcome[2]


def _compare(
    strategy: Strategy, table: dict[str, tuple[float, ...]], margin: float
) -> StrategyResult:
    """A strategy's statistics against the diversified alternatives in `table`."""
    scores = table[strategy.name]
    mean, half = confidence_interval(scores)
    versus = {
        other: confidence_interval(a - b for a, b in zip(scores, table[other], strict=True))
        for other in DIVERSIFIED
        if other in table
    }
    contender = strategy.name not in DIVERSIFIED and all(
        not math.isnan(h) and d - h > 0 for d, h in versus.values()
    )
    dominant = contender and all(d - h > margin for d, h in versus.values())
    same = scores == table["doctrine"] and strategy.family != "doctrine"
    small = contender and not dominant
    return StrategyResult(strategy, scores, mean, half, versus, same, dominant, small)
