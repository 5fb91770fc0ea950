"""Where ltl-quiz finds scenarios and keeps its results store and remembered learner.

A checkout keeps everything in its own ``results/`` (the README's way); an installed copy uses the
user's data folder. ``LTL_QUIZ_HOME`` moves the lot, which is what keeps tests isolated.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
STORE_NAME = "ltl-quiz.sqlite3"


@dataclass(frozen=True)
class Locations:
    """The paths in use, as ``ltl-quiz where`` prints them."""

    home: Path
    scenarios: Path
    db_url: str
    follow_links: bool = False  # offer scenario files linked in from outside the scenarios folder

    @property
    def config_file(self) -> Path:
        return self.home / "config.json"

    @property
    def cache_file(self) -> Path:
        return self.home / "cache" / "scenarios.json"

    @property
    def journal_dir(self) -> Path:
        return self.home / "journal"


def checkout_root(folder: Path) -> Path | None:
    """``folder`` if it is an ltl-quiz checkout (has our pyproject and scenarios), else None."""
    pyproject = folder / "pyproject.toml"
    if (folder / "scenarios").is_dir() and pyproject.is_file():
        try:
            if 'name = "ltl-quiz"' in pyproject.read_text(encoding="utf-8"):
                return folder
        except OSError:
            return None
    return None


def user_data_dir() -> Path:
    """The platform's per-user data folder, without pulling in a library for three cases."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "ltl-quiz"


def default_home() -> Path:
    if os.environ.get("LTL_QUIZ_HOME"):
        return Path(os.environ["LTL_QUIZ_HOME"]).expanduser()
    root = checkout_root(Path.cwd())
    return root / "results" if root else user_data_dir()


def default_scenarios() -> Path:
    """The checkout's ``scenarios/`` when running from one, else the copy shipped in the wheel."""
    if os.environ.get("LTL_QUIZ_SCENARIOS"):
        return Path(os.environ["LTL_QUIZ_SCENARIOS"]).expanduser()
    root = checkout_root(PACKAGE_DIR.parent) or checkout_root(Path.cwd())
    if root:
        return root / "scenarios"
    return PACKAGE_DIR / "scenarios"


def resolve(scenarios: Path | None = None, db: str | None = None, home: Path | None = None, follow_links: bool = False) -> Locations:
    """Apply command-line overrides over the environment over the defaults."""
    home = home or default_home()
    url = db or os.environ.get("LTL_QUIZ_DB") or f"sqlite:///{home / STORE_NAME}"
    return Locations(home=home, scenarios=scenarios or default_scenarios(), db_url=url, follow_links=follow_links)


_SECRET_SETTING = re.compile(r"(?i)\b(password|passwd|pwd)(\s*=\s*)('(?:[^'\\]|\\.)*'|\"[^\"]*\"|[^\s&;]+)")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):(/*)(.*)$", re.S)


def redact(url: str) -> str:
    """A database URL (or a message quoting one) safe to print: every password replaced by ***.

    Covers each form SQLAlchemy or libpq takes: ``user:pw@host`` after any number of slashes
    (``scheme:/user:pw@host`` is a common typo), a password holding an unencoded ``@``, and a
    ``password=`` setting in a query string or a key/value connection string.
    """
    text = _SECRET_SETTING.sub(lambda m: f"{m.group(1)}{m.group(2)}***", url)
    match = _SCHEME.match(text)
    if not match:
        return text
    scheme, slashes, rest = match.groups()
    head = rest.split("?", 1)[0]
    at = head.rfind("@") if "@" in head else rest.rfind("@")
    if at < 0:
        return text
    user, colon, _ = rest[:at].partition(":")
    return f"{scheme}:{slashes}{user}{':***' if colon else ''}@{rest[at + 1 :]}"


def sqlite_folder(url: str) -> Path | None:
    """The folder a SQLite URL's file lives in (None for another database or an in-memory one).

    Parsed by hand so that checking it costs no SQLAlchemy import."""
    match = re.match(r"^sqlite(\+\w+)?:///(.*)$", url)
    if not match:
        return None
    path = match.group(2).split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path).parent


def missing_places(where: Locations, db_given: bool, create: bool) -> list[tuple[str, str]]:
    """(option, message) for each place given on the command line or in the environment that does
    not exist: a typo must not quietly become a new empty store or an empty list of cases."""
    found: list[tuple[str, str]] = []
    if not where.scenarios.is_dir():
        found.append(("--scenarios", f"the scenarios folder {where.scenarios} does not exist"))
    folder = sqlite_folder(where.db_url) if db_given and not create else None
    # the home (results/ or the data folder) is made on first use, as it always has been
    if folder is not None and not folder.exists() and folder.absolute() != where.home.absolute():
        found.append(
            (
                "--db",
                f"the folder of the store {redact(where.db_url)} does not exist; check the path, or create a new "
                "store there with 'ltl-quiz --db URL db upgrade' (or --create)",
            )
        )
    return found
