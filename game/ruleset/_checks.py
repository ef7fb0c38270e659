"""Checking rule files: reporting with positions, per-file schema checks, references.

`_Checker` collects `Diagnostic`s; `_load._Loader` builds on it to load a whole ruleset,
and `_inputs` uses it alone for decisions and scenario files. The checks that judge the
rules as a whole without playing them (event chains, impossible actions) live in
`_static`; `_Checker` reports what they find.
"""

from __future__ import annotations

import ast
import math
import re
import types
import typing
from typing import Any

import pydantic
from pydantic import ValidationError

from game.errors import Diagnostic, clip_text
from game.ruleset._compiled import CompiledAction
from game.ruleset._expr import (
    NUMBER,
    ExprError,
    Expression,
    Namespace,
    Scope,
    compile_expression,
    did_you_mean,
)
from game.ruleset._schema import (
    ID_PATTERN,
    QUARTER_PATTERN,
    SECTIONS,
    AttributeSpec,
    AttributesSpec,
    KeyValueError,
    RuleFile,
    allowed_keys,
    attribute_entry,
    unwrap,
)
from game.ruleset._static import event_chain_problems, never_allowed
from game.ruleset._yaml import Path_, YamlDoc, locate

_ID = re.compile(ID_PATTERN)
_FORMATS = {
    ID_PATTERN: " (an id: letters, digits and '_', starting with a letter)",
    QUARTER_PATTERN: " (a quarter such as 2025Q1)",
}


