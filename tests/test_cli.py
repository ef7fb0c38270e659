"""The `silicon-shield` command, run for real as `python -m game` in subprocesses.

Commands are started together by module-scoped fixtures (they are independent), then
each test checks one behaviour of one command's exit code and output.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from game.cli import MAX_TURNS
from game.ruleset import DEFAULT_RULES, load_ruleset

MAIN = Path(__file__).resolve().parents[1]
NATIONS = {"US", "TW", "CN", "JP", "KR", "EU"}
METRICS = {
    "tw_advanced_share", "us_advanced_share", "silicon_shield", "strait_tension",
    "us_tw_trust", "clean_network_members", "untrusted_vendor_share", "global_gdp_index",
}  # fmt: skip

BROKEN_RULE = """\
rules:
  broken_rule:
    doc: A rule with a misspelt attribute.
    assumption: tests only
    phase: indicators
    effects:
      - add: world.strait_tension
        value: "world.strait_tenson * 2"
"""
# Line 8: `value: "` puts the string's quote at column 16; the bad name starts 6 characters
# into the expression, so the error is at column 16 + 1 + 6 = 23.
BROKEN_POSITION = "broken.yaml:8:23: error:"

DIVIDE_RULE = """\
attributes:
  world:
    zero_for_tests: {value: 0, doc: "Always zero."}
rules:
  divide_by_zero:
    doc: Divides by zero from turn 2.
    assumption: tests only
    phase: indicators
    WHEN
    effects:
      - set: world.ran_shift
        value: "1 / world.zero_for_tests"
"""

CORRUPT_DECISIONS = (
    "- {turn: 1, nation: US, invest: {fabs: 0.5}\n- {turn: 2, event: strait_crisis}\n"
)

# What `--help` of every command that reads a ruleset says of the default (whitespace aside).
RULES_DEFAULT = "default: rules/ if the current folder has one, else the bundled rules"
RULES_COMMANDS = ["run", "validate", "docs", "bench"]
# GeoModel's keyword arguments that `run` has an option for, and the others.
MODEL_OPTIONS = ["seed", "turns", "scenario", "rules", "decisions"]
MODEL_ARGUMENTS = ["seats", "trace"]

SCENARIO_FILE = """\
title: Short test
doc: A five-quarter scenario for the command-line tests.
turns: 5
parameters: {us_cost_premium: 0.45}
"""


@dataclass(frozen=True)
class Result:
    """What one command did."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str


