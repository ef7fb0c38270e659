"""Writing results to disk atomically: CSV always, Parquet with the research extra."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from game.errors import GameError

__all__ = ["write_atomic", "write_table"]


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the new one."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise GameError(f"cannot write {str(path)!r}: folder {str(path.parent)!r} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise GameError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise GameError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
