"""Writing results to disk atomically: CSV always, Parquet with the research extra."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from game.atomic import write_atomic
from game.errors import GameError

__all__ = ["write_atomic", "write_table"]


def _format(value: Any) -> str:
    if isinstance(value, float):
        return repr(round(value, 10))
    return str(value)


def write_table(path: Path, columns: list[str], rows: list[list[Any]]) -> None:
    """Write rows as `.csv` or `.parquet` (by suffix), atomically.

    Raises:
        GameError: for another suffix, a missing folder, or Parquet without pyarrow.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_format(v) for v in row] for row in rows])
        write_atomic(path, buffer.getvalue().encode())
        return
    if suffix == ".parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise GameError(
                f"cannot write {str(path)!r}: Parquet output needs pyarrow; "
                "install it with: pip install 'silicon-shield[research]'"
            ) from None
        table = pa.table({c: [row[i] for row in rows] for i, c in enumerate(columns)})
        sink = io.BytesIO()
        pq.write_table(table, sink)
        write_atomic(path, sink.getvalue())
        return
    raise GameError(
        f"cannot write {str(path)!r}: output must end in .csv or .parquet, not {suffix or 'nothing'!r}"
    )