def run_together(commands: dict[str, tuple[list[str], Path]]) -> dict[str, Result]:
    """Start every `python -m game ARGS` (in its folder) at once; wait for all of them."""
    started = {
        name: subprocess.Popen(
            [sys.executable, "-m", "game", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for name, (args, cwd) in commands.items()
    }
    results = {}
    for name, proc in started.items():
        out, err = proc.communicate(timeout=300)
        results[name] = Result(tuple(commands[name][0]), proc.returncode, out, err)
    return results


def copy_rules(folder: Path, name: str, text: str) -> Path:
    """Copy the default rules to `folder/rules` and add one file to the copy."""
    rules = folder / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    (rules / name).write_text(text, encoding="utf-8")
    return rules


# Fixtures: groups of commands run together -------------------------------------------
@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """`run --turns 64 --json --out` twice with seed 1 and once with seed 2."""
    folder = tmp_path_factory.mktemp("seeded")
    base = ["run", "--turns", "64", "--json", "--out"]
    return run_together({
        "first": ([*base, str(folder / "first.csv"), "--seed", "1"], MAIN),
        "again": ([*base, str(folder / "again.csv"), "--seed", "1"], MAIN),
        "other": ([*base, str(folder / "other.csv"), "--seed", "2"], MAIN),
    })  # fmt: skip


@pytest.fixture(scope="module")
def seeded_csv(seeded: dict[str, Result]) -> Path:
    """The folder where the `seeded` runs wrote their CSV files."""
    return Path(seeded["first"].args[seeded["first"].args.index("--out") + 1]).parent


@pytest.fixture(scope="module")
def failures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Commands given bad input: values, rule files, decision files, rules failing at run time."""
    folder = tmp_path_factory.mktemp("failures")
    broken = folder / "broken"
    broken.mkdir()
    copy_rules(broken, "broken.yaml", BROKEN_RULE)
    (folder / "bad.yaml").write_text(CORRUPT_DECISIONS, encoding="utf-8")
    in_turn = folder / "in_turn"
    in_turn.mkdir()
    copy_rules(in_turn, "divide.yaml", DIVIDE_RULE.replace("WHEN", 'when: "turn >= 2"'))
    at_start = folder / "at_start"
    at_start.mkdir()
    copy_rules(at_start, "divide.yaml", DIVIDE_RULE.replace("WHEN", "at_start: true"))
    return run_together({
        "unknown_parameter": (["run", "--turns", "1", "--set", "us_cost_premum=0.4"], MAIN),
        "non_numeric": (["run", "--turns", "1", "--set", "us_cost_premium=abc"], MAIN),
        "out_of_range": (["run", "--turns", "1", "--set", "us_cost_premium=0.9"], MAIN),
        "fraction": (["run", "--turns", "1", "--set", "t7_min_members=4.5"], MAIN),
        "no_equals": (["run", "--turns", "1", "--set", "foo"], MAIN),
        "zero_turns": (["run", "--turns", "0"], MAIN),
        "no_command": ([], MAIN),
        "broken_rules": (["validate", "rules"], broken),
        "broken_default": (["validate"], broken),
        "too_many_turns": (["run", "--turns", str(MAX_TURNS + 1)], MAIN),
        "corrupt_decisions": (["run", "--turns", "2", "--decisions", "bad.yaml"], folder),
        "divide_in_turn": (["run", "--rules", "rules", "--turns", "3"], in_turn),
        "divide_at_start": (["run", "--rules", "rules", "--turns", "3"], at_start),
    })  # fmt: skip


@pytest.fixture(scope="module")
def others(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """The other commands: validate, schema, docs, bench, and runs of other scenarios."""
    folder = tmp_path_factory.mktemp("others")
    scenario = folder / "scenarios" / "short.yaml"
    scenario.parent.mkdir()
    scenario.write_text(SCENARIO_FILE, encoding="utf-8")
    return run_together({
        "validate": (["validate", "rules"], MAIN),
        "schema": (["schema"], MAIN),
        "docs": (["docs"], MAIN),
        "bench": (["bench", "--quick", "--json"], MAIN),
        "seminar": (["run", "--scenario", "seminar", "--seed", "3", "--json"], MAIN),
        "scenario_file": (["run", "--scenario", "scenarios/short.yaml", "--json"], folder),
    })  # fmt: skip


@pytest.fixture(scope="module")
def model_names() -> dict[str, Result]:
    """`run --set NAME=3` for each keyword argument of GeoModel."""
    return run_together({
        name: (["run", "--turns", "1", "--set", f"{name}=3"], MAIN)
        for name in MODEL_OPTIONS + MODEL_ARGUMENTS
    })  # fmt: skip


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Commands with no ruleset named, in the project (it has rules/) and in a folder without."""
    empty = tmp_path_factory.mktemp("no_rules_here")
    run = ["run", "--turns", "3", "--seed", "2", "--json"]
    return run_together({
        "run_here": (run, MAIN),
        "run_elsewhere": (run, empty),
        "validate_elsewhere": (["validate"], empty),
        "docs_elsewhere": (["docs"], empty),
        **{f"help_{c}": ([c, "--help"], MAIN) for c in RULES_COMMANDS},
    })  # fmt: skip


@pytest.fixture(scope="module")
def summary(seeded: dict[str, Result]) -> dict:
    """The JSON summary printed by `run --turns 64 --seed 1 --json`."""
    assert seeded["first"].code == 0, seeded["first"].stderr
    return json.loads(seeded["first"].stdout)


# run --json ------------------------------------------------------------------------
def test_run_json_has_the_summary_keys(summary: dict) -> None:
    """`run --json` prints scenario, seed, turns, ruleset_hash, parameters, final, scores, events."""
    expected = {"scenario", "seed", "turns", "ruleset_hash", "parameters", "final", "scores"}
    assert expected | {"events"} <= set(summary)
    assert (summary["scenario"], summary["seed"], summary["turns"]) == ("baseline", 1, 64)
    assert isinstance(summary["ruleset_hash"], str)
    assert summary["ruleset_hash"]


def test_run_json_final_has_the_required_metrics(summary: dict) -> None:
    """`final` has a number for every metric other tools rely on."""
    assert set(summary["final"]) >= METRICS
    assert all(isinstance(summary["final"][m], int | float) for m in METRICS)


def test_run_json_parameters_include_the_cost_premium(summary: dict) -> None:
    """`parameters` lists the values used, including us_cost_premium."""
    assert 0.3 <= summary["parameters"]["us_cost_premium"] <= 0.5


def test_run_json_scores_every_nation(summary: dict) -> None:
    """`scores` has a number for each of the six nations."""
    assert set(summary["scores"]) == NATIONS
    assert all(isinstance(v, int | float) for v in summary["scores"].values())


def test_run_json_events_are_turn_and_id(summary: dict) -> None:
    """`events` is a list of {turn, id} with turns in the game and ids of known events."""
    assert isinstance(summary["events"], list)
    for event in summary["events"]:
        assert set(event) == {"turn", "id"}
        assert 1 <= event["turn"] <= 64
        assert isinstance(event["id"], str)


def test_run_same_seed_prints_identical_bytes(seeded: dict[str, Result]) -> None:
    """Two runs with the same seed print byte-identical stdout."""
    assert seeded["first"].code == seeded["again"].code == 0
    assert seeded["first"].stdout == seeded["again"].stdout


def test_run_same_seed_writes_identical_csv(seeded: dict[str, Result], seeded_csv: Path) -> None:
    """Two runs with the same seed write byte-identical --out CSV files."""
    assert (seeded_csv / "first.csv").read_bytes() == (seeded_csv / "again.csv").read_bytes()


def test_run_other_seed_gives_a_different_game(seeded: dict[str, Result], seeded_csv: Path) -> None:
    """A run with another seed writes different per-turn metrics."""
    assert seeded["other"].code == 0, seeded["other"].stderr
    assert (seeded_csv / "first.csv").read_bytes() != (seeded_csv / "other.csv").read_bytes()


def test_run_out_csv_has_a_row_per_turn(seeded_csv: Path) -> None:
    """--out CSV has a header (turn, year, quarter, metrics…) and rows for turn 0 to 64."""
    lines = (seeded_csv / "first.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["turn", "year", "quarter"]
    assert set(header) >= METRICS
    assert [line.split(",")[0] for line in lines[1:]] == [str(t) for t in range(65)]


def test_run_leaves_only_the_csv_files(seeded: dict[str, Result], seeded_csv: Path) -> None:
    """--out writes its file atomically: no temporary files are left beside it."""
    assert sorted(p.name for p in seeded_csv.iterdir()) == ["again.csv", "first.csv", "other.csv"]


# Bad values on the command line ------------------------------------------------------
def test_set_unknown_parameter_exits_2_with_one_line(failures: dict[str, Result]) -> None:
    """`--set` of an unknown parameter exits 2 with one stderr line saying "did you mean"."""
    result = failures["unknown_parameter"]
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "did you mean 'us_cost_premium'" in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("name", MODEL_OPTIONS)
def test_set_of_a_run_option_names_the_option(model_names: dict[str, Result], name: str) -> None:
    """`--set seed=3` (or turns, scenario, rules, decisions) exits 2 with one line naming --seed."""
    result = model_names[name]
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"silicon-shield run: error: --set {name}=3: {name} is not a parameter; use --{name} 3"
    ]
    assert result.stdout == ""


@pytest.mark.parametrize("name", MODEL_ARGUMENTS)
def test_set_of_another_model_argument_is_not_a_parameter(
    model_names: dict[str, Result], name: str
) -> None:
    """`--set seats=3` or `--set trace=3` exits 2 with one line: not a parameter of the ruleset."""
    result = model_names[name]
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"--set {name}=3: {name} is not a parameter of the ruleset" in lines[0]


def test_too_many_turns_are_refused_with_the_limit(failures: dict[str, Result]) -> None:
    """`--turns` above the limit exits 2 at once with one line naming the limit."""
    result = failures["too_many_turns"]
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"silicon-shield run: error: --turns {MAX_TURNS + 1}: a game has at most {MAX_TURNS} turns"
    ]


def test_turn_limit_is_the_rule_file_schema_limit(others: dict[str, Result]) -> None:
    """The command line's turn limit is the `turns` maximum of the game and of scenarios."""
    definitions = json.loads(others["schema"].stdout)["$defs"]
    for spec in ("GameSpec", "ScenarioSpec"):
        turns = definitions[spec]["properties"]["turns"]
        maximum = turns.get("maximum") or max(
            option.get("maximum", 0) for option in turns.get("anyOf", [])
        )
        assert maximum == MAX_TURNS, spec


@pytest.mark.parametrize("case", ["non_numeric", "out_of_range", "no_equals", "zero_turns"])
def test_bad_command_line_value_exits_2(failures: dict[str, Result], case: str) -> None:
    """A non-numeric, out-of-range or malformed --set, or --turns 0, exits 2 with a message."""
    result = failures[case]
    assert result.code == 2
    assert "error:" in result.stderr
    assert result.stdout == ""


def test_set_message_names_the_parameter(failures: dict[str, Result]) -> None:
    """The message for an out-of-range --set names the parameter and its range."""
    message = failures["out_of_range"].stderr
    assert "us_cost_premium" in message
    assert "0.3" in message
    assert "0.5" in message


def test_set_gives_an_integer_parameter_a_whole_number(failures: dict[str, Result]) -> None:
    """--set of a count (declared integer: true) to a fraction exits 2 in one line."""
    result = failures["fraction"]
    assert result.code == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith(
            "t7_min_members = 4.5 is not a whole number (the parameter is declared 'integer: true')"
        )
    )


