"""compile_expression and compile_template: values, refusals with columns, and a Hypothesis check."""

from __future__ import annotations

import ast
import cmath
import math
from types import SimpleNamespace

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from game.ruleset import (
    CONTEXT_SLOTS,
    AgentIndex,
    ExprError,
    Namespace,
    Scope,
    compile_expression,
    compile_template,
    did_you_mean,
)

NATION = Scope("nation")
DEAL = Scope("nation", "nation")
WORLD = Scope()


def make_ns() -> Namespace:
    """The names of a tiny ruleset (fresh each time: agent sets grow as expressions compile)."""
    return Namespace(
        parameters={"us_cost_premium", "tariff_rate"},
        attributes={
            "world": {"strait_tension", "gdp"},
            "nation": {"capacity", "trust", "gdp"},
            "firm": {"output"},
            "agency": {"staff"},
        },
        ids={"nation": {"US", "TW"}, "firm": {"TSMC", "INTEL"}, "agency": {"ITRI"}},
        tags={"ally", "foundry"},
        actions={"propose_sourcing_5050"},
        events={"strait_crisis"},
    )


def make_context(ns: Namespace) -> SimpleNamespace:
    """A fake evaluation context with every slot of CONTEXT_SLOTS; `self` is TW, `target` is US."""
    us = SimpleNamespace(
        id="US", name="United States", tags=set(), capacity=0.4, trust=0.0, gdp=100.0
    )
    tw = SimpleNamespace(id="TW", name="Taiwan", tags={"ally"}, capacity=0.6, trust=0.9, gdp=20.0)
    tsmc = SimpleNamespace(id="TSMC", name="TSMC", home=tw, tags={"foundry"}, output=10.0)
    intel = SimpleNamespace(id="INTEL", name="Intel", home=us, tags={"foundry"}, output=5.0)
    itri = SimpleNamespace(id="ITRI", name="ITRI", home=tw, tags=set(), staff=3.0)
    agents = {"nation": [us, tw], "firm": [tsmc, intel], "agency": [itri]}

    def members(kind: str, nation: str | None, tag: str | None) -> list:
        return [
            a
            for a in agents[kind]
            if (nation is None or getattr(a, "home", a).id == nation)
            and (tag is None or tag in a.tags)
        ]

    sets = [members(*key) for key in ns.agent_sets]
    context = SimpleNamespace(
        self=tw,
        target=us,
        world=SimpleNamespace(strait_tension=0.25, gdp=120.0),
        p=SimpleNamespace(us_cost_premium=0.5, tariff_rate=0.1),
        turn=3.0,
        year=2025.0,
        quarter=3.0,
        nations={"US": us, "TW": tw},
        firms={"TSMC": tsmc, "INTEL": intel},
        agencies={"ITRI": itri},
        sets=sets,
        agg=AgentIndex(sets),
        random=lambda: 0.25,
        pending=lambda who, action, other: 2 if other is None else 1,
        proposed=lambda who, action, other: 0,
        since=lambda event: 4.0,
        fired=lambda event: 1.0,
    )
    assert set(CONTEXT_SLOTS) <= set(vars(context))
    return context


def evaluate(source: str, scope: Scope = DEAL, want: str | None = None):
    """Compile `source` against the tiny namespace and evaluate it in the fake context."""
    ns = make_ns()
    expr = compile_expression(source, ns, scope, want)
    return expr.fn(make_context(ns))


# Valid expressions ---------------------------------------------------------------------