class _Checker:
    """Collects diagnostics, and knows where every checked item came from."""

    def __init__(self) -> None:
        self.diags: list[Diagnostic] = []
        self.origin: dict[tuple[str, ...], tuple[YamlDoc, Path_]] = {}
        self.ns = Namespace()
        self.broken: set[str] = set()
        # Entries that failed their own checks, as written: their expressions are still
        # compiled, so that one pass reports those errors too.
        self.broken_entries: list[tuple[YamlDoc, tuple[str, str], Any]] = []
        self.attribute_specs: dict[str, dict[str, Any]] = {}
        self._acting = ""  # the nation of the decision line being checked

    # Reporting ---------------------------------------------------------------------
    def error(self, doc: YamlDoc, path: Path_, message: str, *, key: bool = False) -> None:
        if any(tuple(path[: len(bad)]) == bad for bad in doc.bad):
            return  # the reader already reported this value (a refused tag)
        pos = doc.pos(path, key=key)
        self.diags.append(Diagnostic(doc.file, pos.line, pos.col, message))

    def at(self, ref: tuple[str, ...], sub: Path_, message: str, *, key: bool = False) -> None:
        doc, path = self.origin[ref]
        self.error(doc, (*path, *sub), message, key=key)

    def where(self, ref: tuple[str, ...], sub: Path_ = ()) -> str:
        doc, path = self.origin[ref]
        pos = doc.pos((*path, *sub))
        return f"{doc.file}:{pos.line}:{pos.col}"

    def expr(
        self, ref: tuple[str, ...], sub: Path_, source: str, scope: Scope, want: str | None = NUMBER
    ) -> Expression | None:
        """Compile an expression, reporting problems at the column inside the YAML string."""
        try:
            return compile_expression(source, self.ns, scope, want)
        except ExprError as exc:
            lone = _lone_equals(source) if exc.message.startswith("syntax error") else None
            if lone is not None:
                exc = ExprError("use '==' to compare (a single '=' assigns)", lone)
            self._expr_error(ref, sub, exc)
            return None

    def _expr_error(self, ref: tuple[str, ...], sub: Path_, exc: ExprError) -> None:
        doc, path = self.origin[ref]
        pos = doc.pos((*path, *sub))
        line, col = locate(doc, pos, exc.col)
        self.diags.append(Diagnostic(doc.file, line, col, exc.message))

    # Checks of one file ---------------------------------------------------------------
    def _validate(self, doc: YamlDoc) -> Any:
        """Check a file section by section and item by item.

        Valid items are kept even when their neighbours are broken, so one run reports
        schema errors and reference errors alike; broken items' ids are remembered so
        that references to them do not add a second, misleading error.
        """
        if not isinstance(doc.data, dict):
            kind = "a list" if isinstance(doc.data, list) else f"a {type(doc.data).__name__}"
            self.error(
                doc,
                (),
                f"a rule file is a mapping of sections ({', '.join(SECTIONS[:4])}, …), found {kind}",
            )
            return None
        out: dict[str, Any] = {"game": None, "attributes": None}
        for section, body in doc.data.items():
            if section not in RuleFile.model_fields:
                self._schema_error(doc, {"loc": (section,), "type": "extra_forbidden"})
                continue
            annotation = unwrap(RuleFile.model_fields[section].annotation)
            if section == "attributes":
                out[section] = self._attributes(doc, body)
                continue
            if typing.get_origin(annotation) is not dict:
                out[section] = self._check(doc, (section,), annotation, body)
                continue
            if not isinstance(body, dict):
                self.error(doc, (section,), f"{section}: expected a mapping of ids to entries")
                continue
            model = typing.get_args(annotation)[1]
            items = out.setdefault(section, {})
            for ident, item in body.items():
                if not _ID.match(ident):
                    self.error(
                        doc,
                        (section, ident),
                        f"invalid id {clip_text(ident)}: use letters, digits and '_', starting with a letter",
                        key=True,
                    )
                    continue
                checked = self._check(doc, (section, ident), model, item)
                if checked is None:
                    self.broken.add(ident)
                    self.broken_entries.append((doc, (section, ident), item))
                else:
                    items[ident] = checked
        return types.SimpleNamespace(**{s: out.get(s, {}) for s in SECTIONS})

    def _attributes(self, doc: YamlDoc, body: Any) -> Any:
        """Check `attributes:` one declaration at a time."""
        kinds: dict[str, dict[str, Any]] = {kind: {} for kind in AttributesSpec.model_fields}
        if not isinstance(body, dict):
            self.error(
                doc,
                ("attributes",),
                "attributes: expected a mapping of kinds (world, nation, firm, agency)",
            )
            return types.SimpleNamespace(**kinds)
        for kind, table in body.items():
            if kind not in kinds:
                self._schema_error(doc, {"loc": ("attributes", kind), "type": "extra_forbidden"})
                continue
            if not isinstance(table, dict):
                self.error(
                    doc, ("attributes", kind), f"attributes.{kind}: expected a mapping of names"
                )
                continue
            for name, item in table.items():
                loc = ("attributes", kind, name)
                if not _ID.match(name):
                    self.error(
                        doc,
                        loc,
                        f"invalid name {clip_text(name)}: use letters, digits and '_'",
                        key=True,
                    )
                    continue
                checked = self._check(doc, loc, AttributeSpec, attribute_entry(item))
                if checked is None:
                    self.broken.add(name)
                else:
                    kinds[kind][name] = checked
        return types.SimpleNamespace(**kinds)

    def _check(self, doc: YamlDoc, loc: tuple[str, ...], model: Any, data: Any) -> Any:
        try:
            return pydantic.TypeAdapter(model).validate_python(data)
        except ValidationError as exc:
            problems = exc.errors(include_url=False)
            self._schema_errors(doc, [{**p, "loc": (*loc, *p["loc"])} for p in problems])
            return None

    def _schema_errors(self, doc: YamlDoc, problems: list[Any], root: Any = RuleFile) -> None:
        """Report pydantic's problems with one item, a misspelt key as one problem.

        A required key written with a typo (`efects:`) is both unknown and missing; the
        designer sees one message, at the typo, with its "did you mean".
        """
        misspelt = set()
        renamed: dict[tuple[Any, ...], str] = {}  # unknown key -> the one missing key it may be
        for problem in problems:
            loc = tuple(problem["loc"])
            if problem["type"] == "extra_forbidden" and len(loc) > 1:
                hint = did_you_mean(
                    str(loc[-1]), _unwritten(doc, loc, allowed_keys(loc[:-1], root))
                )
                missing = [tuple(p["loc"]) for p in problems
                           if p["type"] == "missing" and tuple(p["loc"][:-1]) == loc[:-1]]  # fmt: skip
                extra = [p for p in problems if p["type"] == "extra_forbidden"
                         and tuple(p["loc"][:-1]) == loc[:-1]]  # fmt: skip
                misspelt |= {m for m in missing if f"{m[-1]!r}" in hint}
                if not hint and len(missing) == 1 and len(extra) == 1:
                    misspelt.add(missing[0])  # one key unknown, one missing: said once
                    renamed[loc] = str(missing[0][-1])
        for problem in problems:
            loc = tuple(problem["loc"])
            if loc in renamed:
                message = (
                    f"unknown key {clip_text(loc[-1])} in {_describe(loc[:-1])}, which lacks "
                    f"the required key {renamed[loc]!r}: is this it?"
                )
                self.error(doc, loc, message, key=True)
            elif problem["type"] != "missing" or loc not in misspelt:
                self._schema_error(doc, problem, root)

    def _schema_error(self, doc: YamlDoc, problem: Any, root: Any = RuleFile) -> None:
        """Report one pydantic problem; `root` is the type the whole file was checked as."""
        loc = tuple(problem["loc"])
        kind = problem["type"]
        got = problem.get("input")
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
            self.error(
                doc,
                loc,
                f"invalid id {clip_text(loc[-1])}: use letters, digits and '_', starting with a letter",
                key=True,
            )
            return
        if kind == "extra_forbidden":
            allowed = allowed_keys(loc[:-1], root)
            what = "section" if len(loc) == 1 else "key"
            context = f" in {_describe(loc[:-1])}" if len(loc) > 1 else ""
            hint = did_you_mean(str(loc[-1]), _unwritten(doc, loc, allowed))
            message = f"unknown {what} {clip_text(loc[-1])}{context}{hint}"
            if allowed and not hint:
                message += f"; expected one of: {', '.join(sorted(allowed))}"
            self.error(doc, loc, message, key=True)
            return
        if kind == "missing":
            self.error(
                doc,
                loc[:-1],
                f"missing required key {loc[-1]!r} in {_describe(loc[:-1])}",
                key=True,
            )
            return
        ctx = problem.get("ctx", {})
        error = ctx.get("error")
        if isinstance(error, KeyValueError):  # a model's own check that names the key it is about
            self.error(doc, (*loc, error.key), f"{_describe(loc)}: {error}")
            return
        if kind == "literal_error":
            choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            hint = did_you_mean(got, choices) if isinstance(got, str) else ""
            message = f"{_describe(loc)}: {clip_text(got)} is not one of {', '.join(choices)}"
            self.error(doc, loc, message + hint)
            return
        friendly = {
            "string_pattern_mismatch": "invalid format" + _FORMATS.get(ctx.get("pattern", ""), ""),
            "model_type": "expected a mapping (key: value lines)",
            "dict_type": "expected a mapping (key: value lines)",
            "list_type": "expected a list ('- item' lines)",
            "float_type": "expected a number",
            "int_type": "expected a whole number",
            "string_type": "expected text",
            "bool_type": "expected true or false",
            "greater_than_equal": f"must be at least {ctx.get('ge')}",
            "less_than_equal": f"must be at most {ctx.get('le')}",
            "too_short": "must not be empty",
            "string_too_short": "must not be empty",
            "string_too_long": f"is longer than {ctx.get('max_length')} characters",
        }
        message = friendly.get(kind, problem.get("msg", "").removeprefix("Value error, "))
        if not kind.startswith("value_error") and kind != "assertion_error":
            message += f", found {clip_text(got)}"
        self.error(doc, loc, f"{_describe(loc)}: {message}" if loc else message)

    # References --------------------------------------------------------------------
    def _in_bounds(
        self, spec: Any, value: float, ref: tuple[str, ...], sub: Path_, name: str
    ) -> None:
        """Report a start value outside its attribute's declared bounds."""
        if spec is None:
            return
        low = -math.inf if spec.min is None else spec.min
        high = math.inf if spec.max is None else spec.max
        if not low <= value <= high:
            self.at(ref, sub, f"{name} = {value:g} is outside its bounds [{low:g}, {high:g}]")

    def _known(
        self,
        name: str,
        options: set[str],
        ref: tuple[str, ...],
        sub: Path_,
        what: str,
        *,
        key: bool = False,
    ) -> bool:
        """Whether `name` is one of `options`; an unknown name is reported. A name whose
        own entry failed its checks (reported there) is not reported again, and is not
        one of the options either: there is nothing to check against it."""
        if name in options:
            return True
        if name in self.broken:
            return False
        hint = did_you_mean(name, options) or _one_of(options)
        self.at(ref, sub, f"unknown {what} {clip_text(name)}{hint}", key=key)
        return False

    def _invest(
        self, ref: tuple[str, ...], sub: Path_, split: dict[str, float], lines: dict[str, Any]
    ) -> None:
        for line in split:
            self._known(line, set(lines), ref, (*sub, line), "investment line", key=True)
        if sum(split.values()) > 1.0 + 1e-9:
            self.at(
                ref,
                sub,
                f"investment shares add up to {sum(split.values()):.2f}; they may add up to at most 1",
            )

    def _action_ref(
        self,
        ref: tuple[str, ...],
        sub: Path_,
        action: str | None,
        target: str | None,
        actions: dict[str, CompiledAction],
    ) -> None:
        if target is not None:
            self._known(target, self.ns.ids["nation"], ref, (*sub, "target"), "nation")
            if target == ref[-1] or target == self._acting:
                self.at(ref, (*sub, "target"), f"a nation cannot target itself ({target})")
        if action is None:
            if target is not None:
                self.at(ref, (*sub, "target"), "'target:' is only used with 'action:'")
            return
        if not self._known(action, set(actions), ref, (*sub, "action"), "action"):
            return
        needs = actions[action].spec.target == "nation"
        if needs and target is None:
            self.at(ref, (*sub, "action"), f"action {action!r} needs 'target:' (a nation id)")
        if not needs and target is not None:
            self.at(ref, (*sub, "target"), f"action {action!r} takes no target")
        nation = self._acting or (str(ref[1]) if ref[0] == "bots" and len(ref) > 1 else "")
        requires = actions[action].spec.requires
        if nation in self.ns.ids.get("nation", ()) and isinstance(requires, str):
            never = never_allowed(requires, action, nation, target if needs else None)
            if never is not None:
                key, message = never
                self.at(ref, (*sub, key), message)

    def _scenario(
        self,
        ref: tuple[str, ...],
        spec: Any,
        merged: dict[str, Any],
        lines: dict[str, Any],
        actions: dict[str, CompiledAction],
    ) -> None:
        params = merged["parameters"]
        for name, value in spec.parameters.items():
            if self._known(name, set(params), ref, ("parameters", name), "parameter", key=True):
                why = params[name].refuses(value)
                if why:
                    self.at(ref, ("parameters", name), f"{name} = {value:g} {why}")
        for name, value in spec.world.items():
            self._known(
                name, self.ns.attributes["world"], ref, ("world", name), "world attribute", key=True
            )
            bounds = self.attribute_specs.get("world", {}).get(name)
            self._in_bounds(bounds, value, ref, ("world", name), name)
        for section, kind in (("nations", "nation"), ("firms", "firm")):
            for ident, values in getattr(spec, section).items():
                if self._known(ident, self.ns.ids[kind], ref, (section, ident), kind, key=True):
                    for name, value in values.items():
                        self._known(
                            name,
                            self.ns.attributes[kind],
                            ref,
                            (section, ident, name),
                            f"{kind} attribute",
                            key=True,
                        )
                        bounds = self.attribute_specs.get(kind, {}).get(name)
                        self._in_bounds(bounds, value, ref, (section, ident, name), name)
        for nation in spec.seats:
            self._known(nation, self.ns.ids["nation"], ref, ("seats", nation), "nation", key=True)
        for i, line in enumerate(spec.decisions):
            self.check_decision(ref, ("decisions", i), line, lines, actions)

    def check_decision(
        self,
        ref: tuple[str, ...],
        sub: Path_,
        line: Any,
        lines: dict[str, Any],
        actions: dict[str, CompiledAction],
    ) -> None:
        """Check one decision line's references (nation, lines, action, target, event)."""
        if line.event:
            self._known(line.event, self.ns.events, ref, (*sub, "event"), "event")
            return
        self._acting = line.nation
        known = self._known(line.nation, self.ns.ids["nation"], ref, (*sub, "nation"), "nation")
        if not known:
            self._acting = ""  # nothing to say about what an unknown nation may do
        if line.invest:
            self._invest(ref, (*sub, "invest"), line.invest, lines)
        self._action_ref(ref, sub, line.action, line.target, actions)
        self._acting = ""

    # Events that fire events -----------------------------------------------------------
    def check_event_chains(self, merged: dict[str, Any]) -> None:
        """Report events that fire each other in a loop, or deeper than the game allows.

        The analysis is `_static.event_chain_problems`; see there for what is judged.
        """
        for ref, sub, message in event_chain_problems(merged):
            self.at(ref, sub, message)