def test_no_command_exits_2(failures: dict[str, Result]) -> None:
    """`python -m game` with no arguments prints the usage and exits 2."""
    result = failures["no_command"]
    assert result.code == 2
    assert "usage:" in result.stdout + result.stderr


# Bad files ---------------------------------------------------------------------------
def test_validate_default_rules_exits_0(others: dict[str, Result]) -> None:
    """`validate rules` on the default ruleset exits 0 and says ok."""
    result = others["validate"]
    assert result.code == 0, result.stderr
    assert "ok" in result.stdout


def test_validate_without_a_folder_reads_the_rules_here(failures: dict[str, Result]) -> None:
    """`validate` in a folder whose rules/ is broken checks that rules/ (not the bundled rules)."""
    result = failures["broken_default"]
    assert result.code == 1
    assert BROKEN_POSITION in result.stderr
    assert "ok" not in result.stdout


def test_validate_broken_rule_file_exits_1_with_position(failures: dict[str, Result]) -> None:
    """A broken file added to a copy of the rules makes validate exit 1 naming file:line:col."""
    result = failures["broken_rules"]
    assert result.code == 1
    assert BROKEN_POSITION in result.stderr
    assert "did you mean 'strait_tension'" in result.stderr


def test_corrupt_decisions_file_exits_1_with_position(failures: dict[str, Result]) -> None:
    """A decisions file with a YAML syntax error makes run exit 1 naming bad.yaml:line:col."""
    result = failures["corrupt_decisions"]
    assert result.code == 1
    assert re.search(r"bad\.yaml:\d+:\d+: error:", result.stderr), result.stderr