VALID = [
    ("1 + 2 * 3", 7.0),
    ("2 ** 3 ** 2", 512.0),
    ("-2 ** 2", -4.0),
    ("(-2) ** 2", 4.0),
    ("7 / 2", 3.5),
    ("7 // 2", 3.0),
    ("7 % 4", 3.0),
    ("  1 + 1  ", 2.0),
    ("world.strait_tension * 2", 0.5),
    ("us_cost_premium + tariff_rate", 0.6),
    ("turn + year / 1000 + quarter", 3.0 + 2.025 + 3.0),
    ("clamp(world.strait_tension - 0.1 * self.capacity, 0, 1)", 0.19),
    ("clamp(5, 0, 1)", 1.0),
    ("min(3, 1, 2)", 1.0),
    ("max(self.capacity, target.capacity)", 0.6),
    ("abs(-3)", 3.0),
    ("sqrt(16)", 4.0),
    ("log(exp(2))", 2.0),
    ("round(3.14159, 2)", 3.14),
    ("round(2.7)", 3.0),
    ("nation('US').gdp", 100.0),
    ("firm('TSMC').output", 10.0),
    ("firm('INTEL').home.capacity", 0.4),
    ("agency('ITRI').staff + agency('ITRI').home.trust", 3.9),
    ("self.name == 'Taiwan'", True),
    ("self == nation('TW')", True),
    ("target != self", True),
    ("firm('TSMC').home == self", True),
    ("total('firms', 'output')", 15.0),
    ("total('firms', 'output', nation='TW')", 10.0),
    ("total('nations', 'gdp', where='trust')", 20.0),
    ("share('firms', 'output', nation='US')", 5.0 / 15.0),
    ("count('nations')", 2.0),
    ("count('nations', tag='ally')", 1.0),
    ("count('firms', where='output')", 2.0),
    ("mean('nations', 'capacity')", 0.5),
    ("has_tag(self, 'ally')", True),
    ("has_tag(target, 'ally')", False),
    ("chance(0.5)", True),
    ("chance(0.1)", False),
    ("pending('propose_sourcing_5050')", 2.0),
    ("pending('propose_sourcing_5050', 'US')", 1.0),
    ("proposed('propose_sourcing_5050', 'US')", 0.0),
    ("since('strait_crisis')", 4.0),
    ("fired('strait_crisis')", 1.0),
    ("1 if world.strait_tension > 0.2 else 0", 1.0),
    ("true and not false", True),
    ("True or False", True),
    ("world.strait_tension > 0.2 and self.capacity < 1", True),
    ("1 < 2 < 3", True),
    ("1 < 3 < 2", False),
]


@pytest.mark.parametrize(("source", "value"), VALID)
def test_valid_expression_value(source, value):
    """A valid expression compiles and evaluates to its value in the fake context."""
    assert evaluate(source) == pytest.approx(value)


@pytest.mark.parametrize(
    ("source", "scope", "kind"),
    [
        ("1 + 1", WORLD, "number"),
        ("1 < 2", WORLD, "bool"),
        ("true", WORLD, "bool"),
        ("self.name", NATION, "string"),
        ("self", NATION, "nation"),
        ("firm('TSMC')", WORLD, "firm"),
        ("firm('TSMC').home", WORLD, "nation"),
        ("world", WORLD, "world"),
    ],
)
def test_expression_type(source, scope, kind):
    """The compiled expression reports its type (number, bool, string or an entity kind)."""
    assert compile_expression(source, make_ns(), scope).type == kind


def test_expression_keeps_its_source():
    """The compiled expression keeps the text it came from."""
    assert compile_expression("1 + 2", make_ns()).source == "1 + 2"


def test_numbers_are_floats_at_run_time():
    """Integer literals evaluate as floats, so nothing can build a huge integer."""
    value = evaluate("7 // 2")
    assert type(value) is float


def test_aggregates_register_agent_sets():
    """Filtered aggregates add one agent list per distinct (kind, nation, tag) to the namespace."""
    ns = make_ns()
    compile_expression("total('firms', 'output', nation='TW') + count('firms')", ns)
    compile_expression("total('firms', 'output', nation='TW')", ns)
    assert ns.agent_sets == [("firm", "TW", None), ("firm", None, None)]


# Refused expressions -------------------------------------------------------------------

