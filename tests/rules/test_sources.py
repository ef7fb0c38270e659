"""Honest sources: a `source:` quotes the article, an `assumption:` owns what it does not say.

The bundled rules quote the article (a copy is `article.txt` here) with the paragraph
named by its first words: `"quoted words ... more words (para. 'First words of it')."`.
A parameter is a number, so a `source:` alone on it claims the article gives that number;
every other parameter carries an `assumption:` for its size. `docs` and the game's Why?
window show both, labelled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.ruleset import (
    ARTICLE_LABEL,
    ASSUMED_LABEL,
    DEFAULT_RULES,
    DecisionLine,
    Ruleset,
    labelled_origin,
    load_ruleset,
)
from game.ruleset._reference import reference
from game.sim import GeoModel

ARTICLE = (Path(__file__).parent / "article.txt").read_text(encoding="utf-8")

# One quotation: its words, then the paragraph, then a separator or the end.
QUOTE = re.compile(r"(?P<words>.+?)\s*\(para\. '(?P<para>.+?)'\)(?:[.;,]\s*|$)")
# Quotation marks of every kind: the rules quote inside a quote with single marks.
MARKS = re.compile("[\"'\u2018\u2019\u201c\u201d]")


def _norm(text: str) -> str:
    """Lower case, no quotation marks, single spaces."""
    return " ".join(MARKS.sub("", text).lower().split())


PARAGRAPHS = [_norm(line) for line in ARTICLE.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(DEFAULT_RULES)


def _entries(ruleset: Ruleset) -> Iterator[tuple[str, str | None, str | None]]:
    """Every documented entry of the ruleset: (name, source, assumption)."""
    for name, p in ruleset.parameters.items():
        yield f"parameter {name}", p.source, p.assumption
    for name, line in ruleset.investment_lines.items():
        yield f"investment line {name}", line.source, line.assumption
    for rule in ruleset.all_rules():
        yield f"rule {rule.id}", rule.spec.source, rule.spec.assumption
    for name, action in ruleset.actions.items():
        yield f"action {name}", action.spec.source, action.spec.assumption
        outcomes = action.spec.proposal.outcomes if action.spec.proposal else {}
        for answer, outcome in outcomes.items():
            yield f"action {name} ({answer})", outcome.source, outcome.assumption
    for name, event in ruleset.events.items():
        yield f"event {name}", event.spec.source, event.spec.assumption


def _quotes(source: str) -> list[tuple[str, str]]:
    """The (words, paragraph) quotations a source is made of; [] if it is anything else."""
    found = [(m["words"], m["para"]) for m in QUOTE.finditer(source.strip())]
    if "".join(m.group(0) for m in QUOTE.finditer(source.strip())) != source.strip():
        return []
    return found


def _sourced(ruleset: Ruleset) -> list[tuple[str, str]]:
    return [(name, source) for name, source, _ in _entries(ruleset) if source]


def _numbers(text: str) -> list[tuple[float, float]]:
    """The numbers a passage gives, as ranges: '30-50%' is (30, 50), '$259 million' (259, 259)."""
    found = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?", text):
        low = float(m[1])
        found.append((low, float(m[2]) if m[2] else low))
    return found


def test_the_article_copy_is_the_seed_article() -> None:
    """The copy the tests read is the article the rules are drawn from."""
    assert ARTICLE.startswith("The United States and Taiwan are solidifying")
    assert "over 90% of advanced semiconductor manufacturing" in ARTICLE
    seed = Path("/work/shared/seed/article.txt")
    if seed.exists():
        assert seed.read_text(encoding="utf-8") == ARTICLE


def test_every_source_is_made_of_quotations_with_their_paragraph(ruleset: Ruleset) -> None:
    """A source is quotations, each with `(para. '...')`; reasoning belongs in `assumption:`."""
    bad = [name for name, source in _sourced(ruleset) if not _quotes(source)]
    assert bad == []


def test_every_paragraph_named_opens_exactly_one_paragraph(ruleset: Ruleset) -> None:
    """`para. '...'` gives the first words of one paragraph of the article, and only one."""
    bad = []
    for name, source in _sourced(ruleset):
        for _, para in _quotes(source):
            opened = [p for p in PARAGRAPHS if p.startswith(_norm(para))]
            if len(opened) != 1:
                bad.append((name, para, len(opened)))
    assert bad == []


def test_every_quotation_is_in_the_paragraph_it_names(ruleset: Ruleset) -> None:
    """The quoted words occur in the named paragraph: ignoring case and quotation marks,
    each stretch between `...` as it stands (a paraphrase is not a quotation)."""
    bad = []
    for name, source in _sourced(ruleset):
        for words, para in _quotes(source):
            opened = [p for p in PARAGRAPHS if p.startswith(_norm(para))]
            for piece in re.split(r"\.\.\.|\u2026", words):
                piece = _norm(piece).strip(" .,;:")
                if piece and not (opened and piece in opened[0]):
                    bad.append((name, piece))
    assert bad == []


def test_a_parameter_sourced_alone_quotes_its_own_number(ruleset: Ruleset) -> None:
    """A parameter with a source and no assumption claims the article gives its number:
    the quotation has one, and the value is it (or it as a share, or inside its range)."""
    alone = {n: p for n, p in ruleset.parameters.items() if p.source and not p.assumption}
    assert alone, "the article does give some of the numbers"
    bad = []
    for name, p in alone.items():
        words = " ".join(w for w, _ in _quotes(p.source or ""))
        numbers = _numbers(words)
        fits = any(
            low - 1e-9 <= v <= high + 1e-9
            for low, high in numbers
            for v in (p.value, 100 * p.value)
        )
        if not fits:
            bad.append((name, p.value, words))
    assert bad == []


def test_the_article_s_numbers_are_sourced_alone(ruleset: Ruleset) -> None:
    """The parameters that are the article's own numbers say so with a source alone."""
    alone = {n for n, p in ruleset.parameters.items() if p.source and not p.assumption}
    article_numbers = {
        "us_cost_premium",
        "shield_full",
        "arizona_investment",
        "national_quantum_team",
        "us_capacity_target",
    }
    assert article_numbers & set(ruleset.parameters) <= alone


