"""Start-up time of `ltl-quiz --help` and `ltl-quiz list` as a ratio to `python -c "import typer"`.

Run with the package installed as a wheel, not editable (an editable install adds a path hook
that every import of ours goes through): `python -m venv /tmp/b && /tmp/b/bin/pip install . &&
/tmp/b/bin/python bench/startup.py [--runs N]`, from a folder where `import ltl_quiz` does not
find the checkout. The three commands are timed side by side, interleaved, in one run, so machine
load affects all three alike; the figures reported are the median wall time of each and the
median CPU time (user + system of the child, which load on the other cores barely moves), and
the ratio of each to `import typer`'s; the target is checked on the CPU ratio. Targets:
--help <= 1.2x, list <= 2.5x (heavy libraries such as SQLAlchemy are imported only by the
commands that use them).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGETS = {"ltl-quiz --help": 1.2, "ltl-quiz list": 2.5}


def command_line() -> list[str]:
    exe = shutil.which("ltl-quiz", path=os.path.dirname(sys.executable)) or shutil.which("ltl-quiz")
    return [exe] if exe else [sys.executable, "-m", "ltl_quiz"]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The wall time and the CPU time (user + system) of one run of ``cmd``."""
    cpu, began = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - began, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = {**os.environ, "LTL_QUIZ_HOME": tempfile.mkdtemp(prefix="ltl-bench-")}
    commands = {
        'python -c "import typer"': [sys.executable, "-c", "import typer"],
        "ltl-quiz --help": [*command_line(), "--help"],
        "ltl-quiz list": [*command_line(), "list"],
    }
    for cmd in commands.values():  # warm the file cache and bytecode once
        timed(cmd, env)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            samples[name].append(timed(cmd, env))
    base_wall, base_cpu = (statistics.median(s[i] for s in samples['python -c "import typer"']) for i in (0, 1))
    print(f"{'command':28} {'wall ms':>8} {'ratio':>6} {'cpu ms':>8} {'ratio':>6} {'target':>7}")
    for name, values in samples.items():
        wall, cpu = (statistics.median(s[i] for s in values) for i in (0, 1))
        target = TARGETS.get(name)
        flag = "" if target is None else ("ok" if cpu / base_cpu <= target else "OVER")
        shown = f"<= {target}" if target else ""
        print(f"{name:28} {wall * 1000:8.1f} {wall / base_wall:6.2f} {cpu * 1000:8.1f} {cpu / base_cpu:6.2f} {shown:>7} {flag}")


if __name__ == "__main__":
    main()