REFUSED = [
    ("__import__('os')", DEAL, "unknown function '__import__'", 0),
    ("__builtins__", DEAL, "names starting with '_' are not allowed", 0),
    (
        "().__class__.__bases__",
        DEAL,
        "attributes starting with '_' are not allowed ('__bases__')",
        13,
    ),
    ("self.__dict__", DEAL, "attributes starting with '_' are not allowed ('__dict__')", 5),
    ("self.__class__", DEAL, "attributes starting with '_' are not allowed", 5),
    ("getattr(self, 'capacity')", DEAL, "unknown function 'getattr'", 0),
    ("lambda: 1", DEAL, "lambdas are not allowed", 0),
    ("[n for n in nations]", DEAL, "comprehensions are not allowed", 0),
    ("(n for n in nations)", DEAL, "comprehensions are not allowed", 0),
    ("{n: 1 for n in nations}", DEAL, "comprehensions are not allowed", 0),
    ("1 + (y := 2)", DEAL, "':=' (walrus) is not allowed", 5),
    ("f'{self.name}'", DEAL, "f-strings are not allowed", 0),
    ("nations['TW']", DEAL, "indexing with [] is not allowed", 0),
    ("open('/etc/passwd')", DEAL, "unknown function 'open'", 0),
    ("eval('1')", DEAL, "unknown function 'eval'", 0),
    ("exec('import os')", DEAL, "unknown function 'exec'", 0),
    ("self.name.upper()", DEAL, "only the listed functions can be called (no methods)", 0),
    ("1 + world.gdp.hex()", DEAL, "only the listed functions can be called", 4),
    ("max(*[1, 2])", DEAL, "'*' and '**' arguments are not allowed", 0),
    ("clamp(**x)", DEAL, "'*' and '**' arguments are not allowed", 0),
    ("9**9**9", DEAL, "constant '**' overflows", 0),
    ("'a' * 10**10", DEAL, "'*' needs a number, found a string", 0),
    ("1/0", DEAL, "constant '/' overflows or divides by zero", 0),
    ("2 + 1/0", DEAL, "constant '/' overflows or divides by zero", 4),
    ("  1 % 0", DEAL, "constant '%' overflows or divides by zero", 2),
    ("10 ** 308 * 10", DEAL, "constant '*' overflows", 0),
    ("1e400", DEAL, "number is too large", 0),
    (
        "us_cost_premum * 2",
        DEAL,
        "unknown name 'us_cost_premum' (did you mean 'us_cost_premium'?)",
        0,
    ),
    ("slef.capacity", DEAL, "unknown name 'slef' (did you mean 'self'?)", 0),
    ("self.capcity", DEAL, "unknown nation attribute 'capcity' (did you mean 'capacity'?)", 5),
    (
        "1 + world.strait_tensoin",
        DEAL,
        "unknown world attribute 'strait_tensoin' (did you mean 'strait_tension'?)",
        10,
    ),
    ("nation('TWN').gdp", DEAL, "unknown nation id 'TWN' (did you mean 'TW'?)", 7),
    ("firm('TSCM').output", DEAL, "unknown firm id 'TSCM' (did you mean 'TSMC'?)", 5),
    ("clmap(1, 0, 2)", DEAL, "unknown function 'clmap' (did you mean 'clamp'?)", 0),
    ("self.capacity.real", DEAL, "a number has no attribute 'real'", 14),
    ("min(1)", DEAL, "min() takes 2 to 20 arguments, got 1", 0),
    ("round(1, 2, 3)", DEAL, "round() takes 1 to 2 arguments, got 3", 0),
    ("max(1, 2, key=3)", DEAL, "max() has no argument 'key' (allowed: none)", 14),
    (
        "since('strait_crisiss')",
        DEAL,
        "unknown event 'strait_crisiss' (did you mean 'strait_crisis'?)",
        6,
    ),
    ("total('nation', 'gdp')", DEAL, "unknown agent kind 'nation' (did you mean 'nations'?)", 6),
    ("total('nations', 'gpd')", DEAL, "unknown nation attribute 'gpd' (did you mean 'gdp'?)", 17),
    ("has_tag(self, 'aly')", DEAL, "unknown tag 'aly' (did you mean 'ally'?)", 14),
    ("nation(self.name)", DEAL, "nation id must be a quoted literal", 7),
    ("1 ~ 2", DEAL, "syntax error", 2),
    ("x +* 2", DEAL, "syntax error", 3),
    ("yield 1", DEAL, "syntax error", 0),
    ("~1", DEAL, "operator '~' is not allowed", 0),
    ("1 << 2", DEAL, "operator LShift is not allowed", 0),
    ("1 in 2", DEAL, "comparison In is not allowed", 0),
    ("None", DEAL, "NoneType literals are not allowed", 0),
    ("b'x'", DEAL, "bytes literals are not allowed", 0),
    ("'a' + 'b'", DEAL, "'+' needs a number, found a string", 0),
    ("self.name < 'x'", DEAL, "cannot compare a string with a string using '<'", 12),
    ("self.name == 1", DEAL, "cannot compare a string with a number using '=='", 13),
    ("1 if true else 'x'", DEAL, "both branches must have one type", 0),
    ("1 if 'a' else 2", DEAL, "a condition needs a number, found a string", 5),
    ("chance", DEAL, "'chance' is a function; call it as chance(...)", 0),
    ("self.capacity", WORLD, "'self' is not available here", 0),
    ("1 + target.capacity", NATION, "'target' is not available here", 4),
    ("pending('propose_sourcing_5050')", WORLD, "pending() needs 'self' to be a nation", 0),
    ("1" * 2001, DEAL, "the limit is 2,000", 0),
    ("", DEAL, "expression is empty", 0),
    ("   ", DEAL, "expression is empty", 0),
    ("-" * 100 + "1", DEAL, "expression nests more than 60 levels", 61),
    ("'" + "a" * 201 + "'", DEAL, "string literal longer than 200 characters", 0),
]


