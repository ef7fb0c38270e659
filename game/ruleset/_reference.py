"""A Markdown reference of a ruleset: every rule, parameter, action, event and metric."""

from __future__ import annotations

from game.ruleset._compiled import Ruleset

__all__ = [
    "ARTICLE_LABEL",
    "ASSUMED_LABEL",
    "LABELS_EXPLAINED",
    "document",
    "labelled_origin",
    "reference",
]

# How the reference and the game's Why? window label where an entry comes from: the
# article's own words (`source:`) or the designers' assumption (`assumption:`).
ARTICLE_LABEL = "From the article"
ASSUMED_LABEL = "Assumed"
LABELS_EXPLAINED = (
    "Where each entry comes from:\n\n"
    f"- *{ARTICLE_LABEL}:* the article's own words, with the paragraph they come from "
    "(named by its first words).\n"
    f"- *{ASSUMED_LABEL}:* the designers' choice, where the article gives no number or does "
    "not say how an effect works.\n\n"
    "An entry with both: the article supports that the effect exists and which way it goes; "
    "its size (or how it works) is assumed."
)


def labelled_origin(source: str | None, assumption: str | None) -> list[tuple[str, str]]:
    """Where an entry comes from, as (label, text) pairs: the article's passage first, then
    the assumption; each only when the entry has it."""
    pairs = [(ARTICLE_LABEL, source), (ASSUMED_LABEL, assumption)]
    return [(label, text.strip()) for label, text in pairs if text and text.strip()]


def _table(title: str, *columns: str) -> list[str]:
    """A section's heading and the head of its table."""
    return ["", f"## {title}", "", f"| {' | '.join(columns)} |", "|" + " --- |" * len(columns)]


def _tidy(line: str) -> str:
    """A line without the double spaces an empty piece leaves, nor trailing ones."""
    while "  " in line and not line.lstrip().startswith("|"):
        line = line.replace("  ", " ")
    return line.rstrip()


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ").strip()


def _origin(spec: object) -> str:
    pairs = labelled_origin(getattr(spec, "source", None), getattr(spec, "assumption", None))
    return " · ".join(f"*{label}:* {_cell(text)}" for label, text in pairs)


def document(ruleset: Ruleset, name: str, files: str = "") -> str:
    """What `docs` prints: the reference, saying under its heading which rules it
    describes (`name`); `files` as in `reference`."""
    heading, _, rest = reference(ruleset, files).partition("\n")
    if " " not in name and not name.endswith((".yaml", "/")):
        name += "/"  # a folder, as `docs` without --rules names it
    return f"{heading}\n\nRules read from {name}.\n{rest}"


def reference(ruleset: Ruleset, files: str = "") -> str:
    """Return the Markdown reference of `ruleset`: every parameter, attribute, investment
    line, rule, action, event, metric, objective, bot and scenario, each with a link to
    the file and line it is written at, and linked to what it reads, changes and fires
    (and, the other way, to what reads, changes or fires it).

    Args:
        ruleset: the rules.
        files: the path from the reference's folder to the rules folder, ending in "/"
            ("" when the reference sits in the rules folder, as rules/REFERENCE.md).
    """
    return _Reference(ruleset, files).text()


_SECTIONS = (
    ("Parameters", "parameters"), ("Attributes", "attributes"),
    ("Investment lines", "investment-lines"), ("Rules by phase", "rules-by-phase"),
    ("Actions", "actions"), ("Events", "events"), ("Metrics", "metrics"),
    ("Objectives", "objectives"), ("Bots", "bots"), ("Scenarios", "scenarios"),
)  # fmt: skip
_ANCHOR = {"parameters": "p", "attributes": "attr", "rules": "rule", "actions": "action",
           "events": "event", "metrics": "metric", "investment_lines": "line",
           "objectives": "objective", "bots": "bot", "scenarios": "scenario"}  # fmt: skip


