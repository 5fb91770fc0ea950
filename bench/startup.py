"""Start-up time of `ltl-quiz --help` and `ltl-quiz list` as a ratio to `python -c "import typer"`.

Run from a checkout with the package installed: `python bench/startup.py [--runs N]`.
The three commands are timed side by side, interleaved, in one run, so machine load affects all
three alike; the figure reported is the median wall time of each. Targets: --help <= 1.5x,
list <= 2.5x (heavy libraries such as SQLAlchemy are imported only by the commands that use them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGETS = {"ltl-quiz --help": 1.5, "ltl-quiz list": 2.5}


def command_line() -> list[str]:
    exe = shutil.which("ltl-quiz", path=os.path.dirname(sys.executable)) or shutil.which("ltl-quiz")
    return [exe] if exe else [sys.executable, "-m", "ltl_quiz"]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - began


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
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            samples[name].append(timed(cmd, env))
    base = statistics.median(samples['python -c "import typer"'])
    print(f"{'command':28} {'median ms':>10} {'ratio':>7} {'target':>7}")
    for name, values in samples.items():
        med = statistics.median(values)
        target = TARGETS.get(name)
        flag = "" if target is None else ("ok" if med / base <= target else "OVER")
        print(f"{name:28} {med * 1000:10.1f} {med / base:7.2f} {('<= ' + str(target)) if target else '':>7} {flag}")


if __name__ == "__main__":
    main()
