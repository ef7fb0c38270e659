"""`silicon-shield explain ID`: what one entry of a ruleset is, what it touches, and how
often it acts in play.

An id may name a rule, parameter, action, event, metric, attribute or investment line
(or a nation's objective and bot); where it names several (`silicon_shield` is an
attribute and a metric), each is explained. For each: its doc, where it comes from (the
article or an assumption), the file and line it is written at, what it reads and what
it changes or fires, and the other way, what reads it, changes it or fires it (the
dependency graph of `game.ruleset._graph`); then how often it acts in bot games of a
scenario over a few seeds, measured from the games' own traces.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, field
from typing import Any

from game.errors import ParameterError
from game.ruleset import Ruleset, did_you_mean
from game.ruleset._graph import Uses, dependency_graph

__all__ = ["Entry", "explain_id", "format_entries", "graph_dot"]

# The sections an id is looked up in, in the order they are shown.
_KINDS = (
    ("rules", "rule"), ("parameters", "parameter"), ("actions", "action"),
    ("events", "event"), ("metrics", "metric"), ("attributes", "attribute"),
    ("investment_lines", "investment line"), ("objectives", "objective"), ("bots", "bot"),
)  # fmt: skip


@dataclass
class Entry:
    """One explained entry, as plain data (what `explain --json` prints)."""

    kind: str
    id: str
    doc: str
    where: list[str]
    origin: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    reads: dict[str, list[str]] = field(default_factory=dict)
    writes: dict[str, list[str]] = field(default_factory=dict)
    used_by: dict[str, list[str]] = field(default_factory=dict)
    in_play: dict[str, Any] = field(default_factory=dict)


def explain_id(
    ruleset: Ruleset,
    ident: str,
    seeds: int = 5,
    turns: int | None = None,
    scenario: str | None = None,
) -> list[Entry]:
    """Every entry `ident` names in `ruleset`, explained, with how often each acts in
    `seeds` bot games of `scenario` (0 seeds: not played).

    Raises:
        ParameterError: for an id the ruleset does not have (with the closest ones).
    """
    graph = dependency_graph(ruleset)
    found = [(section, kind) for section, kind in _KINDS if _has(ruleset, section, ident)]
    if not found:
        known = _all_ids(ruleset)
        raise ParameterError("id", f"no rule, parameter, action, event, metric, attribute, investment line, "
                                   f"objective or bot is called {ident!r}{did_you_mean(ident, known)}")  # fmt: skip
    play = _Play(ruleset, seeds, turns, scenario) if seeds > 0 else None
    return [_entry(ruleset, graph, section, kind, ident, play) for section, kind in found]


def _has(ruleset: Ruleset, section: str, ident: str) -> bool:
    if section == "attributes":
        return any(ident in table for table in ruleset.attributes.values())
    if section == "rules":
        return any(rule.id == ident for rule in ruleset.all_rules())
    return ident in getattr(ruleset, section)


def _all_ids(ruleset: Ruleset) -> set[str]:
    ids = {rule.id for rule in ruleset.all_rules()}
    ids |= {name for table in ruleset.attributes.values() for name in table}
    for section in ("parameters", "actions", "events", "metrics", "investment_lines"):
        ids |= set(getattr(ruleset, section))
    return ids | set(ruleset.objectives) | set(ruleset.bots)


def _names(items: Any) -> list[str]:
    return sorted(items)


def _grouped(uses: Uses) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    reads = {"parameters": uses.parameters, "attributes": uses.attributes,
             "metrics": uses.metrics, "actions": uses.actions, "events": uses.events}  # fmt: skip
    writes = {"attributes": uses.writes, "events fired": uses.fires}
    return (
        {k: _names(v) for k, v in reads.items() if v},
        {k: _names(v) for k, v in writes.items() if v},
    )


def _who(graph: dict[tuple[str, str], Uses], test: Any) -> dict[str, list[str]]:
    """The entries of the graph for which `test(uses)` holds, by section."""
    out: dict[str, list[str]] = {}
    for (section, ident), uses in graph.items():
        if test(uses):
            out.setdefault(section, []).append(ident)
    return {k: sorted(v) for k, v in sorted(out.items())}


def _entry(
    ruleset: Ruleset,
    graph: dict[tuple[str, str], Uses],
    section: str,
    kind: str,
    ident: str,
    play: _Play | None,
) -> Entry:
    places = []
    keys = [f"attributes.{k}" for k in ruleset.attributes] if section == "attributes" else [section]
    for key in keys:
        place = ruleset.places.get(key, {}).get(ident)
        if place is not None:
            places.append(f"{ruleset.root.name}/{place[0]}:{place[1]}")
    entry = Entry(kind, ident, "", places)
    spec: Any = None
    if section == "rules":
        rule = next(r for r in ruleset.all_rules() if r.id == ident)
        spec = rule.spec
        scope = spec.for_each + "".join(f", {k} {v}" for k, v in (("nation", spec.nation), ("tag", spec.tag)) if v)  # fmt: skip
        entry.details = {"phase": spec.phase, "for each": scope}
        if spec.when:
            entry.details["when"] = spec.when
        if spec.chance:
            entry.details["chance"] = spec.chance
    elif section == "parameters":
        spec = ruleset.parameters[ident]
        entry.details = {"value": spec.value, "range": [spec.min, spec.max]}
        if spec.integer:
            entry.details["integer"] = True
    elif section == "actions":
        spec = ruleset.actions[ident].spec
        entry.details = {"target": spec.target}
        if spec.requires:
            entry.details["requires"] = spec.requires
    elif section == "events":
        spec = ruleset.events[ident].spec
        entry.details = {"chance per turn": spec.chance}
    elif section == "metrics":
        spec = ruleset.metrics[ident].spec
        entry.details = {"formula": spec.expr, "unit": spec.unit}
    elif section == "attributes":
        kinds = [k for k, table in ruleset.attributes.items() if ident in table]
        spec = ruleset.attributes[kinds[0]][ident]
        entry.details = {"of": kinds, "declared start": spec.value}
        if spec.min is not None or spec.max is not None:
            entry.details["bounds"] = [spec.min, spec.max]
    elif section == "investment_lines":
        spec = ruleset.investment_lines[ident]
        entry.details = {"attribute": f"invest_{ident}"}
    elif section == "objectives":
        spec = ruleset.objectives[ident]
        entry.details = {
            "score": " + ".join(f"{t.weight:g} x {t.over} {t.metric}" for t in spec.terms)
        }
    else:  # bots
        spec = ruleset.bots[ident]
        entry.details = {"standing split": dict(spec.invest), "policies": len(spec.policies)}
    entry.doc = spec.doc
    for label, attr in (("from the article", "source"), ("assumed", "assumption")):
        text = getattr(spec, attr, None)
        if text:
            entry.origin[label] = " ".join(text.split())
    own = graph.get((section, ident))
    if own is not None:
        entry.reads, entry.writes = _grouped(own)
    # Who uses it, the other way round: (label, the Uses field holding it, the name).
    names = {ident}
    if section == "investment_lines":
        names = {f"invest_{ident}"}
    elif section == "rules" and own is not None:
        names = set(own.writes)
    links = {
        "parameters": [("read by", "parameters")],
        "attributes": [("read by", "attributes"), ("changed by", "writes")],
        "metrics": [("scored by", "metrics")],
        "events": [("fired by", "fires"), ("asked about by", "events")],
        "actions": [("asked about by", "actions")],
        "investment_lines": [("read by", "attributes")],
        "rules": [("its changes are read by", "attributes")],
    }.get(section, [])
    entry.used_by = {
        label: _flat(_who(graph, lambda u, f=what: bool(names & getattr(u, f))))
        for label, what in links
    }
    if section == "actions":
        takers = [n for n, bot in ruleset.bots.items() if any(p.action == ident for p in bot.policies)]  # fmt: skip
        asked = [x for x in entry.used_by.pop("asked about by") if x.removeprefix("bot ") not in takers]  # fmt: skip
        entry.used_by = {"taken by the bots of": takers, "asked about by": asked}
    entry.used_by = {k: v for k, v in entry.used_by.items() if v}
    if play is not None:
        about = play.about(section, ident)
        entry.in_play = about if len(about) > 3 else {}
    return entry


def _flat(by_section: dict[str, list[str]]) -> list[str]:
    """`section id` strings, for one list of who uses an entry."""
    singular = dict(_KINDS) | {"game": "game"}
    return [f"{singular.get(s, s)} {i}" for s, ids in by_section.items() for i in ids]


class _Play:
    """Bot games of one scenario, traced, and what each entry did in them."""

    def __init__(self, ruleset: Ruleset, seeds: int, turns: int | None, scenario: str | None):
        from game.sim import GeoModel

        self.seeds = seeds
        self.models = [
            GeoModel(seed=seed, rules=ruleset, scenario=scenario, turns=turns, trace=True).run()
            for seed in range(1, seeds + 1)
        ]
        first = self.models[0]
        self.turns = first.turns
        self.scenario = first.scenario_id

    def about(self, section: str, ident: str) -> dict[str, Any]:
        games = self.models
        total = self.turns * len(games)
        out: dict[str, Any] = {"games": len(games), "turns": self.turns, "scenario": self.scenario}
        if section in ("rules", "events", "actions"):
            turns: set[tuple[int, int]] = set()
            changes = 0
            for g, model in enumerate(games):
                for trace in model.traces:
                    if trace.turn == 0:  # set-up
                        continue
                    if trace.cause == ident or trace.cause.startswith(f"{ident}:"):
                        turns.add((g, trace.turn))
                        changes += 1
                if section == "events":
                    turns |= {(g, t) for t, e, _ in model.fired_events if e == ident}
                if section == "actions":
                    turns |= {(g, t) for t, _, a, _ in model.action_log if a == ident}
            verb = {"rules": "changed", "events": "fired", "actions": "taken"}[section]
            out |= {f"turns_{verb}": len(turns), "turns_played": total, "changes": changes}
        elif section in ("attributes", "metrics"):
            series = (
                [model.history[ident] for model in games]
                if section == "metrics"
                else [self._attribute(model, ident) for model in games]
            )
            finals = [s[-1] for s in series if s]
            moved = sum(1 for s in series for a, b in itertools.pairwise(s) if a != b)
            out |= {"steps_moved": moved, "steps": total - len(games)}
            if finals:
                lows = [min(s) for s in series]
                highs = [max(s) for s in series]
                out["agents"] = self._carriers(games[0], ident) if section == "attributes" else 1
                out["range"] = [round(min(lows), 6), round(max(highs), 6)]
                out["final_mean"] = round(statistics.fmean(finals), 6)
        return out

    @staticmethod
    def _carriers(model: Any, name: str) -> int:
        return len(_start_values(model, name))

    @staticmethod
    def _attribute(model: Any, name: str) -> list[float]:
        """The total of an attribute over the agents that carry it after each turn, rebuilt
        from set-up by the game's traces."""
        current = _start_values(model, name)
        by_turn: dict[int, list[Any]] = {}
        for trace in model.traces:
            if trace.attr == name and trace.turn > 0:
                by_turn.setdefault(trace.turn, []).append(trace)
        series = []
        for turn in range(1, model.turn + 1):
            for trace in by_turn.get(turn, []):
                current[trace.target] = trace.after
            series.append(sum(current.values()))
        return series


