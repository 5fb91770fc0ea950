"""One export job: check the request, open the store, pick the format's writer from the table in
``formats.py`` and send its rows to a file (atomically) or to standard output.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, cast

from ltl_quiz.exporters.formats import BY_NAME, NAMES, ExportFormat, Tick

if TYPE_CHECKING:
    from ltl_quiz.exporters.rows import People
    from ltl_quiz.exporters.scenarios import ScenarioLibrary
    from ltl_quiz.exporters.xapi import XapiSettings
    from ltl_quiz.locations import Locations
    from ltl_quiz.store import Store
    from ltl_quiz.store.queries import Filters

FORMATS = NAMES


@dataclass(frozen=True)
class ExportRequest:
    """Everything an export needs to know, as parsed from the command line."""

    format: str
    what: str
    filters: Filters
    out: Path | None
    pseudonymise: bool = False
    home_page: str | None = None


@dataclass(frozen=True)
class ExportJob:
    """What a writer reads from: the open store, the rows asked for and whom they name."""

    what: str
    filters: Filters
    store: Store
    library: ScenarioLibrary
    people: People
    settings: XapiSettings | None = None  # an xapi export's settings


@dataclass(frozen=True)
class ExportDone:
    rows: int
    path: Path | None
    withheld: tuple[int, int] = (0, 0)  # (learners, reflections) whose written text was left out: not shared


class Ticker(Protocol):
    """A progress display: told (total or None, rows so far) as the export goes."""

    def __call__(self, total: int | None, done: int) -> None: ...

    def finish(self) -> None:
        """Take the display off the screen for good (before data follows it there)."""


def check(request: ExportRequest) -> tuple[ExportFormat, XapiSettings | None]:
    """The format and its xAPI settings, once every format and destination error has been raised:
    the CLI calls this before it draws any progress, so a refused export shows only its error."""
    from ltl_quiz.atomic import check_target
    from ltl_quiz.errors import InputError
    from ltl_quiz.exporters.rows import WHATS

    fmt = BY_NAME.get(request.format)
    if fmt is None:
        raise InputError(f"--format {request.format!r} is not known; use one of: {', '.join(NAMES)}")
    if request.what not in WHATS:
        raise InputError(f"--what {request.what!r} is not known; use one of: {', '.join(WHATS)}")
    if fmt.binary and request.out is None and sys.stdout.isatty():
        raise InputError(f"an {fmt.name} {fmt.noun} is binary and cannot go to the terminal; give --out FILE{fmt.suffix}")
    if request.out is not None:
        check_target(request.out)  # before the store is read: a bad --out fails at once, in one line
    return fmt, (_xapi_settings(request) if request.format == "xapi" else None)


def export(where: Locations, request: ExportRequest, ticker: Ticker | None = None) -> ExportDone:
    """Write the export ``request`` asks for; ``ticker`` hears of progress (for a progress bar)."""
    from ltl_quiz.exporters.scenarios import ScenarioLibrary
    from ltl_quiz.store import Store

    fmt, settings = check(request)
    with Store(where.db_url) as store:
        people = people_for(where, store, request.pseudonymise)
        job = ExportJob(request.what, request.filters, store, ScenarioLibrary(where.scenarios), people, settings)
        return ExportDone(_run(fmt, job, request.out, ticker), request.out, people.withheld_counts())


def people_for(where: Locations, store: Store, pseudonymise: bool) -> People:
    """Who a CPD lead's output names (pseudonymised if asked), and whose reflections' text it may hold:
    only the learners who chose to share it (``store/consent.py``)."""
    from ltl_quiz.exporters.rows import People
    from ltl_quiz.pseudonym import Pseudonymiser, load_key
    from ltl_quiz.store.consent import sharing

    return People(Pseudonymiser(load_key(where.config_file)) if pseudonymise else None, sharing(store))


def _xapi_settings(request: ExportRequest) -> XapiSettings:
    from ltl_quiz.exporters.xapi import XapiSettings

    return XapiSettings.checked(request.home_page)


def _run(fmt: ExportFormat, job: ExportJob, out: Path | None, ticker: Ticker | None) -> int:
    """Send the rows to ``out`` (atomically) or to standard output."""
    from ltl_quiz.atomic import atomic_writer

    tick = _tick(fmt, job, ticker)
    if out is not None:
        with atomic_writer(out, "wb") if fmt.binary else atomic_writer(out, "w", newline="") as handle:
            return fmt.writer(job, handle, tick)
    if ticker is None or _is_file(sys.stdout):
        return fmt.writer(job, _stdout(fmt.binary), tick)
    return _spooled(fmt, job, tick, ticker)


def _spooled(fmt: ExportFormat, job: ExportJob, tick: Tick | None, ticker: Ticker) -> int:
    """Standard output is a pipe or a terminal while a bar draws on standard error: what reads the pipe
    (``| head``) may print to the same screen, and its lines would land on the bar's line. So the rows
    are written aside, the bar is taken off the screen, and only then do they go to standard output."""
    import shutil
    import tempfile

    with tempfile.TemporaryFile("w+b") if fmt.binary else tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        n = fmt.writer(job, cast("IO[Any]", spool), tick)  # bytes or text, as the format is
        ticker.finish()
        spool.seek(0)
        shutil.copyfileobj(spool, _stdout(fmt.binary))
        return n


def _stdout(binary: bool) -> IO[Any]:
    if binary:
        return sys.stdout.buffer
    from ltl_quiz.text import to_terminal

    return to_terminal(sys.stdout)  # a terminal never sees raw control codes


def _is_file(stream: Any) -> bool:
    """Whether ``stream`` is a regular file (``> out.csv``, or /dev/null): nothing that reads it shares the screen."""
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return True  # not a real descriptor (a test's capture): nothing on any screen
    return stat.S_ISREG(mode) or (stat.S_ISCHR(mode) and not os.isatty(stream.fileno()))


def _tick(fmt: ExportFormat, job: ExportJob, ticker: Ticker | None) -> Tick | None:
    """``tick(rows so far)`` for the writer, after telling ``ticker`` the total; None when no bar is drawn
    (then nothing is counted in advance)."""
    if ticker is None:
        return None
    total = fmt.total(job)
    ticker(total, 0)
    return lambda n: ticker(total, n)