class _Reference:
    def __init__(self, ruleset: Ruleset, files: str):
        from game.ruleset._graph import dependency_graph

        self.rs = ruleset
        self.files = files
        self.graph = dependency_graph(ruleset)
        # The other way: which entries read, change or fire each name.
        self.readers: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.writers: dict[str, list[tuple[str, str]]] = {}
        self.firers: dict[str, list[tuple[str, str]]] = {}
        for entry, uses in self.graph.items():
            for name in uses.parameters:
                self.readers.setdefault(("parameters", name), []).append(entry)
            for name in uses.attributes:
                self.readers.setdefault(("attributes", name), []).append(entry)
            for name in uses.metrics:
                self.readers.setdefault(("metrics", name), []).append(entry)
            for name in uses.actions:
                self.readers.setdefault(("actions", name), []).append(entry)
            for name in uses.events:
                self.readers.setdefault(("events", name), []).append(entry)
            for name in uses.writes:
                self.writers.setdefault(name, []).append(entry)
            for name in uses.fires:
                self.firers.setdefault(name, []).append(entry)

    # Pieces ------------------------------------------------------------------------
    def anchor(self, section: str, ident: str) -> str:
        return f'<a id="{_ANCHOR[section]}-{ident}"></a>'

    def link(self, section: str, ident: str) -> str:
        if section == "game":
            return f"`{ident}` (game)"
        return f"[`{ident}`](#{_ANCHOR[section]}-{ident})"

    def links(self, section: str, idents: object) -> str:
        return ", ".join(self.link(section, i) for i in sorted(idents))  # type: ignore[call-overload]

    def entries(self, entries: list[tuple[str, str]]) -> str:
        return ", ".join(self.link(s, i) for s, i in sorted(entries, key=lambda e: (e[0], e[1])))

    def place(self, section: str, ident: str) -> str:
        found = self.rs.places.get(section, {}).get(ident)
        if found is None:
            return ""
        name, line = found
        return f"[{name}:{line}]({self.files}{name}#L{line})"

    def uses(self, section: str, ident: str) -> str:
        """What an entry reads, changes and fires, as one sentence of links."""
        uses = self.graph.get((section, ident))
        if uses is None:
            return ""
        parts = []
        read = [
            self.links("parameters", uses.parameters),
            self.links("attributes", uses.attributes),
        ]
        if any(read):
            parts.append("Reads " + ", ".join(x for x in read if x) + ".")
        if uses.actions:
            parts.append("Actions: " + self.links("actions", uses.actions) + ".")
        if uses.events:
            parts.append("Asks about " + self.links("events", uses.events) + ".")
        if uses.writes:
            parts.append("Changes " + self.links("attributes", uses.writes) + ".")
        if uses.fires:
            parts.append("Fires " + self.links("events", uses.fires) + ".")
        return " ".join(parts)

    def used_by(self, section: str, ident: str) -> str:
        found = self.readers.get((section, ident), [])
        return self.entries(found)

    # The document --------------------------------------------------------------------
    def text(self) -> str:
        rs = self.rs
        out = [f"# {rs.game.title}: rules reference", ""]
        out += [
            f"Ruleset `{rs.hash}`, {len(rs.files)} files. A turn is one quarter from "
            f"{rs.game.start}; its phases run in this order: "
            + " → ".join(f"`{p}`" for p in rs.phases) + ".",
            "",
            "Contents: " + " · ".join(f"[{title}](#{slug})" for title, slug in _SECTIONS) + ".",
            "",
            "Each entry links to the file and line it is written at, and to what it reads, "
            "changes and fires; parameters, attributes, metrics, actions and events list "
            "the entries that use them.",
            "",
            LABELS_EXPLAINED,
        ]  # fmt: skip
        out += self.parameters()
        out += self.attributes()
        out += ["", "## Investment lines", ""]
        for name, line in rs.investment_lines.items():
            out.append(
                f"- {self.anchor('investment_lines', name)}**`{name}`** — {_cell(line.doc)} "
                f"Each nation's share of it is `invest_{name}`. {_origin(line)} "
                f"{self.place('investment_lines', name)}"
            )
        out += self.rules()
        out += self.actions()
        out += self.events()
        out += self.metrics()
        out += ["", "## Objectives", ""]
        for nation, objective in rs.objectives.items():
            terms = ", ".join(
                f"{t.weight:g} × {t.over} {self.link('metrics', t.metric)}" for t in objective.terms
            )
            out.append(
                f"- {self.anchor('objectives', nation)}**{nation}** — {_cell(objective.doc)} "
                f"Score = {terms}. {self.place('objectives', nation)}"
            )
        out += ["", "## Bots", ""]
        for nation, bot in rs.bots.items():
            out.append(
                f"- {self.anchor('bots', nation)}**{nation}** — {_cell(bot.doc)} "
                f"{len(bot.policies)} policies. {self.uses('bots', nation)} "
                f"{self.place('bots', nation)}"
            )
        out += ["", "## Scenarios", ""]
        for ident, scenario in rs.scenarios.items():
            out.append(
                f"- {self.anchor('scenarios', ident)}**`{ident}`** — {_cell(scenario.doc)} "
                f"{self.place('scenarios', ident)}".rstrip()
            )
        return "\n".join(_tidy(line) for line in out) + "\n"

    def parameters(self) -> list[str]:
        out = _table("Parameters", "parameter", "value", "range", "what it is", "from",
                     "read by", "written at")  # fmt: skip
        for name, p in sorted(self.rs.parameters.items()):
            out.append(
                f"| {self.anchor('parameters', name)}`{name}` | {p.value:g} | {p.min:g} – "
                f"{p.max:g}{' (whole)' if p.integer else ''} | {_cell(p.doc)} | {_origin(p)} | "
                f"{self.used_by('parameters', name) or '(nothing)'} | "
                f"{self.place('parameters', name)} |"
            )
        return out

    def attributes(self) -> list[str]:
        out = _table("Attributes", "attribute", "of", "start", "bounds", "what it measures",
                     "changed by", "read by", "declared at")  # fmt: skip
        kinds: dict[str, list[str]] = {}
        for kind, table in self.rs.attributes.items():
            for name in table:
                kinds.setdefault(name, []).append(kind)
        for name in sorted(kinds):
            first = self.rs.attributes[kinds[name][0]][name]
            bounds = ""
            if first.min is not None and first.max is not None:
                bounds = f"{first.min:g} – {first.max:g}"
            elif first.min is not None:
                bounds = f"≥ {first.min:g}"
            elif first.max is not None:
                bounds = f"≤ {first.max:g}"
            places = " ".join(self.place(f"attributes.{k}", name) for k in kinds[name])
            writers = self.entries(self.writers.get(name, []))
            out.append(
                f"| {self.anchor('attributes', name)}`{name}` | {', '.join(kinds[name])} | "
                f"{first.value:g} | {bounds} | {_cell(first.doc)} | {writers} | "
                f"{self.used_by('attributes', name)} | {places} |"
            )
        built_in = {"budget": "Its budget this turn, from `game.budget`."}
        for line in self.rs.investment_lines:
            built_in[f"invest_{line}"] = (
                f"Its budget times its share for {self.link('investment_lines', line)}."
            )
        for name, doc in built_in.items():
            out.append(
                f"| {self.anchor('attributes', name)}`{name}` | nation | 0 | | {doc} | "
                f"{', '.join(['the decision phase', *filter(None, [self.entries(self.writers.get(name, []))])])} | "
                f"{self.used_by('attributes', name)} | built in |"
            )
        return out

    def rules(self) -> list[str]:
        out = ["", "## Rules by phase", ""]
        for phase in self.rs.phases:
            rules = self.rs.rules.get(phase, ())
            out += [f"### Phase `{phase}`", ""]
            if not rules:
                out += ["(no rules)", ""]
            for rule in rules:
                scope: str = rule.spec.for_each
                if rule.spec.nation or rule.spec.tag:
                    scope += f" ({', '.join(x for x in (rule.spec.nation, rule.spec.tag) if x)})"
                out.append(
                    f"- {self.anchor('rules', rule.id)}**`{rule.id}`** — {_cell(rule.spec.doc)} "
                    f"For each: {scope}. {self.uses('rules', rule.id)} {_origin(rule.spec)} "
                    f"{self.place('rules', rule.id)}"
                )
            out.append("")
        return out

    def actions(self) -> list[str]:
        out = ["## Actions", ""]
        for ident, action in self.rs.actions.items():
            target = " (target: a nation)" if action.spec.target == "nation" else ""
            bots = self.used_by("actions", ident)
            taken = f" Taken by the bots of {bots}." if bots else ""
            out.append(
                f"- {self.anchor('actions', ident)}**`{ident}`**{target} — "
                f"{_cell(action.spec.doc)} {self.uses('actions', ident)}{taken} "
                f"{_origin(action.spec)} {self.place('actions', ident)}"
            )
        return out

    def events(self) -> list[str]:
        out = ["", "## Events", ""]
        for ident, event in self.rs.events.items():
            fired = self.entries(self.firers.get(ident, []))
            by = f" Also fired by {fired}." if fired else ""
            out.append(
                f"- {self.anchor('events', ident)}**`{ident}`** — {_cell(event.spec.doc)} "
                f"Chance per turn: `{_cell(event.spec.chance)}`.{by} {self.uses('events', ident)} "
                f"{_origin(event.spec)} {self.place('events', ident)}"
            )
        return out

    def metrics(self) -> list[str]:
        out = _table("Metrics", "metric", "what it measures", "formula", "reads", "scored by",
                     "written at")  # fmt: skip
        for ident, metric in self.rs.metrics.items():
            uses = self.graph["metrics", ident]
            reads = ", ".join(
                x for x in (self.links("parameters", uses.parameters),
                            self.links("attributes", uses.attributes)) if x
            )  # fmt: skip
            out.append(
                f"| {self.anchor('metrics', ident)}`{ident}` | {_cell(metric.spec.doc)} | "
                f"`{_cell(metric.spec.expr)}` | {reads} | {self.used_by('metrics', ident)} | "
                f"{self.place('metrics', ident)} |"
            )
        return out