def _start_values(model: Any, name: str) -> dict[str, float]:
    """Each agent's value of attribute `name` at set-up (from the first trace of a change
    after set-up, or its value now when it never changed)."""
    out: dict[str, float] = {}
    agents = [model.world, *model.nations.values(), *model.firms.values(), *model.agencies.values()]
    for agent in agents:
        if hasattr(agent, name):
            out[agent.id] = float(getattr(agent, name))
    seen: set[str] = set()
    for trace in model.traces:
        if trace.attr == name and trace.turn > 0 and trace.target not in seen:
            seen.add(trace.target)
            out[trace.target] = trace.before
    return out


def format_entries(entries: list[Entry]) -> str:
    """The entries as text for a terminal."""
    out: list[str] = []
    for entry in entries:
        out.append(f"{entry.kind} {entry.id} — {entry.doc}")
        for place in entry.where:
            out.append(f"  written at {place}")
        for key, value in entry.details.items():
            out.append(f"  {key}: {_detail(key, value)}")
        for label, text in entry.origin.items():
            out.append(f"  {label}: {text}")
        for what, items in entry.reads.items():
            out.append(f"  reads {what}: {', '.join(items)}")
        for what, items in entry.writes.items():
            verb = "fires" if what == "events fired" else "changes"
            out.append(f"  {verb}: {', '.join(items)}")
        for how, items in entry.used_by.items():
            out.append(f"  {how}: {', '.join(items)}")
        if entry.in_play:
            out += _in_play(entry.in_play)
        out.append("")
    return "\n".join(out).rstrip("\n")


