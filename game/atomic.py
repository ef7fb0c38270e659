"""Writing a file atomically: a crash leaves either the old file or the new one, whole.

Saves, autosaves and research outputs all write this way: a temporary file in the same
folder, flushed and fsync'ed, then renamed over the target.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from game.errors import GameError

__all__ = ["write_atomic"]


def _create_beside(path: Path) -> tuple[int, Path]:
    """Create a new, empty temporary file in `path`'s folder; return its descriptor and path.

    Unlike `tempfile.mkstemp` (always mode 0o600), the file is created with mode 0o666 so
    that the system applies the umask (and any default ACL), as for any file a command
    writes; an existing `path` passes its own mode on to the new file.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        try:
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        except FileNotFoundError:
            pass  # a new file: the mode the umask gave it
        except OSError:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        return fd, tmp
    raise FileExistsError(f"no free temporary name beside {str(path)!r}")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the new one.

    A new file gets the usual mode for the umask (0o644 under umask 022); a file that is
    replaced keeps its mode.
    """
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise GameError(f"cannot write {str(path)!r}: folder {str(path.parent)!r} does not exist")
    try:
        fd, tmp = _create_beside(path)
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