@pytest.mark.parametrize(("source", "scope", "message", "col"), REFUSED)
def test_refused_expression(source, scope, message, col):
    """A refused expression raises ExprError with the message and the 0-based column."""
    with pytest.raises(ExprError) as caught:
        compile_expression(source, make_ns(), scope)
    assert message in caught.value.message
    assert caught.value.col == col


@pytest.mark.parametrize(
    ("source", "want", "message"),
    [
        ("nation('TW')", "number", "expected a number or condition, found a nation"),
        ("self.name", "number", "expected a number or condition, found a string"),
        ("1 + 1", "string", "expected a string, found a number"),
    ],
)
def test_wrong_result_type_is_refused(source, want, message):
    """Asking for a result type the expression does not have is an error."""
    with pytest.raises(ExprError) as caught:
        compile_expression(source, make_ns(), NATION, want)
    assert caught.value.message == message


def test_non_text_expression_is_refused():
    """An expression that is not a string (say, a list from YAML) is an ExprError."""
    with pytest.raises(ExprError, match="must be text, found list"):
        compile_expression(["1"], make_ns())  # type: ignore[arg-type]


def test_deep_parentheses_compile():
    """Redundant parentheses do not count as nesting."""
    assert evaluate("(" * 150 + "1" + ")" * 150) == 1.0


def test_compiled_expression_has_no_builtins():
    """A compiled expression runs with empty builtins, so even a smuggled name lookup fails."""
    expr = compile_expression("1 + 1", make_ns())
    assert expr.fn.__globals__["__builtins__"] == {}


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("(0 - 2) ** 2", 4.0),
        ("tariff_rate * 0 + (0 - 2) ** 3", -8.0),
    ],
)
def test_folded_negative_constant_keeps_precedence(source, value):
    """A constant that folds to a negative number is still the base of '**' (not -(x ** y))."""
    assert evaluate(source) == pytest.approx(value)


@pytest.mark.parametrize(
    "source", ["1 / -0", "0 ** -1", "(-9) ** 9 ** 9", "5 % -0", "1 / --0", "1 / -(-0)", "1 / +-0"]
)
def test_constant_error_with_signed_literal_is_refused_at_load(source):
    """Constant arithmetic on a signed literal that divides by zero or overflows fails at load time."""
    with pytest.raises(ExprError, match="overflows"):
        compile_expression(source, make_ns())


@pytest.mark.parametrize("source", ["(-8) ** 0.5", "(0 - 8) ** 0.5", "1 + (-1) ** 0.25"])
def test_constant_power_with_complex_result_is_refused(source):
    """A constant power with no real value is an ExprError at load time, not a crash or a complex."""
    with pytest.raises(ExprError):
        compile_expression(source, make_ns())


def test_did_you_mean_suggests_closest():
    """did_you_mean proposes the closest option, matches case-insensitively, and is empty otherwise."""
    assert did_you_mean("capcity", {"capacity", "trust"}) == " (did you mean 'capacity'?)"
    assert did_you_mean("tw", {"TW", "US"}) == " (did you mean 'TW'?)"
    assert did_you_mean("zzz", {"capacity", "trust"}) == ""