def _detail(key: str, value: Any) -> str:
    """One detail of an entry, in words."""
    if key == "integer":
        return "yes: scenarios, --set and sweeps give it whole numbers"
    if key == "bounds":
        low, high = value
        if low is not None and high is not None:
            return f"{low:g} to {high:g}"
        return f">= {low:g}" if low is not None else f"<= {high:g}"
    return _shown(value)


def _in_play(play: dict[str, Any]) -> list[str]:
    """The text lines of what an entry did in the bot games."""
    n = play["games"]
    out = [f"  in {n} bot game{'s' if n > 1 else ''} of {play['turns']} turns ({play['scenario']}):"]  # fmt: skip
    for verb, words in (("changed", "changed something"), ("fired", "fired"), ("taken", "taken")):
        if f"turns_{verb}" in play:
            done, total = play[f"turns_{verb}"], play["turns_played"]
            out.append(f"    {words}: in {done} of {total} turns ({done / total:.0%})")
            out.append(f"    changes made: {play['changes']}")
    if "steps" in play:
        out.append(f"    moved: in {play['steps_moved']} of {play['steps']} turn-to-turn steps")
    if "range" in play:
        agents = play["agents"]
        over = f" (the total over its {agents} agents)" if agents > 1 else ""
        out.append(f"    range{over}: {_shown(play['range'])}")
        out.append(f"    final, mean{over}: {_shown(play['final_mean'])}")
    return out


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return " to ".join("none" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in value)  # fmt: skip
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:g}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def graph_dot(ruleset: Ruleset, around: str | None = None) -> str:
    """The dependency graph in Graphviz's dot language: parameters and attributes feed
    rules, actions, events, metrics and bots; those change attributes and fire events;
    metrics feed objectives. With `around` (an id), only what touches that id (what it
    reads, what reads or changes it) and one step on from what it feeds.

    Raises:
        ParameterError: for an `around` the ruleset does not have.
    """
    if around is not None and not any(_has(ruleset, s, around) for s, _ in _KINDS):
        hint = did_you_mean(around, _all_ids(ruleset))
        raise ParameterError("id", f"no rule, parameter, action, event, metric, attribute, investment line, objective or bot is called {around!r}{hint}")  # fmt: skip
    graph = dependency_graph(ruleset)
    shapes = {"parameters": ("p", "note", "#fff3c4"), "attributes": ("a", "ellipse", "#dceefb"),
              "rules": ("r", "box", "#e3f4e1"), "actions": ("act", "box", "#fde2e2"),
              "events": ("e", "diamond", "#fbe3f4"), "metrics": ("m", "hexagon", "#ece6fb"),
              "objectives": ("o", "octagon", "#eeeeee"), "bots": ("b", "box", "#eeeeee"),
              "game": ("g", "box", "#eeeeee")}  # fmt: skip

    def node(section: str, ident: str) -> str:
        return f'"{shapes[section][0]}:{ident}"'

    lines = [
        "digraph rules {",
        "  rankdir=LR;",
        '  node [style=filled, fontname="Helvetica", fontsize=10];',
    ]
    declared = {("parameters", p) for p in ruleset.parameters}
    declared |= {("attributes", a) for table in ruleset.attributes.values() for a in table}
    declared |= {("attributes", "budget")} | {("attributes", f"invest_{line}") for line in ruleset.investment_lines}  # fmt: skip
    declared |= set(graph)
    for section, ident in sorted(declared):
        _, shape, colour = shapes[section]
        lines.append(f'  {node(section, ident)} [label="{ident}", shape={shape}, fillcolor="{colour}"];')  # fmt: skip
    edges = set()
    for (section, ident), uses in graph.items():
        me = node(section, ident)
        edges |= {(node("parameters", p), me) for p in uses.parameters}
        edges |= {(node("attributes", a), me) for a in uses.attributes if ("attributes", a) in declared}  # fmt: skip
        edges |= {(node("metrics", m), me) for m in uses.metrics}
        edges |= {(me, node("attributes", a)) for a in uses.writes if ("attributes", a) in declared}
        edges |= {(me, node("events", e)) for e in uses.fires}
        if section == "bots":
            edges |= {(me, node("actions", a)) for a in uses.actions}
    if around is not None:
        centre = {node(section, ident) for section, ident in declared if ident == around}
        near = {e for e in edges if e[0] in centre or e[1] in centre}
        fed = {b for a, b in near if a in centre}  # and one step on from what it feeds
        edges = near | {e for e in edges if e[0] in fed}
        keep = {n for e in edges for n in e} | centre
        lines = lines[:3] + [line for line in lines[3:] if line.split(" [", 1)[0].strip() in keep]
        lines += [f"  {n} [penwidth=3];" for n in sorted(centre)]
    lines += [f"  {a} -> {b};" for a, b in sorted(edges)]
    lines.append("}")
    return "\n".join(lines) + "\n"