def test_rule_dividing_by_zero_exits_1_with_position(failures: dict[str, Result]) -> None:
    """A rule dividing by zero during a turn makes run exit 1 naming the file position and turn."""
    result = failures["divide_in_turn"]
    assert result.code == 1
    assert re.search(r"divide\.yaml:\d+:\d+: .*turn 2", result.stderr), result.stderr


def test_at_start_rule_dividing_by_zero_exits_1_with_position(
    failures: dict[str, Result],
) -> None:
    """An at_start rule dividing by zero makes run exit 1 naming its file position, not a traceback."""
    result = failures["divide_at_start"]
    assert "Traceback" not in result.stderr
    assert result.code == 1
    assert re.search(r"divide\.yaml:\d+:\d+: ", result.stderr), result.stderr


# Other commands ----------------------------------------------------------------------
def test_run_seminar_scenario(others: dict[str, Result]) -> None:
    """`run --scenario seminar` plays the seminar scenario for its own number of turns."""
    result = others["seminar"]
    assert result.code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["scenario"] == "seminar"
    assert summary["turns"] == load_ruleset(DEFAULT_RULES).scenarios["seminar"].turns


def test_run_scenario_file(others: dict[str, Result]) -> None:
    """`run --scenario path/to/file.yaml` takes its turns and parameters from that file."""
    result = others["scenario_file"]
    assert result.code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["turns"] == 5
    assert summary["parameters"]["us_cost_premium"] == 0.45