# News templates ------------------------------------------------------------------------

TEMPLATES = [
    ("Tension at {world.strait_tension:.0%} in {self.name}", "Tension at 25% in Taiwan"),
    ("{us_cost_premium:.1f} and {{braces}}", "0.5 and {braces}"),
    ("{max(world.gdp, 7):,.0f} billion", "120 billion"),
    ("{'a:b'} stays", "a:b stays"),
    ("{self.name:>8}|", "  Taiwan|"),
    ("{ turn }", "3.0"),
    ("plain text", "plain text"),
    ("{1 if has_tag(self, 'ally') else 0:.0f}", "1"),
]


@pytest.mark.parametrize(("text", "rendered"), TEMPLATES)
def test_template_renders(text, rendered):
    """News text fills `{expression}` and `{expression:format}` fields from the context."""
    ns = make_ns()
    render = compile_template(text, ns, NATION)
    assert render(make_context(ns)) == rendered


TEMPLATE_ERRORS = [
    ("a } b", "single '}' in text; write '}}' for a brace", 2),
    ("abc {turn", "'{' without a closing '}'", 4),
    ("ab {1/0}", "constant '/' overflows or divides by zero", 4),
    ("ab {self.capcity}", "unknown nation attribute 'capcity' (did you mean 'capacity'?)", 9),
    ("x {turn:.q}", "bad format '.q'", 3),
    ("{self}", "cannot show a nation in text; use .name", 1),
    ("{}", "expression is empty", 1),
    ("hi {__import__('os')}", "unknown function '__import__'", 4),
]


@pytest.mark.parametrize(("text", "message", "col"), TEMPLATE_ERRORS)
def test_template_error(text, message, col):
    """A bad field in news text raises ExprError with the column in the whole text."""
    with pytest.raises(ExprError) as caught:
        compile_template(text, make_ns(), NATION)
    assert message in caught.value.message
    assert caught.value.col == col


# Hypothesis: compiled arithmetic agrees with Python's own ------------------------------

VARIABLES = ("us_cost_premium", "tariff_rate")
LITERALS = st.one_of(
    st.sampled_from(["0.0", "0.5", "1.0", "2.0", "3.0", "10.0", "1e300", "1e-300", "7.25"]),
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(repr),
)
ATOMS = st.one_of(LITERALS, st.sampled_from(VARIABLES))
OPERATORS = st.sampled_from(["+", "-", "*", "/", "//", "%", "**"])


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pairs = st.tuples(inner, OPERATORS, inner)
    return st.one_of(
        pairs.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        pairs.map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        inner.map(lambda e: f"-{e}"),
        inner.map(lambda e: f"(-{e})"),
        inner.map(lambda e: f"abs({e})"),
        st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
    )


EXPRESSIONS = st.recursive(ATOMS, _grow, max_leaves=8)
VALUES = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)
ERROR = "ArithmeticError"
CONSTANT_PARTS = (ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop)
COMPLEX_ERROR = "ValueError"  # a negative base to a fractional power has no real value


def _real_pow(base: float, exponent: float) -> float:
    """The language's '**': Python's, but a complex result is an error."""
    result = base**exponent
    if isinstance(result, complex):
        raise ValueError("no real value")
    return result


class _PowToCall(ast.NodeTransformer):
    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):
            return ast.Call(ast.Name("_real_pow", ast.Load()), [node.left, node.right], [])
        return node


def _python(source: str, env: dict[str, float]):
    """Python's own value of `source` (with real '**'), or the name of the error it raises."""
    tree = ast.fix_missing_locations(_PowToCall().visit(ast.parse(source, mode="eval")))
    names = {"__builtins__": {}, "abs": abs, "max": max, "_real_pow": _real_pow}
    try:
        return eval(compile(tree, "<oracle>", "eval"), names, env)
    except ArithmeticError:
        return ERROR
    except ValueError:
        return COMPLEX_ERROR


def _bad_constant(source: str) -> bool:
    """Whether some all-constant arithmetic in `source` fails in Python or is not a finite float."""
    tree = ast.parse(source, mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, ast.BinOp):
            continue
        if not all(isinstance(n, CONSTANT_PARTS) for n in ast.walk(node)):
            continue
        value = _python(ast.unparse(node), {})
        if isinstance(value, str | complex) or not math.isfinite(value):
            return True
    return False