def test_labelled_origin_gives_the_article_then_the_assumption() -> None:
    """Both, in that order; either alone; blanks left out."""
    assert labelled_origin("words", "reasons") == [
        (ARTICLE_LABEL, "words"),
        (ASSUMED_LABEL, "reasons"),
    ]
    assert labelled_origin("words", None) == [(ARTICLE_LABEL, "words")]
    assert labelled_origin(None, " reasons ") == [(ASSUMED_LABEL, "reasons")]
    assert labelled_origin("", "") == []


def test_docs_show_both_labels_for_an_entry_with_both(ruleset: Ruleset) -> None:
    """`docs` labels the article's words and the assumption on one line, explains the
    labels at its top, and shows an entry's one label when it has only one."""
    text = reference(ruleset)
    head = text.split("## Parameters")[0]
    assert f"*{ARTICLE_LABEL}:*" in head
    assert f"*{ASSUMED_LABEL}:*" in head

    def line(ident: str) -> str:
        (found,) = [
            x
            for x in text.splitlines()
            if x.startswith(("| <a id=", "- <a id=")) and f'-{ident}"></a>' in x
        ]
        return found

    both = line("site_tariff_pull")
    spec = ruleset.parameters["site_tariff_pull"]
    assert spec.source
    assert spec.assumption
    article, assumed = both.index(f"*{ARTICLE_LABEL}:*"), both.index(f"*{ASSUMED_LABEL}:*")
    assert article < assumed
    assert spec.source in both
    assert spec.assumption in both
    rule = line("tsmc_site_choice")
    assert f"*{ARTICLE_LABEL}:*" in rule
    assert f"*{ASSUMED_LABEL}:*" in rule
    alone = line("arizona_investment")
    assert f"*{ARTICLE_LABEL}:*" in alone
    assert f"*{ASSUMED_LABEL}:*" not in alone
    assumed_only = line("fab_cost")
    assert f"*{ARTICLE_LABEL}:*" not in assumed_only
    assert f"*{ASSUMED_LABEL}:*" in assumed_only


def test_the_why_explanation_shows_both(ruleset: Ruleset) -> None:
    """A news item from an entry with a source and an assumption is explained by both,
    labelled as `docs` labels them; `source` still holds the article's words."""
    model = GeoModel(
        seed=1,
        rules=ruleset,
        trace=True,
        decisions=[DecisionLine(turn=1, nation="CN", action="military_drills")],
    )
    model.run(until=1)
    (item,) = [n for n in model.news if "military_drills" in n.causes]
    (cause,) = model.explain(item).causes
    spec = ruleset.actions["military_drills"].spec
    assert spec.source
    assert spec.assumption
    assert cause.origin() == [(ARTICLE_LABEL, spec.source), (ASSUMED_LABEL, spec.assumption)]
    assert (cause.source, cause.assumption) == (spec.source, False)
    assert (cause.article, cause.assumed) == (spec.source, spec.assumption)


@pytest.mark.parametrize(
    ("answer", "labels"),
    [("accept", [ASSUMED_LABEL]), ("reject", [ARTICLE_LABEL, ASSUMED_LABEL])],
)
def test_an_answer_shows_its_outcome_s_labels(
    ruleset: Ruleset, answer: str, labels: list[str]
) -> None:
    """Accepting the 50-50 plan is the game's what-if (assumed only); the rejection is the
    article's, with the game's reading of what it costs."""
    model = GeoModel(
        seed=1,
        rules=ruleset,
        decisions=[
            DecisionLine(turn=1, nation="US", action="propose_sourcing_5050", target="TW"),
            DecisionLine(turn=2, nation="TW", action=f"{answer}_proposal", target="US"),
        ],
    )
    model.run(until=2)
    (item,) = [n for n in model.news if f"propose_sourcing_5050:{answer}" in n.causes]
    (cause,) = model.explain(item).causes
    assert [label for label, _ in cause.origin()] == labels
