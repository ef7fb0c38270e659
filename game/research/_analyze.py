"""Global sensitivity of a metric to a sweep's sampled parameters (`silicon-shield
analyze`): Sobol indices for a Saltelli sample (`sweep --sample N --method sobol`), Morris
elementary effects for a screening sample (`--method morris`). SALib does the sums; the
sample's design comes from the sweep's manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from game.errors import GameError
from game.research._plot import _column, _read, at_turn

__all__ = ["analyze"]


def _manifest(results: Path) -> dict[str, Any]:
    path = results.with_name(f"{results.stem}.manifest.json")
    if not path.is_file():
        raise GameError(f"cannot analyze {str(results)!r}: its manifest {path.name!r} is not beside it")  # fmt: skip
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GameError(f"cannot read {str(path)!r}: {exc}") from None
    return manifest


def analyze(results: str | Path, metric: str, *, turn: int | None = None) -> dict[str, Any]:
    """Rank the sampled parameters by their effect on `metric` at `turn` (default: the last).

    The runs of a point (its replicates) are averaged first, so the indices describe the
    parameters, not the luck of the seeds.

    Returns:
        Plain data: the method, the metric, the turn, the number of points and runs, and
        per parameter its indices, ranked (Sobol: S1, ST with 95% intervals, by ST;
        Morris: mu_star with its interval, sigma, by mu_star).

    Raises:
        ParameterError: for a metric or turn the results do not have.
        GameError: for results not made with `--method sobol` or `morris`, a missing
            manifest, an unfinished sweep, or without the research extra.
    """
    results = Path(results)
    manifest = _manifest(results)
    design = manifest.get("design", {})
    method = design.get("method")
    if method not in ("sobol", "morris"):
        raise GameError(
            f"cannot analyze {str(results)!r}: analyze needs a sweep made with "
            "--sample N --method sobol (or morris), not a "
            f"{'grid' if method in (None, 'grid') else method + ' sample'}"
        )
    if manifest.get("status") != "done" or manifest.get("failed"):
        raise GameError(
            f"cannot analyze {str(results)!r}: the sweep is not complete "
            f"(status {manifest.get('status')!r}, {manifest.get('failed', 0)} failed runs); "
            "finish it with --resume"
        )
    try:
        import numpy as np
        from SALib.analyze import morris, sobol
    except ImportError:
        raise GameError("analyze needs SALib; install the research extra: pip install 'silicon-shield[research]'") from None  # fmt: skip
    frame = _read(results)
    _column(frame, metric, "--metric")
    frame, at = at_turn(frame, turn)
    problem = design["problem"]
    names = problem["names"]
    points = frame.groupby("point")
    y = points[metric].mean().sort_index()
    x = points[names].first().sort_index()
    expected = len(y)
    if list(y.index) != list(range(expected)):
        raise GameError(f"cannot analyze {str(results)!r}: some points of the sample have no rows")
    ranked: list[dict[str, Any]]
    if method == "sobol":
        si = sobol.analyze(problem, y.to_numpy(), calc_second_order=False, seed=design["seed"])
        ranked = [
            {"parameter": n, "S1": float(si["S1"][i]), "S1_conf": float(si["S1_conf"][i]),
             "ST": float(si["ST"][i]), "ST_conf": float(si["ST_conf"][i])}
            for i, n in enumerate(names)
        ]  # fmt: skip
        ranked.sort(key=lambda r: -r["ST"])
    else:
        si = morris.analyze(problem, x.to_numpy(dtype=float), y.to_numpy(), seed=design["seed"])
        ranked = [
            {"parameter": n, "mu_star": float(si["mu_star"][i]),
             "mu_star_conf": float(si["mu_star_conf"][i]), "sigma": float(si["sigma"][i])}
            for i, n in enumerate(names)
        ]  # fmt: skip
        ranked.sort(key=lambda r: -r["mu_star"])
    spread = float(np.std(y.to_numpy()))
    return {
        "method": method,
        "metric": metric,
        "turn": at,
        "points": expected,
        "runs": len(frame),
        "metric_spread": spread,
        "parameters": ranked,
    }


def table(report: dict[str, Any], rows: int | None = None) -> str:
    """The ranked parameters as a text table."""
    lines = [
        f"Sensitivity of {report['metric']} at turn {report['turn']} ({report['method']}, "
        f"{report['points']} points, {report['runs']} runs; standard deviation of the point means "
        f"{report['metric_spread']:.4g})",
    ]
    shown = report["parameters"][:rows] if rows else report["parameters"]
    width = max(len(r["parameter"]) for r in shown) + 2
    if report["method"] == "sobol":
        lines.append(f"  {'parameter':{width}} {'ST':>7} {'±95%':>6} {'S1':>7} {'±95%':>6}")
        for r in shown:
            lines.append(f"  {r['parameter']:{width}} {r['ST']:7.3f} {r['ST_conf']:6.3f} {r['S1']:7.3f} {r['S1_conf']:6.3f}")  # fmt: skip
        lines.append("ST: share of the metric's variance the parameter takes part in (alone or "
                     "with others); S1: alone.")  # fmt: skip
    else:
        lines.append(f"  {'parameter':{width}} {'mu*':>9} {'±95%':>9} {'sigma':>9}")
        for r in shown:
            lines.append(f"  {r['parameter']:{width}} {r['mu_star']:9.4g} {r['mu_star_conf']:9.4g} {r['sigma']:9.4g}")  # fmt: skip
        lines.append("mu*: mean absolute effect of moving the parameter across its range in "
                     "steps; sigma: how much that effect depends on the others.")  # fmt: skip
    if rows and len(report["parameters"]) > rows:
        lines.append(f"  … {len(report['parameters']) - rows} more (--json has them all)")
    return "\n".join(lines)
