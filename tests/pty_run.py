"""Reading what a command wrote to a real pty, for tests that need a terminal but not its screen
(``screen.Terminal`` keeps a screen with pyte; these only want the bytes)."""

from __future__ import annotations

import os
import select
import subprocess


def read_until_done(leader: int, proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    """Everything ``proc`` wrote to the pty whose ``leader`` side this is, until it ends or closes the
    pty; then its exit code. Closes ``leader``."""
    shown = bytearray()
    while True:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the pty closed: the command has finished
                break
            if not chunk:
                break
            shown += chunk
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=60)
    os.close(leader)
    return code, shown.decode("utf-8", "replace")