def _same(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, complex) or isinstance(b, complex):
        return a == b or (cmath.isnan(a) and cmath.isnan(b))
    return a == b or (math.isnan(a) and math.isnan(b))


def _depth(node: ast.AST) -> int:
    return 1 + max((_depth(child) for child in ast.iter_child_nodes(node)), default=0)


@settings(max_examples=400, deadline=None)
@given(source=EXPRESSIONS, x=VALUES, y=VALUES)
@example(source="(0.0 - 2.0) ** 2.0", x=0.0, y=0.0)
@example(source="(0.0 - 2.0) ** us_cost_premium", x=2.0, y=0.0)
@example(source="1.0 / -0.0 + us_cost_premium", x=1.0, y=0.0)
@example(source="1.0 / --0.0 + us_cost_premium", x=1.0, y=0.0)
@example(source="(0.0 - 8.0) ** 0.5 + us_cost_premium", x=1.0, y=0.0)
@example(source="us_cost_premium / tariff_rate", x=1.0, y=0.0)
@example(source="2.0 ** 3.0 ** 2.0 - 9.0 ** 9.0 ** 9.0", x=0.0, y=0.0)
def test_arithmetic_matches_python(source, x, y):
    """Random float arithmetic compiles to Python's value, or both fail (constants at load time)."""
    assume(len(source) <= 2000 and _depth(ast.parse(source, mode="eval")) < 50)
    env = dict(zip(VARIABLES, (x, y), strict=True))
    expected = _python(source, env)
    ns = make_ns()
    refused = ""
    try:
        expr = compile_expression(source, ns)
    except ExprError as exc:
        refused = exc.message
    bad = _bad_constant(source)
    assert not (refused and not bad), f"refused {source!r}: {refused}"
    assert not (bad and not refused), f"{source!r} has a failing constant but compiled"
    if refused:
        return
    context = make_context(ns)
    context.p = SimpleNamespace(**env)
    try:
        got = expr.fn(context)
    except ArithmeticError:
        got = ERROR
    except ValueError:
        got = COMPLEX_ERROR
    assert _same(got, expected), f"{source!r}: compiled {got!r}, Python {expected!r}"


def test_nested_aggregates_compile_in_linear_size():
    """Aggregates nested in `nation=` compile once each (this took 40 s and 5 GB before)."""
    source = "1"
    for _ in range(18):
        source = f"mean('firms', 'output', nation=self if {source} else self)"
    expr = compile_expression(source, make_ns(), Scope("nation"))
    assert expr.type == "number"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{world.strait_tension:>3000000000}", "too wide"),
        ("{world.strait_tension > 0.1:.2}", "bad format"),
    ],
)
def test_template_formats_that_would_fail_or_blow_up_are_refused(template, message):
    """Huge widths and formats that do not fit the value's type are load-time errors."""
    with pytest.raises(ExprError, match=message):
        compile_template(template, make_ns())


def test_a_huge_integer_literal_is_refused():
    """An integer literal too large for a float is an ExprError, not an OverflowError."""
    with pytest.raises(ExprError, match="too large"):
        compile_expression("1" + "0" * 400 + " + 1", make_ns())


@pytest.mark.parametrize(
    ("source", "hint", "col"),
    [
        ("self.capacity > 0 && true", "use 'and'", 18),
        ("self.capacity > 0 || true", "use 'or'", 18),
        ("self.capacity === 1", "use '=='", 14),
        ("self.capacity =< 1", "use '<='", 14),
        ("!true", "use 'not'", 0),
    ],
)
def test_operators_of_other_languages_get_a_hint(source: str, hint: str, col: int) -> None:
    """&&, ||, ===, =< and ! are explained with what to write instead, at their column."""
    with pytest.raises(ExprError) as caught:
        compile_expression(source, make_ns(), NATION)
    assert caught.value.message.startswith(hint)
    assert caught.value.col == col


def test_operators_inside_quotes_are_text() -> None:
    """'&&' inside a quoted string is not taken for an operator."""
    with pytest.raises(ExprError, match="syntax error"):
        compile_expression("self.name == 'a && b' and", make_ns(), NATION)
