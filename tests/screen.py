"""A real terminal for tests: ltl-quiz runs in a pty (pexpect) and pyte keeps the screen it draws.

Tests wait for what a person would see (``wait_for``) and then type, so a key is never sent before
its prompt is on screen; they assert on the screen's rows, exactly as the terminal shows them.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import time
from pathlib import Path

import pexpect
import pyte

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 20.0  # generous: the machine may be busy; a passing test never waits this long
# A wait gives up after TIMEOUT only once the program has been idle (no processor time used) for
# IDLE seconds: on a loaded machine (2 cores, several suites) a program still starting or drawing
# was failed at a fixed 20 s though it was working. PATIENCE x TIMEOUT is the limit whatever it does.
IDLE, PATIENCE = 3.0, 6

UP, DOWN, ENTER, SPACE, CTRL_C, BACKSPACE = "\x1b[A", "\x1b[B", "\r", " ", "\x03", "\x7f"
_APART = r"\s+(?:\\\s+)?"  # between a command's words: a space, or the shell's line continuation and an indent
# The hint to carry on, as a screen shows it: the command's name, the places it was given, then
# ``resume ID`` (group 1), a long one continued over rows; e.g. ``ltl-quiz --scenarios DIR resume 1a2b3c4d``.
RESUME_HINT = rf"ltl[-_]quiz(?:{_APART}--(?:db|scenarios){_APART}\S+)*{_APART}resume{_APART}([0-9a-f]{{8}})"


class Terminal:
    """One ltl-quiz process on a pty of ``cols`` x ``rows``, with its screen and its scrollback."""

    def __init__(self, args: list[str], cols: int, rows: int, env: dict[str, str] | None = None):
        self.screen = pyte.HistoryScreen(cols, rows, history=5000)
        self.screen.set_mode(pyte.modes.LNM)
        self.stream = pyte.ByteStream(self.screen)
        self.transcript: list[str] = []  # every screen seen, for messages when a wait fails
        full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows), **(env or {})}
        full_env.pop("NO_COLOR", None)
        self.child = pexpect.spawn(
            sys.executable, ["-m", "ltl_quiz", *args], env=full_env, dimensions=(rows, cols), cwd=str(ROOT), timeout=TIMEOUT
        )
        self._ticks, self._worked_at = -1, time.monotonic()  # the program's processor time, and when it last grew

    # -- waiting ---------------------------------------------------------------------------------
    def _cpu_ticks(self) -> int:
        """The program's user and system time in clock ticks (0 where /proc cannot tell)."""
        try:
            fields = Path(f"/proc/{self.child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return 0
        return int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat; the list starts at field 3

    def overdue(self, started: float, timeout: float = TIMEOUT) -> bool:
        """Whether a wait begun at ``started`` should give up: past ``timeout`` with the program idle
        for IDLE seconds (waiting for something that will not come), or past PATIENCE times it."""
        now = time.monotonic()
        ticks = self._cpu_ticks()
        if ticks != self._ticks:
            self._ticks, self._worked_at = ticks, now
        if now <= started + timeout:
            return False
        return now - self._worked_at > IDLE or now > started + PATIENCE * timeout

    # -- reading the screen ---------------------------------------------------------------------
    def _pump(self, timeout: float) -> bool:
        """Feed whatever the program wrote within ``timeout``; False once it has exited."""
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.stream.feed(data)
        if b"\x1b[6n" in data:  # a cursor position request: answer as a real terminal does
            self.child.send(f"\x1b[{self.screen.cursor.y + 1};{self.screen.cursor.x + 1}R")
        return True

    def rows(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        return "\n".join(self.rows())

    def history_rows(self) -> list[str]:
        """Rows scrolled off the top, then the screen: everything shown since the start."""
        cols = self.screen.columns
        old = ["".join(line[x].data for x in range(cols)).rstrip() for line in self.screen.history.top]
        return old + self.rows()

    def wait_for(self, pattern: str, timeout: float = TIMEOUT) -> re.Match[str]:
        """Wait until the screen shows ``pattern`` (a regex, searched across its rows)."""
        regex = re.compile(pattern, re.MULTILINE)
        started = time.monotonic()
        while True:
            found = regex.search(self.text())
            if found:
                return found
            alive = self._pump(0.05)
            if not alive and not regex.search(self.text()):
                raise AssertionError(f"ltl-quiz exited without showing {pattern!r}; screen:\n{self.text()}")
            if self.overdue(started, timeout):
                raise AssertionError(f"timed out waiting for {pattern!r}; screen:\n{self.text()}")

    def settle(self, quiet: float = 0.25) -> None:
        """Read until the program has drawn nothing for ``quiet`` seconds (the screen is complete)."""
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            before = self.text()
            if not self._pump(quiet):
                return
            if self.text() == before:
                return

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def resize(self, cols: int, rows: int) -> None:
        self.screen.resize(rows, cols)
        self.child.setwinsize(rows, cols)

    def wait_exit(self) -> int:
        started = time.monotonic()
        while self._pump(0.1):
            if self.overdue(started):
                raise AssertionError(f"ltl-quiz did not exit; screen:\n{self.text()}")
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None else -(self.child.signalstatus or 0)

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


def words(text: str) -> str:
    """Text as a single line of words, to compare what was wrapped with what was written."""
    return " ".join(text.split())


def mid_word_breaks(rows: list[str], cols: int) -> list[tuple[str, str]]:
    """Pairs of rows where the terminal split a word: a row filled to the last column with a
    letter, followed by a row that starts with a letter (our wrapping always leaves an indent or
    a space at the edge). A web address longer than a row is the exception: it is printed whole,
    and the terminal's own wrapping keeps it one address to copy. So is a folder a hint names
    (``--scenarios /a/long/path``) that is longer than a row: one argument to copy, never split by us."""
    out = []
    in_address = False  # the row above is a piece of an address the terminal wrapped (it may take several rows)
    for above, below in itertools.pairwise(rows):
        full = len(above) >= cols
        last = above.split()[-1] if above.strip() else ""
        address = "://" in last or last.startswith("/") or (in_address and " " not in above)
        if full and above[-1].isalnum() and below[:1].isalnum() and not address:
            out.append((above, below))
        in_address = address and full
    return out


# -- playing a case whatever its wording ---------------------------------------------------------
PROMPTS = {  # what each kind of prompt shows last (its hint), as words; matched in the last rows
    "confirm": "Type y or n, then press Enter.",
    "select": "Use the arrow keys or type a",  # a number, or a letter where the options carry letters
    "checkbox": "to tick or untick, Enter when done.",
    "text": "? Your answer:",
    "plain-text": "Your answer:",
    "plain-number": "Type a number from 1 to",
    "plain-numbers": "Type the numbers of all that apply",
    "plain-confirm": "[y/n]",
}


def prompt_on_screen(term: Terminal) -> str | None:
    """Which prompt is waiting, if any. An arrow-key prompt shows its hint only while it waits,
    so its hint anywhere on screen names it; a plain prompt stays in the text, so only the foot counts."""
    rows = [r for r in term.rows() if r.strip()]
    foot = words(" ".join(rows[-4:])).lower()
    last = words(rows[-1]) if rows else ""
    whole = words(" ".join(rows)).lower()
    for kind, shown in PROMPTS.items():
        if kind.endswith("text"):
            if last.startswith(shown):
                return kind
        elif shown.lower() in (foot if kind.startswith("plain") else whole):
            return kind
    if re.search(r"press (any key|enter)( to continue| for )", foot):
        return "pause"
    return None


def next_prompt(term: Terminal, before: str) -> str | None:
    """Wait for the screen to move on from ``before`` and settle on a prompt; None once the program has exited."""
    started = time.monotonic()
    while not term.overdue(started):
        alive = term._pump(0.05)
        if not alive:
            return None
        if term.text() != before:
            term.settle(0.12)  # prompt_toolkit draws a prompt in one write; a short quiet is enough
            kind = prompt_on_screen(term)
            if kind is not None and term.child.isalive():
                return kind
            before = term.text()
    raise AssertionError(f"no prompt came; screen:\n{term.text()}")


def play(
    term: Terminal, answer: dict[str, str] | None = None, seen: list[list[str]] | None = None, pauses: list[str] | None = None
) -> None:
    """Answer every prompt until the program exits: the first option, the first tick, a short text,
    yes. ``seen`` collects the screen at each decision and multi (scrolled through, option by option,
    when the list is taller than the screen), for assertions on what was readable."""
    keys = {
        "confirm": "y" + ENTER,
        "select": "1" + ENTER,
        "checkbox": "1" + ENTER,
        "text": "Who the men were and why she was there" + ENTER,
        "plain-text": "Who the men were and why she was there" + ENTER,
        "pause": ENTER,
        "plain-number": "1" + ENTER,
        "plain-numbers": "1" + ENTER,
        "plain-confirm": "y" + ENTER,
        **(answer or {}),
    }
    before = ""
    while (kind := next_prompt(term, before)) is not None:
        if seen is not None and kind in ("select", "checkbox", "plain-number", "plain-numbers"):
            seen.extend([term.history_rows()] if kind.startswith("plain") else scroll_through(term))
        if pauses is not None and kind == "pause":
            pauses.append(words(" ".join(r for r in term.rows()[-8:] if r.strip())))
        before = term.text()
        term.send(keys[kind])


def scroll_through(term: Terminal) -> list[list[str]]:
    """The screens a choice prompt shows as the arrow moves down its options (a long list scrolls)."""
    screens = [term.rows()]
    if not screens[0][-1].strip():
        return screens  # a blank last row: the whole prompt fits above it, nothing to scroll
    for _ in range(10):
        before = term.text()
        term.send(DOWN)
        term.wait_for("^» ", 5)
        term.settle(0.1)
        if term.text() != before:
            screens.append(term.rows())
    term.send(UP * 10)
    term.settle(0.1)
    return screens


def shows(screens: list[list[str]], text: str) -> bool:
    """Whether one of the screens shows ``text`` whole (wrapped however it was)."""
    wanted = words(text)
    return any(wanted in words(" ".join(_unmarked(screen))) for screen in screens)


def _unmarked(screen: list[str]) -> list[str]:
    """Rows without the prompt's own marks (pointer, tick box, number), leaving the option's words."""
    return [re.sub(r"^[» ] (\[[ x]\] )?\d+\. ", "", row) for row in screen]
