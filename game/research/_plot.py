"""A sweep's metric against a parameter or against time: the mean over the runs and a
90% band (5th to 95th percentile), to a PNG (`silicon-shield plot`; matplotlib and pandas
are in the research extra)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from game.atomic import write_atomic
from game.errors import GameError, ParameterError
from game.ruleset import did_you_mean

__all__ = ["plot"]

TIME = ("turn", "year")


def _frame(results: Path) -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise GameError(
            "plot needs pandas and matplotlib; install the research extra: "
            "pip install 'silicon-shield[research]'"
        ) from None
    if not results.is_file():
        raise GameError(f"cannot read {str(results)!r}: no such file")
    suffix = results.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(results)
    if suffix == ".parquet":
        try:
            return pd.read_parquet(results)
        except ImportError:
            raise GameError("reading Parquet needs pyarrow: pip install 'silicon-shield[research]'") from None  # fmt: skip
    raise GameError(f"cannot read {str(results)!r}: results are a sweep's .csv or .parquet")


def _column(frame: Any, name: str, option: str) -> str:
    """`name`, a numeric column of `frame` (ids such as `run` are refused in words)."""
    if name not in frame.columns:
        hint = did_you_mean(name, list(frame.columns))
        raise ParameterError(option, f"{option} {name}: no such column in the results{hint}")
    if not _numeric(frame[name]):
        raise ParameterError(option, f"{option} {name}: not a number column (it names runs); choose a metric, score or parameter")  # fmt: skip
    return name


def _numeric(column: Any) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(column)) and not pd.api.types.is_bool_dtype(column)


def _turns(frame: Any) -> list[int]:
    return sorted(int(t) for t in frame["turn"].unique())


def _span(turns: list[int]) -> str:
    """`turns 0 to 64`, `turn 64 only` or `turns 4, 8 and 12`, for messages."""
    if len(turns) == 1:
        return f"turn {turns[0]} only"
    if turns == list(range(turns[0], turns[-1] + 1)):
        return f"turns {turns[0]} to {turns[-1]}"
    shown = ", ".join(str(t) for t in turns[:-1])
    return f"turns {shown} and {turns[-1]}"


def at_turn(frame: Any, turn: int | None) -> tuple[Any, int]:
    """The rows of `frame` at `turn` (default: the last turn in the results), and that turn.

    Raises:
        ParameterError: for a turn the results do not have.
    """
    turns = _turns(frame)
    at = turns[-1] if turn is None else turn
    if at not in turns:
        raise ParameterError("--turn", f"--turn {at}: the results have {_span(turns)}")
    return frame[frame["turn"] == at], at


def _read(results: Path) -> Any:
    """The rows of a sweep, refusing a file with none."""
    frame = _frame(results)
    if len(frame) == 0 or "turn" not in frame.columns:
        raise GameError(f"cannot read {str(results)!r}: it has no rows of a sweep")
    return frame


def plot(
    results: str | Path,
    x: str,
    y: str,
    out: str | Path,
    *,
    turn: int | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """Draw `y` against `x` from a sweep's rows and write a PNG.

    Args:
        results: a sweep's `.csv` or `.parquet` (one row per run and turn, or per run).
        x: a varied parameter (the metric at `turn`, default the last) or `turn`/`year`
            (the metric through time).
        y: a metric or score column.
        out: the `.png` to write.
        turn: with a parameter on x, the turn to read (default: the last in the results).
        by: a varied parameter: one line (and band) per value of it.

    Returns:
        What was drawn: per line, the x values, means and band.

    Raises:
        ParameterError: for a column the results do not have (`name` says which option).
        GameError: for a missing or unreadable file, or without the research extra.
    """
    results, out = Path(results), Path(out)
    if out.suffix.lower() != ".png":
        raise ParameterError("--out", f"--out {out}: the figure is a .png")
    frame = _read(results)
    _column(frame, y, "--y")
    _column(frame, x, "--x")
    if by is not None:
        _column(frame, by, "--by")
        if by == x:
            raise ParameterError("--by", f"--by {by}: already across (--x); choose another parameter")  # fmt: skip
    varied = _varied(frame)
    if x not in TIME and x not in varied:
        raise ParameterError("--x", f"--x {x}: not a parameter the sweep varied; choose {_choices(varied)}")  # fmt: skip
    if by is not None and by not in varied:
        raise ParameterError("--by", f"--by {by}: not a parameter the sweep varied; choose {_choices(varied)}")  # fmt: skip
    at = None
    if x in TIME:
        if turn is not None:
            raise ParameterError("--turn", "--turn reads one turn; with --x turn or year the whole game is drawn")  # fmt: skip
        if len(_turns(frame)) < 2:
            raise ParameterError("--x", f"--x {x}: the results have {_span(_turns(frame))} (a --final-only sweep?); plot against a parameter, or sweep without --final-only")  # fmt: skip
    else:
        frame, at = at_turn(frame, turn)
    pooled = [n for n in varied if n not in (x, by)]
    if x == "year" and "quarter" in frame.columns:  # each quarter at its place in the year
        frame = frame.assign(year=frame["year"] + (frame["quarter"] - 1) / 4)
    groups = [(None, frame)] if by is None else list(frame.groupby(by))
    lines = []
    for value, part in groups:
        stats = part.groupby(x)[y].agg(
            mean="mean", low=lambda s: s.quantile(0.05), high=lambda s: s.quantile(0.95)
        )
        runs = int(part.groupby(x)["run"].nunique().min())
        lines.append({
            "by": None if value is None else float(value),
            "x": [float(v) for v in stats.index],
            "mean": [float(v) for v in stats["mean"]],
            "low": [float(v) for v in stats["low"]],
            "high": [float(v) for v in stats["high"]],
            "runs": runs,
        })  # fmt: skip
    _draw(lines, x, y, by, out, at, pooled)
    return {"x": x, "y": y, "by": by, "lines": lines, "out": str(out), "pooled": pooled}


def _varied(frame: Any) -> list[str]:
    """The parameter columns of a sweep's rows (between `seed` and `turn`) that take more
    than one value."""
    columns = list(frame.columns)
    if "seed" not in columns or "turn" not in columns:
        return []
    names = columns[columns.index("seed") + 1 : columns.index("turn")]
    return [n for n in names if frame[n].nunique() > 1]


def _choices(names: list[str]) -> str:
    if not names:
        return "turn or year (the sweep varied no parameter over more than one value)"
    return "turn, year or " + ", ".join(names)


def _draw(
    lines: list[dict[str, Any]],
    x: str,
    y: str,
    by: str | None,
    out: Path,
    at: int | None,
    pooled: list[str],
) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise GameError("plot needs matplotlib; install the research extra: pip install 'silicon-shield[research]'") from None  # fmt: skip
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=120)
    colours = plt.get_cmap("viridis")
    for i, line in enumerate(lines):
        colour = colours(i / max(1, len(lines) - 1) * 0.85) if len(lines) > 1 else "#1f6fb4"
        label = f"{by} = {line['by']:g}" if by is not None else "mean"
        axes.fill_between(line["x"], line["low"], line["high"], color=colour, alpha=0.18, linewidth=0)  # fmt: skip
        axes.plot(line["x"], line["mean"], color=colour, linewidth=2, label=label,
                  marker=None if x in TIME else "o")  # fmt: skip
    runs = min(line["runs"] for line in lines)
    axes.set_xlabel(x)
    axes.set_ylabel(y)
    when = "" if at is None else f" at turn {at}"
    axes.set_title(f"{y} against {x}{when}", loc="left", fontsize=12, pad=18)
    over = f", pooled over {', '.join(pooled)}" if pooled else ""
    axes.text(0, 1.015, f"mean and 90% band, {runs} runs per point{over}", transform=axes.transAxes,
              fontsize=9, color="#555555", va="bottom", ha="left")  # fmt: skip
    axes.grid(alpha=0.3)
    if by is not None:
        axes.legend(frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    write_atomic(out, buffer.getvalue())
