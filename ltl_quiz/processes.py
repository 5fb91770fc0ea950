"""Whether a process still runs: the test that tells a claim or a temporary file left by a killed
process (kill -9 leaves no chance to tidy up) from one whose owner is still at work."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """True if a process with this id exists, ours or another user's (which we may not signal)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