def test_schema_is_json_for_every_section(others: dict[str, Result]) -> None:
    """`schema` prints a JSON Schema object with a property for each rule-file section."""
    result = others["schema"]
    assert result.code == 0, result.stderr
    schema = json.loads(result.stdout)
    sections = {"game", "parameters", "nations", "firms", "agencies", "actions", "rules",
                "events", "metrics", "objectives", "bots", "scenarios"}  # fmt: skip
    assert sections <= set(schema["properties"])


def test_docs_mention_every_rule_parameter_action_and_metric(others: dict[str, Result]) -> None:
    """`docs` prints Markdown naming every rule, parameter, action and metric id."""
    result = others["docs"]
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("#")
    ruleset = load_ruleset(DEFAULT_RULES)
    ids = [rule.id for rule in ruleset.all_rules()]
    ids += [*ruleset.parameters, *ruleset.actions, *ruleset.metrics]
    missing = [ident for ident in ids if ident not in result.stdout]
    assert missing == []


def test_bench_json_reports_the_game_time(others: dict[str, Result]) -> None:
    """`bench --quick --json` prints JSON with a positive game_64_turns_ms_median and
    every figure of a default run, each measured."""
    result = others["bench"]
    assert result.code == 0, result.stderr
    figures = json.loads(result.stdout)
    median = figures["game_64_turns_ms_median"]
    assert isinstance(median, int | float)
    assert not isinstance(median, bool)
    assert median > 0
    assert figures["sweep"]["runs"] == 20
    assert set(figures["sweep"]["ours"]) == set(figures["sweep"]["batch_run"]) == {"1", "2"}
    assert [s["runs"] for s in figures["sweep_memory"]["sweeps"]] == [10, 200]
    assert [r["firms"] for r in figures["scaling"]] == [100, 1000]
    assert all(r["turn_ms_median"] > 0 for r in figures["scaling"])
    lan = figures["lan"]
    if "error" not in lan:  # measured where the lan extra is installed (CI installs it)
        assert lan["serve"]["teams"] == 30
        assert lan["serve"]["quarters"] == lan["projector"]["quarters"] == 2
        assert 0 < lan["serve"]["ms_median"] <= lan["serve"]["ms_max"]
        assert 0 < lan["projector"]["ms_median"] <= lan["projector"]["ms_max"]
    else:
        assert "lan" in lan["error"]


# The default ruleset folder -------------------------------------------------------
@pytest.mark.parametrize("command", RULES_COMMANDS)
def test_help_says_what_the_default_rules_are(folders: dict[str, Result], command: str) -> None:
    """`--help` of each command that reads a ruleset says how the default folder is chosen."""
    result = folders[f"help_{command}"]
    assert result.code == 0, result.stderr
    assert RULES_DEFAULT in " ".join(result.stdout.split())


def test_validate_names_the_folder_it_checked(others: dict[str, Result]) -> None:
    """`validate rules` says `ok: rules — N files, …`."""
    assert re.match(r"ok: rules — \d+ files, ", others["validate"].stdout), others[
        "validate"
    ].stdout


def test_validate_elsewhere_names_the_bundled_rules(folders: dict[str, Result]) -> None:
    """`validate` in a folder without rules/ checks the bundled rules and says so, with their path."""
    result = folders["validate_elsewhere"]
    assert result.code == 0, result.stderr
    assert result.stdout.startswith(f"ok: {DEFAULT_RULES} (bundled with the game; ")


