"""A Markdown reference of a ruleset: every rule, parameter, action, event and metric."""

from __future__ import annotations

from game.ruleset._compiled import Ruleset

__all__ = ["ARTICLE_LABEL", "ASSUMED_LABEL", "LABELS_EXPLAINED", "labelled_origin", "reference"]

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


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ").strip()


def _origin(spec: object) -> str:
    pairs = labelled_origin(getattr(spec, "source", None), getattr(spec, "assumption", None))
    return " · ".join(f"*{label}:* {_cell(text)}" for label, text in pairs)


def reference(ruleset: Ruleset) -> str:
    """Return the Markdown reference of `ruleset`."""
    out = [f"# {ruleset.game.title}: rules reference", ""]
    out += [
        f"Ruleset `{ruleset.hash}`, {len(ruleset.files)} files. A turn is one quarter from "
        f"{ruleset.game.start}; its phases run in this order: "
        + " → ".join(f"`{p}`" for p in ruleset.phases) + ".",
        "",
        LABELS_EXPLAINED,
        "",
        "## Parameters",
        "",
        "| parameter | value | range | what it is | from |",
        "| --- | --- | --- | --- | --- |",
    ]  # fmt: skip
    for name, p in sorted(ruleset.parameters.items()):
        out.append(
            f"| `{name}` | {p.value:g} | {p.min:g} – {p.max:g} | {_cell(p.doc)} | {_origin(p)} |"
        )
    out += ["", "## Investment lines", ""]
    for name, line in ruleset.investment_lines.items():
        out.append(f"- `{name}`: {_cell(line.doc)} {_origin(line)}")
    out += ["", "## Rules by phase", ""]
    for phase in ruleset.phases:
        rules = ruleset.rules.get(phase, ())
        out += [f"### Phase `{phase}`", ""]
        if not rules:
            out += ["(no rules)", ""]
        for rule in rules:
            scope: str = rule.spec.for_each
            if rule.spec.nation or rule.spec.tag:
                scope += f" ({', '.join(x for x in (rule.spec.nation, rule.spec.tag) if x)})"
            out.append(
                f"- **`{rule.id}`** — {_cell(rule.spec.doc)} For each: {scope}. {_origin(rule.spec)} `{rule.where}`"
            )
        out.append("")
    out += ["## Actions", ""]
    for ident, action in ruleset.actions.items():
        target = " (target: a nation)" if action.spec.target == "nation" else ""
        out.append(f"- **`{ident}`**{target} — {_cell(action.spec.doc)} {_origin(action.spec)}")
    out += ["", "## Events", ""]
    for ident, event in ruleset.events.items():
        out.append(
            f"- **`{ident}`** — {_cell(event.spec.doc)} Chance per turn: `{event.spec.chance}`. {_origin(event.spec)}"
        )
    out += ["", "## Metrics", "", "| metric | what it measures | formula |", "| --- | --- | --- |"]
    for ident, metric in ruleset.metrics.items():
        out.append(f"| `{ident}` | {_cell(metric.spec.doc)} | `{_cell(metric.spec.expr)}` |")
    out += ["", "## Objectives", ""]
    for nation, objective in ruleset.objectives.items():
        terms = ", ".join(f"{t.weight:g} × {t.over} `{t.metric}`" for t in objective.terms)
        out.append(f"- **{nation}** — {_cell(objective.doc)} Score = {terms}.")
    out += ["", "## Scenarios", ""]
    for ident, scenario in ruleset.scenarios.items():
        out.append(f"- **`{ident}`** — {_cell(scenario.doc)}")
    return "\n".join(out)