def _unwritten(doc: YamlDoc, loc: tuple[Any, ...], allowed: set[str]) -> set[str]:
    """The keys allowed beside the unknown key at `loc` that its mapping does not already
    have (a key written correctly is not what a misspelt one meant)."""
    written = {path[-1] for path in doc.keys if len(path) == len(loc) and path[:-1] == loc[:-1]}
    return allowed - written


def _describe(loc: tuple[Any, ...]) -> str:
    """Name a place in a file for messages: ('rules', 'x', 'effects', 0) -> rules.x.effects[0]."""
    if not loc:
        return "the file"
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _one_of(options: Any, most: int = 12) -> str:
    """'; expected one of: a, b, c' for a set of known names, cut after `most` of them."""
    names = sorted(str(o) for o in options)
    if not names:
        return ""
    shown = ", ".join(names[:most])
    if len(names) > most:
        shown += f", … ({len(names) - most} more)"
    return f"; expected one of: {shown}"


def _lone_equals(source: str) -> int | None:
    """The offset of a lone '=' that, written '==', makes `source` an expression, or None.

    `self.id = 'US'` is a comparison the designer meant; keyword arguments such as
    `nation='TW'` are left alone, since doubling them does not make the text parse.
    """
    for match in re.finditer(r"(?<![=!<>])=(?!=)", source):
        fixed = source[: match.start()] + "=" + source[match.start() :]
        try:
            ast.parse(fixed.strip(), mode="eval")
        except SyntaxError:
            continue
        except (ValueError, RecursionError, MemoryError):
            return None
        return match.start()
    return None
