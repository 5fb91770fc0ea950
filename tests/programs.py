"""Tests that read our files back with another program (LibreOffice, Chromium, pdftotext).

On a developer's machine a missing program skips those tests, naming the Debian package to install.
Under CI (`CI` set), `.ci/run` installs every one of them, so a missing program there is a failure,
never a quiet skip: an independent check that silently stops running is a check nobody has.
"""

from __future__ import annotations

import os
import shutil

import pytest


def needs_program(program: str, package: str) -> pytest.MarkDecorator:
    """Skip when ``program`` is not on PATH, except under CI, where the test runs and fails loudly."""
    missing = shutil.which(program) is None
    return pytest.mark.skipif(missing and not os.environ.get("CI"), reason=f"{program} is not installed here (apt-get install {package})")
