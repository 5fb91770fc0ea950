"""The scenarios ship inside the wheel: a plain, non-editable install finds them from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_the_scenarios_and_list_finds_them(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("ltl_quiz-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(n for n in names if n.startswith("ltl_quiz/scenarios/") and n.endswith(".yaml"))
    assert [Path(n).name for n in shipped] == sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    assert {"ltl_quiz/templates/cpd.html.j2", "ltl_quiz/templates/report.html.j2"} <= set(names)  # the HTML pages' templates
    assert "ltl_quiz/py.typed" in names  # PEP 561: a program importing ltl_quiz gets its type hints checked too
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LTL_QUIZ_")}
    env.update(PYTHONPATH=str(target), LTL_QUIZ_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-m", "ltl_quiz", "list", "--json"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)) == len(shipped)
    where = subprocess.run([sys.executable, "-m", "ltl_quiz", "where"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert f"scenarios: {target / 'ltl_quiz' / 'scenarios'}" in where.stdout
