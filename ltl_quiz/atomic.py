"""Write a file so that readers see the old content or the new, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _umask_mode() -> int:
    """The mode an ordinary new file gets (mkstemp would make it 0600, surprising for exports)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_writer(
    path: Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None, private: bool = False
) -> Iterator[IO]:
    """Yield a temporary file beside ``path``; on success fsync it and rename it into place.

    If the block raises, the temporary file is removed and ``path`` is untouched, so a failed
    export or config save never leaves a half-written file behind. ``private`` keeps the file
    readable by its owner only (the config holds the pseudonymisation key).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    kwargs = {} if "b" in mode else {"encoding": encoding, "newline": newline}
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), 0o600 if private else _umask_mode())
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str, private: bool = False) -> None:
    with atomic_writer(path, private=private) as handle:
        handle.write(text)
