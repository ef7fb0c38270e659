"""Load a ruleset folder: parse every file, check it, merge, resolve and compile.

Problems are collected as `Diagnostic`s with file, line and column, and raised once as a
`RulesetError` holding all of them.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.errors import Diagnostic, RulesetError
from game.ruleset._checks import _Checker
from game.ruleset._compiled import (
    AddEffect,
    ChangeEffect,
    ClampEffect,
    CompiledAction,
    CompiledBot,
    CompiledEffect,
    CompiledEvent,
    CompiledMetric,
    CompiledPolicy,
    CompiledRule,
    FireEffect,
    MultiplyEffect,
    NewsEffect,
    Ruleset,
    SetEffect,
)
from game.ruleset._expr import FUNCTIONS, ExprError, Scope
from game.ruleset._runtime import Expression
from game.ruleset._schema import (
    SECTIONS,
    Effect,
    GameSpec,
)
from game.ruleset._template import compile_template
from game.ruleset._yaml import Path_, YamlDoc, read_yaml

__all__ = ["RESERVED_NAMES", "load_ruleset"]

RESERVED_NAMES = {
    "id", "name", "home", "tags", "model", "unique_id", "pos", "random", "rng", "remove",
    "step", "advance", "kind", "spec", "self", "target", "world", "turn", "year", "quarter",
    "true", "false", "budget", *FUNCTIONS,
}  # fmt: skip
_ENTITY_SECTIONS = {"nations": "nation", "firms": "firm", "agencies": "agency"}
_SCOPES: dict[str, str | None] = {
    "world": None,
    "nations": "nation",
    "firms": "firm",
    "agencies": "agency",
}


def load_ruleset(root: str | Path) -> Ruleset:
    """Load, check and compile the ruleset in folder `root` (or a single YAML file).

    Loading the same unchanged files again returns the cached, immutable result.

    Raises:
        RulesetError: listing every problem found, each with file, line and column.
    """
    root = Path(root)
    files = _rule_files(root)
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return _load_cached(root.resolve(), stamp)


def load_ruleset_sources(sources: dict[str, str], label: str) -> Ruleset:
    """Load a ruleset from the text of its files (as `Ruleset.sources` holds them).

    A save carries its rules this way. Problems are reported as in `label: file`, for
    example ``saves/week1.json: rules/fabs.yaml:12:5: error: …``.

    Raises:
        RulesetError: listing every problem found.
    """
    key = tuple(sorted(sources.items()))
    cached = _SOURCE_CACHE.get(key)
    if cached is not None:
        return cached
    files = [
        _SourceFile(name, f"{label}: {name}", text.encode("utf-8"))
        for name, text in sorted(sources.items())
    ]
    if not files:
        raise RulesetError([Diagnostic(label, 1, 1, "no rule files")])
    ruleset = _Loader(Path(label), files).load()
    if len(_SOURCE_CACHE) >= 8:
        _SOURCE_CACHE.pop(next(iter(_SOURCE_CACHE)))
    _SOURCE_CACHE[key] = ruleset
    return ruleset


def forget_loaded_rulesets() -> None:
    """Empty the caches of loaded rulesets, so the next load reads and compiles afresh."""
    _load_cached.cache_clear()
    _SOURCE_CACHE.clear()


_SOURCE_CACHE: dict[tuple[tuple[str, str], ...], Ruleset] = {}


def _rule_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root.resolve()]
    if not root.is_dir():
        raise RulesetError([Diagnostic(str(root), 1, 1, "no such ruleset folder or file")])
    found = root.resolve().rglob("*.y*ml")
    files = sorted(p for p in found if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise RulesetError([Diagnostic(str(root), 1, 1, "no .yaml files in this folder")])
    return files


@dataclass(frozen=True)
class _SourceFile:
    """One rule file to load: its name in the ruleset, its name in messages, its bytes
    (None: read it from `path`)."""

    relative: str
    display: str
    raw: bytes | None = None
    path: Path | None = None


@functools.lru_cache(maxsize=16)
def _load_cached(root: Path, stamp: tuple[tuple[str, int, int], ...]) -> Ruleset:
    files = []
    for text, _, _ in stamp:
        path = Path(text)
        relative = path.name if path == root else path.relative_to(root).as_posix()
        files.append(_SourceFile(relative, _display(path), path=path))
    return _Loader(root, files).load()


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _Loader(_Checker):
    """One loading pass over a ruleset folder."""

    def __init__(self, root: Path, files: list[_SourceFile]):
        super().__init__()
        self.root = root
        self.files = files

    def _broken_expressions(self) -> None:
        """Compile the expressions of entries that failed their own checks (an unknown key,
        a missing doc), where the entry says plainly what they are about."""
        for doc, (section, ident), item in self.broken_entries:
            scope = _written_scope(section, item)
            if scope is None:
                continue
            ref = ("broken", section, ident)
            self.origin[ref] = (doc, (section, ident))
            for sub, text in _written_expressions(section, item):
                self.expr(ref, sub, text, scope)

    # Passes ------------------------------------------------------------------------
    def load(self) -> Ruleset:
        merged: dict[str, Any] = {s: {} for s in SECTIONS}
        attributes: dict[str, dict[str, Any]] = {
            k: {} for k in ("world", "nation", "firm", "agency")
        }
        game: GameSpec | None = None
        game_doc: YamlDoc | None = None
        digest = hashlib.sha256()
        names = []
        unreadable = False
        sources: dict[str, str] = {}
        for source in self.files:
            shown = source.display
            names.append(shown)
            raw = source.raw
            if raw is None and source.path is not None:
                try:
                    raw = source.path.read_bytes()
                except OSError as exc:
                    self.diags.append(Diagnostic(shown, 1, 1, f"cannot read file: {exc.strerror}"))
                    unreadable = True
                    continue
            digest.update(source.relative.encode())
            digest.update(raw or b"")
            doc = read_yaml(None, shown, self.diags, raw=raw)
            if doc is None:
                unreadable = True
                continue
            sources[source.relative] = (raw or b"").decode("utf-8")  # read_yaml checked it
            spec = self._validate(doc)
            if spec is None:
                continue
            if spec.game is not None:
                if game is not None and game_doc is not None:
                    first = game_doc.pos(("game",), key=True)
                    self.error(
                        doc,
                        ("game",),
                        f"'game:' is defined twice (also at {game_doc.file}:{first.line})",
                        key=True,
                    )
                else:
                    game, game_doc = spec.game, doc
                    self.origin[("game",)] = (doc, ("game",))
            if spec.attributes is not None:
                for kind, table in attributes.items():
                    for name, attr in getattr(spec.attributes, kind).items():
                        self._merge(
                            doc, ("attributes", kind, name), table, name, attr, f"{kind} attribute"
                        )
            for section in SECTIONS:
                if section in ("game", "attributes"):
                    continue
                for ident, item in getattr(spec, section).items():
                    self._merge(
                        doc,
                        (section, ident),
                        merged[section],
                        ident,
                        item,
                        section[:-1].replace("_", " "),
                    )
        if game is None and not self.diags:
            self.diags.append(
                Diagnostic(
                    str(self.root),
                    1,
                    1,
                    "no file defines the 'game:' section (title, phases, budget)",
                )
            )
        if game is None or unreadable:
            # With a file unread, its ids are unknown: checking references now would
            # blame the files that use them. Report what was found; references next time.
            raise RulesetError(self.diags)
        ruleset = self._resolve(game, merged, attributes, tuple(names), digest.hexdigest()[:16])
        ruleset = dataclasses.replace(ruleset, sources=sources, places=self._places())
        self.check_event_chains(merged)
        if self.diags:
            raise RulesetError(self.diags)
        return ruleset

    def _places(self) -> dict[str, dict[str, tuple[str, int]]]:
        """Where each entry is written (`Ruleset.places`)."""
        relative = {f.display: f.relative for f in self.files}
        places: dict[str, dict[str, tuple[str, int]]] = {}
        for ref, (doc, path) in self.origin.items():
            if len(ref) < 2:
                continue
            section = ".".join(ref[:-1])
            place = (relative.get(doc.file, doc.file), doc.pos(path, key=True).line)
            places.setdefault(section, {})[ref[-1]] = place
        return places

    def _merge(
        self, doc: YamlDoc, path: Path_, table: dict[str, Any], ident: str, item: Any, what: str
    ) -> None:
        ref = tuple(str(p) for p in path)
        if ident in table:
            other, opath = self.origin[ref]
            pos = other.pos(opath, key=True)
            self.error(
                doc,
                path,
                f"duplicate {what} id {ident!r} (also at {other.file}:{pos.line}:{pos.col})",
                key=True,
            )
            return
        table[ident] = item
        self.origin[ref] = (doc, path)

    # Resolution --------------------------------------------------------------------
    def _resolve(
        self,
        game: GameSpec,
        merged: dict[str, Any],
        attributes: dict[str, dict[str, Any]],
        files: tuple[str, ...],
        digest: str,
    ) -> Ruleset:
        ns = self.ns
        lines = merged["investment_lines"]
        reserved_nation = {"budget", *(f"invest_{line}" for line in lines)}
        for kind, table in attributes.items():
            for name in table:
                if name in RESERVED_NAMES or (kind == "nation" and name in reserved_nation):
                    self.at(
                        ("attributes", kind, name),
                        (),
                        f"attribute name {name!r} is reserved; choose another",
                        key=True,
                    )
        # Ids of entries that failed their own checks still resolve, so that one broken
        # entry does not cause a cascade of "unknown ..." errors elsewhere.
        broken = self.broken
        ns.attributes = {kind: set(table) | broken for kind, table in attributes.items()}
        ns.attributes["nation"] |= reserved_nation
        self.attribute_specs = attributes
        for kind, table in attributes.items():
            for name, spec in table.items():
                self._in_bounds(spec, spec.value, ("attributes", kind, name), ("value",), name)
        ns.parameters = set(merged["parameters"]) | broken
        for name in set(merged["parameters"]) & RESERVED_NAMES:
            self.at(
                ("parameters", name),
                (),
                f"parameter name {name!r} is reserved; choose another",
                key=True,
            )
        ns.ids = {kind: set(merged[section]) | broken for section, kind in _ENTITY_SECTIONS.items()}
        ns.actions = set(merged["actions"]) | broken
        ns.events = set(merged["events"]) | broken
        for section, kind in _ENTITY_SECTIONS.items():
            for ident, spec in merged[section].items():
                ns.tags |= set(spec.tags)
                for attr, value in spec.attrs.items():
                    self._known(
                        attr,
                        ns.attributes[kind],
                        (section, ident),
                        ("attrs", attr),
                        f"{kind} attribute",
                        key=True,
                    )
                    bounds = attributes[kind].get(attr)
                    self._in_bounds(bounds, value, (section, ident), ("attrs", attr), attr)
                if kind != "nation":
                    self._known(
                        spec.nation, ns.ids["nation"], (section, ident), ("nation",), "nation"
                    )
        phases = list(game.phases)
        for i, phase in enumerate(phases):
            if phase in phases[:i]:
                self.at(("game",), ("phases", i), f"phase {phase!r} is listed twice")
        for field in ("decision_phase", "event_phase"):
            self._known(getattr(game, field), set(phases), ("game",), (field,), "phase")
        budget = self.expr(("game",), ("budget",), game.budget, Scope("nation"))

        self._broken_expressions()
        nation_scope = Scope("nation")
        rules: dict[str, list[CompiledRule]] = {p: [] for p in phases}
        for ident, spec in merged["rules"].items():
            ref = ("rules", ident)
            self._known(spec.phase, set(phases), ref, ("phase",), "phase")
            agent_kind = _SCOPES[spec.for_each]
            agents = None
            if agent_kind is None and (spec.nation or spec.tag):
                self.at(
                    ref,
                    ("for_each",),
                    "'nation:' and 'tag:' filters need for_each: nations, firms or agencies",
                )
            if spec.nation:
                self._known(spec.nation, ns.ids["nation"], ref, ("nation",), "nation")
            if spec.tag:
                self._known(spec.tag, ns.tags, ref, ("tag",), "tag")
            if agent_kind is not None:
                agents = ns.set_index(agent_kind, spec.nation, spec.tag)
            scope = Scope(agent_kind)
            when = self.expr(ref, ("when",), spec.when, scope) if spec.when else None
            chance = self.expr(ref, ("chance",), spec.chance, scope) if spec.chance else None
            effects = self._effects(ref, ("effects",), spec.effects, scope)
            if agent_kind is not None:
                self._simultaneous(ref, spec.for_each, effects)
            rules.setdefault(spec.phase, []).append(
                CompiledRule(ident, spec, self.where(ref), agents, when, chance, effects)
            )

        actions = {}
        for ident, spec in merged["actions"].items():
            ref = ("actions", ident)
            scope = Scope("nation", "nation" if spec.target == "nation" else None)
            requires = (
                self.expr(ref, ("requires",), spec.requires, scope) if spec.requires else None
            )
            extra = {}
            if spec.proposal:
                for name in ("on_accept", "on_reject", "on_expire"):
                    extra[name] = self._effects(
                        ref, ("proposal", name), getattr(spec.proposal, name), scope
                    )
            actions[ident] = CompiledAction(
                ident,
                spec,
                self.where(ref),
                requires,
                self._effects(ref, ("effects",), spec.effects, scope),
                self._clauses(ref, spec.requires, scope) if requires is not None else (),
                **extra,
            )

        events = {}
        for ident, spec in merged["events"].items():
            ref = ("events", ident)
            chance = self.expr(ref, ("chance",), spec.chance, Scope())
            effects = self._effects(ref, ("effects",), spec.effects, Scope())
            if chance is not None:  # else an error is reported and nothing is returned
                events[ident] = CompiledEvent(ident, spec, self.where(ref), chance, effects)

        metrics = {}
        for ident, spec in merged["metrics"].items():
            expr = self.expr(("metrics", ident), ("expr",), spec.expr, Scope())
            if expr is not None:
                where = self.where(("metrics", ident), ("expr",))
                metrics[ident] = CompiledMetric(ident, spec, expr, where)

        for ident, spec in merged["objectives"].items():
            ref = ("objectives", ident)
            self._known(ident, ns.ids["nation"], ref, (), "nation", key=True)
            for i, term in enumerate(spec.terms):
                self._known(term.metric, set(metrics), ref, ("terms", i, "metric"), "metric")

        bots = {}
        for ident, spec in merged["bots"].items():
            ref = ("bots", ident)
            self._known(ident, ns.ids["nation"], ref, (), "nation", key=True)
            self._invest(ref, ("invest",), spec.invest, lines)
            policies = []
            for i, pol in enumerate(spec.policies):
                when = self.expr(ref, ("policies", i, "when"), pol.when, nation_scope)
                if pol.invest:
                    self._invest(ref, ("policies", i, "invest"), pol.invest, lines)
                self._action_ref(ref, ("policies", i), pol.action, pol.target, actions)
                where = self.where(ref, ("policies", i))
                if when is not None:
                    policies.append(
                        CompiledPolicy(pol.doc, when, pol.invest, pol.action, pol.target, where)
                    )
            bots[ident] = CompiledBot(ident, spec.doc, dict(spec.invest), tuple(policies))

        scenarios = dict(merged["scenarios"])
        for ident, spec in scenarios.items():
            self._scenario(("scenarios", ident), spec, merged, lines, actions)
        default = game.default_scenario or (next(iter(scenarios)) if scenarios else "default")
        if game.default_scenario:
            self._known(default, set(scenarios), ("game",), ("default_scenario",), "scenario")
        if not scenarios:
            from game.ruleset._schema import ScenarioSpec

            scenarios["default"] = ScenarioSpec(doc="The rules' own starting values.")

        ordered = {p: tuple(rules.get(p, ())) for p in phases}
        counts = {s: len(merged[s]) for s in SECTIONS if s != "game"}
        counts["attributes"] = sum(len(table) for table in attributes.values())
        return Ruleset(
            root=self.root, files=files, hash=digest, game=game, budget=budget,  # type: ignore[arg-type]
            parameters=dict(merged["parameters"]), attributes=attributes,
            investment_lines=dict(lines), nations=dict(merged["nations"]),
            firms=dict(merged["firms"]), agencies=dict(merged["agencies"]), actions=actions,
            rules=ordered, events=events, metrics=metrics, objectives=dict(merged["objectives"]),
            bots=bots, scenarios=scenarios, agent_sets=tuple(ns.agent_sets),
            default_scenario=default, counts=counts,
        )  # fmt: skip

    def _effects(
        self, ref: tuple[str, ...], sub: Path_, effects: list[Effect], scope: Scope
    ) -> tuple[CompiledEffect, ...]:
        out: list[CompiledEffect] = []
        for i, effect in enumerate(effects):
            at = (*sub, i)
            where = self.where(ref, at)
            if effect.fire is not None:
                self._known(effect.fire, self.ns.events, ref, (*at, "fire"), "event")
                out.append(FireEffect(where, f"fire {effect.fire}", effect.fire))
                continue
            if effect.news is not None:
                try:
                    render = compile_template(effect.news, self.ns, scope)
                except ExprError as exc:
                    self._expr_error(ref, (*at, "news"), exc)
                    continue
                out.append(NewsEffect(where, effect.news, render))
                continue
            verb = effect.verb
            target_text = getattr(effect, verb)
            obj = self._target(ref, (*at, verb), target_text, scope)
            value = self.expr(ref, (*at, "value"), effect.value, scope) if effect.value else None
            low = self.expr(ref, (*at, "min"), effect.min, scope) if effect.min else None
            high = self.expr(ref, (*at, "max"), effect.max, scope) if effect.max else None
            if obj is None:
                continue
            text = f"{verb} {target_text}"
            if verb == "clamp":
                out.append(ClampEffect(where, text, obj[0], obj[1], low, high))
            elif value is not None:
                made: CompiledEffect
                if verb == "set":
                    made = SetEffect(where, text, obj[0], obj[1], value)
                elif verb == "add":
                    made = AddEffect(where, text, obj[0], obj[1], value)
                else:
                    made = MultiplyEffect(where, text, obj[0], obj[1], value)
                out.append(made)
        return tuple(out)

    def _simultaneous(
        self, ref: tuple[str, ...], for_each: str, effects: tuple[CompiledEffect, ...]
    ) -> None:
        """A rule over agents is simultaneous: each agent sets, multiplies or clamps only
        itself; it may add to others (the additions are summed)."""
        for i, effect in enumerate(effects):
            if (
                isinstance(effect, ChangeEffect)
                and not isinstance(effect, AddEffect)
                and effect.obj.source != "self"
            ):
                verb = effect.text.split()[0]
                self.at(
                    ref,
                    ("effects", i, verb),
                    f"a rule with for_each: {for_each} may '{verb}' only attributes of self, "
                    f"not of {effect.obj.source}; every agent acts at once, so changes to "
                    "others can only be added ('add:')",
                )

    def _clauses(self, ref: tuple[str, ...], requires: str, scope: Scope) -> tuple[Expression, ...]:
        """Compile each top-level `and` part of a (valid) `requires` on its own."""
        body = ast.parse(requires.strip(), mode="eval").body
        parts = (
            body.values if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And) else [body]
        )
        out = []
        for part in parts:
            clause = self.expr(ref, ("requires",), ast.unparse(part), scope)
            if clause is not None:
                out.append(clause)
        return tuple(out)

    def _target(
        self, ref: tuple[str, ...], sub: Path_, text: str, scope: Scope
    ) -> tuple[Expression, str] | None:
        """Compile an effect's target such as `world.tension` into (object expression, attr)."""
        try:
            body: ast.expr | None = ast.parse(text.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            body = None  # compiling it below reports the problem
        if isinstance(body, ast.Attribute) and body.attr in ("id", "name", "home"):
            column = text.rfind("." + body.attr) + 1
            self._expr_error(
                ref, sub, ExprError(f"{body.attr!r} cannot be changed by rules", column)
            )
            return None
        full = self.expr(ref, sub, text, scope)
        if full is None:
            return None
        if not isinstance(body, ast.Attribute):
            self._expr_error(
                ref,
                sub,
                ExprError("a target is an attribute such as world.strait_tension or self.capacity"),
            )
            return None
        # The object part, rebuilt from the tree: slicing the text by `ast`'s columns would
        # go wrong for targets over several lines or with non-ASCII text.
        obj = self.expr(ref, sub, ast.unparse(body.value), scope, want=None)
        return (obj, body.attr) if obj is not None else None


def _written_scope(section: str, item: Any) -> Scope | None:
    """The scope of a broken entry's expressions, or None where the entry leaves it in
    doubt (no mapping, an unknown `for_each:` or `target:`)."""
    if not isinstance(item, dict):
        return None
    if section == "rules":
        kind = item.get("for_each", "world")
        return Scope(_SCOPES[kind]) if isinstance(kind, str) and kind in _SCOPES else None
    if section == "actions":
        target = item.get("target", "none")
        if target not in ("none", "nation"):
            return None
        return Scope("nation", "nation" if target == "nation" else None)
    if section == "bots":
        return Scope("nation")
    return Scope() if section in ("events", "metrics") else None


def _written_expressions(section: str, item: dict[str, Any]) -> Iterator[tuple[Path_, str]]:
    """The expressions written in a broken entry: (path inside the entry, text)."""
    keys = {"rules": ("when", "chance"), "actions": ("requires",), "events": ("chance",),
            "metrics": ("expr",)}.get(section, ())  # fmt: skip
    found: list[tuple[Path_, Any]] = [((key,), item.get(key)) for key in keys]
    effects: list[tuple[Path_, Any]] = [(("effects",), item.get("effects"))]
    proposal = item.get("proposal")
    if section == "actions" and isinstance(proposal, dict):
        effects += [(("proposal", k), proposal.get(k)) for k in ("on_accept", "on_reject", "on_expire")]  # fmt: skip
    for at, listed in effects:
        for i, effect in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(effect, dict):
                found += [((*at, i, key), effect.get(key)) for key in ("value", "min", "max")]
    policies = item.get("policies") if section == "bots" else None
    for i, policy in enumerate(policies if isinstance(policies, list) else []):
        if isinstance(policy, dict):
            found.append((("policies", i, "when"), policy.get("when")))
    for sub, text in found:
        if isinstance(text, str) and 0 < len(text) <= 2000:
            yield sub, text