def test_run_names_the_rules_here_on_stderr(folders: dict[str, Result]) -> None:
    """`run` in a folder with rules/ plays them and says `rules: rules/` on stderr."""
    result = folders["run_here"]
    assert result.code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "rules: rules/"


def test_run_elsewhere_names_the_bundled_rules_on_stderr(folders: dict[str, Result]) -> None:
    """`run` in a folder without rules/ plays the bundled rules and names their path on stderr."""
    result = folders["run_elsewhere"]
    assert result.code == 0, result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"rules: {DEFAULT_RULES} (bundled")


def test_run_json_is_the_same_wherever_it_runs(folders: dict[str, Result]) -> None:
    """`run --json` prints the same bytes from any folder, and no path of this machine."""
    here, elsewhere = folders["run_here"].stdout, folders["run_elsewhere"].stdout
    assert here == elsewhere
    json.loads(here)
    assert str(DEFAULT_RULES) not in here
    assert str(MAIN) not in here


def test_docs_name_the_folder_under_the_heading(
    others: dict[str, Result], folders: dict[str, Result]
) -> None:
    """`docs` says which rules it describes on the line under its heading."""
    assert others["docs"].stdout.splitlines()[2] == "Rules read from rules/."
    assert (
        folders["docs_elsewhere"]
        .stdout.splitlines()[2]
        .startswith(f"Rules read from {DEFAULT_RULES} (bundled")
    )


def test_bench_help_offers_quick_and_full(folders: dict[str, Result]) -> None:
    """`bench --help` offers `--quick` and `--full` and says what each does and how long."""
    text = " ".join(folders["help_bench"].stdout.split())
    assert "--quick small sweeps (20 runs of 16 turns" in text
    assert "--full also measure a sweep's peak memory at 2,000 runs" in text
    assert "(adds about 40 s)" in text


# Output files ------------------------------------------------------------------------
def test_out_files_have_the_mode_the_umask_gives(tmp_path: Path) -> None:
    """Files written with --out by run, schema and docs are 0o644 under umask 022."""
    game = f"{shlex.quote(sys.executable)} -m game"
    script = " && ".join([
        "umask 022",
        f"{game} run --turns 2 --out run.csv",
        f"{game} schema --out schema.json",
        f"{game} docs --rules {shlex.quote(str(DEFAULT_RULES))} --out docs.md",
    ])  # fmt: skip
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert modes == {"run.csv": 0o644, "schema.json": 0o644, "docs.md": 0o644}


def all_results(*groups: dict[str, Result]) -> Iterator[tuple[str, Result]]:
    """Every (name, result) of the given fixture groups."""
    for group in groups:
        yield from group.items()


def test_no_command_prints_a_traceback(
    seeded: dict[str, Result],
    failures: dict[str, Result],
    others: dict[str, Result],
    model_names: dict[str, Result],
    folders: dict[str, Result],
) -> None:
    """No command, whatever its input, prints a Python traceback."""
    shown = [
        name
        for name, result in all_results(seeded, failures, others, model_names, folders)
        if "Traceback" in result.stdout + result.stderr
    ]
    assert shown == []


def test_out_pointing_at_a_folder_is_refused_before_playing(tmp_path: Path) -> None:
    """`run --out FOLDER` and `schema --out FOLDER` exit 2 with one line, no traceback."""
    folder = tmp_path / "d.csv"
    folder.mkdir()
    for args in (["run", "--turns", "2", "--out", str(folder)], ["schema", "--out", str(folder)]):
        done = subprocess.run(
            [sys.executable, "-m", "game", *args], capture_output=True, text=True, cwd=MAIN
        )
        assert done.returncode == 2, done.stderr
        assert "is a folder" in done.stderr
        assert "Traceback" not in done.stderr


def test_out_that_cannot_be_written_is_refused_before_playing(tmp_path: Path) -> None:
    """An --out name the system refuses (too long) exits 2 with one line, no traceback."""
    out = tmp_path / ("a" * 300 + ".csv")
    done = subprocess.run(
        [sys.executable, "-m", "game", "run", "--turns", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=MAIN,
    )
    assert done.returncode == 2, done.stderr
    assert "cannot write there" in done.stderr
    assert "Traceback" not in done.stderr
