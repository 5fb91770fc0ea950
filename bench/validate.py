"""Worst-case `ltl-quiz validate`: time and peak memory for generated files just under the size
limit, printed beside the shipped scenarios' (issue 14).

Run from a checkout with the package installed: `python bench/validate.py`. Each case is grown
until its YAML is as large as a scenario file may be (yaml_source.MAX_BYTES), then validated in a
fresh process, as an author would run it; the figures are that process's wall time
(time.perf_counter) and peak resident memory (as /usr/bin/time reports it).
Target: every file under the limit in under 10 s and 300 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ltl_quiz.scenario.yaml_source import MAX_BYTES  # noqa: E402
from tests import worst_cases  # noqa: E402

TARGET_SECONDS = 10.0
TARGET_MB = 300.0

CASES: dict[str, Callable[[int], dict[str, Any]]] = {
    "long chain (decisions)": worst_cases.long_chain,
    "many flags read at the end": worst_cases.many_flags,
    "12-option flag-setting multis": worst_cases.flag_multis,
    "wide diamonds (10 ways each)": lambda n: worst_cases.wide_diamonds(n, 10),
    "wide diamonds (100 ways each)": lambda n: worst_cases.wide_diamonds(n, 100),
}


def text(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, sort_keys=False)


def largest(make: Callable[[int], dict[str, Any]]) -> tuple[int, str]:
    """The biggest size parameter whose file stays within the limit (doubling, then halving)."""
    low, high = 1, 2
    while len(text(make(high)).encode()) <= MAX_BYTES:
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        if len(text(make(mid)).encode()) <= MAX_BYTES:
            low = mid
        else:
            high = mid
    return low, text(make(low))


def measure(path: Path) -> tuple[float, float, float, int, str]:
    """(wall seconds, CPU seconds, peak MB, exit code, the bounds warning) of `ltl-quiz validate PATH`
    in a new process. CPU time is shown too because the machine may be shared: wall time then
    includes waiting for a core.

    The process is started by /usr/bin/time when there is one: Linux counts a child's peak
    memory from the fork, so a child forked straight from this bench (which holds the generated
    files) would be charged for the bench's own memory.
    """
    timer = ["/usr/bin/time", "-f", "TIME %e %U %S %M"] if Path("/usr/bin/time").exists() else []
    began = time.perf_counter()
    proc = subprocess.run(
        [*timer, sys.executable, "-m", "ltl_quiz", "validate", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "LTL_QUIZ_HOME": tempfile.mkdtemp(prefix="ltl-bench-")},
        check=False,
    )
    seconds = time.perf_counter() - began
    err = proc.stderr.decode(errors="replace").splitlines()
    note = next((line for line in err if "too many paths" in line), "")
    figures = next((line.split()[1:] for line in reversed(err) if line.startswith("TIME ")), None)
    if figures is None:  # no /usr/bin/time: this process's children, as getrusage sees them
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, note
    wall, user, system, kb = figures
    return float(wall), float(user) + float(system), int(kb) / 1024, proc.returncode, note


def row(name: str, size: int, seconds: float, cpu: float, mb: float, note: str) -> str:
    ok = "ok" if seconds < TARGET_SECONDS and mb < TARGET_MB else "OVER TARGET"
    bounded = "bounds" if note else "exact"
    return f"{name:<40} {size:>9,} {seconds:>7.2f} {cpu:>7.2f} {mb:>7.0f}  {bounded:<6} {ok}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="Only cases whose name contains this text.")
    args = parser.parse_args()
    print(f"{'case':<40} {'bytes':>9} {'wall s':>7} {'CPU s':>7} {'peak MB':>7}  figures", flush=True)
    worst = 0.0, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in CASES.items():
            if args.only and args.only not in name:
                continue
            n, body = largest(make)
            path = Path(tmp) / "case.yaml"
            path.write_text(body, encoding="utf-8")
            seconds, cpu, mb, code, note = measure(path)
            worst = max(worst[0], seconds), max(worst[1], mb)
            line = row(f"{name}, n={n}", len(body.encode()), seconds, cpu, mb, note)
            print(line + ("" if code in (0, 1) else f" (exit {code})"), flush=True)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        seconds, cpu, mb, _, note = measure(path)
        print(row(path.name, path.stat().st_size, seconds, cpu, mb, note), flush=True)
    print(f"worst generated case: {worst[0]:.2f} s, {worst[1]:.0f} MB (target {TARGET_SECONDS:.0f} s, {TARGET_MB:.0f} MB)")
    return 0 if worst[0] < TARGET_SECONDS and worst[1] < TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
